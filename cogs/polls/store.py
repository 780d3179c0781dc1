"""The polls' SQL, and nowhere else. Returns frozen dataclasses, never rows.

Every vote is decided inside one write transaction (the database's single writer serialises them), so
the stored tally always equals the distinct valid votes, however many members click at once.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from agora.clock import epoch
from agora.database import Database
from agora.privacy import Exported, iso_time, snowflake
from cogs.polls.ballot_store import Ballot, BallotBox, PollNotFound

if TYPE_CHECKING:
    import aiosqlite


@dataclass(frozen=True, slots=True)
class Poll:
    id: int
    guild_id: int
    channel_id: int
    message_id: int | None
    author_id: int | None
    question: str
    choices: int
    anonymous: bool
    hide_results: bool
    role_id: int | None
    topic_id: str | None
    language: str
    created_at: int
    closes_at: int | None
    closed_at: int | None
    closed_by: int | None
    results_message_id: int | None
    options: tuple[str, ...]

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def is_open_at(self, now: datetime) -> bool:
        return self.closed_at is None and (self.closes_at is None or epoch(now) < self.closes_at)


@dataclass(frozen=True, slots=True)
class NewPoll:
    guild_id: int
    channel_id: int
    author_id: int
    question: str
    options: tuple[str, ...]
    choices: int = 1
    anonymous: bool = True
    hide_results: bool = False
    role_id: int | None = None
    topic_id: str | None = None
    language: str = "fr"
    closes_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Tally:
    counts: tuple[int, ...]  # votes per option, in option order
    voters: int  # distinct members who hold at least one vote

    def shown_as(self, *, closed: bool) -> str:
        """What a poll message drawn with this tally shows, in a few bytes: `open 3,1,0/4`."""
        return f"{'closed' if closed else 'open'} {','.join(map(str, self.counts))}/{self.voters}"


# In `shown`: Discord refused to edit the message (deleted, or out of the bot's reach). Final, so the
# startup redraw does not try it again at every start; an edit that later succeeds overwrites it.
UNREACHABLE = "unreachable"

_POLL_COLUMNS = (
    "id, guild_id, channel_id, message_id, author_id, question, choices, anonymous, hide_results, role_id, "
    "topic_id, language, created_at, closes_at, closed_at, closed_by, results_message_id"
)


class PollStore:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.box = BallotBox(database)

    async def create(self, new: NewPoll, now: datetime) -> Poll:
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "INSERT INTO polls (guild_id, channel_id, author_id, question, choices, anonymous, "
                "hide_results, role_id, topic_id, language, created_at, closes_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    new.guild_id,
                    new.channel_id,
                    new.author_id,
                    new.question,
                    new.choices,
                    int(new.anonymous),
                    int(new.hide_results),
                    new.role_id,
                    new.topic_id,
                    new.language,
                    epoch(now),
                    epoch(new.closes_at) if new.closes_at else None,
                ),
            )
            poll_id = cursor.lastrowid
            await connection.executemany(
                "INSERT INTO poll_options (poll_id, position, label) VALUES (?, ?, ?)",
                [(poll_id, position, label) for position, label in enumerate(new.options)],
            )
        return await self.get(poll_id or 0)

    async def get(self, poll_id: int) -> Poll:
        row = await self.database.fetch_one(f"SELECT {_POLL_COLUMNS} FROM polls WHERE id = ?", (poll_id,))  # noqa: S608
        if row is None:
            raise PollNotFound(poll_id)
        return await self._with_options(row)

    async def _with_options(self, row: sqlite3.Row) -> Poll:
        options = await self.database.fetch_all(
            "SELECT label FROM poll_options WHERE poll_id = ? ORDER BY position", (row["id"],)
        )
        values = dict(row)
        values["anonymous"] = bool(values["anonymous"])
        values["hide_results"] = bool(values["hide_results"])
        return Poll(**values, options=tuple(option["label"] for option in options))

    async def set_message(self, poll_id: int, message_id: int) -> None:
        """The poll's message was posted, drawn with no votes (its buttons did not exist before)."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "SELECT count(*) FROM poll_options WHERE poll_id = ?", (poll_id,)
            )
            row = await cursor.fetchone()
            shown = Tally((0,) * (row[0] if row else 0), 0).shown_as(closed=False)
            await connection.execute(
                "UPDATE polls SET message_id = ?, shown = ? WHERE id = ?", (message_id, shown, poll_id)
            )

    async def record_shown(self, poll_id: int, shown: str) -> None:
        """What Discord accepted to show in the poll's message (see `Tally.shown_as`)."""
        async with self.database.transaction() as connection:
            await connection.execute("UPDATE polls SET shown = ? WHERE id = ?", (shown, poll_id))

    async def record_unreachable(self, poll_id: int) -> None:
        """Discord refused the poll's message edit for good (404, 403): leave it out of `shown_behind`."""
        await self.record_shown(poll_id, UNREACHABLE)

    async def shown_behind(self, now: datetime) -> list[int]:
        """Polls whose message shows another tally (or state) than the stored one: to redraw.

        That happens when votes were acknowledged but the bot stopped inside the 2-second edit
        window, or a poll was closed just before its message could be redrawn. Compared with what
        was recorded after each accepted edit, so no message is fetched. Open polls past their
        deadline are left to the deadline pass, which redraws them as closed. NULL (a poll from
        before this was recorded) counts as different; an unreachable message is never behind.
        """
        rows = await self.database.fetch_all(
            "SELECT p.id, p.shown, p.closed_at IS NOT NULL AS closed, "
            "(SELECT count(*) FROM poll_votes v WHERE v.poll_id = p.id AND v.position = o.position) "
            "AS votes, "
            "(SELECT count(DISTINCT v.user_id) FROM poll_votes v WHERE v.poll_id = p.id) AS voters "
            "FROM polls p JOIN poll_options o ON o.poll_id = p.id "
            "WHERE p.message_id IS NOT NULL AND ("
            "(p.closed_at IS NULL AND (p.closes_at IS NULL OR p.closes_at > ?) AND p.shown IS NOT ?) "
            "OR (p.closed_at IS NOT NULL AND p.shown LIKE 'open %')) "
            "ORDER BY p.id, o.position",
            (epoch(now), UNREACHABLE),
        )
        behind = []
        for poll_id, group in itertools.groupby(rows, key=lambda row: row["id"]):
            options = list(group)
            first = options[0]
            tally = Tally(tuple(row["votes"] for row in options), first["voters"])
            if tally.shown_as(closed=bool(first["closed"])) != first["shown"]:
                behind.append(poll_id)
        return behind

    async def delete(self, poll_id: int) -> None:
        """Only for a poll whose message could not be posted: nothing of it was ever shown."""
        async with self.database.transaction() as connection:
            await connection.execute("DELETE FROM polls WHERE id = ?", (poll_id,))
        self.box.forget(poll_id)

    async def vote(self, poll_id: int, user_id: int, position: int, now: datetime) -> Ballot:
        """One click on an option: add, move (single choice), toggle (multiple choice) or withdraw."""
        return await self.box.vote(poll_id, user_id, position, now)

    async def tally(self, poll: Poll) -> Tally:
        rows = await self.database.fetch_all(
            "SELECT position, count(*) AS votes, "
            "(SELECT count(DISTINCT user_id) FROM poll_votes WHERE poll_id = ?) AS voters "
            "FROM poll_votes WHERE poll_id = ? GROUP BY position",
            (poll.id, poll.id),
        )
        by_position = {row["position"]: row["votes"] for row in rows}
        return Tally(
            tuple(by_position.get(position, 0) for position in range(len(poll.options))),
            rows[0]["voters"] if rows else 0,
        )

    async def votes(self, poll_id: int) -> list[tuple[int, int, int]]:
        """(position, user_id, voted_at) of every vote, for non-anonymous results and exports."""
        rows = await self.database.fetch_all(
            "SELECT position, user_id, voted_at FROM poll_votes WHERE poll_id = ? "
            "ORDER BY position, voted_at",
            (poll_id,),
        )
        return [(row["position"], row["user_id"], row["voted_at"]) for row in rows]

    async def close(self, poll_id: int, now: datetime, closed_by: int | None) -> bool:
        """Close once: True for the caller that closed it, False if it was already closed."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE polls SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL",
                (epoch(now), closed_by, poll_id),
            )
        # Right after the commit, before any other task runs: no later click is decided as open.
        self.box.forget(poll_id)
        return cursor.rowcount == 1

    async def set_results_message(self, poll_id: int, message_id: int) -> None:
        async with self.database.transaction() as connection:
            await connection.execute(
                "UPDATE polls SET results_message_id = ? WHERE id = ?", (message_id, poll_id)
            )

    async def due_to_close(self, now: datetime) -> list[int]:
        rows = await self.database.fetch_all(
            "SELECT id FROM polls WHERE closed_at IS NULL AND closes_at IS NOT NULL AND closes_at <= ? "
            "AND message_id IS NOT NULL ORDER BY closes_at",
            (epoch(now),),
        )
        return [row["id"] for row in rows]

    async def closed_without_results(self) -> list[int]:
        rows = await self.database.fetch_all(
            "SELECT id FROM polls WHERE closed_at IS NOT NULL AND results_message_id IS NULL "
            "AND message_id IS NOT NULL ORDER BY closed_at"
        )
        return [row["id"] for row in rows]

    async def in_guild(self, guild_id: int, *, open_only: bool, limit: int = 25) -> list[Poll]:
        condition = "AND closed_at IS NULL" if open_only else ""
        rows = await self.database.fetch_all(
            f"SELECT {_POLL_COLUMNS} FROM polls WHERE guild_id = ? AND message_id IS NOT NULL {condition} "  # noqa: S608
            "ORDER BY closed_at IS NOT NULL, created_at DESC LIMIT ?",
            (guild_id, limit),
        )
        return [await self._with_options(row) for row in rows]

    async def recent_topics(self, guild_id: int, limit: int = 100) -> list[str]:
        """Topic ids this server had, oldest first among the last `limit`."""
        rows = await self.database.fetch_all(
            "SELECT topic_id FROM (SELECT topic_id, created_at, id FROM polls WHERE guild_id = ? "
            "AND topic_id IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT ?) ORDER BY created_at, id",
            (guild_id, limit),
        )
        return [row["topic_id"] for row in rows]

    # ---- a member's data (agora/privacy.py) --------------------------------------------------------

    section = "polls"
    member_columns: Mapping[str, tuple[str, ...]] = {
        "poll_votes": ("user_id",),
        "polls": ("author_id", "closed_by"),
    }
    keeps = None

    async def export_member(self, user_id: int) -> Exported:
        """The member's votes (the options chosen, with each poll's question), the polls they created
        and those they closed."""
        votes = await self.database.fetch_all(
            "SELECT v.poll_id, p.question, o.label, v.voted_at FROM poll_votes v "
            "JOIN polls p ON p.id = v.poll_id "
            "JOIN poll_options o ON o.poll_id = v.poll_id AND o.position = v.position "
            "WHERE v.user_id = ? ORDER BY v.voted_at, v.poll_id, v.position",
            (user_id,),
        )
        created = await self.database.fetch_all(
            "SELECT p.id, p.question, p.created_at, "
            "(SELECT json_group_array(label) FROM (SELECT label FROM poll_options "
            "WHERE poll_id = p.id ORDER BY position)) AS options "
            "FROM polls p WHERE p.author_id = ? ORDER BY p.created_at, p.id",
            (user_id,),
        )
        closed = await self.database.fetch_all(
            "SELECT id, question, closed_at FROM polls WHERE closed_by = ? ORDER BY closed_at, id",
            (user_id,),
        )
        return {
            "votes": [
                {
                    "poll_id": snowflake(row["poll_id"]),
                    "question": row["question"],
                    "option": row["label"],
                    "voted_at": iso_time(row["voted_at"]),
                }
                for row in votes
            ],
            "created": [
                {
                    "poll_id": snowflake(row["id"]),
                    "question": row["question"],
                    "options": json.loads(row["options"]),
                    "created_at": iso_time(row["created_at"]),
                }
                for row in created
            ],
            "closed": [
                {
                    "poll_id": snowflake(row["id"]),
                    "question": row["question"],
                    "closed_at": iso_time(row["closed_at"]),
                }
                for row in closed
            ],
        }

    async def forget_member(self, connection: aiosqlite.Connection, user_id: int) -> int:
        """Votes are the member's: deleted. A poll belongs to the server: only who created or closed it
        is unlinked (the creator can then no longer close it with its private button)."""
        changed = 0
        for statement in (
            "DELETE FROM poll_votes WHERE user_id = ?",
            "UPDATE polls SET author_id = NULL WHERE author_id = ?",
            "UPDATE polls SET closed_by = NULL WHERE closed_by = ?",
        ):
            cursor = await connection.execute(statement, (user_id,))
            changed += cursor.rowcount
        # The ballots in memory hold the member's votes. Dropped here, under the write lock, so that no
        # batch of clicks decided right after the commit starts from them (a rollback only costs a read).
        self.box.forget()
        return changed

    def member_forgotten(self, user_id: int) -> None:
        """Nothing left: the ballots were dropped inside the transaction."""
