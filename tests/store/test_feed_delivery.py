"""The poller's delivery of claimed entries in each mode, on a real database, with the post and the
review queue stood in for: each article reaches members once, whatever crashes between two steps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest

from agora.clock import epoch
from agora.database import Database
from agora.pulse import Span
from cogs.feeds.article_store import ArticleStore
from cogs.feeds.parse import FeedEntry
from cogs.feeds.poller import Delivery, FeedPoller
from cogs.feeds.store import Feed, FeedStore, NewFeed
from tests.clocks import FakeClock

GUILD = 111111111111111111
CHANNEL = 222222222222222222


class Crash(Exception):
    """The process dying between two steps."""


@dataclass
class Channel:
    id: int


@dataclass
class Message:
    id: int
    channel: Channel


@dataclass
class StandInPublisher:
    """Posts into a list; `find_earlier_post` finds what was posted, as the channel's history would."""

    sent: dict[str, Message] = field(default_factory=dict)

    async def post(self, feed: Feed, entry: FeedEntry) -> Message:
        message = Message(9000 + len(self.sent), Channel(feed.channel_id))
        self.sent[entry.key] = message
        return message

    async def find_earlier_post(self, feed: Feed, entry: FeedEntry) -> Message | None:
        return self.sent.get(entry.key)

    @staticmethod
    def thread_of(feed: Feed, message: Message) -> int | None:
        return message.id if feed.open_thread else None


@dataclass
class StandInQueue:
    """Idempotent on (feed, entry key), as the review queue is; counts every call."""

    queued: set[tuple[int, str]] = field(default_factory=set)
    calls: int = 0

    async def submit(self, feed: Feed, entry: FeedEntry) -> None:
        self.calls += 1
        self.queued.add((feed.id, entry.key))


def entry(n: int) -> FeedEntry:
    return FeedEntry(
        key=f"k{n}",
        title=f"Article {n}",
        link=f"https://blog.example.ch/{n}",
        summary="",
        author=None,
        published=None,
        image_url=None,
        tags=(),
    )


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as database:
        await database.migrate()
        yield database


@pytest.fixture
def clock():
    return FakeClock()


def poller_for(database: Database, clock: FakeClock, publisher: StandInPublisher, queue: StandInQueue | None):
    return FeedPoller(
        store=FeedStore(database),
        fetcher=None,  # type: ignore[arg-type]  # nothing is fetched here
        parser=None,  # type: ignore[arg-type]
        publisher=publisher,  # type: ignore[arg-type]
        clock=clock,
        interval=timedelta(minutes=15),
        on_paused=None,  # type: ignore[arg-type]
        review_queue=queue,
    )


async def feed_with_entries(
    database: Database, clock: FakeClock, mode: str, *numbers: int, thread=False
) -> Feed:
    store = FeedStore(database)
    feed = await store.add(
        NewFeed(
            guild_id=GUILD,
            url="https://blog.example.ch/feed/",
            channel_id=CHANNEL,
            title="Blog",
            mode=mode,
            open_thread=thread,
        ),  # type: ignore[arg-type]
        clock.now(),
        clock.now(),
    )
    entries = [entry(n) for n in numbers]
    await store.claim(feed.id, entries, clock.now(), post={e.key for e in entries})
    return feed


async def shared(database: Database, clock: FakeClock):
    return await ArticleStore(database).shared_in(GUILD, Span(0, epoch(clock.now()) + 1))


async def test_a_digest_entry_is_recorded_without_a_post_and_done(database, clock):
    publisher = StandInPublisher()
    feed = await feed_with_entries(database, clock, "digest", 1, 2)
    delivery = await poller_for(database, clock, publisher, None).publish_waiting(feed)
    assert (delivery.held, delivery.posted) == (2, 0)
    assert publisher.sent == {}
    # No post, but the feed's channel: the digest shows the article only if its readers are everyone.
    recorded = [
        (a.entry_key, a.mode, a.channel_id, a.message_id, a.shared_at) for a in await shared(database, clock)
    ]
    assert recorded == [
        ("k1", "digest", CHANNEL, None, epoch(clock.now())),
        ("k2", "digest", CHANNEL, None, epoch(clock.now())),
    ]
    assert await FeedStore(database).entry_states(feed.id) == {"k1": "posted", "k2": "posted"}
    again = await poller_for(database, clock, publisher, None).publish_waiting(feed)
    assert again == Delivery()


async def test_an_instant_post_interrupted_before_it_was_marked_is_recorded_once(
    database, clock, monkeypatch
):
    publisher = StandInPublisher()
    feed = await feed_with_entries(database, clock, "instant", 1, thread=True)
    poller = poller_for(database, clock, publisher, None)

    async def crash(*args: object, **kwargs: object) -> None:
        raise Crash

    with monkeypatch.context() as patched:
        patched.setattr(poller.store, "mark_posted", crash)
        with pytest.raises(Crash):
            await poller.publish_waiting(feed)
    assert await shared(database, clock) == []  # the post is out, its record is not

    delivery = await poller_for(database, clock, publisher, None).publish_waiting(feed)
    assert delivery.posted == 1
    assert len(publisher.sent) == 1  # found again, not posted twice
    [article] = await shared(database, clock)
    message = publisher.sent["k1"]
    assert (article.mode, article.channel_id, article.message_id, article.thread_id) == (
        "instant", CHANNEL, message.id, message.id,
    )  # fmt: skip


async def test_a_review_entry_is_handed_over_then_done_even_after_a_crash(database, clock, monkeypatch):
    queue = StandInQueue()
    feed = await feed_with_entries(database, clock, "review", 1)
    poller = poller_for(database, clock, StandInPublisher(), queue)

    async def crash(*args: object, **kwargs: object) -> None:
        raise Crash

    with monkeypatch.context() as patched:
        patched.setattr(poller.store, "mark_posted", crash)
        with pytest.raises(Crash):
            await poller.publish_waiting(feed)
    assert await FeedStore(database).entry_states(feed.id) == {"k1": "pending"}  # not lost

    delivery = await poller_for(database, clock, StandInPublisher(), queue).publish_waiting(feed)
    assert delivery.reviewing == 1
    assert queue.queued == {(feed.id, "k1")} and queue.calls == 2  # handed over again, queued once
    assert await FeedStore(database).entry_states(feed.id) == {"k1": "posted"}
    assert await shared(database, clock) == []  # recorded by the queue when published, not before


async def test_a_review_entry_waits_while_there_is_no_review_queue(database, clock):
    feed = await feed_with_entries(database, clock, "review", 1)
    delivery = await poller_for(database, clock, StandInPublisher(), None).publish_waiting(feed)
    assert delivery == Delivery()
    assert await FeedStore(database).entry_states(feed.id) == {"k1": "pending"}
