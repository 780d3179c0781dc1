"""Attendance without a click at voice and stage events: a member in the event's channel for at least
AGORA_ATTENDANCE_MINUTES while it runs has attended.

Voice states come with the default intents (GUILD_VOICE_STATES is not privileged): each join, move or
leave reaches `moved`, which opens or adds up the member's presence on the injected clock. The
timeline's pass (`run_pass`) then settles every followed channel against what Discord's cache shows:
the time of those still there is added up (so ten minutes without leaving count), members already
there when Agora starts (GUILD_CREATE's voice states) or when the window opens are followed from then,
and presences of events that ended are closed at their end.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord

from agora.clock import epoch
from cogs.events.attendance.store import AttendanceStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)


def _channel_id(state: discord.VoiceState) -> int | None:
    return state.channel.id if state.channel is not None else None


class VoiceAttendance:
    def __init__(self, bot: Agora, attendance: AttendanceStore) -> None:
        self.bot = bot
        self.attendance = attendance
        # From now on every leave reaches `moved`: a presence counted since then whose member is gone
        # is closed at the pass; one counted before (by an Agora since stopped), where it was counted.
        self.watched_since = epoch(bot.clock.now())

    async def moved(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        """A member joined, left or moved between channels (muting in place changes nothing)."""
        old, new = _channel_id(before), _channel_id(after)
        if member.bot or old == new:
            return
        now = epoch(self.bot.clock.now())
        if old is not None:
            for event_id in await self.attendance.left(old, member.id, now):
                log.info("event %s: member %s attended in its voice channel", event_id, member.id)
        if new is not None:
            await self.attendance.joined(new, [member.id], now)

    def present(self, channel_id: int) -> Callable[[], set[int]] | None:
        """What tells the members (not bots) in the channel, as Discord's cache shows it when asked;
        None when the channel is not known now (its guild unavailable): nothing is decided on it then."""
        channel = self.bot.get_channel(channel_id)
        if not isinstance(channel, discord.VoiceChannel | discord.StageChannel):
            return None

        def members() -> set[int]:
            found = set()
            for user_id in channel.voice_states:
                member = channel.guild.get_member(user_id)
                if member is None or not member.bot:
                    found.add(user_id)
            return found

        return members

    async def run_pass(self) -> int:
        """Settles every followed channel; returns how many members it made attend."""
        now = epoch(self.bot.clock.now())
        attended = 0
        for channel_id, event_ids in (await self.attendance.voice_channels(now)).items():
            present = self.present(channel_id)
            for event_id in event_ids:
                if present is None and await self._still_running(event_id, now):
                    continue
                attended += await self.attendance.settle(
                    event_id, present or set, now, watched_since=self.watched_since
                )
        return attended

    async def _still_running(self, event_id: int, now: int) -> bool:
        times = await self.attendance.times(event_id)
        return times is not None and times.checkin_state(now, self.attendance.opens) == "open"
