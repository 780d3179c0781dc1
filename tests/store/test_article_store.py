from dataclasses import replace
from datetime import UTC, datetime

import pytest

from agora.database import Database
from agora.pulse import Span
from cogs.feeds.article_store import ArticleStore
from cogs.feeds.model import SharedArticle
from cogs.feeds.store import FeedStore, NewFeed

GUILD = 111111111111111111
OTHER_GUILD = 999999999999999999
CHANNEL = 222222222222222222
T0 = 1_790_000_000


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as database:
        await database.migrate()
        yield database


async def feed_id(database: Database, url: str = "https://blog.example.ch/feed/") -> int:
    now = datetime.fromtimestamp(T0, UTC)
    feed = await FeedStore(database).add(NewFeed(guild_id=GUILD, url=url, channel_id=CHANNEL), now, now)
    return feed.id


def article(feed: int | None, n: int, **changes: object) -> SharedArticle:
    values: dict[str, object] = {
        "guild_id": GUILD,
        "feed_id": feed,
        "entry_key": f"key-{n}",
        "blog": "Blog",
        "title": f"Article {n}",
        "link": f"https://blog.example.ch/{n}",
        "mode": "instant",
        "shared_at": T0 + n,
        "channel_id": CHANNEL,
        "message_id": 1000 + n,
        "thread_id": 1000 + n,
    }
    return SharedArticle(**{**values, **changes})  # type: ignore[arg-type]


async def test_an_article_is_recorded_and_read_back(database):
    store = ArticleStore(database)
    feed = await feed_id(database)
    assert await store.record(article(feed, 1)) is True
    assert await store.find(feed, "key-1") == article(feed, 1)


async def test_recording_the_same_entry_again_keeps_one_record_unchanged(database):
    store = ArticleStore(database)
    feed = await feed_id(database)
    await store.record(article(feed, 1))
    assert await store.record(article(feed, 1, title="Changed", message_id=5)) is False
    assert await store.shared_in(GUILD, Span(0, T0 + 100)) == [article(feed, 1)]


async def test_record_in_joins_the_callers_transaction(database):
    store = ArticleStore(database)
    feed = await feed_id(database)
    with pytest.raises(RuntimeError):
        async with database.transaction() as connection:
            await store.record_in(connection, article(feed, 1))
            raise RuntimeError("crash before the commit")
    assert await store.find(feed, "key-1") is None


async def test_a_digest_article_has_no_post_but_keeps_its_feeds_channel(database):
    store = ArticleStore(database)
    feed = await feed_id(database)
    held = article(feed, 1, mode="digest", message_id=None, thread_id=None)
    await store.record(held)
    assert await store.find(feed, "key-1") == held


async def test_articles_in_a_span_come_by_blog_then_oldest_first(database):
    store = ArticleStore(database)
    first = await feed_id(database)
    second = await feed_id(database, "https://other.example.ch/feed/")
    await store.record(article(first, 3, blog="zèbre"))
    await store.record(article(second, 2, blog="Alpha"))
    await store.record(article(first, 1, blog="zèbre"))
    await store.record(article(second, 50, blog="Alpha"))  # outside the span
    await store.record(article(first, 4, guild_id=OTHER_GUILD))
    shared = await store.shared_in(GUILD, Span(T0, T0 + 50))
    assert [(a.blog, a.entry_key) for a in shared] == [
        ("Alpha", "key-2"),
        ("zèbre", "key-1"),
        ("zèbre", "key-3"),
    ]
    assert await store.count_shared(GUILD, Span(T0, T0 + 50)) == 3
    assert await store.count_shared(GUILD, Span(T0 + 51, T0 + 60)) == 0


async def test_an_article_outlives_its_feed(database):
    store = ArticleStore(database)
    feed = await feed_id(database)
    await store.record(article(feed, 1))
    await FeedStore(database).remove(GUILD, feed)
    assert await store.shared_in(GUILD, Span(0, T0 + 100)) == [replace(article(feed, 1), feed_id=None)]
