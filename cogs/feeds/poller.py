"""One poll cycle: fetch every due feed (bounded concurrency), parse only what changed, deliver new
entries as the feed's mode says: post them (instant), keep them for the weekly digest (digest), or hand
them to the organisers' review queue (review).

A fetch that fails backs the feed off exponentially; after `PAUSE_AFTER` of failures the feed is
paused and organisers are told once. Entries are claimed in SQLite before they are delivered, and an
attempt is recorded before a post, so a crash can never make the same entry appear twice. Each entry
is marked done together with its record in feed_articles; the review queue's `submit` is idempotent,
so an entry handed over again after a crash is queued once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from agora.clock import Clock, epoch
from agora.scheduling import Recurring
from cogs.feeds.failure import FeedFailure
from cogs.feeds.fetch import FeedFetcher, FetchResult
from cogs.feeds.filters import is_wanted, parse_keywords
from cogs.feeds.model import shared_article
from cogs.feeds.parse import FeedEntry, ParsedFeed, body_hash
from cogs.feeds.pool import FeedParserPool
from cogs.feeds.publisher import Publisher
from cogs.feeds.store import Feed, FeedStore, WaitingEntry

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)
PAUSE_AFTER = timedelta(hours=24)
POSTS_PER_FEED_PER_CYCLE = 10
CONCURRENCY = 16

FeedFailedHandler = Callable[[Feed], Awaitable[None]]


class ReviewSubmitter(Protocol):
    """The review queue (cogs/feeds/review/queue.py), as the poller sees it."""

    async def submit(self, feed: Feed, entry: FeedEntry) -> None:
        """Queue `entry` for the organisers: durable, and idempotent on the feed and the entry's key."""
        ...


@dataclass(slots=True)
class Delivery:
    posted: int = 0  # instant: posted in the feed's channel
    held: int = 0  # digest: kept for the weekly digest
    reviewing: int = 0  # review: handed to the organisers' review queue


@dataclass(slots=True)
class CycleReport:
    fetched: int = 0
    not_modified: int = 0
    unchanged: int = 0
    parsed: int = 0
    failed: int = 0
    posted: int = 0
    held: int = 0
    reviewing: int = 0

    def add(self, delivery: Delivery) -> None:
        self.posted += delivery.posted
        self.held += delivery.held
        self.reviewing += delivery.reviewing


class FeedPoller:
    def __init__(
        self,
        *,
        store: FeedStore,
        fetcher: FeedFetcher,
        parser: FeedParserPool,
        publisher: Publisher,
        clock: Clock,
        interval: timedelta,
        on_paused: FeedFailedHandler,
        review_queue: ReviewSubmitter | None = None,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.parser = parser
        self.publisher = publisher
        self.clock = clock
        self.interval = interval
        self.on_paused = on_paused
        # None until the review queue exists: entries of feeds in review mode then wait, claimed.
        self.review_queue = review_queue
        self.concurrency = concurrency
        # One cycle at a time: a manual refresh and the loop must not fetch the same feed twice.
        self._cycle_lock = asyncio.Lock()
        # Its tick is set by the cog: often enough that no feed is late by more than a minute.
        self.recurring: Recurring[CycleReport] = Recurring("feed poller", self.run_cycle, tick=60.0)

    def wake(self) -> None:
        self.recurring.wake()

    async def cycle_now(self, within: float = 30) -> CycleReport:
        """Fetch what is due now, and wait for it (tests step the clock with it)."""
        return await self.recurring.run_now(within) or CycleReport()

    async def prime(self, feed: Feed, parsed: ParsedFeed, result: FetchResult) -> Delivery:
        """A feed's first fetch, done by `/feed add`: claim its entries, deliver only the newest."""
        await self.absorb(feed, parsed)
        await self.record_fetch(feed, result, digest=body_hash(result.body or b""), parsed=parsed)
        return await self.publish_waiting(feed)

    async def run_cycle(self) -> CycleReport:
        async with self._cycle_lock:
            report = CycleReport()
            feeds = await self.store.due(self.clock.now())
            gate = asyncio.Semaphore(self.concurrency)

            async def refresh(feed: Feed) -> None:
                async with gate:
                    try:
                        await self.refresh(feed, report)
                    except Exception:
                        # One feed's unexpected error must not cost the others their cycle.
                        report.failed += 1
                        log.exception("feed %s (guild %s): unexpected error", feed.id, feed.guild_id)

            await asyncio.gather(*(refresh(feed) for feed in feeds))
            if feeds:
                log.info("feed cycle: %s", report)
            return report

    async def refresh(self, feed: Feed, report: CycleReport) -> None:
        report.fetched += 1
        try:
            result = await self.fetcher.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
            if result.not_modified:
                report.not_modified += 1
                await self.record_fetch(feed, result, digest=None)
            else:
                assert result.body is not None  # noqa: S101 — a 200 always carries a body
                digest = body_hash(result.body)
                if digest == feed.body_hash:
                    report.unchanged += 1
                    await self.record_fetch(feed, result, digest=None)
                else:
                    parsed = await self.parser.parse(result.body, result.url, result.content_type)
                    report.parsed += 1
                    await self.absorb(feed, parsed)
                    await self.record_fetch(feed, result, digest=digest, parsed=parsed)
        except FeedFailure as error:
            report.failed += 1
            await self.record_failure(feed, error.code, dict(error.values))
            return
        delivery = await self.publish_waiting(feed)  # awaited first: `+= await` would lose updates
        report.add(delivery)

    async def absorb(self, feed: Feed, parsed: ParsedFeed) -> list[str]:
        """Claim the entries not seen before; on the very first fetch only the newest may be posted."""
        first_fetch = feed.last_success_at is None
        include = parse_keywords(feed.include_keywords)
        exclude = parse_keywords(feed.exclude_keywords)
        candidates = parsed.entries[-1:] if first_fetch else parsed.entries
        to_post = {entry.key for entry in candidates if is_wanted(entry, include, exclude)}
        return await self.store.claim(feed.id, parsed.entries, self.clock.now(), post=to_post)

    async def record_fetch(
        self, feed: Feed, result: FetchResult, *, digest: str | None, parsed: ParsedFeed | None = None
    ) -> None:
        now = self.clock.now()
        await self.store.record_success(
            feed.id,
            now=now,
            next_fetch_at=now + self.interval,
            etag=result.etag,
            last_modified=result.last_modified,
            body_hash=digest,
            url=result.permanent_url,
            title=parsed.title if parsed and parsed.title else None,
            site_url=parsed.link if parsed else None,
            icon_url=parsed.icon_url if parsed else None,
        )

    async def record_failure(self, feed: Feed, code: str, values: dict[str, object]) -> None:
        now = self.clock.now()
        # 2, 4, 8… intervals after the 1st, 2nd, 3rd failure in a row, at most MAX_BACKOFF.
        backoff = min(self.interval * 2 ** (feed.failures + 1), MAX_BACKOFF)
        failing_since = datetime.fromtimestamp(feed.failing_since, now.tzinfo) if feed.failing_since else now
        pause = now - failing_since >= PAUSE_AFTER
        log.warning("feed %s (guild %s) failed: %s %s", feed.id, feed.guild_id, code, values)
        await self.store.record_failure(
            feed.id, now=now, next_fetch_at=now + backoff, code=code, values=values, pause=pause
        )
        if pause and not feed.paused:
            paused = await self.store.get(feed.id)
            if paused is not None:
                await self.on_paused(paused)

    async def publish_waiting(self, feed: Feed) -> Delivery:
        """Deliver the claimed entries in order, as the feed's mode says; stop at the first refusal
        (it is recorded, not retried now)."""
        delivery = Delivery()
        for waiting in await self.store.waiting(feed.id, POSTS_PER_FEED_PER_CYCLE):
            if feed.mode == "digest":
                await self.hold_for_digest(feed, waiting.entry)
                delivery.held += 1
            elif feed.mode == "review":
                if self.review_queue is None:
                    log.warning("feed %s: in review mode, but no review queue to hand entries to", feed.id)
                    break
                await self.review_queue.submit(feed, waiting.entry)
                # Done only once queued: a crash in between hands it over again, which submit ignores.
                await self.store.mark_posted(feed.id, waiting.entry.key, None)
                delivery.reviewing += 1
            else:
                try:
                    await self.post(feed, waiting)
                except FeedFailure as error:
                    await self.record_failure(feed, error.code, dict(error.values))
                    break
                delivery.posted += 1
        return delivery

    async def hold_for_digest(self, feed: Feed, entry: FeedEntry) -> None:
        """Not posted: recorded for the weekly digest, as shared now, with no post. The feed's channel
        is recorded all the same: the digest announces only what members of that channel could read."""
        article = shared_article(
            feed, entry, mode="digest", shared_at=epoch(self.clock.now()), channel_id=feed.channel_id
        )
        await self.store.mark_posted(feed.id, entry.key, None, article)

    async def post(self, feed: Feed, waiting: WaitingEntry) -> None:
        earlier = await self.publisher.find_earlier_post(feed, waiting.entry) if waiting.attempted else None
        if earlier is None:
            await self.store.mark_attempt(feed.id, waiting.entry.key)
            message = await self.publisher.post(feed, waiting.entry)
        else:
            message = earlier
        article = shared_article(
            feed,
            waiting.entry,
            mode="instant",
            # The injected clock, as every other time the digest compares with (not the snowflake's).
            shared_at=epoch(self.clock.now()),
            channel_id=message.channel.id,
            message_id=message.id,
            thread_id=self.publisher.thread_of(feed, message),
        )
        await self.store.mark_posted(feed.id, waiting.entry.key, message.id, article)
