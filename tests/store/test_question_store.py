"""The live Q&A's stores on a real SQLite file: one open board per event and channel, the flood limit,
and the vote path's batches (exact tallies, and votes, moderation and the close in one order)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from agora.database import Database
from cogs.questions.model import ANSWERED, HIDDEN, NewBoard, NewQuestion
from cogs.questions.store import AlreadyOpen, BoardStore, Flooded, Stopped
from cogs.questions.tally_store import (
    BoardClosed,
    Clicked,
    NotItsMessage,
    QuestionHidden,
    QuestionNotFound,
    TallyStore,
)

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


async def board(store: BoardStore, channel: int = 20):
    created = await store.create_board(NewBoard(10, None, channel, "fr", 5), NOW)
    await store.set_posted(created.id, 1000 + created.id, 3000 + created.id)
    return created


async def posted_question(store: BoardStore, board_id: int, author: int = 7, at: datetime = NOW) -> int:
    question = await store.add_question(NewQuestion(board_id, 10, None, author, False, "Q ?"), at)
    assert await store.set_question_message(question.id, 2000 + question.id)
    return question.id


def on(question: int) -> Clicked:
    """A click on the question's own message, in its server."""
    return Clicked(2000 + question, 10)


async def test_one_open_board_per_channel_and_its_thread(database):
    store = BoardStore(database)
    first = await board(store)
    for channel in (20, 3000 + first.id):
        with pytest.raises(AlreadyOpen) as already:
            await store.create_board(NewBoard(10, None, channel, "fr", 5), NOW)
        assert already.value.board.id == first.id
    assert (await store.create_board(NewBoard(11, None, 20, "fr", 5), NOW)).guild_id == 11


async def test_a_sixth_question_within_ten_minutes_is_refused_across_boards(database):
    store = BoardStore(database)
    one, two = await board(store, 20), await board(store, 21)
    for minute in range(5):
        await posted_question(store, (one, two)[minute % 2].id, at=NOW + timedelta(minutes=minute))
    with pytest.raises(Flooded) as flooded:
        await posted_question(store, one.id, at=NOW + timedelta(minutes=9, seconds=59))
    assert flooded.value.retry_at == int(NOW.timestamp()) + 600
    await posted_question(store, one.id, author=8, at=NOW + timedelta(minutes=9))  # someone else
    await posted_question(store, one.id, at=NOW + timedelta(minutes=10))
    assert len(await store.questions(one.id)) == 5


async def test_a_burst_of_votes_is_tallied_exactly(database):
    store, tally = BoardStore(database), TallyStore(database)
    created = await board(store)
    question = await posted_question(store, created.id)
    # 200 members click once, 50 of them click twice (withdrawn): 150 votes.
    clicks = [*range(200), *range(50)]
    outcomes = await asyncio.gather(*(tally.vote(question, user, NOW, on(question)) for user in clicks))
    assert max(o.votes for o in outcomes) <= 200 and outcomes[-1].votes == 150
    assert [o.version for o in outcomes] == sorted(o.version for o in outcomes)
    assert (await store.question(question)).votes == 150
    tally.forget()
    assert (await tally.shown(question)).votes == 150


async def test_votes_moderation_and_the_close_are_decided_in_the_order_they_came(database):
    store, tally = BoardStore(database), TallyStore(database)
    created = await board(store)
    first, second = await posted_question(store, created.id), await posted_question(store, created.id)
    results = await asyncio.gather(
        tally.vote(first, 1, NOW, on(first)),
        tally.moderate(first, 99, HIDDEN, NOW, on(first)),
        tally.vote(first, 2, NOW, on(first)),
        tally.moderate(second, 99, ANSWERED, NOW, on(second)),
        tally.vote(second, 3, NOW, on(second)),
        tally.close(created.id, NOW),
        tally.vote(second, 4, NOW, on(second)),
        return_exceptions=True,
    )
    assert [type(r).__name__ for r in results] == [
        "Counted",
        "Counted",
        "QuestionHidden",
        "Counted",
        "Counted",
        "bool",
        "BoardClosed",
    ]
    assert results[5] is True and await tally.close(created.id, NOW) is False
    assert [(q.state, q.votes) for q in await store.questions(created.id)] == [(HIDDEN, 1), (ANSWERED, 1)]
    assert (await store.board(created.id)).stopped_at == int(NOW.timestamp())
    assert isinstance(results[2], QuestionHidden) and isinstance(results[6], BoardClosed)


async def test_a_question_not_yet_posted_cannot_be_voted_for(database):
    store, tally = BoardStore(database), TallyStore(database)
    created = await board(store)
    question = await store.add_question(NewQuestion(created.id, 10, None, 7, True, "Q ?"), NOW)
    with pytest.raises(QuestionNotFound):
        await tally.vote(question.id, 1, NOW, Clicked(0, 10))


async def test_no_question_is_stored_once_the_board_is_stopped(database):
    store, tally = BoardStore(database), TallyStore(database)
    created = await board(store)
    await tally.close(created.id, NOW)
    with pytest.raises(Stopped):
        await posted_question(store, created.id)
    assert await store.unposted_questions(int((NOW + timedelta(days=1)).timestamp())) == []


async def test_a_click_from_another_message_or_server_is_refused_and_not_counted(database):
    store, tally = BoardStore(database), TallyStore(database)
    created = await board(store)
    question = await posted_question(store, created.id)
    elsewhere = [Clicked(1000 + created.id, 10), Clicked(2000 + question, 11)]  # the board; another server
    for where in elsewhere:
        with pytest.raises(NotItsMessage):
            await tally.vote(question, 1, NOW, where)
        with pytest.raises(NotItsMessage):
            await tally.moderate(question, 99, HIDDEN, NOW, where)
    tally.forget()  # read again from SQLite: the same refusals
    with pytest.raises(NotItsMessage):
        await tally.vote(question, 1, NOW, elsewhere[0])
    assert (await tally.vote(question, 1, NOW, on(question))).votes == 1
    assert [(q.state, q.votes) for q in await store.questions(created.id)] == [("open", 1)]


async def test_only_questions_asked_before_a_time_count_as_left_unposted(database):
    store = BoardStore(database)
    created = await board(store)
    earlier = await store.add_question(NewQuestion(created.id, 10, None, 7, False, "Avant"), NOW)
    await store.add_question(
        NewQuestion(created.id, 10, None, 8, False, "Pendant"), NOW + timedelta(seconds=5)
    )
    started = int((NOW + timedelta(seconds=5)).timestamp())  # the bot's start
    assert [q.id for q in await store.unposted_questions(started)] == [earlier.id]


async def test_recording_the_message_of_a_question_deleted_meanwhile_says_so(database):
    store = BoardStore(database)
    created = await board(store)
    question = await store.add_question(NewQuestion(created.id, 10, None, 7, False, "Q ?"), NOW)
    await store.delete_question(question.id)
    assert await store.set_question_message(question.id, 2000) is False


async def test_boards_stopped_within_the_day_are_caught_up_and_those_without_their_list_retried(database):
    store, tally = BoardStore(database), TallyStore(database)
    still_open, listed, unlisted = await board(store, 20), await board(store, 21), await board(store, 22)
    for stopped in (listed, unlisted):
        await tally.close(stopped.id, NOW)
    await store.set_results(listed.id, 9000)
    day_before, second_after = int(NOW.timestamp()) - 86400, int(NOW.timestamp()) + 1

    async def ids(boards):
        return [b.id for b in await boards]

    assert await ids(store.boards_to_catch_up(day_before)) == [still_open.id, listed.id, unlisted.id]
    assert await ids(store.boards_to_catch_up(second_after)) == [still_open.id, unlisted.id]
    assert await ids(store.stopped_without_list(day_before)) == [unlisted.id]
    assert await ids(store.stopped_without_list(second_after)) == []
