"""The live Q&A's boards and questions: their SQL, and nowhere else (votes, moderation and the close are
decided in tally_store.py; a member's data in member_store.py). Returns frozen dataclasses, never rows.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from agora.clock import epoch
from agora.database import Database
from cogs.questions.model import Board, NewBoard, NewQuestion, Question

if TYPE_CHECKING:
    import aiosqlite

_BOARD = (
    "id, guild_id, event_id, channel_id, thread_id, message_id, language, started_by, started_at, "
    "stopped_at, results_message_id"
)
# A question with its votes counted; `q` is qa_questions.
_QUESTION = (
    "q.id, q.board_id, q.session_id, q.author_id, q.anonymous, q.text, q.message_id, q.asked_at, q.state, "
    "(SELECT count(*) FROM qa_votes v WHERE v.question_id = q.id) AS votes"
)

FLOOD_LIMIT = 5  # questions per member…
FLOOD_WINDOW = 600  # …within this many seconds, across every board of the server


class AlreadyOpen(Exception):
    """An open board already exists for the event or in the channel."""

    def __init__(self, board: Board) -> None:
        super().__init__(board.id)
        self.board = board


class Stopped(Exception):
    """The board was stopped (or is gone) by the time the question was to be stored."""


class Flooded(Exception):
    """The member asked FLOOD_LIMIT questions within FLOOD_WINDOW; `retry_at` is when one more fits."""

    def __init__(self, retry_at: int) -> None:
        super().__init__(retry_at)
        self.retry_at = retry_at


def _board(row: Sequence[object]) -> Board:
    return Board(*row)  # type: ignore[arg-type]


def _question(row: sqlite3.Row) -> Question:
    return Question(
        id=row["id"],
        board_id=row["board_id"],
        session_id=row["session_id"],
        author_id=row["author_id"],
        anonymous=bool(row["anonymous"]),
        text=row["text"],
        message_id=row["message_id"],
        asked_at=row["asked_at"],
        state=row["state"],
        votes=row["votes"],
    )


class BoardStore:
    name = "questions"  # as an occurrence follower (agora/meetings.py)

    def __init__(self, database: Database) -> None:
        self.database = database

    async def follow_occurrence(
        self, connection: aiosqlite.Connection, series_id: int, occurrence_id: int, ended_at: int
    ) -> int:
        """The boards held during an occurrence of a recurring event go with it (those of earlier
        occurrences already went with theirs), so its report has its questions."""
        cursor = await connection.execute(
            "UPDATE qa_boards SET event_id = ? WHERE event_id = ? AND started_at <= ?",
            (occurrence_id, series_id, ended_at),
        )
        return cursor.rowcount

    # ---- boards -----------------------------------------------------------------------------------

    async def create_board(self, new: NewBoard, now: datetime) -> Board:
        """Stored before its message is posted (then `set_posted`, or `delete_board` if Discord refuses).
        Raises AlreadyOpen: one open board per event, and per channel."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                f"SELECT {_BOARD} FROM qa_boards WHERE guild_id = ? AND stopped_at IS NULL "  # noqa: S608 — column names only
                "AND (channel_id = ? OR thread_id = ? OR (event_id IS NOT NULL AND event_id = ?)) "
                "ORDER BY id LIMIT 1",
                (new.guild_id, new.channel_id, new.channel_id, new.event_id),
            )
            found = await cursor.fetchone()
            if found is not None:
                raise AlreadyOpen(_board(found))
            cursor = await connection.execute(
                "INSERT INTO qa_boards (guild_id, event_id, channel_id, language, started_by, started_at) "  # noqa: S608 — column names only
                f"VALUES (?, ?, ?, ?, ?, ?) RETURNING {_BOARD}",
                (new.guild_id, new.event_id, new.channel_id, new.language, new.started_by, epoch(now)),
            )
            row = await cursor.fetchone()
        assert row is not None  # noqa: S101 — RETURNING always gives the inserted row
        return _board(row)

    async def set_posted(self, board_id: int, message_id: int, thread_id: int | None) -> None:
        async with self.database.transaction() as connection:
            await connection.execute(
                "UPDATE qa_boards SET message_id = ?, thread_id = ? WHERE id = ?",
                (message_id, thread_id, board_id),
            )

    async def delete_board(self, board_id: int) -> None:
        async with self.database.transaction() as connection:
            await connection.execute("DELETE FROM qa_boards WHERE id = ?", (board_id,))

    async def set_results(self, board_id: int, message_id: int) -> None:
        async with self.database.transaction() as connection:
            await connection.execute(
                "UPDATE qa_boards SET results_message_id = ? WHERE id = ?", (message_id, board_id)
            )

    async def board(self, board_id: int) -> Board | None:
        row = await self.database.fetch_one(
            f"SELECT {_BOARD} FROM qa_boards WHERE id = ?",  # noqa: S608 — column names only
            (board_id,),
        )
        return _board(row) if row else None

    async def open_board_in(self, guild_id: int, channel_id: int) -> Board | None:
        """The open board posted in this channel, or whose questions go to this thread."""
        row = await self.database.fetch_one(
            f"SELECT {_BOARD} FROM qa_boards WHERE guild_id = ? AND stopped_at IS NULL "  # noqa: S608 — column names only
            "AND message_id IS NOT NULL AND (channel_id = ? OR thread_id = ?) ORDER BY id DESC LIMIT 1",
            (guild_id, channel_id, channel_id),
        )
        return _board(row) if row else None

    async def open_boards(self, guild_id: int) -> list[Board]:
        rows = await self.database.fetch_all(
            f"SELECT {_BOARD} FROM qa_boards WHERE guild_id = ? AND stopped_at IS NULL "  # noqa: S608 — column names only
            "AND message_id IS NOT NULL ORDER BY started_at DESC, id DESC",
            (guild_id,),
        )
        return [_board(row) for row in rows]

    async def unposted_boards(self, before: int) -> list[Board]:
        """Boards started before `before` (the bot's start) and never posted: a crash came between the
        two. A board started since may be being posted right now."""
        rows = await self.database.fetch_all(
            f"SELECT {_BOARD} FROM qa_boards WHERE message_id IS NULL AND started_at < ? ORDER BY id",  # noqa: S608 — column names only
            (before,),
        )
        return [_board(row) for row in rows]

    async def boards_to_catch_up(self, stopped_since: int) -> list[Board]:
        """Posted boards still open, stopped without their final list, or stopped since `stopped_since`
        (their questions' buttons may not show it yet): what a restart redraws."""
        rows = await self.database.fetch_all(
            f"SELECT {_BOARD} FROM qa_boards WHERE message_id IS NOT NULL "  # noqa: S608 — column names only
            "AND (stopped_at IS NULL OR results_message_id IS NULL OR stopped_at >= ?) ORDER BY id",
            (stopped_since,),
        )
        return [_board(row) for row in rows]

    async def stopped_without_list(self, stopped_since: int) -> list[Board]:
        """Posted boards stopped since `stopped_since` whose final list is not posted yet."""
        rows = await self.database.fetch_all(
            f"SELECT {_BOARD} FROM qa_boards WHERE message_id IS NOT NULL AND stopped_at >= ? "  # noqa: S608 — column names only
            "AND results_message_id IS NULL ORDER BY id",
            (stopped_since,),
        )
        return [_board(row) for row in rows]

    # ---- questions --------------------------------------------------------------------------------

    async def add_question(self, new: NewQuestion, now: datetime) -> Question:
        """Stored before its message is posted (then `set_question_message`, or `delete_question`).
        Raises Stopped when the board was stopped meanwhile, Flooded when the member already asked
        FLOOD_LIMIT questions within FLOOD_WINDOW on the server; checked and stored in one transaction,
        so two forms sent at once cannot both slip in."""
        at = epoch(now)
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "SELECT 1 FROM qa_boards WHERE id = ? AND stopped_at IS NULL", (new.board_id,)
            )
            if await cursor.fetchone() is None:
                raise Stopped
            cursor = await connection.execute(
                "SELECT q.asked_at FROM qa_questions q JOIN qa_boards b ON b.id = q.board_id "
                "WHERE q.author_id = ? AND b.guild_id = ? AND q.asked_at > ? ORDER BY q.asked_at DESC",
                (new.author_id, new.guild_id, at - FLOOD_WINDOW),
            )
            recent = [row[0] for row in await cursor.fetchall()]
            if len(recent) >= FLOOD_LIMIT:
                raise Flooded(recent[FLOOD_LIMIT - 1] + FLOOD_WINDOW)
            cursor = await connection.execute(
                "INSERT INTO qa_questions (board_id, session_id, author_id, anonymous, text, asked_at) "
                "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                (new.board_id, new.session_id, new.author_id, int(new.anonymous), new.text, at),
            )
            row = await cursor.fetchone()
        assert row is not None  # noqa: S101 — RETURNING always gives the inserted row
        return Question(
            id=row[0],
            board_id=new.board_id,
            session_id=new.session_id,
            author_id=new.author_id,
            anonymous=new.anonymous,
            text=new.text,
            message_id=None,
            asked_at=at,
            state="open",
        )

    async def set_question_message(self, question_id: int, message_id: int) -> bool:
        """False when the question is gone meanwhile (its author forgotten): its message is an orphan."""
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE qa_questions SET message_id = ? WHERE id = ?", (message_id, question_id)
            )
        return cursor.rowcount == 1

    async def delete_question(self, question_id: int) -> None:
        async with self.database.transaction() as connection:
            await connection.execute("DELETE FROM qa_questions WHERE id = ?", (question_id,))

    async def question(self, question_id: int) -> Question | None:
        row = await self.database.fetch_one(
            f"SELECT {_QUESTION} FROM qa_questions q WHERE q.id = ?",  # noqa: S608 — column names only
            (question_id,),
        )
        return _question(row) if row else None

    async def questions(self, board_id: int) -> list[Question]:
        """The board's posted questions, in the order they were asked."""
        rows = await self.database.fetch_all(
            f"SELECT {_QUESTION} FROM qa_questions q "  # noqa: S608 — column names only
            "WHERE q.board_id = ? AND q.message_id IS NOT NULL ORDER BY q.asked_at, q.id",
            (board_id,),
        )
        return [_question(row) for row in rows]

    async def event_questions(self, event_id: int) -> list[Question]:
        """Every posted question of the event's boards, in the order they were asked."""
        rows = await self.database.fetch_all(
            f"SELECT {_QUESTION} FROM qa_questions q JOIN qa_boards b ON b.id = q.board_id "  # noqa: S608 — column names only
            "WHERE b.event_id = ? AND q.message_id IS NOT NULL ORDER BY q.asked_at, q.id",
            (event_id,),
        )
        return [_question(row) for row in rows]

    async def unposted_questions(self, before: int) -> list[Question]:
        """Questions asked before `before` (the bot's start) and never posted: a crash came between the
        two. A question asked since may be being posted right now."""
        rows = await self.database.fetch_all(
            f"SELECT {_QUESTION} FROM qa_questions q WHERE q.message_id IS NULL AND q.asked_at < ? "  # noqa: S608 — column names only
            "ORDER BY q.id",
            (before,),
        )
        return [_question(row) for row in rows]
