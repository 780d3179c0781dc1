"""The programme panel at work: each click and each submitted session form, from the organiser's
rank to the panel redrawn and the event's announcement edited.

Every click and form is checked again for the organiser rank (a forwarded or forged click from a member
is refused) and against the store: the event must be this server's and not called off, the session
the event's. A form is read and checked before anything is asked of Discord; then the answer is
deferred, a member speaker is checked with Discord (one who left, or a bot, is refused), and the store
checks again in its write transaction (programme_rules.check_fits) before writing. The panel is
redrawn first, then the announcement is edited (`changed`), so the organiser's answer never waits on
a channel's limits.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

import discord

from agora.clock import epoch
from agora.errors import UserError, send_ephemeral
from agora.meetings import Session
from agora.permissions import Rank, ensure_rank
from cogs.events.model import TrackedEvent
from cogs.events.programme.render import panel_embed, removal_embed
from cogs.events.programme.rules import (
    MAX_SESSIONS,
    EventBounds,
    SessionDraft,
    check_fits,
    check_open,
    read_session,
)
from cogs.events.programme.store import ProgrammeStore
from cogs.events.programme.views import SessionForm, form_ids, panel_view, read_submission, removal_view
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora
    from agora.i18n import Words

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
STALE_CLICK, STALE_FORM = "errors.stale_component", "errors.stale_form"


def bounds_of(event: TrackedEvent) -> EventBounds:
    return EventBounds(event.starts_at, event.assumed_end, event.is_called_off)


def on_panel(interaction: discord.Interaction[Any]) -> bool:
    """Whether the click or form came from a panel, which is only ever ephemeral. A forged click on a
    message everyone sees is answered apart: that message is never redrawn as a panel."""
    return interaction.message is not None and interaction.message.flags.ephemeral


async def redraw(interaction: discord.Interaction[Any], parts: dict[str, Any]) -> None:
    """The panel (or the question before a removal) in place of the one clicked, or sent apart."""
    if on_panel(interaction):
        await interaction.response.edit_message(**parts)
    else:
        await send_ephemeral(interaction, "", embed=parts["embed"], view=parts["view"])


class ProgrammeDesk:
    def __init__(
        self,
        bot: Agora,
        store: EventStore,
        programme: ProgrammeStore,
        changed: Callable[[int], Awaitable[None]],
    ) -> None:
        self.bot = bot
        self.store = store
        self.programme = programme
        self.changed = changed  # the event's announcement follows its programme

    def words(self, interaction: discord.Interaction[Any]) -> Words:
        return self.bot.catalogue.words(interaction.locale)

    async def event_here(
        self, interaction: discord.Interaction[Any], event_id: int, stale: str
    ) -> TrackedEvent:
        """The organiser's event named by a click or form: the rank first, then the event, which must be
        this server's (a forged or foreign id gets the stale answer)."""
        ensure_rank(interaction, Rank.organiser)
        event = await self.store.get(event_id)
        if event is None or event.guild_id != interaction.guild_id:
            raise UserError(stale)
        return event

    async def panel(self, interaction: discord.Interaction[Any], event: TrackedEvent) -> dict[str, Any]:
        sessions = await self.programme.sessions(event.id)
        words, zone = self.words(interaction), self.bot.settings.timezone
        return {
            "embed": panel_embed(event, sessions, words),
            "view": panel_view(event.id, sessions, words, zone, closed=event.is_called_off),
        }

    async def session_of(self, event: TrackedEvent, session_id: int) -> tuple[Session, list[Session]]:
        sessions = await self.programme.sessions(event.id)
        session = next((s for s in sessions if s.id == session_id), None)
        if session is None:  # removed meanwhile, or a forged choice
            raise UserError("events.programme.error.session_gone")
        return session, sessions

    # ---- the panel ----------------------------------------------------------------------------------

    async def open(self, interaction: discord.Interaction[Any], event: TrackedEvent) -> None:
        """`/event programme`: the panel, only to the organiser."""
        check_open(bounds_of(event))
        parts = await self.panel(interaction, event)
        await send_ephemeral(interaction, "", embed=parts["embed"], view=parts["view"])

    async def show(self, interaction: discord.Interaction[Any], event_id: int) -> None:
        """*Keep it*: back to the panel, nothing removed."""
        event = await self.event_here(interaction, event_id, STALE_CLICK)
        await redraw(interaction, await self.panel(interaction, event))

    async def ask_new(self, interaction: discord.Interaction[Any], event_id: int) -> None:
        event = await self.event_here(interaction, event_id, STALE_CLICK)
        check_open(bounds_of(event))
        if len(await self.programme.sessions(event.id)) >= MAX_SESSIONS:
            raise UserError("events.programme.error.full", limit=MAX_SESSIONS)
        form = SessionForm(
            event.id, self.words(interaction), self.bot.settings.timezone, event_start=event.starts_at
        )
        await interaction.response.send_modal(form)

    async def ask_edit(self, interaction: discord.Interaction[Any], event_id: int, session_id: int) -> None:
        event = await self.event_here(interaction, event_id, STALE_CLICK)
        check_open(bounds_of(event))
        session, _ = await self.session_of(event, session_id)
        form = SessionForm(
            event.id,
            self.words(interaction),
            self.bot.settings.timezone,
            event_start=event.starts_at,
            session=session,
        )
        await interaction.response.send_modal(form)

    async def ask_removal(
        self, interaction: discord.Interaction[Any], event_id: int, session_id: int
    ) -> None:
        event = await self.event_here(interaction, event_id, STALE_CLICK)
        check_open(bounds_of(event))
        _, sessions = await self.session_of(event, session_id)
        words = self.words(interaction)
        await redraw(
            interaction,
            {
                "embed": removal_embed(event, sessions, session_id, words),
                "view": removal_view(event.id, session_id, words),
            },
        )

    async def remove(self, interaction: discord.Interaction[Any], event_id: int, session_id: int) -> None:
        event = await self.event_here(interaction, event_id, STALE_CLICK)

        def check(bounds: EventBounds | None, _: Sequence[Session]) -> None:
            check_open(bounds)

        removed = await self.programme.remove(event.id, session_id, check)
        if removed is None:
            raise UserError("events.programme.error.session_gone")
        log.info("event %s: session %s removed by member %s", event.id, session_id, interaction.user.id)
        await redraw(interaction, await self.panel(interaction, event))
        await self.changed(event.id)

    # ---- the session form ---------------------------------------------------------------------------

    async def submit(self, interaction: discord.Interaction[Any]) -> None:
        """A submitted session form (handed over by bot.forms: see programme/views.py)."""
        ensure_rank(interaction, Rank.organiser)
        event_id, session_id = form_ids(interaction)
        event = await self.event_here(interaction, event_id, STALE_FORM)
        check_open(bounds_of(event))
        typed = read_submission(interaction, event.id)
        zone = self.bot.settings.timezone
        draft = read_session(typed, bounds_of(event), zone)
        sessions = await self.programme.sessions(event.id)
        before = next((s for s in sessions if s.id == session_id), None) if session_id else None
        if session_id is not None and before is None:
            raise UserError("events.programme.error.session_gone")
        # Checked here to answer at once; checked again by the store, on the programme as it is then.
        check_fits(draft, bounds_of(event), sessions, editing=session_id)
        if on_panel(interaction):
            await interaction.response.defer()  # the panel is redrawn in place
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
        if draft.speaker_id is not None and (before is None or before.speaker_id != draft.speaker_id):
            await self.check_speaker(event, draft.speaker_id)
        await self.save(interaction, event, session_id, draft)
        parts = await self.panel(interaction, event)
        if on_panel(interaction):
            await interaction.edit_original_response(**parts)
        else:
            await interaction.followup.send(ephemeral=True, allowed_mentions=NO_PINGS, **parts)
        await self.changed(event.id)

    async def save(
        self,
        interaction: discord.Interaction[Any],
        event: TrackedEvent,
        session_id: int | None,
        draft: SessionDraft,
    ) -> None:
        now = epoch(self.bot.clock.now())

        def check(bounds: EventBounds | None, sessions: Sequence[Session]) -> None:
            check_fits(draft, bounds, sessions, editing=session_id)

        if session_id is None:
            saved: Session | None = await self.programme.add(event.id, draft, now, check)
        else:
            saved = await self.programme.update(event.id, session_id, draft, now, check)
        if saved is None:
            raise UserError("events.programme.error.session_gone")
        log.info(
            "event %s: session %s %s by member %s",
            event.id,
            saved.id,
            "added" if session_id is None else "edited",
            interaction.user.id,
        )

    async def check_speaker(self, event: TrackedEvent, user_id: int) -> None:
        """A member speaker must be on the server now, and a person: asked of Discord (the form's own
        list of members may be older than a departure, and a forged form may name anyone)."""
        guild = self.bot.get_guild(event.guild_id)
        if guild is None:
            raise UserError("events.programme.error.speaker_left", speaker=f"<@{user_id}>")
        try:
            member = await guild.fetch_member(user_id)
        except discord.NotFound:
            raise UserError("events.programme.error.speaker_left", speaker=f"<@{user_id}>") from None
        if member.bot:
            raise UserError("events.programme.error.speaker_bot", speaker=f"<@{user_id}>")
