import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from cogs.polls.ballots import PollClosed, TooManyChoices
from cogs.polls.store import NewPoll, PollStore
from database import Database

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture
async def store(tmp_path):
    async with Database(tmp_path / "agora.db") as database:
        await database.migrate()
        yield PollStore(database)


async def new_poll(store: PollStore, **changes: object):
    values = dict(guild_id=1, channel_id=2, author_id=3, question="Q ?", options=("A", "B", "C"))
    values.update(changes)
    poll = await store.create(NewPoll(**values), NOW)
    await store.set_message(poll.id, 99)
    return await store.get(poll.id)


async def test_a_second_click_on_another_option_moves_a_single_choice_vote(store):
    poll = await new_poll(store)
    assert (await store.vote(poll.id, 7, 0, NOW)).action == "added"
    ballot = await store.vote(poll.id, 7, 2, NOW)
    assert (ballot.positions, ballot.action) == ((2,), "moved")
    assert (await store.tally(poll)).counts == (0, 0, 1)


async def test_clicking_the_same_option_again_withdraws_it(store):
    poll = await new_poll(store)
    await store.vote(poll.id, 7, 1, NOW)
    ballot = await store.vote(poll.id, 7, 1, NOW)
    assert (ballot.positions, ballot.action) == ((), "withdrawn")
    assert await store.tally(poll) == type(await store.tally(poll))((0, 0, 0), 0)


async def test_multiple_choice_toggles_and_never_exceeds_choices(store):
    poll = await new_poll(store, choices=2)
    await store.vote(poll.id, 7, 0, NOW)
    assert (await store.vote(poll.id, 7, 2, NOW)).positions == (0, 2)
    with pytest.raises(TooManyChoices) as full:
        await store.vote(poll.id, 7, 1, NOW)
    assert full.value.held == (0, 2)
    assert (await store.vote(poll.id, 7, 0, NOW)).positions == (2,)
    tally = await store.tally(poll)
    assert (tally.counts, tally.voters) == ((0, 0, 1), 1)


async def test_a_vote_on_a_closed_poll_is_refused_and_changes_nothing(store):
    poll = await new_poll(store)
    await store.vote(poll.id, 7, 0, NOW)
    assert await store.close(poll.id, NOW, closed_by=3)
    assert not await store.close(poll.id, NOW, closed_by=3)  # only once
    with pytest.raises(PollClosed):
        await store.vote(poll.id, 8, 1, NOW)
    assert (await store.tally(poll)).counts == (1, 0, 0)


async def test_a_vote_after_the_deadline_is_refused_even_before_the_poll_is_closed(store):
    poll = await new_poll(store, closes_at=NOW + timedelta(minutes=30))
    with pytest.raises(PollClosed):
        await store.vote(poll.id, 7, 0, NOW + timedelta(minutes=30))
    assert await store.due_to_close(NOW + timedelta(minutes=30)) == [poll.id]
    assert await store.due_to_close(NOW) == []


async def test_hundreds_of_simultaneous_votes_leave_an_exact_tally(store):
    poll = await new_poll(store, choices=2)

    async def member(user_id: int) -> None:
        # each member clicks A, B, then C (refused: two choices at most), then withdraws A
        await store.vote(poll.id, user_id, 0, NOW)
        await store.vote(poll.id, user_id, 1, NOW)
        with pytest.raises(TooManyChoices):
            await store.vote(poll.id, user_id, 2, NOW)
        if user_id % 2:
            await store.vote(poll.id, user_id, 0, NOW)

    await asyncio.gather(*(member(user_id) for user_id in range(300)))
    tally = await store.tally(poll)
    assert tally.counts == (150, 300, 0)
    assert tally.voters == 300
    assert len(await store.votes(poll.id)) == 450


async def test_recent_topics_come_oldest_first(store):
    for n, topic in enumerate(["a", "b", "c"]):
        await store.create(
            NewPoll(guild_id=1, channel_id=2, author_id=3, question="Q", options=("x", "y"), topic_id=topic),
            NOW + timedelta(minutes=n),
        )
    assert await store.recent_topics(1) == ["a", "b", "c"]
    assert await store.recent_topics(2) == []


async def test_forgetting_a_member_removes_their_votes(store):
    poll = await new_poll(store, author_id=7)
    await store.vote(poll.id, 7, 0, NOW)
    await store.vote(poll.id, 8, 0, NOW)
    await store.forget_member(7)
    assert (await store.tally(poll)).counts == (1, 0, 0)
    assert (await store.get(poll.id)).author_id is None


async def test_votes_survive_a_restart_of_the_store(tmp_path):
    async with Database(tmp_path / "agora.db") as database:
        await database.migrate()
        first = PollStore(database)
        poll = await new_poll(first)
        await first.vote(poll.id, 7, 0, NOW)
        again = PollStore(database)  # a restarted bot: nothing in memory yet
        ballot = await again.vote(poll.id, 7, 2, NOW)
        assert (ballot.positions, ballot.action) == ((2,), "moved")
        assert (await again.tally(poll)).counts == (0, 0, 1)


async def test_a_failed_write_leaves_memory_and_database_as_they_were(store, monkeypatch):
    poll = await new_poll(store)
    await store.vote(poll.id, 7, 0, NOW)

    class Broken(Exception):
        pass

    real = store.database.transaction

    def broken_transaction():
        raise Broken

    monkeypatch.setattr(store.database, "transaction", broken_transaction)
    with pytest.raises(Broken):
        await store.vote(poll.id, 7, 1, NOW)
    monkeypatch.setattr(store.database, "transaction", real)
    assert (await store.vote(poll.id, 7, 0, NOW)).action == "withdrawn"  # memory still held option 0
    assert (await store.tally(poll)).counts == (0, 0, 0)
