from datetime import UTC, datetime, timedelta

import pytest

from agora.database import Database
from cogs.feeds.parse import FeedEntry
from cogs.feeds.store import FeedAlreadyFollowed, FeedStore, NewFeed

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
GUILD = 111111111111111111
CHANNEL = 222222222222222222


def entry(n: int, **changes: object) -> FeedEntry:
    values = {
        "key": f"https://blog.example.ch/?p={n}",
        "title": f"Article {n}",
        "link": f"https://blog.example.ch/{n}",
        "summary": "Résumé **gras** d’un article",
        "author": "Léa",
        "published": NOW - timedelta(days=10 - n),
        "image_url": None,
        "tags": ("rh", "réseaux"),
    }
    return FeedEntry(**{**values, **changes})


@pytest.fixture
async def store(tmp_path):
    async with Database(tmp_path / "agora.db") as database:
        await database.migrate()
        yield FeedStore(database)


async def add(store: FeedStore, url: str = "https://blog.example.ch/feed/", **extra: object):
    return await store.add(NewFeed(guild_id=GUILD, url=url, channel_id=CHANNEL, **extra), NOW, NOW)


async def test_a_feed_is_added_and_read_back(store):
    feed = await add(store, title="Blog", role_id=5, open_thread=True, include_keywords="rh")
    assert (feed.title, feed.role_id, feed.open_thread, feed.include_keywords) == ("Blog", 5, True, "rh")
    assert feed.last_success_at is None
    assert await store.in_guild(GUILD) == [feed]


async def test_the_same_feed_in_the_same_channel_is_refused(store):
    await add(store)
    with pytest.raises(FeedAlreadyFollowed):
        await add(store)
    assert len(await store.in_guild(GUILD)) == 1


async def test_claim_records_only_new_entries_and_never_revives_a_known_one(store):
    feed = await add(store)
    first = await store.claim(feed.id, [entry(1), entry(2)], NOW, post={entry(2).key})
    assert first == [entry(1).key, entry(2).key]
    # the same entries with a new date and comment count are not new
    again = await store.claim(
        feed.id, [entry(2, published=NOW), entry(3)], NOW, post={entry(2).key, entry(3).key}
    )
    assert again == [entry(3).key]
    states = await store.entry_states(feed.id)
    assert states == {entry(1).key: "skipped", entry(2).key: "pending", entry(3).key: "pending"}


async def test_waiting_entries_come_back_whole_in_claim_order(store):
    feed = await add(store)
    await store.claim(feed.id, [entry(1), entry(2), entry(3)], NOW, post={entry(1).key, entry(3).key})
    waiting = await store.waiting(feed.id, limit=10)
    assert [w.entry for w in waiting] == [entry(1), entry(3)]
    assert not any(w.attempted for w in waiting)
    await store.mark_attempt(feed.id, entry(1).key)
    await store.mark_posted(feed.id, entry(3).key, 999)
    waiting = await store.waiting(feed.id, limit=10)
    assert [(w.entry.key, w.attempted) for w in waiting] == [(entry(1).key, True)]


async def test_failures_accumulate_then_success_resets_them(store):
    feed = await add(store)
    later = NOW + timedelta(hours=1)
    await store.record_failure(
        feed.id, now=NOW, next_fetch_at=later, code="timeout", values={"s": 20}, pause=False
    )
    await store.record_failure(
        feed.id, now=later, next_fetch_at=later, code="http_status", values={"status": 500}, pause=True
    )
    failing = await store.get(feed.id)
    assert (failing.failures, failing.last_error, failing.last_error_values) == (
        2,
        "http_status",
        {"status": 500},
    )
    assert failing.failing_since == int(NOW.timestamp())
    assert failing.paused
    assert await store.due(later + timedelta(days=1)) == []
    assert await store.resume(GUILD, feed.id, later)
    await store.record_success(
        feed.id, now=later, next_fetch_at=later, etag='"v2"', last_modified=None, body_hash="h"
    )
    healed = await store.get(feed.id)
    assert (healed.failures, healed.failing_since, healed.last_error, healed.paused) == (0, None, None, False)
    assert (healed.etag, healed.body_hash) == ('"v2"', "h")


async def test_a_permanent_redirect_changes_the_address_unless_already_followed_there(store):
    old = await add(store, url="https://old.example.ch/feed")
    await add(store, url="https://taken.example.ch/feed")
    await store.record_success(
        old.id,
        now=NOW,
        next_fetch_at=NOW,
        etag=None,
        last_modified=None,
        body_hash=None,
        url="https://new.example.ch/feed",
    )
    assert (await store.get(old.id)).url == "https://new.example.ch/feed"
    await store.record_success(
        old.id,
        now=NOW,
        next_fetch_at=NOW,
        etag=None,
        last_modified=None,
        body_hash=None,
        url="https://taken.example.ch/feed",
    )
    assert (await store.get(old.id)).url == "https://new.example.ch/feed"


async def test_removing_a_feed_removes_its_entries_and_only_in_its_guild(store):
    feed = await add(store)
    await store.claim(feed.id, [entry(1)], NOW, post=set())
    assert not await store.remove(GUILD + 1, feed.id)
    assert await store.remove(GUILD, feed.id)
    assert await store.entry_states(feed.id) == {}
    assert await store.get(feed.id) is None


async def test_due_feeds_are_those_whose_time_has_come(store):
    soon = await store.add(NewFeed(guild_id=GUILD, url="https://a.ch/f", channel_id=CHANNEL), NOW, NOW)
    await store.add(
        NewFeed(guild_id=GUILD, url="https://b.ch/f", channel_id=CHANNEL), NOW, NOW + timedelta(hours=1)
    )
    assert [f.id for f in await store.due(NOW)] == [soon.id]
