"""What happens around an event on the clock: reminders (in its channel, and by DM to registered
members: registration/reminders.py), the feedback call and its DMs, the halfway reminder, closing the
window and posting the report; and the waitlist's holds and offers (registration/waitlist.py), the
check-in message and time in voice channels (attendance/checkin_board.py, attendance/voice.py).

The call's DMs, and its halfway reminder, go to the members interested, registered, checked in or
attended in the voice channel: once each, never to one who opted out.

One `Recurring` pass compares the injected clock with the store. Every step is claimed in the store
before it is done, so a pass after a restart catches up without doing anything twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from agora.channels import PostableChannel, find_channel, find_own_post
from agora.components import carrying
from agora.i18n import Words
from cogs.events.answer_store import AnswerStore
from cogs.events.audience_store import AudienceStore
from cogs.events.calendar.notices import MoveNotices
from cogs.events.direct_messages import tell
from cogs.events.model import TrackedEvent
from cogs.events.publisher import Reporter
from cogs.events.registration.reminders import RegisteredReminders
from cogs.events.registration.waitlist import Waitlist
from cogs.events.render import call_embed, invitation_text, reminder_text
from cogs.events.speakers.desk import SpeakerReviews
from cogs.events.store import EventStore
from cogs.events.views import call_view

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

# An explicit limit: with None, discord.py stops at the event's cached user_count, which can be stale.
MAX_INTERESTED = 100_000
NO_PINGS = discord.AllowedMentions.none()


class Timeline:
    def __init__(
        self,
        bot: Agora,
        store: EventStore,
        answers: AnswerStore,
        reporter: Reporter,
        waitlist: Waitlist,
        attendance: Callable[[], Awaitable[int]] | None = None,
    ) -> None:
        self.bot = bot
        self.store = store
        self.answers = answers
        self.reporter = reporter
        self.attendance = attendance  # check-in messages and time in voice channels
        self.waitlist = waitlist
        self.moves = MoveNotices(bot, store, answers)
        self.audience = AudienceStore(bot.database)
        self.registered_reminders = RegisteredReminders(bot, store, answers, self.audience)
        self.speaker_reviews = SpeakerReviews(bot, store, answers, self.organisers_channel)

    def words(self, event: TrackedEvent) -> Words:
        return self.reporter.words(event.language)

    async def run_pass(self) -> int:
        """One pass; returns how many steps it took (reminders, calls, invitations, closings)."""
        now = self.bot.clock.now()
        settings = self.bot.settings
        steps = 0
        for event, _offset in await self.store.claim_reminders(now, settings.event_reminders):
            steps += await self._guarded("reminder", event, self.remind(event))
        try:  # the reminders' DMs to registered members: never in the way of the rest
            steps += await self.registered_reminders.run_pass()
        except Exception:
            log.exception("the pass reminding registered members by DM failed")
        await self.store.claim_calls(
            now, delay=settings.feedback_delay_seconds, window=settings.feedback_window_seconds
        )
        for event in await self.store.calls_to_post():
            steps += await self._guarded("call", event, self.post_call(event))
        for event, kind in await self.store.invitations_due(now):
            steps += await self._guarded(f"{kind} DMs", event, self.invite(event, kind, now))
        for event in await self.store.claim_closing(now):
            steps += await self._guarded("closing", event, self.close(event))
        for event in await self.store.reports_due():
            steps += await self._guarded("report", event, self.post_report(event))
        try:  # after the report: one review per session for the organisers, then what they decided
            steps += await self.speaker_reviews.run_pass()
        except Exception:
            log.exception("the pass of the speakers' reviews failed")
        try:  # holds that lapse, offers to send, events called off: never in the way of the rest
            steps += await self.waitlist.run_pass()
        except Exception:
            log.exception("the waitlist's pass failed")
        try:  # a moved event's DMs with its updated .ics
            steps += await self.moves.run_pass()
        except Exception:
            log.exception("the pass telling members of moved events failed")
        if self.attendance is not None:
            try:  # check-in messages and time in voice channels: never in the way of the rest
                steps += await self.attendance()
            except Exception:
                log.exception("the attendance pass failed")
        return steps

    async def _guarded(self, step: str, event: TrackedEvent, work: Any) -> int:
        # One event's trouble must not hold up the others' reminders and calls.
        try:
            await work
        except Exception:
            log.exception("event %s: the %s step failed", event.id, step)
            return 0
        return 1

    def _channel(self, channel_id: int | None) -> discord.abc.Messageable | None:
        channel = self.bot.get_channel(channel_id) if channel_id else None
        return channel if isinstance(channel, discord.abc.Messageable) else None

    async def remind(self, event: TrackedEvent) -> None:
        await self.interested(event)  # a copy while Discord surely still serves the event
        channel = self._channel(event.channel_id)
        if channel is None:
            log.info("event %s: no channel for its reminder", event.id)
            return
        try:
            await channel.send(reminder_text(event, self.words(event)), allowed_mentions=NO_PINGS)
        except discord.HTTPException as error:
            log.warning(
                "event %s: reminder refused in channel %s (%s)", event.id, event.channel_id, error.status
            )

    # ---- the call ---------------------------------------------------------------------------------

    async def post_call(self, event: TrackedEvent) -> None:
        words = self.words(event)
        channel = self._channel(event.call_channel_id)
        try:
            if channel is None:
                raise LookupError("the channel is gone")
            # Always looked for first: an earlier attempt may have landed before a crash or a timeout.
            found = await find_own_post(channel, self.bot.user, carrying(f"feedback:open:{event.id}"))
            message = found or await channel.send(
                embed=call_embed(event, words, closed=False),
                view=call_view(event.id, words("feedback.button"), closed=False),
                allowed_mentions=NO_PINGS,
            )
        except (discord.Forbidden, discord.NotFound, LookupError) as error:
            # Not retried: the call goes by DM only, and /config names the channel's problem.
            log.warning(
                "event %s: no call in channel %s (%s); DMs only", event.id, event.call_channel_id, error
            )
            await self.store.set_call_message(event.id, None)
            await self.tell_organisers(
                event, "feedback.notice.call_refused", channel=f"<#{event.call_channel_id}>"
            )
            return
        await self.store.set_call_message(event.id, message.id)

    def organisers_channel(self, event: TrackedEvent) -> PostableChannel | None:
        guild = self.bot.get_guild(event.guild_id)
        return find_channel(guild, self.bot.settings.organiser_channel) if guild else None

    async def tell_organisers(self, event: TrackedEvent, key: str, **values: str) -> None:
        """A line in the organisers' channel about something they should fix; nothing without one."""
        channel = self.organisers_channel(event)
        if channel is None:
            return
        name = discord.utils.escape_markdown(event.name)
        try:
            await channel.send(self.words(event)(key, name=name, **values), allowed_mentions=NO_PINGS)
        except discord.HTTPException as error:
            log.warning("event %s: could not tell the organisers (%s)", event.id, error.status)

    def call_link(self, event: TrackedEvent) -> str | None:
        if event.call_message_id is None or event.call_channel_id is None:
            return None
        return (
            f"https://discord.com/channels/{event.guild_id}/{event.call_channel_id}/{event.call_message_id}"
        )

    # ---- direct messages --------------------------------------------------------------------------

    async def interested(self, event: TrackedEvent) -> list[int]:
        """Members marked interested, read from Discord and kept; when Discord no longer serves the
        event (it may drop ended ones), the last copy kept."""
        guild = self.bot.get_guild(event.guild_id)
        scheduled = guild.get_scheduled_event(event.discord_event_id) if guild else None
        try:
            if guild is not None and scheduled is None:
                scheduled = await guild.fetch_scheduled_event(event.discord_event_id)
            if scheduled is not None:
                members = [user.id async for user in scheduled.users(limit=MAX_INTERESTED) if not user.bot]
                await self.store.set_interested(event.id, members)
                return members
        except discord.HTTPException as error:
            log.info("event %s: interested members unavailable from Discord (%s)", event.id, error.status)
        return await self.store.interested_members(event.id)

    async def invite(self, event: TrackedEvent, kind: str, now: datetime) -> None:
        interested = await self.interested(event)
        came_or_registered = await self.audience.attended_or_registered(event.id)
        for user_id in sorted({*interested, *came_or_registered}):
            # Claimed one by one: a restart in the middle resumes with those not yet claimed.
            if await self.answers.claim_invitations(event.id, kind, [user_id], now):
                await self._send_dm(user_id, event, kind)
        await self.store.set_invitations_sent(event.id, kind, now)

    async def _send_dm(self, user_id: int, event: TrackedEvent, kind: str) -> None:
        words = self.reporter.words(await self.answers.language_of(user_id) or event.language)
        await tell(
            self.bot,
            user_id,
            invitation_text(event, words, kind=kind, call_link=self.call_link(event)),
            event_id=event.id,
            what=f"{kind} DM",
            view=call_view(event.id, words("feedback.button"), closed=False),
        )

    # ---- closing ----------------------------------------------------------------------------------

    async def close(self, event: TrackedEvent) -> None:
        words = self.words(event)
        channel = self._channel(event.call_channel_id)
        if channel is not None and event.call_message_id is not None:
            try:
                await channel.get_partial_message(event.call_message_id).edit(  # type: ignore[attr-defined]
                    embed=call_embed(event, words, closed=True),
                    view=call_view(event.id, words("feedback.button"), closed=True),
                )
            except discord.HTTPException as error:
                log.warning("event %s: could not show the call as closed (%s)", event.id, error.status)
        await self.interested(event)  # the report's count, as it stands at the close

    async def post_report(self, event: TrackedEvent) -> None:
        """Once, in the organisers' channel; retried on the next pass unless Discord refuses for good."""
        now = self.bot.clock.now()
        channel = self.organisers_channel(event)
        if channel is None:
            log.info("event %s: feedback closed; no organisers' channel for the report", event.id)
            await self.store.set_report_done(event.id, None, now)
            return
        chart_name = f"feedback-{event.id}.png"
        try:
            found = await find_own_post(
                channel, self.bot.user, lambda m: any(a.filename == chart_name for a in m.attachments)
            )
            if found is None:
                embeds, chart = await self.reporter.report(event, event.language)
                intro = self.words(event)(
                    "feedback.report.closed_intro", name=discord.utils.escape_markdown(event.name)
                )
                found = await channel.send(intro, embeds=embeds, file=chart, allowed_mentions=NO_PINGS)
        except (discord.Forbidden, discord.NotFound) as error:
            log.warning("event %s: report refused in channel %s (%s)", event.id, channel.id, error.code)
            await self.store.set_report_done(event.id, None, now)
            return
        await self.store.set_report_done(event.id, found.id, now)
