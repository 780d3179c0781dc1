"""`/event checkin-code` (`/evenement code-accueil`), and the listeners of check-in and attendance: the
code's form, and members' voice states.

A mixin of `EventsCog` (see cogs/events/groups.py): the commands bind to the cog, which creates the
attendance objects through `open_attendance`, gives `event_in_guild` and `event_autocomplete`, and
runs `attendance_pass` in the timeline's pass (check-in messages, time in voice channels).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from agora.clock import epoch
from agora.errors import UserError, send_ephemeral
from agora.permissions import Rank, requires
from cogs.events.attendance.checkin_board import CheckinBoard
from cogs.events.attendance.checkin_desk import CheckinDesk
from cogs.events.attendance.render import code_text
from cogs.events.attendance.rules import new_code
from cogs.events.attendance.store import AttendanceStore
from cogs.events.attendance.voice import VoiceAttendance
from cogs.events.groups import event
from cogs.events.model import TrackedEvent
from cogs.events.registration.render import title
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)


class AttendanceCommands:
    if TYPE_CHECKING:
        bot: Agora
        store: EventStore
        event_in_guild: Callable[[discord.Interaction[Agora], str], Awaitable[TrackedEvent]]
        event_autocomplete: Callable[
            [discord.Interaction[Agora], str], Awaitable[list[app_commands.Choice[str]]]
        ]

    def open_attendance(self) -> None:
        """The attendance objects, created with the cog (they hold no state beyond the store's)."""
        settings = self.bot.settings
        self.attendance = AttendanceStore(
            self.bot.database,
            opens=settings.checkin_opens_seconds,
            attended_after=settings.attendance_minutes * 60,
        )
        self.checkin_board = CheckinBoard(self.bot, self.store, self.attendance)
        self.checkin_desk = CheckinDesk(self.bot, self.store, self.attendance)
        self.voice_attendance = VoiceAttendance(self.bot, self.attendance)

    async def attendance_pass(self) -> int:
        """Check-in messages to post or close, then time in voice channels; each apart from the other."""
        steps = 0
        for name, work in (
            ("check-in", self.checkin_board.run_pass),
            ("voice", self.voice_attendance.run_pass),
        ):
            try:
                steps += await work()
            except Exception:
                log.exception("the %s pass failed", name)
        return steps

    async def follow_voice_channel(self, scheduled: discord.ScheduledEvent, event_id: int) -> None:
        """Keeps where a voice or stage event is held (None for one held elsewhere)."""
        vocal = (discord.EntityType.voice, discord.EntityType.stage_instance)
        channel_id = scheduled.channel_id if scheduled.entity_type in vocal else None
        await self.attendance.set_voice_channel(event_id, channel_id)

    # ---- /event checkin-code ----------------------------------------------------------------------

    @event.command(name="checkin-code")
    @app_commands.describe(event="The event", remove="Remove the code: the button then checks in without one")
    @requires(Rank.organiser)
    async def checkin_code(
        self, interaction: discord.Interaction[Agora], event: str, remove: bool = False
    ) -> None:
        """A 4-digit check-in code to show in the room (only to you); run again to replace it."""
        target = await self.event_in_guild(interaction, event)
        now = epoch(self.bot.clock.now())
        times = await self.attendance.times(target.id)
        if times is None or times.checkin_state(now, self.attendance.opens) == "closed":
            raise UserError("events.checkin.code.error.over", name=title(target))
        words = self.bot.catalogue.words(interaction.locale)
        if remove:
            previous = await self.attendance.set_code(target.id, None, now)
            key = "events.checkin.code.removed" if previous is not None else "events.checkin.code.none"
            await send_ephemeral(interaction, words(key, name=title(target)))
            return
        code = new_code()
        previous = await self.attendance.set_code(target.id, code, now)
        log.info(
            "event %s: check-in code %s by member %s",
            target.id,
            "replaced" if previous else "set",
            interaction.user.id,
        )
        await send_ephemeral(interaction, code_text(target, code, words, replaced=previous is not None))

    @checkin_code.autocomplete("event")
    async def checkin_event_choices(
        self, interaction: discord.Interaction[Agora], current: str
    ) -> list[app_commands.Choice[str]]:
        return await self.event_autocomplete(interaction, current)

    # ---- listeners --------------------------------------------------------------------------------

    @commands.Cog.listener("on_voice_state_update")
    async def follow_voice(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        try:
            await self.voice_attendance.moved(member, before, after)
        except Exception:  # a listener's errors are only logged by discord.py: say which member
            log.exception("could not follow member %s in voice (guild %s)", member.id, member.guild.id)
