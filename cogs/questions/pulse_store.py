"""The live Q&A's SQL for the engagement report (agora/pulse.py), and nowhere else: who asked or voted
within a span, and how many questions and votes it saw, across every board of a server.

A vote withdrawn is deleted (tally_store.py), so what is counted is what stands; a question deleted
(its member forgotten, or its post refused) is gone with its votes.
"""

from __future__ import annotations

from dataclasses import dataclass

from agora.database import Database
from agora.pulse import Span


@dataclass(frozen=True, slots=True)
class QuestionCounts:
    asked: int  # questions asked in the span
    askers: int  # distinct members who asked them
    votes: int  # ▲ votes given in the span
    voters: int  # distinct members who gave them


class QuestionPulseStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def participants(self, guild_id: int, span: Span) -> frozenset[int]:
        """Who asked a question or voted for one within `span`."""
        rows = await self.database.fetch_all(
            "SELECT q.author_id AS user_id FROM qa_questions q JOIN qa_boards b ON b.id = q.board_id "
            "WHERE b.guild_id = ? AND q.asked_at >= ? AND q.asked_at < ? "
            "UNION "
            "SELECT v.user_id FROM qa_votes v JOIN qa_questions q ON q.id = v.question_id "
            "JOIN qa_boards b ON b.id = q.board_id "
            "WHERE b.guild_id = ? AND v.voted_at >= ? AND v.voted_at < ?",
            (guild_id, span.start, span.end, guild_id, span.start, span.end),
        )
        return frozenset(row["user_id"] for row in rows)

    async def counts(self, guild_id: int, span: Span) -> QuestionCounts:
        asked = await self.database.fetch_one(
            "SELECT count(*) AS asked, count(DISTINCT q.author_id) AS askers "
            "FROM qa_questions q JOIN qa_boards b ON b.id = q.board_id "
            "WHERE b.guild_id = ? AND q.asked_at >= ? AND q.asked_at < ?",
            (guild_id, span.start, span.end),
        )
        votes = await self.database.fetch_one(
            "SELECT count(*) AS votes, count(DISTINCT v.user_id) AS voters "
            "FROM qa_votes v JOIN qa_questions q ON q.id = v.question_id "
            "JOIN qa_boards b ON b.id = q.board_id "
            "WHERE b.guild_id = ? AND v.voted_at >= ? AND v.voted_at < ?",
            (guild_id, span.start, span.end),
        )
        return QuestionCounts(
            asked=asked["asked"] if asked else 0,
            askers=asked["askers"] if asked else 0,
            votes=votes["votes"] if votes else 0,
            voters=votes["voters"] if votes else 0,
        )

    async def any_started(self, guild_id: int, before: int) -> bool:
        """Whether the server had a live Q&A started before `before`: the feature used at all by then."""
        row = await self.database.fetch_one(
            "SELECT 1 FROM qa_boards WHERE guild_id = ? AND started_at < ? LIMIT 1", (guild_id, before)
        )
        return row is not None
