from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from cogs.feeds.fetch import FeedFetcher
from tests.feed_server import FeedServer


@pytest.fixture
async def feed_server() -> AsyncIterator[FeedServer]:
    async with FeedServer(big_size=6 * 1024 * 1024) as server:
        yield server


@pytest.fixture
async def fetcher() -> AsyncIterator[FeedFetcher]:
    # The feed server is on 127.0.0.1, which production refuses: only tests lift the check.
    fetcher = FeedFetcher(allow_private=True, timeout=0.5)
    yield fetcher
    await fetcher.close()
