"""What each poll message was last drawn with, and which polls lag behind their stored votes."""

from datetime import UTC, datetime, timedelta

import pytest

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


async def draw(store: PollStore, poll_id: int) -> None:
    """What the cog does after Discord accepted an edit."""
    poll = await store.get(poll_id)
    await store.record_shown(poll.id, (await store.tally(poll)).shown_as(closed=poll.is_closed))


async def test_a_poll_just_posted_shows_its_empty_tally(store):
    await new_poll(store)
    assert await store.shown_behind(NOW) == []


async def test_a_vote_not_yet_drawn_puts_the_poll_behind_until_it_is(store):
    poll, other = await new_poll(store), await new_poll(store)
    await store.vote(poll.id, 7, 1, NOW)
    await store.vote(other.id, 7, 1, NOW)
    await draw(store, other.id)
    assert await store.shown_behind(NOW) == [poll.id]

    await draw(store, poll.id)
    assert await store.shown_behind(NOW) == []


async def test_a_moved_vote_with_the_same_number_of_voters_still_counts_as_a_change(store):
    poll = await new_poll(store)
    await store.vote(poll.id, 7, 0, NOW)
    await draw(store, poll.id)
    await store.vote(poll.id, 7, 2, NOW)
    assert await store.shown_behind(NOW) == [poll.id]


async def test_a_closed_poll_still_drawn_open_is_behind_and_not_once_drawn_closed(store):
    poll = await new_poll(store)
    await store.vote(poll.id, 7, 0, NOW)
    await draw(store, poll.id)
    await store.close(poll.id, NOW, closed_by=3)
    assert await store.shown_behind(NOW) == [poll.id]

    await draw(store, poll.id)
    assert await store.shown_behind(NOW) == []


async def test_a_poll_past_its_deadline_is_left_to_the_deadline_pass(store):
    poll = await new_poll(store, closes_at=NOW + timedelta(hours=1))
    await store.vote(poll.id, 7, 0, NOW)
    assert await store.shown_behind(NOW) == [poll.id]
    assert await store.shown_behind(NOW + timedelta(hours=2)) == []


async def test_a_poll_without_a_record_of_its_drawing_is_redrawn_once(store):
    poll = await new_poll(store)
    async with store.database.transaction() as connection:  # as polls from before the record existed
        await connection.execute("UPDATE polls SET shown = NULL")
    assert await store.shown_behind(NOW) == [poll.id]


async def test_a_poll_never_posted_is_not_drawn(store):
    await store.create(NewPoll(guild_id=1, channel_id=2, author_id=3, question="Q ?", options=("A",)), NOW)
    assert await store.shown_behind(NOW) == []
