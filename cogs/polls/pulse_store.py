"""The polls' SQL for the community's pulse (the weekly digest and the engagement report), and nowhere
else: which polls were open or closed when, who voted in a span, and the counts the report shows.

A poll closes at its deadline even before the deadline pass records it (no vote counts after
`closes_at`: see ballot_store.decide), so the moment a poll closed is the earlier of `closed_at` and
`closes_at`, whichever exist. A poll closed by hand before its deadline closed then; one the pass
closed a little after its deadline (or at startup, after the bot was down) closed at its deadline, in
the week it really closed. Only posted polls count (`message_id`): one whose message Discord refused
was deleted, and one still being posted was never seen by anyone.
"""

from __future__ import annotations

from dataclasses import dataclass

from agora.database import Database
from agora.pulse import Span

# When a poll closed, or NULL while it is open: SQLite's min() of a NULL is NULL, hence the coalesce.
_CLOSED = "coalesce(min(p.closed_at, p.closes_at), p.closed_at, p.closes_at)"


@dataclass(frozen=True, slots=True)
class PollCounts:
    """The polls' figures for one span of the engagement report."""

    created: int  # polls posted in the span
    turnouts: tuple[int, ...]  # distinct voters of each poll that closed in the span
    voters: int  # distinct members who voted in the span
    votes: int  # votes cast in the span (one per answer chosen, as stored)


class PollPulseStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def open_at(self, guild_id: int, at: int) -> list[tuple[int, int]]:
        """(poll id, channel id) of the polls open at `at`, the nearest deadline first, then those
        without one, newest first."""
        rows = await self.database.fetch_all(
            "SELECT p.id, p.channel_id FROM polls p "  # noqa: S608 — a constant expression
            f"WHERE p.guild_id = ? AND p.message_id IS NOT NULL AND p.created_at < ? "
            f"AND ({_CLOSED} IS NULL OR {_CLOSED} > ?) "
            "ORDER BY p.closes_at IS NULL, p.closes_at, p.created_at DESC, p.id DESC",
            (guild_id, at, at),
        )
        return [(row["id"], row["channel_id"]) for row in rows]

    async def closed_during(self, guild_id: int, span: Span) -> list[tuple[int, int]]:
        """(poll id, channel id) of the polls that closed within `span`, the latest first."""
        rows = await self.database.fetch_all(
            f"SELECT p.id, p.channel_id, {_CLOSED} AS closed FROM polls p "  # noqa: S608
            f"WHERE p.guild_id = ? AND p.message_id IS NOT NULL AND {_CLOSED} >= ? AND {_CLOSED} < ? "
            "ORDER BY closed DESC, p.id DESC",
            (guild_id, span.start, span.end),
        )
        return [(row["id"], row["channel_id"]) for row in rows]

    async def voters(self, guild_id: int, span: Span) -> frozenset[int]:
        """The members whose votes, as they stand, were cast within `span` (a withdrawn vote is gone)."""
        rows = await self.database.fetch_all(
            "SELECT DISTINCT v.user_id FROM poll_votes v JOIN polls p ON p.id = v.poll_id "
            "WHERE p.guild_id = ? AND v.voted_at >= ? AND v.voted_at < ?",
            (guild_id, span.start, span.end),
        )
        return frozenset(row["user_id"] for row in rows)

    async def any_posted(self, guild_id: int, before: int) -> bool:
        """Whether the server had a poll posted before `before`: the feature used at all by then."""
        row = await self.database.fetch_one(
            "SELECT 1 FROM polls WHERE guild_id = ? AND message_id IS NOT NULL AND created_at < ? LIMIT 1",
            (guild_id, before),
        )
        return row is not None

    async def counts(self, guild_id: int, span: Span) -> PollCounts:
        created = await self.database.fetch_one(
            "SELECT count(*) FROM polls WHERE guild_id = ? AND message_id IS NOT NULL "
            "AND created_at >= ? AND created_at < ?",
            (guild_id, span.start, span.end),
        )
        turnouts = await self.database.fetch_all(
            "SELECT (SELECT count(DISTINCT v.user_id) FROM poll_votes v WHERE v.poll_id = p.id) AS voters "  # noqa: S608
            f"FROM polls p WHERE p.guild_id = ? AND p.message_id IS NOT NULL "
            f"AND {_CLOSED} >= ? AND {_CLOSED} < ? ORDER BY voters",
            (guild_id, span.start, span.end),
        )
        votes = await self.database.fetch_one(
            "SELECT count(*) AS votes, count(DISTINCT v.user_id) AS voters FROM poll_votes v "
            "JOIN polls p ON p.id = v.poll_id "
            "WHERE p.guild_id = ? AND v.voted_at >= ? AND v.voted_at < ?",
            (guild_id, span.start, span.end),
        )
        return PollCounts(
            created=created[0] if created else 0,
            turnouts=tuple(row["voters"] for row in turnouts),
            voters=votes["voters"] if votes else 0,
            votes=votes["votes"] if votes else 0,
        )
