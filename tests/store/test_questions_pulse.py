"""The live Q&A's part of the engagement report on a real SQLite file: who asked or voted within a
month, and its figures, computed here by hand."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agora.clock import epoch
from agora.database import Database
from agora.i18n import Catalogue
from agora.pulse import Span
from cogs.questions.model import NewBoard, NewQuestion
from cogs.questions.pulse import QuestionsPulse
from cogs.questions.pulse_store import QuestionPulseStore
from cogs.questions.store import BoardStore
from cogs.questions.tally_store import Clicked, TallyStore

GUILD = 10
NOVEMBER = Span(epoch(datetime(2026, 11, 1, tzinfo=UTC)), epoch(datetime(2026, 12, 1, tzinfo=UTC)))


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, tzinfo=UTC)


class Room:
    """Boards, questions and ▲ votes through the Q&A's own stores."""

    def __init__(self, database: Database) -> None:
        self.boards = BoardStore(database)
        self.tally = TallyStore(database)

    async def board(self, guild: int = GUILD, channel: int = 20) -> int:
        created = await self.boards.create_board(NewBoard(guild, None, channel, "fr", 5), at(10, 1))
        await self.boards.set_posted(created.id, 1000 + created.id, 3000 + created.id)
        return created.id

    async def ask(self, board_id: int, author: int, when: datetime, guild: int = GUILD) -> int:
        question = await self.boards.add_question(
            NewQuestion(board_id, guild, None, author, False, "Q ?"), when
        )
        assert await self.boards.set_question_message(question.id, 2000 + question.id)
        return question.id

    async def vote(self, question_id: int, user_id: int, when: datetime, guild: int = GUILD) -> None:
        await self.tally.vote(question_id, user_id, when, Clicked(2000 + question_id, guild))


async def test_the_questions_figures_of_a_month_computed_by_hand(database):
    room = Room(database)
    board = await room.board()
    q1 = await room.ask(board, 7, at(11, 2))
    q2 = await room.ask(board, 7, at(11, 3))
    q3 = await room.ask(board, 8, at(11, 4))
    q4 = await room.ask(board, 9, at(10, 30))  # October
    await room.ask(board, 6, datetime(2026, 12, 1, tzinfo=UTC))  # December's first second
    await room.vote(q1, 20, at(11, 2))
    await room.vote(q1, 21, at(11, 2))
    await room.vote(q3, 7, at(11, 4))
    await room.vote(q4, 22, at(10, 31))  # October
    await room.vote(q4, 23, datetime(2026, 11, 1, tzinfo=UTC))  # November's first second
    await room.vote(q2, 24, at(11, 5))
    await room.vote(q2, 24, at(11, 5))  # withdrawn: gone
    other = await room.board(guild=11, channel=30)
    elsewhere = await room.ask(other, 30, at(11, 2), guild=11)
    await room.vote(elsewhere, 31, at(11, 2), guild=11)
    pulse = QuestionsPulse(QuestionPulseStore(database))

    part = await pulse.engagement(GUILD, NOVEMBER, Catalogue.load("fr").words("fr"))

    assert (part.section, part.title) == ("questions", "Questions en direct")
    figures = {figure.key: (figure.value, figure.people, figure.base) for figure in part.figures}
    # The questions rest on their askers, the votes on their voters: the report withholds either
    # when it rests on 1 or 2 people.
    assert figures == {
        "questions.asked": (3, False, 2),  # q1, q2, q3, by 7 and 8
        "questions.askers": (2, True, None),  # 7 and 8
        "questions.votes": (4, False, 4),  # 20 and 21 on q1, 7 on q3, 23 on q4
    }
    # Askers 7 and 8; voters 20, 21, 7, 23. Not 9 (asked in October) nor 22 (voted in October).
    assert await pulse.participants(GUILD, NOVEMBER) == frozenset({7, 8, 20, 21, 23})
    assert await pulse.participants(11, NOVEMBER) == frozenset({30, 31})
    assert not part.funnel and not part.discussions


async def test_a_month_without_questions_counts_nothing(database):
    room = Room(database)
    await room.ask(await room.board(), 7, at(10, 12))
    pulse = QuestionsPulse(QuestionPulseStore(database))

    part = await pulse.engagement(GUILD, NOVEMBER, Catalogue.load("en").words("en"))

    assert [(figure.key, figure.label, figure.value) for figure in part.figures] == [
        ("questions.asked", "Questions asked", 0),
        ("questions.askers", "Members who asked a question", 0),
        ("questions.votes", "▲ votes on questions", 0),
    ]
    assert await pulse.participants(GUILD, NOVEMBER) == frozenset()


async def test_a_server_that_never_started_a_live_qa_has_no_questions_section(database):
    """No section of zeros: a board of another server is no Q&A of this one."""
    room = Room(database)
    await room.board(guild=11, channel=30)
    pulse = QuestionsPulse(QuestionPulseStore(database))
    assert await pulse.engagement(GUILD, NOVEMBER, Catalogue.load("fr").words("fr")) is None
    await room.board()  # started on 1 October
    part = await pulse.engagement(GUILD, NOVEMBER, Catalogue.load("fr").words("fr"))
    assert [(figure.key, figure.value) for figure in part.figures] == [
        ("questions.asked", 0),
        ("questions.askers", 0),
        ("questions.votes", 0),
    ]
