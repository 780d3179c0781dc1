"""What each poll message was last drawn with, and which polls lag behind their stored votes."""

import logging
from datetime import timedelta
from types import SimpleNamespace

import discord
import pytest

from cogs.polls.redraw import giving_up_on_unreachable
from cogs.polls.store import NewPoll, PollStore
from tests.store.polls_helpers import NOW, new_poll


async def draw(store: PollStore, poll_id: int) -> None:
    """What the cog does after Discord accepted an edit."""
    poll = await store.get(poll_id)
    await store.record_shown(poll.id, (await store.tally(poll)).shown_as(closed=poll.is_closed))


async def test_a_poll_just_posted_shows_its_empty_tally(poll_store):
    await new_poll(poll_store)
    assert await poll_store.shown_behind(NOW) == []


async def test_a_vote_not_yet_drawn_puts_the_poll_behind_until_it_is(poll_store):
    poll, other = await new_poll(poll_store), await new_poll(poll_store)
    await poll_store.vote(poll.id, 7, 1, NOW)
    await poll_store.vote(other.id, 7, 1, NOW)
    await draw(poll_store, other.id)
    assert await poll_store.shown_behind(NOW) == [poll.id]

    await draw(poll_store, poll.id)
    assert await poll_store.shown_behind(NOW) == []


async def test_a_moved_vote_with_the_same_number_of_voters_still_counts_as_a_change(poll_store):
    poll = await new_poll(poll_store)
    await poll_store.vote(poll.id, 7, 0, NOW)
    await draw(poll_store, poll.id)
    await poll_store.vote(poll.id, 7, 2, NOW)
    assert await poll_store.shown_behind(NOW) == [poll.id]


async def test_a_closed_poll_still_drawn_open_is_behind_and_not_once_drawn_closed(poll_store):
    poll = await new_poll(poll_store)
    await poll_store.vote(poll.id, 7, 0, NOW)
    await draw(poll_store, poll.id)
    await poll_store.close(poll.id, NOW, closed_by=3)
    assert await poll_store.shown_behind(NOW) == [poll.id]

    await draw(poll_store, poll.id)
    assert await poll_store.shown_behind(NOW) == []


async def test_a_poll_past_its_deadline_is_left_to_the_deadline_pass(poll_store):
    poll = await new_poll(poll_store, closes_at=NOW + timedelta(hours=1))
    await poll_store.vote(poll.id, 7, 0, NOW)
    assert await poll_store.shown_behind(NOW) == [poll.id]
    assert await poll_store.shown_behind(NOW + timedelta(hours=2)) == []


async def test_a_poll_without_a_record_of_its_drawing_is_redrawn_once(poll_store):
    poll = await new_poll(poll_store)
    async with poll_store.database.transaction() as connection:  # as polls from before the record existed
        await connection.execute("UPDATE polls SET shown = NULL")
    assert await poll_store.shown_behind(NOW) == [poll.id]


async def test_a_poll_never_posted_is_not_drawn(poll_store):
    unposted = NewPoll(guild_id=1, channel_id=2, author_id=3, question="Q ?", options=("A",))
    await poll_store.create(unposted, NOW)
    assert await poll_store.shown_behind(NOW) == []


@pytest.mark.parametrize(("error", "status"), [(discord.NotFound, 404), (discord.Forbidden, 403)])
async def test_a_message_discord_will_not_edit_is_redrawn_at_no_later_start(
    poll_store, caplog, error, status
):
    poll, other = await new_poll(poll_store), await new_poll(poll_store)
    await poll_store.vote(poll.id, 7, 1, NOW)
    await poll_store.vote(other.id, 7, 1, NOW)
    attempts: list[int] = []

    async def refresh(poll_id: int) -> None:  # the message was deleted, or the channel closed to the bot
        attempts.append(poll_id)
        if poll_id == poll.id:
            raise error(SimpleNamespace(status=status, reason="refused"), {"code": 10008, "message": "no"})
        await draw(poll_store, poll_id)

    apply = giving_up_on_unreachable(poll_store, refresh)
    for poll_id in await poll_store.shown_behind(NOW):  # the first start after the votes
        await apply(poll_id)
    assert attempts == [poll.id, other.id]
    refusals = [r for r in caplog.records if r.name == "cogs.polls.redraw"]
    assert [(r.levelno, r.args[0]) for r in refusals] == [(logging.WARNING, poll.id)]

    assert await poll_store.shown_behind(NOW) == []  # the next start
    await poll_store.vote(poll.id, 8, 0, NOW)
    assert await poll_store.shown_behind(NOW) == []
    await draw(poll_store, poll.id)  # an edit that goes through after all: followed again
    await poll_store.vote(poll.id, 9, 0, NOW)
    assert await poll_store.shown_behind(NOW) == [poll.id]
