"""The pulse's posts: claimed once per guild, kind and period; an interrupted claim is taken over; notices
told once until cleared."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agora.database import Database
from cogs.pulse.post_store import PostStore

GUILD = 1001


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    async with Database(tmp_path / "agora.db") as database:
        await database.migrate()
        yield database


async def test_the_first_claim_owns_the_period(database: Database) -> None:
    store = PostStore(database)
    claim = await store.claim(GUILD, "digest", "2026-11-30", 100)
    assert claim.owned and not claim.interrupted


async def test_a_second_claim_in_the_same_process_is_refused_while_the_first_is_under_way(
    database: Database,
) -> None:
    store = PostStore(database)
    await store.claim(GUILD, "digest", "2026-11-30", 100)
    second = await store.claim(GUILD, "digest", "2026-11-30", 101)
    assert not second.owned and second.state == "posting"


async def test_a_claim_left_posting_by_an_ended_process_is_taken_over_as_interrupted(
    database: Database,
) -> None:
    await PostStore(database).claim(GUILD, "digest", "2026-11-30", 100)
    after_restart = await PostStore(database).claim(GUILD, "digest", "2026-11-30", 200)
    assert after_restart.owned and after_restart.interrupted


async def test_a_claim_left_without_knowing_whether_it_posted_is_taken_over_as_interrupted(
    database: Database,
) -> None:
    store = PostStore(database)
    await store.claim(GUILD, "digest", "2026-11-30", 100)
    store.leave(GUILD, "digest", "2026-11-30")
    assert await store.state(GUILD, "digest", "2026-11-30") == ("posting", None)
    again = await store.claim(GUILD, "digest", "2026-11-30", 160)
    assert again.owned and again.interrupted


async def test_a_posted_period_is_never_claimed_again(database: Database) -> None:
    store = PostStore(database)
    await store.claim(GUILD, "digest", "2026-11-30", 100)
    await store.mark_posted(GUILD, "digest", "2026-11-30", 5, 6, 110, until=100)
    for again in (store, PostStore(database)):
        claim = await again.claim(GUILD, "digest", "2026-11-30", 120)
        assert not claim.owned and claim.state == "posted"


async def test_a_skipped_period_keeps_its_reason_and_is_not_claimed_again(database: Database) -> None:
    store = PostStore(database)
    await store.mark_skipped(GUILD, "digest", "2026-11-30", "late", 100)
    assert await store.state(GUILD, "digest", "2026-11-30") == ("skipped", "late")
    claim = await store.claim(GUILD, "digest", "2026-11-30", 120)
    assert not claim.owned and claim.state == "skipped"


async def test_skipping_does_not_undo_a_post(database: Database) -> None:
    store = PostStore(database)
    await store.claim(GUILD, "digest", "2026-11-30", 100)
    await store.mark_posted(GUILD, "digest", "2026-11-30", 5, 6, 110)
    await store.mark_skipped(GUILD, "digest", "2026-11-30", "empty", 120)
    assert await store.state(GUILD, "digest", "2026-11-30") == ("posted", None)


async def test_a_released_claim_is_claimed_afresh_on_the_next_pass(database: Database) -> None:
    store = PostStore(database)
    await store.claim(GUILD, "digest", "2026-11-30", 100)
    await store.release(GUILD, "digest", "2026-11-30")
    assert await store.state(GUILD, "digest", "2026-11-30") is None
    claim = await store.claim(GUILD, "digest", "2026-11-30", 160)
    assert claim.owned and not claim.interrupted


async def test_last_posted_is_the_one_that_covered_the_latest_span(database: Database) -> None:
    store = PostStore(database)
    assert await store.last_posted(GUILD, "digest") is None
    # Posted late (at 900) for a week ending at 500, then a /digest now at 700 covering until 700.
    await store.claim(GUILD, "digest", "2026-11-30", 890)
    await store.mark_posted(GUILD, "digest", "2026-11-30", 5, 6, 900, until=500)
    await store.claim(GUILD, "digest", "2026-12-01T10:00:00", 700)
    await store.mark_posted(GUILD, "digest", "2026-12-01T10:00:00", 5, 7, 700, until=700)
    await store.claim(GUILD, "digest", "2026-12-07", 1000)
    await store.mark_skipped(GUILD, "digest", "2026-12-07", "empty", 1000)
    await store.claim(GUILD + 1, "digest", "2026-12-07", 5000)
    await store.mark_posted(GUILD + 1, "digest", "2026-12-07", 5, 8, 5000, until=5000)
    last = await store.last_posted(GUILD, "digest")
    assert last is not None and (last.message_id, last.until) == (7, 700)


async def test_kinds_and_guilds_have_periods_of_their_own(database: Database) -> None:
    store = PostStore(database)
    assert (await store.claim(GUILD, "digest", "2026-11", 1)).owned
    assert (await store.claim(GUILD, "engagement", "2026-11", 1)).owned
    assert (await store.claim(GUILD + 1, "digest", "2026-11", 1)).owned


async def test_organisers_are_told_once_until_the_problem_is_cleared(database: Database) -> None:
    store = PostStore(database)
    assert await store.claim_notice(GUILD, "digest_channel", 100)
    assert not await store.claim_notice(GUILD, "digest_channel", 200)
    assert await store.claim_notice(GUILD, "engagement_channel", 200)
    await store.clear_notice(GUILD, "digest_channel")
    assert await store.claim_notice(GUILD, "digest_channel", 300)


async def test_two_claims_at_once_in_one_process_give_the_post_to_one(database: Database) -> None:
    store = PostStore(database)
    first, second = await asyncio.gather(
        store.claim(GUILD, "engagement", "2026-11", 100), store.claim(GUILD, "engagement", "2026-11", 100)
    )
    assert sorted([first.owned, second.owned]) == [False, True]
    assert not (first.interrupted or second.interrupted)
    assert (first if not first.owned else second).state == "posting"


async def test_a_claim_left_unfinished_is_listed_with_the_end_of_its_span_until_settled(
    database: Database,
) -> None:
    store = PostStore(database)
    await store.claim(GUILD, "digest", "2026-12-01T10:00:00", 700, until=700)
    assert await store.interrupted(GUILD, "digest") == []  # under way in this process
    store.leave(GUILD, "digest", "2026-12-01T10:00:00")
    [left] = await store.interrupted(GUILD, "digest")
    assert (left.period, left.at, left.until) == ("2026-12-01T10:00:00", 700, 700)
    after_restart = PostStore(database)
    assert [p.period for p in await after_restart.interrupted(GUILD, "digest")] == ["2026-12-01T10:00:00"]
    assert (await after_restart.claim(GUILD, "digest", "2026-12-01T10:00:00", 800)).interrupted
    await after_restart.mark_skipped(GUILD, "digest", "2026-12-01T10:00:00", "interrupted", 800)
    assert await after_restart.interrupted(GUILD, "digest") == []
    assert await after_restart.interrupted(GUILD + 1, "digest") == []


async def test_a_skipped_period_is_claimed_again_only_when_asked_for(database: Database) -> None:
    store = PostStore(database)
    await store.mark_skipped(GUILD, "engagement", "2026-11", "empty", 100)
    assert not (await store.claim(GUILD, "engagement", "2026-11", 200)).owned
    again = await store.claim(GUILD, "engagement", "2026-11", 300, retake_skipped=True)
    assert again.owned and not again.interrupted
    assert await store.state(GUILD, "engagement", "2026-11") == ("posting", None)
    await store.mark_posted(GUILD, "engagement", "2026-11", 5, 6, 310)
    posted = await store.posted(GUILD, "engagement", "2026-11")
    assert posted is not None and (posted.channel_id, posted.message_id, posted.at) == (5, 6, 310)
    taken = await store.claim(GUILD, "engagement", "2026-11", 400, retake_skipped=True)
    assert not taken.owned and taken.state == "posted"
    assert await store.posted(GUILD, "engagement", "2026-10") is None
