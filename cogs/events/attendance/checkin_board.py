"""The check-in message in the event's channel: posted by the timeline's pass when the window opens
(AGORA_CHECKIN_OPENS before the start), shown closed with its button disabled when the window ends.

Both steps are claimed in the store before they are done, so a restart never posts a second message;
a message claimed but not known to be posted (a crash, a timeout) is looked for in the channel first.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from agora.channels import find_own_post
from agora.clock import epoch
from agora.components import walk_components
from cogs.events.attendance.checkin_views import checkin_view
from cogs.events.attendance.render import checkin_text
from cogs.events.attendance.store import AttendanceStore, CheckinMessage
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()


def has_checkin_button(message: discord.Message, event_id: int) -> bool:
    """The message carries the event's check-in button, still enabled: a disabled one is an earlier
    window's (the last occurrence of a recurring event, closed before Discord moved it on)."""
    custom_id = f"event:checkin:{event_id}"
    return any(
        getattr(component, "custom_id", None) == custom_id and not getattr(component, "disabled", False)
        for component in walk_components(message.components)
    )


class CheckinBoard:
    def __init__(self, bot: Agora, store: EventStore, attendance: AttendanceStore) -> None:
        self.bot = bot
        self.store = store
        self.attendance = attendance

    async def run_pass(self) -> int:
        """Posts the messages of windows that opened and closes those of windows that ended; returns
        how many it handled."""
        now = epoch(self.bot.clock.now())
        await self.attendance.claim_openings(now)
        steps = 0
        for claimed in await self.attendance.to_post():
            steps += await self._guarded("post", claimed, self.post(claimed))
        for closing in await self.attendance.claim_closings(now):
            steps += await self._guarded("close", closing, self.close(closing))
        return steps

    async def _guarded(self, step: str, claimed: CheckinMessage, work: Any) -> int:
        # One event's trouble must not hold up the other events' check-in.
        try:
            await work
        except Exception:
            log.exception("event %s: the check-in message's %s step failed", claimed.event_id, step)
            return 0
        return 1

    def _channel(self, channel_id: int | None) -> discord.abc.Messageable | None:
        channel = self.bot.get_channel(channel_id) if channel_id else None
        return channel if isinstance(channel, discord.abc.Messageable) else None

    async def post(self, claimed: CheckinMessage) -> None:
        event = await self.store.get(claimed.event_id)
        times = await self.attendance.times(claimed.event_id)
        if event is None or times is None:
            return
        words = self.bot.catalogue.words(event.language)
        channel = self._channel(claimed.channel_id)
        try:
            if channel is None:
                raise LookupError("the channel is gone")
            found = await find_own_post(channel, self.bot.user, lambda m: has_checkin_button(m, event.id))
            message = found or await channel.send(
                checkin_text(event, words, ends=times.ends),
                view=checkin_view(event.id, words, closed=False),
                allowed_mentions=NO_PINGS,
            )
        except (discord.Forbidden, discord.NotFound, LookupError) as error:
            # Not retried: members can still be counted in voice, and /config names the channel's problem.
            log.warning(
                "event %s: no check-in message in channel %s (%s)", event.id, claimed.channel_id, error
            )
            await self.attendance.set_message(event.id, None)
            return
        await self.attendance.set_message(event.id, message.id)

    async def close(self, closing: CheckinMessage) -> None:
        event = await self.store.get(closing.event_id)
        channel = self._channel(closing.channel_id)
        if event is None or channel is None or closing.message_id is None:
            return
        words = self.bot.catalogue.words(event.language)
        try:
            await channel.get_partial_message(closing.message_id).edit(  # type: ignore[attr-defined]
                content=checkin_text(event, words, ends=None),
                view=checkin_view(event.id, words, closed=True),
                allowed_mentions=NO_PINGS,
            )
        except discord.HTTPException as error:
            log.warning("event %s: could not show its check-in as closed (%s)", event.id, error.status)
