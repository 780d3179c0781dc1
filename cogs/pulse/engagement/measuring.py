"""Everything the engagement report reads for a period and the one before it: the server's member
counts and activity (the activity part's store: per channel, its threads folded in), who took part in
what Agora runs and each feature's figures (through `bot.pulse`, never by importing a feature), and the
replies in the articles' threads (left out of their channels: they are the articles' discussion).
And since when Agora has been counting: a previous period it was not counting from the start of has
no chat to compare with, and a period with nothing in it is "nothing yet" only if nothing came before.

Who took part is held in memory as sets of ids only long enough to count them: the active members,
those active before the period (to tell first-timers), and the active members of each day or week of
the trend. Nothing here is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from agora.pulse import EngagementPart, Pulse, Span, Words
from cogs.pulse.activity.activity_store import ActivityStore
from cogs.pulse.engagement.figures import ChannelCount, Measured, TrendPoint
from cogs.pulse.engagement.history_store import HistoryStore
from cogs.pulse.engagement.periods import Period, stretches

EARLIEST_DAY = "0001-01-01"

NameOf = Callable[[int], str | None]  # a channel's name, as the server shows it now; None: not found


class Measurer:
    def __init__(self, pulse: Pulse, activity: ActivityStore, history: HistoryStore, zone: ZoneInfo) -> None:
        self.pulse = pulse
        self.activity = activity
        self.history = history
        self.zone = zone

    async def measure(
        self, guild_id: int, period: Period, words: Words, name_of: NameOf
    ) -> tuple[Measured, Measured]:
        """The period's figures, with its messages and active members day by day (or week), and the
        previous period's figures, to compare them with."""
        previous = period.previous()
        parts = [
            tuple(await self.pulse.engagement_parts(guild_id, p.span(self.zone), words))
            for p in (period, previous)
        ]
        # The threads opened on either period's articles are their articles' discussion, counted in the
        # articles' section as their replies: left out of the channels they are in, in both periods.
        threads = frozenset(
            d.thread_id
            for some in parts
            for part in some
            for d in part.discussions
            if d.thread_id is not None
        )
        since = await self.history.counting_since(guild_id)
        now = await self._measure(guild_id, period, parts[0], threads, name_of, words, since, trend=True)
        before = await self._measure(
            guild_id, previous, parts[1], threads, name_of, words, since, trend=False
        )
        return now, before

    async def _measure(
        self,
        guild_id: int,
        period: Period,
        parts: tuple[EngagementPart, ...],
        threads: frozenset[int],
        name_of: NameOf,
        words: Words,
        since: str | None,
        *,
        trend: bool,
    ) -> Measured:
        """`trend`: the period reported on (its trend drawn, and whether anything came before it told);
        otherwise the one it is compared with."""
        span = period.span(self.zone)
        first_day, last_day = period.days
        members, before = await self._members(guild_id, period)
        active = await self.pulse.participants(guild_id, span)
        # Who took part before: to tell first-timers, and whether an empty period is the first ones'.
        earlier = (
            await self.pulse.participants(guild_id, Span(0, span.start)) if active or trend else frozenset()
        )
        channels = await self.activity.channel_totals(guild_id, first_day, last_day, leave_out=threads)
        replies = await self.activity.messages_in(guild_id, threads, first_day, last_day) if threads else {}
        # Every message of the period: the channels' (their other threads folded in) and the articles'.
        messages = sum(channel.messages for channel in channels) + sum(replies.values())
        return Measured(
            members=members,
            members_before=before,
            active=len(active),
            first_time=len(active - earlier),
            messages=messages,
            authors=await self.activity.authors(guild_id, first_day, last_day) if messages else 0,
            channels=tuple(_channel(c.channel_id, c.messages, c.authors, name_of, words) for c in channels),
            parts=parts,
            replies=replies,
            trend=tuple(await self._trend(guild_id, period)) if trend else (),
            # The period reported on shows what was counted of it, if Agora was counting before its
            # end; the one it is compared with only if Agora was counting from its start.
            counted=since is not None and since <= (last_day if trend else first_day),
            history=(since is not None and since < first_day) or bool(earlier),
        )

    async def _members(self, guild_id: int, period: Period) -> tuple[int | None, int | None]:
        """The last member count within the period, and the last one before it."""
        first_day, last_day = period.days
        within = await self.activity.member_counts(guild_id, first_day, last_day)
        day_before = (period.first_day - timedelta(days=1)).isoformat()
        earlier = await self.activity.member_counts(guild_id, EARLIEST_DAY, day_before)
        return (within[-1][1] if within else None), (earlier[-1][1] if earlier else None)

    async def _trend(self, guild_id: int, period: Period) -> list[TrendPoint]:
        first_day, last_day = period.days
        per_day = await self.activity.daily_messages(guild_id, first_day, last_day)
        points = []
        for stretch in stretches(period):
            messages = sum(
                per_day.get(day.isoformat(), 0) for day in _days(stretch.first_day, stretch.last_day)
            )
            active = await self.pulse.participants(guild_id, stretch.span(self.zone))
            label = f"{stretch.first_day:%d.%m}" if period.kind != "month" else str(stretch.first_day.day)
            points.append(TrendPoint(label, messages, len(active)))
        return points


def _channel(channel_id: int, messages: int, authors: int, name_of: NameOf, words: Words) -> ChannelCount:
    name = name_of(channel_id)
    if name is None:
        return ChannelCount(
            channel_id, words("pulse.engagement.unknown_channel"), messages, authors, found=False
        )
    return ChannelCount(channel_id, name, messages, authors)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
