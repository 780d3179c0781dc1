"""FeedParserPool: feedparser runs in worker processes and hands back small dataclasses."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from cogs.feeds import parse as parse_module
from cogs.feeds.parse import FeedParserPool, ParsedFeed, ParseError, parse_feed
from tests.feed_server import fixture

URL = "https://blog.socialbusiness.example.ch/feed/"


@pytest.fixture
async def pool() -> AsyncIterator[FeedParserPool]:
    pool = FeedParserPool(workers=2)
    yield pool
    await pool.close()


async def test_pool_parses_in_another_process(pool: FeedParserPool, monkeypatch: pytest.MonkeyPatch):
    expected = parse_feed(fixture("wordpress_fr.xml"), URL)

    def not_here(*args, **kwargs):
        raise AssertionError("parsed in the bot's own process")

    # Workers import the module afresh, so only a parse in this process would meet the patch.
    monkeypatch.setattr(parse_module, "parse_feed", not_here)
    parsed = await pool.parse(fixture("wordpress_fr.xml"), URL)

    assert isinstance(parsed, ParsedFeed)
    assert parsed == expected


async def test_parse_errors_cross_the_process_boundary_with_their_values(pool: FeedParserPool):
    with pytest.raises(ParseError) as caught:
        await pool.parse(
            fixture("page_with_feed.html"), "https://blog.socialbusiness.example.ch/", "text/html"
        )

    assert caught.value.code == "not_a_feed"
    assert caught.value.values["alternates"][0] == URL


async def test_pool_parses_feeds_concurrently(pool: FeedParserPool):
    bodies = [fixture(name) for name in ("wordpress_fr.xml", "blogger_atom.xml", "rss1_rdf.xml")] * 2

    parsed = await asyncio.gather(*(pool.parse(body, URL) for body in bodies))

    assert [len(feed.entries) for feed in parsed] == [3, 2, 2] * 2


async def test_closed_pool_starts_new_workers_when_used_again(pool: FeedParserPool):
    await pool.parse(fixture("rss1_rdf.xml"), URL)
    await pool.close()

    parsed = await pool.parse(fixture("rss1_rdf.xml"), URL)

    assert parsed.version == "rss10"
