"""`/event places|attendees|mine` (`/evenement places|inscrits|mes-inscriptions`): places and a deadline
for an event (or no limit any more: `unlimited`, and everyone waiting is offered a place, held as when
places are raised), the organisers' list (with who checked in) and its CSV for the door, and a member's
own registrations.

A mixin of `EventsCog` (see cogs/events/groups.py): the commands bind to the cog, which creates the
registration objects through `open_registrations` and gives `event_in_guild` and `event_autocomplete`.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from agora.clock import epoch
from agora.errors import UserError, send_ephemeral
from agora.escaping import join_within
from agora.permissions import Rank, requires
from cogs.events.answer_store import AnswerStore
from cogs.events.attendance.store import AttendanceStore
from cogs.events.groups import event
from cogs.events.model import TrackedEvent
from cogs.events.programme.store import ProgrammeStore
from cogs.events.registration.board import RegistrationBoard
from cogs.events.registration.desk import RegistrationDesk, refused
from cogs.events.registration.render import attendees_csv, attendees_embed, mine_line, state_text
from cogs.events.registration.rules import check_places, read_deadline
from cogs.events.registration.store import RegistrationRefused, RegistrationStore
from cogs.events.registration.views import mine_view
from cogs.events.registration.waitlist import Waitlist
from cogs.events.registration.waitlist_store import ENDED
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

QUERY_CHUNK = 100  # Discord's most user ids in one request for guild members
QUERY_TIMEOUT = 10.0
MINE_LIMIT = 4000


class RegistrationCommands:
    if TYPE_CHECKING:
        bot: Agora
        store: EventStore
        attendance: AttendanceStore  # opened by AttendanceCommands
        programme: ProgrammeStore
        event_in_guild: Callable[[discord.Interaction[Agora], str], Awaitable[TrackedEvent]]
        event_autocomplete: Callable[
            [discord.Interaction[Agora], str], Awaitable[list[app_commands.Choice[str]]]
        ]

    def open_registrations(self, answers: AnswerStore) -> None:
        """The registration objects, created with the cog (they hold no state beyond the store's)."""
        self.registrations = RegistrationStore(
            self.bot.database, hold_seconds=self.bot.settings.waitlist_hold_seconds, clock=self.bot.clock
        )
        self.registration_board = RegistrationBoard(self.bot, self.store, self.registrations)
        self.waitlist = Waitlist(self.bot, self.store, answers, self.registrations, self.registration_board)
        self.registration_desk = RegistrationDesk(
            self.bot, self.store, self.registrations, self.registration_board, self.waitlist
        )

    # ---- /event places ----------------------------------------------------------------------------

    @event.command(name="places")
    @app_commands.describe(
        event="The event",
        places="Places (1 to 10,000); then a waitlist",
        deadline="Registration deadline: 2026-12-01 18:00 (default: the start)",
        unlimited="True: no limit any more (instead of places); everyone waiting is offered a place",
    )
    @requires(Rank.organiser)
    async def set_places(
        self,
        interaction: discord.Interaction[Agora],
        event: str,
        places: int | None = None,
        deadline: app_commands.Range[str, 1, 40] | None = None,
        unlimited: bool = False,
    ) -> None:
        """Places and a registration deadline for an event, with Register buttons."""
        target = await self.event_in_guild(interaction, event)
        now = self.bot.clock.now()
        if target.status in ENDED or target.starts_at <= epoch(now):
            raise UserError("events.places.error.started")
        if (places is None) != unlimited:  # exactly one of them: a number of places, or no limit
            raise UserError("events.places.error.places_or_unlimited")
        check_places(places)
        current = await self.registrations.settings(target.id)
        closes = read_deadline(deadline, target.starts_at, now, self.bot.settings.timezone)
        if closes is None and current is not None:
            closes = current.deadline  # unchanged unless typed again
        try:
            change = await self.registrations.configure(
                target.id, places=places, deadline=closes, now=epoch(now)
            )
        except RegistrationRefused as error:
            raise refused(error) from None
        board = self.registration_board
        has_message = current is not None and current.message_id is not None
        if not has_message and target.announcement_message_id is not None and target.channel_id is not None:
            await board.attach(
                target.id, target.channel_id, target.announcement_message_id, await board.board(target)
            )
            has_message = True
        words = self.bot.catalogue.words(interaction.locale)
        # Answered first: posting in a channel may wait on Discord's post limits.
        await send_ephemeral(interaction, state_text(await board.board(target), words))
        if has_message:
            board.request(target.id)
        else:
            await self.post_registration(interaction, target)
        await self.waitlist.send_offers(change.offers)

    async def post_registration(self, interaction: discord.Interaction[Agora], target: TrackedEvent) -> None:
        """A registration message for an event created in Discord's UI, in the event's channel."""
        channel = self.bot.get_channel(target.channel_id or 0)
        try:
            if not isinstance(channel, discord.TextChannel):
                raise LookupError("no channel for the event")
            await self.registration_board.post(target, channel, await self.programme.sessions(target.id))
        except (discord.HTTPException, LookupError) as error:
            log.warning("event %s: no registration message (%s)", target.id, error)
            where = f"<#{target.channel_id}>" if target.channel_id else "—"
            await send_ephemeral(interaction, self.bot.catalogue.for_interaction(
                interaction, "events.places.error.cannot_post", channel=where
            ))  # fmt: skip

    # ---- /event attendees -------------------------------------------------------------------------

    @event.command(name="attendees")
    @app_commands.describe(event="The event")
    @requires(Rank.organiser)
    async def attendees(self, interaction: discord.Interaction[Agora], event: str) -> None:
        """Who registered, waits and checked in, with a CSV for the door (only to you)."""
        target = await self.event_in_guild(interaction, event)
        await interaction.response.defer(ephemeral=True, thinking=True)
        places = await self.registrations.places_of(target.id)
        attended = await self.attendance.attendees(target.id)
        user_ids = list(dict.fromkeys([*(p.user_id for p in places), *(a.user_id for a in attended)]))
        names = await self.member_names(interaction.guild, user_ids)
        words = self.bot.catalogue.words(interaction.locale)
        board = await self.registration_board.board(target)
        data = attendees_csv(places, attended, names, words)
        await interaction.followup.send(
            embed=attendees_embed(target, board, places, attended, names, words),
            file=discord.File(io.BytesIO(data), filename=f"attendees-{target.id}.csv"),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    async def member_names(self, guild: discord.Guild | None, user_ids: Sequence[int]) -> dict[int, str]:
        """Display names, from the cache or asked of Discord 100 at a time (no privileged intent needed
        for members named by id); members who left have none."""
        if guild is None:
            return {}
        names: dict[int, str] = {}
        missing = []
        for user_id in user_ids:
            member = guild.get_member(user_id)
            if member is not None:
                names[user_id] = member.display_name
            else:
                missing.append(user_id)
        for start in range(0, len(missing), QUERY_CHUNK):
            chunk = missing[start : start + QUERY_CHUNK]
            try:
                async with asyncio.timeout(QUERY_TIMEOUT):
                    found = await guild.query_members(user_ids=chunk, limit=QUERY_CHUNK, cache=False)
            except (TimeoutError, discord.ClientException) as error:
                log.warning("guild %s: member names unavailable (%r)", guild.id, error)
                break
            names.update((member.id, member.display_name) for member in found)
        return names

    # ---- /event mine ------------------------------------------------------------------------------

    @event.command(name="mine")
    async def mine(self, interaction: discord.Interaction[Agora]) -> None:
        """Your registrations and waitlist places, each with a cancel button."""
        now = epoch(self.bot.clock.now())
        words = self.bot.catalogue.words(interaction.locale)
        found = []
        for place in await self.registrations.member_places(interaction.user.id):
            target = await self.store.get(place.event_id)
            if target is None or target.guild_id != interaction.guild_id:
                continue
            if target.status in ENDED or target.starts_at <= now:
                continue
            found.append((target, place))
        if not found:
            await send_ephemeral(interaction, words("events.mine.empty"))
            return
        lines = [mine_line(target, place, words) for target, place in found]
        embed = discord.Embed(
            title=words("events.mine.title"),
            description=join_within(lines, MINE_LIMIT, lambda n: words("events.attendees.more", count=n)),
            colour=discord.Colour.blurple(),
        )
        view = mine_view([(target.id, target.name) for target, _ in found], words)
        await send_ephemeral(interaction, "", embed=embed, view=view)

    @set_places.autocomplete("event")
    @attendees.autocomplete("event")
    async def registration_event_choices(
        self, interaction: discord.Interaction[Agora], current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.event_autocomplete(interaction, current)
