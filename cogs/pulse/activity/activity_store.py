"""Activity's SQL, and nowhere else: messages and distinct authors per channel and local day, and the
server's member count each day.

What reaches this store is already an aggregate: a count of messages and a sketch of their authors per
(guild, channel, day). It never receives a member id, so it cannot store one. Days are local days in
AGORA_TIMEZONE as 'YYYY-MM-DD' text; every read takes an inclusive range of them, which compares as
text in the right order.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from agora.database import Database
from cogs.pulse.activity.sketch import AuthorSketch

# Bounds one statement's parameter list however many channels a caller asks about.
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class DayTally:
    """Messages counted in one channel on one local day since the last flush, and their authors' sketch;
    `parent_id`: the channel a thread is in (None for a channel)."""

    guild_id: int
    channel_id: int
    day: str
    messages: int
    authors: AuthorSketch
    parent_id: int | None = None


@dataclass(frozen=True, slots=True)
class ChannelActivity:
    channel_id: int  # a channel, never a thread: its threads are folded in
    messages: int
    authors: int  # distinct over the whole span asked, not a sum of days


class ActivityStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def add(self, tallies: Iterable[DayTally]) -> None:
        """Adds a flush's tallies in one write transaction: messages summed, sketches merged, and each
        row's `authors` the estimate of its merged sketch."""
        merged: dict[tuple[int, int, str], tuple[int, AuthorSketch, int | None]] = {}
        for tally in tallies:
            key = (tally.guild_id, tally.channel_id, tally.day)
            if key in merged:
                messages, sketch, parent_id = merged[key]
                sketch.merge(tally.authors)
                merged[key] = (messages + tally.messages, sketch, parent_id if parent_id else tally.parent_id)
            else:
                # The caller's sketch left as it was.
                merged[key] = (tally.messages, tally.authors.copy(), tally.parent_id)
        if not merged:
            return
        async with self.database.transaction() as connection:
            for (guild_id, channel_id, day), (messages, sketch, parent_id) in merged.items():
                async with connection.execute(
                    "SELECT messages, sketch FROM activity_days "
                    "WHERE guild_id = ? AND day = ? AND channel_id = ?",
                    (guild_id, day, channel_id),
                ) as cursor:
                    row = await cursor.fetchone()
                if row is not None:
                    messages += row["messages"]
                    sketch.merge(AuthorSketch.from_bytes(row["sketch"]))
                await connection.execute(
                    "INSERT INTO activity_days "
                    "(guild_id, channel_id, parent_id, day, messages, authors, sketch) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (guild_id, day, channel_id) DO UPDATE SET "
                    "messages = excluded.messages, authors = excluded.authors, sketch = excluded.sketch, "
                    "parent_id = coalesce(excluded.parent_id, parent_id)",
                    (guild_id, channel_id, parent_id, day, messages, sketch.estimate(), sketch.to_bytes()),
                )

    async def channel_totals(
        self, guild_id: int, first_day: str, last_day: str, *, leave_out: Collection[int] = frozenset()
    ) -> list[ChannelActivity]:
        """Each channel with messages in the span, its threads' messages and authors folded in (an
        author in the channel and in a thread counts once), busiest first (then by id). The channels
        and threads in `leave_out` are not counted at all (the threads opened on articles, say, whose
        replies the report counts as the articles' discussion). A thread whose channel was deleted
        still counts in that channel's row, under its id."""
        rows = await self.database.fetch_all(
            "SELECT channel_id, coalesce(parent_id, channel_id) AS grouped, messages, authors, sketch "
            "FROM activity_days WHERE guild_id = ? AND day BETWEEN ? AND ?",
            (guild_id, first_day, last_day),
        )
        # Left out here rather than in SQL: the list may be longer than a statement's parameters.
        left_out = frozenset(leave_out)
        groups: dict[int, list[tuple[int, int, bytes]]] = defaultdict(list)
        for row in rows:
            if row["channel_id"] not in left_out:
                groups[row["grouped"]].append((row["messages"], row["authors"], row["sketch"]))
        totals = [
            ChannelActivity(channel_id, sum(messages for messages, _, _ in days), _distinct(days))
            for channel_id, days in groups.items()
        ]
        return sorted(totals, key=lambda total: (-total.messages, total.channel_id))

    async def daily(self, guild_id: int, first_day: str, last_day: str) -> list[tuple[str, int, int]]:
        """(day, messages, distinct authors) for each day of the span with messages, every channel
        merged, in order of days."""
        rows = await self.database.fetch_all(
            "SELECT day, messages, authors, sketch FROM activity_days "
            "WHERE guild_id = ? AND day BETWEEN ? AND ? ORDER BY day",
            (guild_id, first_day, last_day),
        )
        groups: dict[str, list[tuple[int, int, bytes]]] = defaultdict(list)
        for row in rows:
            groups[row["day"]].append((row["messages"], row["authors"], row["sketch"]))
        return [
            (day, sum(messages for messages, _, _ in channels), _distinct(channels))
            for day, channels in groups.items()
        ]

    async def daily_messages(self, guild_id: int, first_day: str, last_day: str) -> dict[str, int]:
        """Messages on each day of the span with any, every channel summed: `daily` without the
        authors, so without reading or merging a sketch."""
        rows = await self.database.fetch_all(
            "SELECT day, sum(messages) AS messages FROM activity_days "
            "WHERE guild_id = ? AND day BETWEEN ? AND ? GROUP BY day",
            (guild_id, first_day, last_day),
        )
        return {row["day"]: row["messages"] for row in rows}

    async def authors(self, guild_id: int, first_day: str, last_day: str) -> int:
        """Distinct authors over the span, every channel and day merged."""
        rows = await self.database.fetch_all(
            "SELECT messages, authors, sketch FROM activity_days WHERE guild_id = ? AND day BETWEEN ? AND ?",
            (guild_id, first_day, last_day),
        )
        return _distinct([(row["messages"], row["authors"], row["sketch"]) for row in rows])

    async def messages_in(
        self, guild_id: int, channel_ids: Iterable[int], first_day: str, last_day: str
    ) -> dict[int, int]:
        """Messages in each of these channels (an article's thread, say) over the span; 0 for a channel
        with none."""
        wanted = sorted(set(channel_ids))
        counts = dict.fromkeys(wanted, 0)
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            placeholders = ", ".join("?" * len(chunk))
            rows = await self.database.fetch_all(
                "SELECT channel_id, sum(messages) AS messages FROM activity_days "  # noqa: S608 — placeholders only
                f"WHERE guild_id = ? AND day BETWEEN ? AND ? AND channel_id IN ({placeholders}) "
                "GROUP BY channel_id",
                (guild_id, first_day, last_day, *chunk),
            )
            counts.update((row["channel_id"], row["messages"]) for row in rows)
        return counts

    async def record_member_count(self, guild_id: int, day: str, members: int) -> None:
        """The server's member count on this local day; the last one read that day wins."""
        async with self.database.transaction() as connection:
            await connection.execute(
                "INSERT INTO member_counts (guild_id, day, members) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id, day) DO UPDATE SET members = excluded.members",
                (guild_id, day, members),
            )

    async def member_counts(self, guild_id: int, first_day: str, last_day: str) -> list[tuple[str, int]]:
        """(day, members) for each day of the span with a count, in order of days."""
        rows = await self.database.fetch_all(
            "SELECT day, members FROM member_counts WHERE guild_id = ? AND day BETWEEN ? AND ? ORDER BY day",
            (guild_id, first_day, last_day),
        )
        return [(row["day"], row["members"]) for row in rows]


def _distinct(rows: Sequence[tuple[int, int, bytes]]) -> int:
    """Distinct authors over rows of (messages, authors, sketch): one row's own estimate as stored,
    several rows' merged sketches."""
    if not rows:
        return 0
    if len(rows) == 1:
        return rows[0][1]
    return AuthorSketch.union(AuthorSketch.from_bytes(sketch) for _, _, sketch in rows).estimate()
