"""What the live Q&A holds about a member (agora/privacy.py): the questions they asked (anonymous ones
included: only the author's own export shows them), their ▲ votes, the boards they started and the
questions they moderated.

Forgetting deletes their questions (and every vote on them) and their votes, and unlinks their name
from the boards they started and the questions they moderated. Once that committed, the messages of
their questions are deleted and the boards and questions they voted on redrawn, best effort, by the
cog (`on_forgotten`): the store sees no Discord.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agora.database import Database
from agora.privacy import Exported, iso_time, snowflake
from cogs.questions.model import HIDDEN

if TYPE_CHECKING:
    import aiosqlite


@dataclass(frozen=True, slots=True)
class Forgotten:
    """What to tidy in Discord once a member was forgotten."""

    messages: tuple[tuple[int, int, int], ...] = ()  # (board, question, message) of their questions
    boards: frozenset[int] = frozenset()  # boards whose questions or counts changed
    voted: tuple[int, ...] = ()  # questions whose count lost their vote


class QuestionsMemberData:
    section = "questions"
    member_columns = {  # noqa: RUF012 — read-only, as the protocol declares it
        "qa_questions": ("author_id", "moderated_by"),
        "qa_votes": ("user_id",),
        "qa_boards": ("started_by",),
    }
    keeps = None

    def __init__(self, database: Database) -> None:
        self.database = database
        # Set by the cog: what to tidy in Discord once a forget committed.
        self.on_forgotten: Callable[[Forgotten], None] | None = None
        self._pending: dict[int, Forgotten] = {}

    async def export_member(self, user_id: int) -> Exported:
        asked = await self.database.fetch_all(
            "SELECT q.id, q.board_id, q.text, q.anonymous, q.state, q.asked_at, q.session_id, b.event_id, "
            "(SELECT count(*) FROM qa_votes v WHERE v.question_id = q.id) AS votes "
            "FROM qa_questions q JOIN qa_boards b ON b.id = q.board_id WHERE q.author_id = ? ORDER BY q.id",
            (user_id,),
        )
        votes = await self.database.fetch_all(
            "SELECT v.question_id, v.voted_at, q.text, q.state FROM qa_votes v "
            "JOIN qa_questions q ON q.id = v.question_id WHERE v.user_id = ? "
            "ORDER BY v.voted_at, v.question_id",
            (user_id,),
        )
        started = await self.database.fetch_all(
            "SELECT id, event_id, started_at, stopped_at FROM qa_boards WHERE started_by = ? ORDER BY id",
            (user_id,),
        )
        moderated = await self.database.fetch_all(
            "SELECT id, state, moderated_at FROM qa_questions WHERE moderated_by = ? ORDER BY id", (user_id,)
        )
        return {
            "questions": [
                {
                    "question_id": snowflake(row["id"]),
                    "board_id": snowflake(row["board_id"]),
                    "event_id": snowflake(row["event_id"]),
                    "session_id": snowflake(row["session_id"]),
                    "text": row["text"],
                    "anonymous": bool(row["anonymous"]),
                    "state": row["state"],
                    "votes": row["votes"],
                    "asked_at": iso_time(row["asked_at"]),
                }
                for row in asked
            ],
            "votes": [
                {
                    "question_id": snowflake(row["question_id"]),
                    # A hidden question's text is no longer shown to anyone but its author.
                    "text": None if row["state"] == HIDDEN else row["text"],
                    "voted_at": iso_time(row["voted_at"]),
                }
                for row in votes
            ],
            "boards_started": [
                {
                    "board_id": snowflake(row["id"]),
                    "event_id": snowflake(row["event_id"]),
                    "started_at": iso_time(row["started_at"]),
                    "stopped_at": iso_time(row["stopped_at"]),
                }
                for row in started
            ],
            "questions_moderated": [
                {
                    "question_id": snowflake(row["id"]),
                    "state": row["state"],
                    "moderated_at": iso_time(row["moderated_at"]),
                }
                for row in moderated
            ],
        }

    async def forget_member(self, connection: aiosqlite.Connection, user_id: int) -> int:
        cursor = await connection.execute(
            "SELECT board_id, id, message_id FROM qa_questions WHERE author_id = ?", (user_id,)
        )
        own = [tuple(row) for row in await cursor.fetchall()]
        cursor = await connection.execute(
            "SELECT q.board_id, q.id FROM qa_votes v JOIN qa_questions q ON q.id = v.question_id "
            "WHERE v.user_id = ? AND q.author_id != ?",
            (user_id, user_id),
        )
        voted = [tuple(row) for row in await cursor.fetchall()]
        changed = 0
        for statement in (
            "DELETE FROM qa_votes WHERE user_id = ?",
            "DELETE FROM qa_questions WHERE author_id = ?",
            "UPDATE qa_questions SET moderated_by = NULL WHERE moderated_by = ?",
            "UPDATE qa_boards SET started_by = NULL WHERE started_by = ?",
        ):
            cursor = await connection.execute(statement, (user_id,))
            changed += max(0, cursor.rowcount)
        self._pending[user_id] = Forgotten(
            messages=tuple((board, question, message) for board, question, message in own if message),
            boards=frozenset({board for board, _, _ in own} | {board for board, _ in voted}),
            voted=tuple(question for _, question in voted),
        )
        return changed

    def member_forgotten(self, user_id: int) -> None:
        """Always told, even with nothing to tidy: what the vote path holds in memory is read again."""
        forgotten = self._pending.pop(user_id, Forgotten())
        if self.on_forgotten is not None:
            self.on_forgotten(forgotten)
