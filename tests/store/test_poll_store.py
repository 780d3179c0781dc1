import asyncio
from datetime import timedelta

import pytest

from agora.database import Database
from cogs.polls.ballot_store import PollClosed, TooManyChoices
from cogs.polls.store import NewPoll, PollStore
from tests.store.polls_helpers import NOW, new_poll


async def test_a_second_click_on_another_option_moves_a_single_choice_vote(poll_store):
    poll = await new_poll(poll_store)
    assert (await poll_store.vote(poll.id, 7, 0, NOW)).action == "added"
    ballot = await poll_store.vote(poll.id, 7, 2, NOW)
    assert (ballot.positions, ballot.action) == ((2,), "moved")
    assert (await poll_store.tally(poll)).counts == (0, 0, 1)


async def test_clicking_the_same_option_again_withdraws_it(poll_store):
    poll = await new_poll(poll_store)
    await poll_store.vote(poll.id, 7, 1, NOW)
    ballot = await poll_store.vote(poll.id, 7, 1, NOW)
    assert (ballot.positions, ballot.action) == ((), "withdrawn")
    assert await poll_store.tally(poll) == type(await poll_store.tally(poll))((0, 0, 0), 0)


async def test_multiple_choice_toggles_and_never_exceeds_choices(poll_store):
    poll = await new_poll(poll_store, choices=2)
    await poll_store.vote(poll.id, 7, 0, NOW)
    assert (await poll_store.vote(poll.id, 7, 2, NOW)).positions == (0, 2)
    with pytest.raises(TooManyChoices) as full:
        await poll_store.vote(poll.id, 7, 1, NOW)
    assert full.value.held == (0, 2)
    assert (await poll_store.vote(poll.id, 7, 0, NOW)).positions == (2,)
    tally = await poll_store.tally(poll)
    assert (tally.counts, tally.voters) == ((0, 0, 1), 1)


async def test_a_vote_on_a_closed_poll_is_refused_and_changes_nothing(poll_store):
    poll = await new_poll(poll_store)
    await poll_store.vote(poll.id, 7, 0, NOW)
    assert await poll_store.close(poll.id, NOW, closed_by=3)
    assert not await poll_store.close(poll.id, NOW, closed_by=3)  # only once
    with pytest.raises(PollClosed):
        await poll_store.vote(poll.id, 8, 1, NOW)
    assert (await poll_store.tally(poll)).counts == (1, 0, 0)


async def test_a_vote_after_the_deadline_is_refused_even_before_the_poll_is_closed(poll_store):
    poll = await new_poll(poll_store, closes_at=NOW + timedelta(minutes=30))
    with pytest.raises(PollClosed):
        await poll_store.vote(poll.id, 7, 0, NOW + timedelta(minutes=30))
    assert await poll_store.due_to_close(NOW + timedelta(minutes=30)) == [poll.id]
    assert await poll_store.due_to_close(NOW) == []


async def test_hundreds_of_simultaneous_votes_leave_an_exact_tally(poll_store):
    poll = await new_poll(poll_store, choices=2)

    async def member(user_id: int) -> None:
        # each member clicks A, B, then C (refused: two choices at most), then withdraws A
        await poll_store.vote(poll.id, user_id, 0, NOW)
        await poll_store.vote(poll.id, user_id, 1, NOW)
        with pytest.raises(TooManyChoices):
            await poll_store.vote(poll.id, user_id, 2, NOW)
        if user_id % 2:
            await poll_store.vote(poll.id, user_id, 0, NOW)

    await asyncio.gather(*(member(user_id) for user_id in range(300)))
    tally = await poll_store.tally(poll)
    assert tally.counts == (150, 300, 0)
    assert tally.voters == 300
    assert len(await poll_store.votes(poll.id)) == 450


async def test_recent_topics_come_oldest_first(poll_store):
    for n, topic in enumerate(["a", "b", "c"]):
        await poll_store.create(
            NewPoll(guild_id=1, channel_id=2, author_id=3, question="Q", options=("x", "y"), topic_id=topic),
            NOW + timedelta(minutes=n),
        )
    assert await poll_store.recent_topics(1) == ["a", "b", "c"]
    assert await poll_store.recent_topics(2) == []


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


async def test_a_failed_write_leaves_memory_and_database_as_they_were(poll_store, monkeypatch):
    poll = await new_poll(poll_store)
    await poll_store.vote(poll.id, 7, 0, NOW)

    class Broken(Exception):
        pass

    real = poll_store.database.transaction

    def broken_transaction():
        raise Broken

    monkeypatch.setattr(poll_store.database, "transaction", broken_transaction)
    with pytest.raises(Broken):
        await poll_store.vote(poll.id, 7, 1, NOW)
    monkeypatch.setattr(poll_store.database, "transaction", real)
    assert (await poll_store.vote(poll.id, 7, 0, NOW)).action == "withdrawn"  # memory still held option 0
    assert (await poll_store.tally(poll)).counts == (0, 0, 0)
