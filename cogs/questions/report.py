"""The Q&A's part of an event's report and export (agora/meetings.py): the questions with their votes
and whether they were answered or hidden, and a CSV of them.

Anonymous means no one ever sees the author: the report names no author at all, and the CSV gives the
author's id only for questions asked under their name (already public in the thread).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from agora.escaping import join_within
from agora.meetings import Meetings, ReportPart, Words
from agora.spreadsheets import Cell, csv_bytes
from cogs.questions.model import Question, ranked
from cogs.questions.render import FIELD, counts_text, ranked_lines
from cogs.questions.store import BoardStore

CSV_COLUMNS = ("text", "session", "votes", "state", "asked_at", "author_id")
FIELD_NAME = 256


def questions_csv(questions: Sequence[Question], sessions: Mapping[int, str], words: Words) -> bytes:
    """UTF-8 with a BOM (so Excel reads the accents), CRLF rows, most votes first (ties: oldest); the
    author's id only for named questions; every text cell safe from spreadsheet formulas."""
    rows: list[list[Cell]] = []
    for question in ranked(list(questions)):
        session = sessions.get(question.session_id, "") if question.session_id is not None else ""
        row: list[Cell] = [
            question.text,
            session,
            question.votes,
            words(f"questions.state.{question.state}"),
            datetime.fromtimestamp(question.asked_at, UTC).isoformat().replace("+00:00", "Z"),
            "" if question.anonymous else str(question.author_id),
        ]
        rows.append(row)
    header = [words(f"questions.csv.{column}") for column in CSV_COLUMNS]
    return csv_bytes(header, rows, words("questions.csv.delimiter"))


def report_fields(questions: Sequence[Question], words: Words) -> tuple[tuple[str, str], ...]:
    """The counts, then every question by votes with ✅ (answered) and 🙈 (hidden), within a field."""
    more = lambda count: words("questions.board.more", count=count)  # noqa: E731
    lines = ranked_lines(ranked(list(questions)), marks=True)
    return (
        (words("questions.report.title")[:FIELD_NAME], counts_text(questions, words)[:FIELD]),
        (words("questions.report.top")[:FIELD_NAME], join_within(lines, FIELD, more)),
    )


class QuestionsReport:
    """Registered on `bot.meetings` by the cog: the events feature asks it for every report."""

    name = "questions"

    def __init__(self, store: BoardStore, meetings: Meetings) -> None:
        self.store = store
        self.meetings = meetings

    async def report_part(self, event_id: int, words: Words) -> ReportPart | None:
        questions = await self.store.event_questions(event_id)
        if not questions:
            return None
        directory = self.meetings.directory
        outline = await directory.outline(event_id) if directory is not None else None
        titles = {session.id: session.title for session in outline.sessions} if outline else {}
        return ReportPart(
            fields=report_fields(questions, words),
            files=((f"questions-{event_id}.csv", questions_csv(questions, titles, words)),),
        )
