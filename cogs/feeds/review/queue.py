"""The review queue of feeds in `review` mode: each new article is stored, then shown to the organisers
in their channel (AGORA_ORGANISER_CHANNEL) with *Publish*, *Publish with a comment* and *Skip*, and
listed in `/feed queue`, where an organiser picks it to get the same buttons privately (the only way
without that channel). Unreviewed, it expires after `KEEP` (7 days).

Every step is claimed in the store before it is done (review/store.py). A periodic pass sends the review
posts not sent yet (no channel then, a crash, Discord down) after looking for them in the channel,
finishes a publishing that a crash interrupted or whose post Discord did not confirm (the article's
post looked for in the feed's channel first, so it is never posted twice, nor left there unrecorded),
expires what is due on the injected clock, and redraws the review posts of decided reviews whose
redraw was lost.

Within the running bot, one review's publishing goes one step at a time (a lock per review): two
organisers clicking at once, or a click and the pass, never both post; the store's claim decides who.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from agora.channels import PostableChannel, find_channel, find_own_post
from agora.clock import epoch
from agora.components import carrying
from agora.i18n import Words
from agora.scheduling import Recurring, cancel_and_wait, start_when_ready
from cogs.feeds.article_store import ArticleStore
from cogs.feeds.failure import FeedFailure
from cogs.feeds.model import shared_article
from cogs.feeds.parse import FeedEntry
from cogs.feeds.publisher import FeedSource, Publisher
from cogs.feeds.review.desk import ReviewDesk
from cogs.feeds.review.render import Target, message_link, review_content
from cogs.feeds.review.store import PENDING, PUBLISHED, PUBLISHING, Review, ReviewStore
from cogs.feeds.review.views import PUBLISH, custom_id, review_view
from cogs.feeds.store import Feed, FeedStore, entry_from_json, entry_to_json

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

KEEP = timedelta(days=7)  # how long an article waits for a review before it expires
PASS_TICK = 300.0  # seconds: sends, recoveries and expiries need no more precision than that
NO_PINGS = discord.AllowedMentions.none()
# Discord refused the post for good (the channel is gone or refuses Agora): kept in the queue with the
# reason, not tried again until an organiser clicks. Anything else was passing: tried again by a click.
REFUSALS = frozenset({"channel_missing", "discord_forbidden"})
NOT_FOUND = 404


def may_have_gone_out(error: Exception) -> bool:
    """Whether a failed post may be in the channel all the same. Only a refusal Discord answered (a
    4xx) or a failure before anything was sent says it is not; a 5xx, a lost answer or a timeout may
    come after Discord took it."""
    if isinstance(error, FeedFailure):
        status = error.values.get("status")
        answered = isinstance(status, int) and 400 <= status < 500  # a refusal: nothing was taken
        return not (error.code in REFUSALS or answered)
    return not isinstance(error, aiohttp.ClientConnectorError)  # no connection: nothing was sent


def surely_absent(error: FeedFailure) -> bool:
    """Whether a failed search for an earlier post still tells it is not there: the channel is gone."""
    return error.code == "channel_missing" or error.values.get("status") == NOT_FOUND


@dataclass(frozen=True, slots=True)
class Outcome:
    """What publishing a claimed review came to: `published` (with the post's link), `refused` or
    `failed` (with the error code, back in the queue), `unconfirmed` (the post may be out: still
    publishing, the pass looks for it), or `feed_removed`."""

    kind: str
    link: str | None = None
    code: str | None = None


class ReviewQueue:
    def __init__(self, bot: Agora, feeds: FeedStore, publisher: Publisher) -> None:
        self.bot = bot
        self.feeds = feeds
        self.publisher = publisher
        self.store = ReviewStore(bot.database)
        self.desk = ReviewDesk(bot, self)  # the organisers' clicks
        self.recurring: Recurring[int] = Recurring("feed reviews", self.run_pass, tick=PASS_TICK)
        # Held only while a step holds or awaits it (a weak mapping): one lock per review ever queued
        # would otherwise stay for the bot's lifetime.
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """The pass, once the bot is connected (the feeds cog's cog_load)."""
        self._task = start_when_ready(self.bot, self.recurring)

    async def close(self) -> None:
        await cancel_and_wait(self._task)

    def lock(self, review_id: int) -> asyncio.Lock:
        lock = self._locks.get(review_id)
        if lock is None:
            lock = self._locks[review_id] = asyncio.Lock()
        return lock

    def words(self) -> Words:
        """The review post is the organisers' together: in the community's language."""
        return self.bot.catalogue.words(self.bot.settings.locale)

    def organisers_channel(self, guild_id: int) -> PostableChannel | None:
        """AGORA_ORGANISER_CHANNEL, found as the feeds cog finds it for a failing feed; never the feed's
        own channel, where members would see the buttons."""
        guild = self.bot.get_guild(guild_id)
        return find_channel(guild, self.bot.settings.organiser_channel) if guild else None

    # ---- an article comes in --------------------------------------------------------------------------

    async def submit(self, feed: Feed, entry: FeedEntry) -> None:
        """An article of a feed in review mode: stored (idempotent on the feed and the entry's key),
        then its review post sent to the organisers' channel. The post's failure is logged and left to
        the next pass; the store's is raised, so the poller hands the article over again."""
        review = await self.store.add(
            feed.guild_id,
            feed.id,
            entry.key,
            feed.display_name,
            entry_to_json(entry),
            self.bot.clock.now(),
            KEEP,
        )
        if review.state in (PENDING, PUBLISHING) and review.review_message_id is None:
            try:
                await self.post_review(review, look_first=False)
            except Exception:
                log.exception(
                    "feed %s: review %s could not be posted; the next pass tries again", feed.id, review.id
                )

    async def post_review(self, review: Review, *, look_first: bool = True) -> bool:
        """The review post, once: looked for first when an earlier attempt may have reached Discord."""
        async with self.lock(review.id):
            review = await self.store.get(review.id) or review
            if review.review_message_id is not None or review.state not in (PENDING, PUBLISHING):
                return False
            channel = self.organisers_channel(review.guild_id)
            if channel is None:
                return False  # only in /feed queue, until a channel is configured
            button = custom_id(PUBLISH, review.id)
            try:
                message = (
                    await find_own_post(channel, self.bot.user, carrying(button)) if look_first else None
                )
                if message is None:
                    message = await channel.send(**await self.parts(review), allowed_mentions=NO_PINGS)
            except (discord.Forbidden, discord.NotFound) as error:
                # Not retried in a loop (a 403 in a loop gets the bot banned): the next pass, minutes
                # away, tries once more; /config names the channel's problem meanwhile.
                log.warning("review %s refused in channel %s (%s)", review.id, channel.id, error.code)
                return False
            except discord.HTTPException as error:
                log.warning("review %s: Discord failed to take its post (%s)", review.id, error.status)
                return False
            await self.store.set_posted(review.id, channel.id, message.id, review.state)
            return True

    async def parts(
        self, review: Review, *, published: str | None = None, words: Words | None = None
    ) -> dict[str, Any]:
        """The review post: where the article would go and what became of it, above its embed exactly as
        it would be posted (the role is shown, never pinged); buttons while it waits. With `words` (an
        organiser's language), the same review shown privately by `/feed queue`, and that card once a
        decision is taken on it: always with its embed."""
        card = words is not None
        words = words or self.words()
        feed = await self.feeds.get(review.feed_id) if review.feed_id is not None else None
        target = Target(feed.channel_id, feed.role_id, feed.open_thread) if feed is not None else None
        parts: dict[str, Any] = {"content": review_content(review, target, words, published=published)}
        if review.review_message_id is None or card:
            source = FeedSource.of(feed) if feed is not None else FeedSource(review.blog, None, None)
            _, parts["embed"] = await self.publisher.message_for(
                source, entry_from_json(review.payload), None
            )
        parts["view"] = review_view(review.id, words) if review.state == PENDING and target else None
        return parts

    async def redraw(self, review: Review, *, published: str | None = None) -> None:
        """The review post shows what became of the article; buttons gone once decided. Best effort:
        the decision stands whether or not the post says it; a decided review whose redraw failed or
        was lost is redrawn by the pass (`drawn_state`)."""
        channel = self.bot.get_channel(review.review_channel_id or 0)
        if review.review_message_id is None or not isinstance(channel, discord.abc.Messageable):
            return
        parts = await self.parts(review, published=published)
        try:
            await channel.get_partial_message(review.review_message_id).edit(**parts)  # type: ignore[attr-defined]
        except (discord.NotFound, discord.Forbidden) as error:
            # The post was deleted, or Agora may no longer edit it: not tried again at every pass.
            log.warning("review %s: its post can no longer be redrawn (%s)", review.id, error.status)
        except discord.HTTPException as error:
            log.warning("review %s: its post could not be redrawn (%s)", review.id, error.status)
            return
        await self.store.set_drawn(review.id, review.state)

    # ---- publishing -----------------------------------------------------------------------------------

    async def publish(self, review: Review, *, look_first: bool) -> Outcome:
        """Post a review claimed `publishing` (under its lock), record the article, mark it published;
        or put it back in the queue with the reason when nothing was posted, or leave it `publishing`
        for the pass when the post may be out. `look_first`: an earlier attempt may have reached
        Discord (a crash, a 5xx, a lost answer), so the channel is searched before posting; its post,
        found, is recorded as published (its thread opened if the feed opens them)."""
        feed = await self.feeds.get(review.feed_id) if review.feed_id is not None else None
        if feed is None:
            await self.store.close_removed(review.id, self.bot.clock.now())
            return Outcome("feed_removed")
        entry = entry_from_json(review.payload)
        try:
            message = await self.publisher.find_earlier_post(feed, entry) if look_first else None
        except FeedFailure as error:
            if surely_absent(error):
                return await self.failed(review, feed, error)
            # Not known whether the earlier attempt is in the channel: nothing decided until it is.
            return await self.unconfirmed(review, feed, error)
        if message is None:
            try:
                message = await self.publisher.post(feed, entry, comment=review.comment)
            except (FeedFailure, aiohttp.ClientError, TimeoutError) as error:
                if may_have_gone_out(error):
                    return await self.unconfirmed(review, feed, error)
                return await self.failed(review, feed, error)
        now = self.bot.clock.now()
        article = shared_article(
            feed,
            entry,
            mode="review",
            shared_at=epoch(now),
            channel_id=message.channel.id,
            message_id=message.id,
            thread_id=self.publisher.thread_of(feed, message),
        )
        await self.store.published(review.id, article, now)
        return Outcome("published", link=message_link(feed.guild_id, message.channel.id, message.id))

    async def failed(self, review: Review, feed: Feed, error: Exception) -> Outcome:
        """Nothing was posted: back in the queue with the reason."""
        code = error.code if isinstance(error, FeedFailure) and error.code in REFUSALS else "discord_error"
        if isinstance(error, FeedFailure) and error.values.get("status") == NOT_FOUND:
            code = "channel_missing"
        log.warning("review %s: publishing to channel %s failed: %s", review.id, feed.channel_id, _why(error))
        await self.store.release(review.id, code)
        return Outcome("refused" if code in REFUSALS else "failed", code=code)

    async def unconfirmed(self, review: Review, feed: Feed, error: Exception) -> Outcome:
        """The post may be in the channel: left `publishing`, so that neither a skip nor the expiry
        decides it before the pass has looked for it."""
        log.warning(
            "review %s: publishing to channel %s unconfirmed (%s); the pass looks for the post",
            review.id,
            feed.channel_id,
            _why(error),
        )
        await self.store.unconfirmed(review.id, "discord_error")
        return Outcome("unconfirmed", code="discord_error")

    async def published_link(self, review: Review) -> str | None:
        """The link to a published review's post, from the article's record (None once its feed is
        removed: the record no longer names it)."""
        if review.feed_id is None:
            return None
        article = await ArticleStore(self.bot.database).find(review.feed_id, review.entry_key)
        if article is None or article.channel_id is None or article.message_id is None:
            return None
        return message_link(review.guild_id, article.channel_id, article.message_id)

    async def shown(self, review_id: int, outcome: Outcome) -> None:
        """The review post redrawn after a publishing attempt."""
        review = await self.store.get(review_id)
        if review is not None:
            await self.redraw(review, published=outcome.link)

    # ---- the pass -------------------------------------------------------------------------------------

    async def run_pass(self) -> int:
        """Expiries, publishings interrupted or unconfirmed, review posts not sent yet, redraws lost;
        how many were done."""
        done = await self.expire_due()
        for review in await self.store.publishing():
            done += await self._guarded(review, self.recover(review))
        for review in await self.store.unposted():
            done += await self._guarded(review, self.post_review(review))
        for review in await self.store.undrawn():
            done += await self._guarded(review, self.redraw_lost(review))
        return done

    async def expire_due(self) -> int:
        """Pending reviews past their time marked expired, their posts saying so; how many."""
        expired = await self.store.expire(self.bot.clock.now())
        for review in expired:
            log.info("review %s expired unreviewed", review.id)
            await self._guarded(review, self.redraw(review))
        return len(expired)

    async def _guarded(self, review: Review, work: Any) -> int:
        # One review's trouble must not hold up the others'.
        try:
            return int(bool(await work))
        except Exception:
            log.exception("review %s (guild %s): a step of the pass failed", review.id, review.guild_id)
            return 0

    async def recover(self, review: Review) -> bool:
        """A review left `publishing` by a crash, or by a post Discord did not confirm: its post looked
        for first. Clicks meanwhile are told it is being published (review/desk.py)."""
        lock = self.lock(review.id)
        if lock.locked():
            return False  # a click is publishing it now; the next pass looks, if it must
        async with lock:
            review = await self.store.get(review.id) or review
            if review.state != PUBLISHING:
                return False
            outcome = await self.publish(review, look_first=True)
            log.info("review %s: publishing interrupted earlier, now %s", review.id, outcome.kind)
            await self.shown(review.id, outcome)
            return outcome.kind == "published"

    async def redraw_lost(self, review: Review) -> bool:
        """A decided review whose post still shows something else (its redraw failed or was lost)."""
        async with self.lock(review.id):
            review = await self.store.get(review.id) or review
            if review.review_message_id is None or review.drawn_state == review.state:
                return False
            link = await self.published_link(review) if review.state == PUBLISHED else None
            await self.redraw(review, published=link)
            return True

    async def close_removed(self, review_id: int) -> None:
        """Its feed was removed: closed, and its post says so (once, by whoever closed it)."""
        if await self.store.close_removed(review_id, self.bot.clock.now()):
            closed = await self.store.get(review_id)
            if closed is not None:
                await self.redraw(closed)


def _why(error: Exception) -> str:
    return str(error) if isinstance(error, FeedFailure) else type(error).__name__
