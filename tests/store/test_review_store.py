"""The review queue's store on a real database file: an article queued once, publishing claimed by one
click only, the article recorded with the decision, and the comment kept no longer than needed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from agora.database import Database
from cogs.feeds.article_store import ArticleStore
from cogs.feeds.model import SharedArticle
from cogs.feeds.review.store import FEED_REMOVED, ReviewStore
from cogs.feeds.store import FeedStore, NewFeed

GUILD = 111111111111111111
CHANNEL = 222222222222222222
NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
WEEK = timedelta(days=7)


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as database:
        await database.migrate()
        yield database


async def new_feed(database: Database) -> int:
    feed = await FeedStore(database).add(
        NewFeed(guild_id=GUILD, url="https://blog.example.ch/feed/", channel_id=CHANNEL), NOW, NOW
    )
    return feed.id


async def queued(store: ReviewStore, feed_id: int, key: str = "key-1"):
    return await store.add(GUILD, feed_id, key, "Blog", "{}", NOW, WEEK)


def shared(feed_id: int, message_id: int = 500) -> SharedArticle:
    return SharedArticle(
        guild_id=GUILD,
        feed_id=feed_id,
        entry_key="key-1",
        blog="Blog",
        title="Article 1",
        link="https://blog.example.ch/1",
        mode="review",
        shared_at=int(NOW.timestamp()),
        channel_id=CHANNEL,
        message_id=message_id,
    )


async def test_an_article_is_queued_once_pending_for_a_week(database):
    store = ReviewStore(database)
    feed = await new_feed(database)
    first = await queued(store, feed)
    again = await queued(store, feed)
    assert again == first
    assert (first.state, first.expires_at - first.created_at) == ("pending", 7 * 24 * 3600)
    assert await store.unposted() == [first]
    await store.set_posted(first.id, 9, 10, "pending")
    assert await store.unposted() == []
    assert (await store.get(first.id)).drawn_state == "pending"


async def test_only_one_of_many_simultaneous_claims_wins(database):
    store = ReviewStore(database)
    review = await queued(store, await new_feed(database))
    results = await asyncio.gather(*(store.claim(review.id, f"comment {n}", NOW) for n in range(5)))
    winners = [result for result in results if result is not None]
    assert len(winners) == 1
    assert winners[0].state == "publishing"
    assert (await store.get(review.id)).comment == winners[0].comment


async def test_a_claim_is_refused_once_published_skipped_or_expired(database):
    store = ReviewStore(database)
    feed = await new_feed(database)
    published = await queued(store, feed, "a")
    skipped = await queued(store, feed, "b")
    expiring = await queued(store, feed, "c")
    assert await store.claim(published.id, None, NOW) is not None
    assert await store.published(published.id, shared(feed), NOW)
    assert await store.skip(skipped.id, NOW)
    assert [r.id for r in await store.expire(NOW + WEEK)] == [expiring.id]
    for review in (published, skipped, expiring):
        assert await store.claim(review.id, None, NOW) is None
    assert not await store.skip(published.id, NOW)


async def test_publishing_records_the_article_and_clears_the_comment_together(database):
    store = ReviewStore(database)
    feed = await new_feed(database)
    review = await queued(store, feed)
    await store.claim(review.id, "À lire", NOW)
    assert await store.published(review.id, shared(feed), NOW)
    done = await store.get(review.id)
    assert (done.state, done.comment, done.decided_at) == ("published", None, int(NOW.timestamp()))
    assert (await ArticleStore(database).find(feed, "key-1")).mode == "review"
    # Marked once: a second attempt changes nothing.
    assert not await store.published(review.id, shared(feed, message_id=501), NOW)
    assert (await ArticleStore(database).find(feed, "key-1")).message_id == 500


async def test_a_refused_publishing_goes_back_to_the_queue_with_the_reason(database):
    store = ReviewStore(database)
    review = await queued(store, await new_feed(database))
    await store.claim(review.id, "À lire", NOW)
    await store.release(review.id, "discord_forbidden")
    back = await store.get(review.id)
    assert (back.state, back.last_error, back.comment) == ("pending", "discord_forbidden", "À lire")
    claimed = await store.claim(review.id, None, NOW)
    assert claimed is not None and claimed.comment is None


async def test_a_review_whose_feed_was_removed_cannot_be_claimed_and_is_closed(database):
    store = ReviewStore(database)
    feed = await new_feed(database)
    review = await queued(store, feed)
    await FeedStore(database).remove(GUILD, feed)
    orphan = await store.get(review.id)
    assert orphan.feed_id is None and orphan.feed_removed
    assert await store.claim(review.id, None, NOW) is None
    assert await store.close_removed(review.id, NOW)
    closed = await store.get(review.id)
    assert (closed.state, closed.last_error) == ("skipped", FEED_REMOVED)


async def test_expiry_takes_only_pending_reviews_past_their_time_and_the_queue_lists_them(database):
    store = ReviewStore(database)
    feed = await new_feed(database)
    old = await queued(store, feed, "old")
    claimed = await queued(store, feed, "claimed")
    await store.claim(claimed.id, None, NOW)
    later = await store.add(GUILD, feed, "later", "Blog", "{}", NOW + timedelta(days=3), WEEK)
    expired = await store.expire(NOW + WEEK)
    assert [r.id for r in expired] == [old.id]
    assert expired[0].state == "expired"
    pending, recent = await store.queue(GUILD, NOW + WEEK, WEEK)
    assert [r.id for r in pending] == [claimed.id, later.id]
    assert [r.id for r in recent] == [old.id]
    _, recent = await store.queue(GUILD, NOW + 2 * WEEK + timedelta(seconds=1), WEEK)
    assert [r.id for r in recent] == [later.id]  # the old one has left; the later one's time is past


async def test_past_its_time_a_review_is_neither_published_nor_skipped_though_the_pass_has_not_run(
    database,
):
    store = ReviewStore(database)
    review = await queued(store, await new_feed(database))
    due = NOW + WEEK
    assert await store.claim(review.id, None, due) is None
    assert not await store.skip(review.id, due)
    assert (await store.get(review.id)).state == "pending"  # only the pass marks it expired
    assert await store.claim(review.id, None, due - timedelta(seconds=1)) is not None


async def test_the_queue_lists_a_review_past_its_time_as_expired_though_the_pass_has_not_run(database):
    store = ReviewStore(database)
    feed = await new_feed(database)
    overdue = await queued(store, feed, "overdue")
    later = await store.add(GUILD, feed, "later", "Blog", "{}", NOW + timedelta(days=1), WEEK)
    pending, expired = await store.queue(GUILD, NOW + WEEK, WEEK)
    assert [r.id for r in pending] == [later.id]
    assert [(r.id, r.state) for r in expired] == [(overdue.id, "pending")]
    # Listed for a week from its time, as the pass's expired ones are from theirs; latest first.
    _, expired = await store.queue(GUILD, NOW + 2 * WEEK, WEEK)
    assert [r.id for r in expired] == [later.id, overdue.id]
    _, expired = await store.queue(GUILD, NOW + 2 * WEEK + timedelta(seconds=1), WEEK)
    assert [r.id for r in expired] == [later.id]


async def test_an_unconfirmed_publishing_stays_publishing_neither_skipped_nor_expired(database):
    store = ReviewStore(database)
    review = await queued(store, await new_feed(database))
    await store.claim(review.id, "À lire", NOW)
    await store.unconfirmed(review.id, "discord_error")
    kept = await store.get(review.id)
    assert (kept.state, kept.last_error, kept.comment) == ("publishing", "discord_error", "À lire")
    assert not await store.skip(review.id, NOW)
    assert await store.expire(NOW + WEEK) == []
    assert [r.id for r in await store.publishing()] == [review.id]
    assert await store.published(review.id, shared(review.feed_id), NOW + WEEK)
    done = await store.get(review.id)
    assert (done.state, done.last_error, done.comment) == ("published", None, None)


async def test_a_claim_clears_the_reason_of_the_last_failure(database):
    store = ReviewStore(database)
    review = await queued(store, await new_feed(database))
    await store.claim(review.id, None, NOW)
    await store.release(review.id, "discord_forbidden")
    claimed = await store.claim(review.id, None, NOW)
    assert (claimed.state, claimed.last_error) == ("publishing", None)


async def test_decided_reviews_whose_post_shows_otherwise_are_listed_until_redrawn(database):
    store = ReviewStore(database)
    feed = await new_feed(database)
    published, skipped, expired, unposted = [await queued(store, feed, key) for key in "abcd"]
    waiting = await store.add(GUILD, feed, "e", "Blog", "{}", NOW + timedelta(days=3), WEEK)
    for review in (published, skipped, expired, waiting):
        await store.set_posted(review.id, 9, 100 + review.id, "pending")
    await store.claim(published.id, None, NOW)
    await store.published(published.id, shared(feed), NOW)
    await store.skip(skipped.id, NOW)
    await store.skip(unposted.id, NOW)  # no post to redraw
    await store.set_drawn(skipped.id, "skipped")
    await store.expire(NOW + WEEK)
    assert [r.id for r in await store.undrawn()] == [published.id, expired.id]
    await store.set_drawn(published.id, "published")
    assert [r.id for r in await store.undrawn()] == [expired.id]
    assert (await store.get(waiting.id)).drawn_state == "pending"
