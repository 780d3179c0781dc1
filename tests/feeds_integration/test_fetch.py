"""FeedFetcher against the local feed server: conditional requests, redirects, limits, failures."""

from __future__ import annotations

import socket
from datetime import UTC, datetime

import pytest

from cogs.feeds import fetch as fetch_module
from cogs.feeds.fetch import FeedFetcher, FetchError
from cogs.feeds.parse import ParseError, parse_feed
from tests.feed_server import RSS, FeedServer, Item, fixture, rss


def _feed(*titles: str) -> bytes:
    return rss(
        Item(
            title,
            link=f"https://blog.example.ch/{i}",
            guid=f"p-{i}",
            published=datetime(2025, 10, i + 1, tzinfo=UTC),
        )
        for i, title in enumerate(titles)
    )


async def test_first_fetch_returns_the_body_and_its_validators(feed_server: FeedServer, fetcher: FeedFetcher):
    feed_server.set_feed("/feed", _feed("Relation client"))

    result = await fetcher.fetch(feed_server.url("/feed"))

    assert result.body == _feed("Relation client")
    assert not result.not_modified
    assert result.etag and result.last_modified
    assert result.content_type == RSS
    assert result.url == feed_server.url("/feed")
    assert result.permanent_url is None


async def test_unchanged_feed_answers_304_and_no_body(feed_server: FeedServer, fetcher: FeedFetcher):
    feed_server.set_feed("/feed", _feed("Relation client"))
    first = await fetcher.fetch(feed_server.url("/feed"))

    second = await fetcher.fetch(feed_server.url("/feed"), etag=first.etag, last_modified=first.last_modified)

    assert second.not_modified
    assert second.body is None
    assert (second.etag, second.last_modified) == (first.etag, first.last_modified)
    conditional = feed_server.requests("/feed")[-1].headers
    assert conditional["If-None-Match"] == first.etag
    assert conditional["If-Modified-Since"] == first.last_modified


async def test_if_modified_since_alone_is_enough_for_a_304(feed_server: FeedServer, fetcher: FeedFetcher):
    feed_server.set_feed("/feed", _feed("Relation client"))
    first = await fetcher.fetch(feed_server.url("/feed"))

    second = await fetcher.fetch(feed_server.url("/feed"), last_modified=first.last_modified)

    assert second.not_modified
    assert "If-None-Match" not in feed_server.requests("/feed")[-1].headers


async def test_changed_feed_is_fetched_again_with_new_validators(
    feed_server: FeedServer, fetcher: FeedFetcher
):
    feed_server.set_feed("/feed", _feed("Relation client"))
    first = await fetcher.fetch(feed_server.url("/feed"))
    feed_server.set_feed("/feed", _feed("Relation client", "Marque employeur"))

    second = await fetcher.fetch(feed_server.url("/feed"), etag=first.etag, last_modified=first.last_modified)

    assert not second.not_modified
    assert second.body == _feed("Relation client", "Marque employeur")
    assert second.etag != first.etag
    assert second.last_modified != first.last_modified


async def test_first_fetch_sends_no_conditional_headers(feed_server: FeedServer, fetcher: FeedFetcher):
    feed_server.set_feed("/feed", _feed("Relation client"))

    await fetcher.fetch(feed_server.url("/feed"))

    headers = feed_server.requests("/feed")[0].headers
    assert "If-None-Match" not in headers
    assert "If-Modified-Since" not in headers


async def test_user_agent_names_agora(feed_server: FeedServer, fetcher: FeedFetcher):
    feed_server.set_feed("/feed", _feed("Relation client"))

    await fetcher.fetch(feed_server.url("/feed"))

    assert feed_server.requests("/feed")[0].headers["User-Agent"].startswith("Agora/")


@pytest.mark.parametrize("status", [301, 308])
async def test_permanent_redirect_reports_the_new_url(feed_server: FeedServer, fetcher: FeedFetcher, status):
    feed_server.set_feed("/feed/", _feed("Relation client"))
    feed_server.redirect("/rss.xml", "/feed/", status=status)

    result = await fetcher.fetch(feed_server.url("/rss.xml"))

    assert result.body == _feed("Relation client")
    assert result.url == feed_server.url("/feed/")
    assert result.permanent_url == feed_server.url("/feed/")


@pytest.mark.parametrize("status", [302, 303, 307])
async def test_temporary_redirect_is_followed_but_not_reported(
    feed_server: FeedServer, fetcher: FeedFetcher, status
):
    feed_server.set_feed("/feed/", _feed("Relation client"))
    feed_server.redirect("/rss.xml", "/feed/", status=status)

    result = await fetcher.fetch(feed_server.url("/rss.xml"))

    assert result.url == feed_server.url("/feed/")
    assert result.permanent_url is None


async def test_chain_with_one_temporary_hop_is_not_a_move(feed_server: FeedServer, fetcher: FeedFetcher):
    feed_server.set_feed("/feed/", _feed("Relation client"))
    feed_server.redirect("/old", "/older", status=301)
    feed_server.redirect("/older", "/feed/", status=302)

    result = await fetcher.fetch(feed_server.url("/old"))

    assert result.url == feed_server.url("/feed/")
    assert result.permanent_url is None


async def test_permanent_redirect_is_reported_on_a_304_too(feed_server: FeedServer, fetcher: FeedFetcher):
    feed_server.set_feed("/feed/", _feed("Relation client"))
    first = await fetcher.fetch(feed_server.url("/feed/"))
    feed_server.redirect("/rss.xml", "/feed/", status=301)

    result = await fetcher.fetch(feed_server.url("/rss.xml"), etag=first.etag)

    assert result.not_modified
    assert result.permanent_url == feed_server.url("/feed/")


async def test_redirect_loop_is_refused(feed_server: FeedServer, fetcher: FeedFetcher):
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(feed_server.url("/loop/a"))

    assert caught.value.code == "redirect_loop"


async def test_more_than_max_redirects_is_refused(feed_server: FeedServer):
    feed_server.set_feed("/end", _feed("Relation client"))
    for hop in range(3):
        feed_server.redirect(f"/hop{hop}", f"/hop{hop + 1}" if hop < 2 else "/end", status=302)
    fetcher = FeedFetcher(allow_private=True, timeout=0.5, max_redirects=2)
    try:
        with pytest.raises(FetchError) as caught:
            await fetcher.fetch(feed_server.url("/hop0"))
    finally:
        await fetcher.close()

    assert caught.value.code == "too_many_redirects"
    assert feed_server.requests("/end") == []


async def test_redirect_to_another_scheme_is_refused(feed_server: FeedServer, fetcher: FeedFetcher):
    feed_server.redirect("/feed", "file:///etc/passwd", status=301)

    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(feed_server.url("/feed"))

    assert caught.value.code == "bad_scheme"


@pytest.mark.parametrize("status", [404, 410, 500])
async def test_error_status_is_reported_with_its_code(feed_server: FeedServer, fetcher: FeedFetcher, status):
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(feed_server.url(f"/status/{status}"))

    assert caught.value.code == "http_status"
    assert caught.value.values["status"] == status


async def test_slow_server_times_out(feed_server: FeedServer, fetcher: FeedFetcher):
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(feed_server.url("/slow"))

    assert caught.value.code == "timeout"
    assert caught.value.values["seconds"] == 0.5


@pytest.mark.parametrize("path", ["/too-large", "/too-large-chunked", "/endless"])
async def test_body_over_the_cap_is_refused(feed_server: FeedServer, fetcher: FeedFetcher, path):
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(feed_server.url(path))

    assert caught.value.code == "too_large"
    assert caught.value.values["limit"] == 5 * 1024 * 1024


async def test_body_cut_before_its_declared_length_is_truncated(
    feed_server: FeedServer, fetcher: FeedFetcher
):
    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(feed_server.url("/truncated"))

    assert caught.value.code == "truncated"


async def test_closed_port_is_a_connection_error(fetcher: FeedFetcher):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed on leaving: nothing listens there any more

    with pytest.raises(FetchError) as caught:
        await fetcher.fetch(f"http://127.0.0.1:{port}/feed")

    assert caught.value.code == "connection"


async def test_page_advertising_its_feed_leads_to_the_feed(feed_server: FeedServer, fetcher: FeedFetcher):
    feed_server.serve_fixture("/feed/", "wordpress_fr.xml", RSS)
    page = await fetcher.fetch(feed_server.url("/page"))

    with pytest.raises(ParseError) as caught:
        parse_feed(page.body or b"", page.url, page.content_type)
    offered = caught.value.values["alternates"][0]
    feed = await fetcher.fetch(offered)

    assert offered == feed_server.url("/feed/")
    assert (
        parse_feed(feed.body or b"", feed.url, feed.content_type).title
        == "Social Business Romandie – Le blog"
    )


async def test_image_is_fetched_then_refused_as_not_a_feed(feed_server: FeedServer, fetcher: FeedFetcher):
    image = await fetcher.fetch(feed_server.url("/logo.png"))

    with pytest.raises(ParseError) as caught:
        parse_feed(image.body or b"", image.url, image.content_type)

    assert caught.value.code == "not_a_feed"
    assert caught.value.values["kind"] == "image"


@pytest.mark.parametrize("content_type", ["text/html; charset=UTF-8", "application/octet-stream"])
async def test_feed_served_with_a_wrong_content_type_still_parses(
    feed_server: FeedServer, fetcher: FeedFetcher, content_type
):
    feed_server.set_feed("/feed", fixture("rss1_rdf.xml"), content_type)

    result = await fetcher.fetch(feed_server.url("/feed"))

    assert len(parse_feed(result.body or b"", result.url, result.content_type).entries) == 2


# Addresses: production refuses the feed server's own address; these prove it, without traffic.


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
async def test_loopback_is_refused_before_any_request(feed_server: FeedServer, host):
    feed_server.set_feed("/feed", _feed("Relation client"))
    guarded = FeedFetcher(timeout=0.5)
    try:
        with pytest.raises(FetchError) as caught:
            await guarded.fetch(feed_server.url("/feed", host=host))
    finally:
        await guarded.close()

    assert caught.value.code == "forbidden_address"
    assert feed_server.requests("/feed") == []


async def test_connected_peer_is_checked_even_if_resolution_lets_loopback_through(
    feed_server: FeedServer, monkeypatch: pytest.MonkeyPatch
):
    """DNS rebinding or a resolver bug: the socket's peer is the last check, before the request."""

    async def unfiltered(self, host, port=0, family=socket.AF_INET):
        return await self._inner.resolve(host, port, family)

    monkeypatch.setattr(fetch_module._PublicResolver, "resolve", unfiltered)
    feed_server.set_feed("/feed", _feed("Relation client"))
    guarded = FeedFetcher(timeout=0.5)
    try:
        with pytest.raises(FetchError) as caught:
            await guarded.fetch(feed_server.url("/feed", host="localhost"))
    finally:
        await guarded.close()

    assert caught.value.code == "forbidden_address"
    assert feed_server.requests("/feed") == []


async def test_unknown_name_is_a_dns_error(monkeypatch: pytest.MonkeyPatch):
    async def no_such_name(self, host, port=0, family=socket.AF_INET):
        raise OSError(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(fetch_module._PublicResolver, "resolve", no_such_name)
    guarded = FeedFetcher(timeout=0.5)
    try:
        with pytest.raises(FetchError) as caught:
            await guarded.fetch("https://blog.does-not-exist.example/feed/")
    finally:
        await guarded.close()

    assert caught.value.code == "dns"
    assert caught.value.values["host"] == "blog.does-not-exist.example"
