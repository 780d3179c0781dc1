"""`/event programme` (`/evenement programme`): the organisers' panel to add, edit and remove an event's
sessions, the listener that answers its session form, and the event's announcement kept in step with
its programme (and with what organisers change in Discord).

A mixin of `EventsCog` (see cogs/events/groups.py): the command binds to the cog, which creates the
programme's objects through `open_programme` (after its `programme` store), gives `event_in_guild` and
`event_autocomplete`, and registers the store's member data when it loads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from agora.permissions import Rank, requires
from cogs.events.groups import event
from cogs.events.model import TrackedEvent
from cogs.events.programme.desk import ProgrammeDesk
from cogs.events.render import announcement_embed

if TYPE_CHECKING:
    from agora.client import Agora
    from cogs.events.programme.store import ProgrammeStore
    from cogs.events.publisher import Reporter
    from cogs.events.registration.store import RegistrationStore
    from cogs.events.store import EventStore
    from cogs.events.timeline import Timeline

log = logging.getLogger(__name__)


class ProgrammeCommands:
    if TYPE_CHECKING:
        bot: Agora
        store: EventStore
        programme: ProgrammeStore
        registrations: RegistrationStore  # opened by RegistrationCommands
        reporter: Reporter
        timeline: Timeline  # its speakers' reviews name speakers too
        event_in_guild: Callable[[discord.Interaction[Agora], str], Awaitable[TrackedEvent]]
        event_autocomplete: Callable[
            [discord.Interaction[Agora], str], Awaitable[list[app_commands.Choice[str]]]
        ]

    def open_programme(self) -> None:
        """The programme's desk, created with the cog (it holds no state beyond the store's)."""
        self.programme_desk = ProgrammeDesk(self.bot, self.store, self.programme, self.programme_changed)
        self.programme.on_unlinked = self.speakers_unlinked
        self._redraws: set[asyncio.Task[None]] = set()

    async def close_programme(self) -> None:
        """Announcements and speakers' reviews still being redrawn after a member was forgotten are
        cancelled and waited for."""
        redraws = list(self._redraws)
        for task in redraws:
            task.cancel()
        await asyncio.gather(*redraws, return_exceptions=True)
        await self.timeline.speaker_reviews.close()

    # ---- /event programme -------------------------------------------------------------------------

    @event.command(name="programme")
    @app_commands.describe(event="The event")
    @requires(Rank.organiser)
    async def programme_panel(self, interaction: discord.Interaction[Agora], event: str) -> None:
        """The programme of an event: add, edit and remove its sessions (only to you)."""
        target = await self.event_in_guild(interaction, event)
        await self.programme_desk.open(interaction, target)

    @programme_panel.autocomplete("event")
    async def programme_event_choices(
        self, interaction: discord.Interaction[Agora], current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.event_autocomplete(interaction, current)

    # ---- the announcement -------------------------------------------------------------------------

    async def programme_changed(self, event_id: int) -> None:
        target = await self.store.get(event_id)
        if target is not None:
            await self.refresh_announcement(target)

    def speakers_unlinked(self, event_ids: list[int], session_ids: list[int]) -> None:
        """A member was forgotten: the announcements and the speakers' reviews that named them as a
        speaker are redrawn."""
        self.timeline.speaker_reviews.redraw_soon(session_ids)
        for event_id in event_ids:
            task = asyncio.create_task(self.redraw_unlinked(event_id), name=f"agora-programme-{event_id}")
            self._redraws.add(task)
            task.add_done_callback(self._redraws.discard)

    async def redraw_unlinked(self, event_id: int) -> None:
        try:
            await self.programme_changed(event_id)
        except Exception:  # a task's error would otherwise only reach asyncio's default handler
            log.exception("event %s: could not redraw its announcement without a forgotten speaker", event_id)

    async def refresh_announcement(self, event: TrackedEvent) -> None:
        """Agora's announcement follows what organisers change in Discord (cancellation included) and the
        event's programme; for an event created in Discord's UI, so does the registration message that
        `/event places` posted with the same embed."""
        message_id, channel_id = event.announcement_message_id, event.channel_id
        if message_id is None:
            settings = await self.registrations.settings(event.id)
            if settings is not None:
                message_id, channel_id = settings.message_id, settings.channel_id or channel_id
        channel = self.bot.get_channel(channel_id or 0)
        if message_id is None or not isinstance(channel, discord.TextChannel):
            return
        sessions = await self.programme.sessions(event.id)
        words = self.reporter.words(event.language)
        try:
            await channel.get_partial_message(message_id).edit(
                embed=announcement_embed(event, words, sessions=sessions)
            )
        except discord.HTTPException as error:
            log.info("event %s: could not update its announcement (%s)", event.id, error.status)
