"""The review queue of feeds in `review` mode (being built: the poller may already call `submit`)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agora.client import Agora
    from cogs.feeds.parse import FeedEntry
    from cogs.feeds.publisher import Publisher
    from cogs.feeds.store import Feed

log = logging.getLogger(__name__)


class ReviewQueue:
    def __init__(self, bot: Agora, publisher: Publisher) -> None:
        self.bot = bot
        self.publisher = publisher

    async def submit(self, feed: Feed, entry: FeedEntry) -> None:
        """An article of a feed in review mode: stored (idempotent on the feed and the entry's key),
        then its review post sent to the organisers' channel."""
        log.info("feed %s: entry queued for review", feed.id)
