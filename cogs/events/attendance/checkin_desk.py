"""A member's check-in, from the *Je suis là* click (and the code's form) to their attendance.

Answered privately within Discord's 3 seconds. A click on an event with a code opens the form at once,
after reading the store only; without a code, and for a submitted form, the answer is deferred first,
since checking that the member is still on the server asks Discord. The store decides inside one
transaction (the window, already checked in, the lockout, the code); the checks made before the form
opens only spare the member a form that would be refused.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from agora.clock import epoch
from agora.errors import UserError, send_ephemeral
from agora.permissions import still_member
from cogs.events.attendance.checkin_views import CheckinForm, read_code
from cogs.events.attendance.render import answer_text
from cogs.events.attendance.store import AttendanceStore, CheckIn
from cogs.events.model import TrackedEvent
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora
    from agora.i18n import Words

log = logging.getLogger(__name__)


class CheckinDesk:
    def __init__(self, bot: Agora, store: EventStore, attendance: AttendanceStore) -> None:
        self.bot = bot
        self.store = store
        self.attendance = attendance

    def now(self) -> int:
        return epoch(self.bot.clock.now())

    def words(self, interaction: discord.Interaction[Any]) -> Words:
        return self.bot.catalogue.words(interaction.locale)

    async def event_here(
        self, interaction: discord.Interaction[Any], event_id: int, stale: str
    ) -> TrackedEvent:
        """The event a button or form of this server names; a forged or foreign id gets the stale answer."""
        event = await self.store.get(event_id)
        if event is None or event.guild_id != interaction.guild_id:
            raise UserError(stale)
        return event

    async def click(self, interaction: discord.Interaction[Agora], event_id: int) -> None:
        event = await self.event_here(interaction, event_id, "errors.stale_component")
        refusal = await self.refusal(event, interaction.user.id)
        if refusal is not None:
            await send_ephemeral(interaction, answer_text(event, refusal, self.words(interaction)))
            return
        if await self.attendance.code(event.id) is not None:
            await interaction.response.send_modal(CheckinForm(event.id, self.words(interaction)))
            return
        await self.answer(interaction, event, typed=None)

    async def submit(self, interaction: discord.Interaction[Agora]) -> None:
        """A submitted code form (handed over by bot.forms: see attendance/checkin_views.py)."""
        event_id, typed = read_code(interaction)
        event = await self.event_here(interaction, event_id, "errors.stale_form")
        await self.answer(interaction, event, typed=typed)

    async def refusal(self, event: TrackedEvent, user_id: int) -> CheckIn | None:
        """Why a click would be refused before any code is typed; None when it may go on."""
        times = await self.attendance.times(event.id)
        if times is None:
            return CheckIn("unknown")
        now = self.now()
        state = times.checkin_state(now, self.attendance.opens)
        if state != "open":
            return CheckIn(
                state, until=times.checkin_opens(self.attendance.opens) if state == "before" else None
            )
        known = await self.attendance.attendance(event.id, user_id)
        if known is not None:
            return CheckIn("already", how=known.how)
        until = await self.attendance.blocked_until(event.id, user_id, now)
        return CheckIn("blocked", until=until) if until is not None else None

    async def answer(
        self, interaction: discord.Interaction[Agora], event: TrackedEvent, *, typed: str | None
    ) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.ensure_member(interaction, event.guild_id)
        result = await self.attendance.check_in(event.id, interaction.user.id, typed=typed, now=self.now())
        if result.outcome in ("wrong", "blocked"):
            log.info(
                "event %s: a wrong check-in code from member %s (%s)",
                event.id,
                interaction.user.id,
                result.outcome,
            )
        await send_ephemeral(interaction, answer_text(event, result, self.words(interaction)))

    async def ensure_member(self, interaction: discord.Interaction[Agora], guild_id: int) -> None:
        # Always asked of Discord: a form opened before leaving the server, or a forged click, carries
        # the member as they were.
        if not await still_member(interaction, guild_id, trust_interaction=False):
            raise UserError("events.checkin.error.not_a_member")
