"""A feed server on 127.0.0.1 for the tests: fixture files, programmable feeds, and every way to fail.

    async with FeedServer() as server:
        server.set_feed("/feed", rss([Item("Titre", link="https://blog.example.ch/1")]))
        url = server.url("/feed")

Programmable feeds answer conditional requests (ETag / Last-Modified → 304) like a real blog.
Built-in paths: /loop/a ↔ /loop/b (redirect loop), /slow (answers only at shutdown), /endless (a
body that never ends), /truncated (closes the connection halfway through its declared length),
/too-large and /too-large-chunked (`big_size` bytes, with and without Content-Length),
/status/<code>, /page (an HTML page advertising /feed/), /logo.png, /fixtures/<file>.
Every request is logged per path (`server.requests(path)`), and `wait_for_requests` lets a test
wait for the poller without sleeping.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from aiohttp import web
from multidict import CIMultiDict, CIMultiDictProxy

FIXTURES = Path(__file__).parent / "feed_fixtures"
RSS = "application/rss+xml; charset=UTF-8"
_TYPES = {".xml": "application/xml; charset=UTF-8", ".html": "text/html; charset=UTF-8", ".png": "image/png"}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass(frozen=True)
class Item:
    """One RSS item; `comments` is slash:comments, which changes without making the item new."""

    title: str
    link: str | None = None
    guid: str | None = None
    published: datetime | None = None
    description: str = ""
    comments: int | None = None


def rss(
    items: Iterable[Item], *, title: str = "Social Business Romandie", link: str = "https://blog.example.ch/"
) -> bytes:
    """An RSS 2.0 body shaped like WordPress's, newest item first as given."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/">\n<channel>\n'
        f"<title>{escape(title)}</title>\n<link>{escape(link)}</link>\n<description>Tests</description>\n"
    ]
    for item in items:
        parts.append(f"<item>\n<title>{escape(item.title)}</title>\n")
        if item.link:
            parts.append(f"<link>{escape(item.link)}</link>\n")
        if item.guid:
            parts.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>\n')
        if item.published:
            parts.append(f"<pubDate>{email.utils.format_datetime(item.published)}</pubDate>\n")
        parts.append(f"<description>{escape(item.description)}</description>\n")
        if item.comments is not None:
            parts.append(f"<slash:comments>{item.comments}</slash:comments>\n")
        parts.append("</item>\n")
    parts.append("</channel>\n</rss>\n")
    return "".join(parts).encode()


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: CIMultiDictProxy[str]


@dataclass
class _Feed:
    body: bytes
    content_type: str
    etag: str | None
    last_modified: datetime | None


@dataclass
class _Log:
    requests: dict[str, list[RecordedRequest]] = field(default_factory=dict)
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)


class FeedServer:
    def __init__(self, *, big_size: int = 6 * 1024 * 1024) -> None:
        self.big_size = big_size
        self._routes: dict[str, Handler] = {}
        self._feeds: dict[str, _Feed] = {}
        self._log = _Log()
        self._release = asyncio.Event()  # lets /slow and /endless end when the server stops
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._last_modified = datetime(2025, 10, 1, tzinfo=UTC)
        self._builtin_routes()

    async def __aenter__(self) -> FeedServer:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def port(self) -> int:
        return self._port

    def url(self, path: str, *, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self._port}{path}"

    # Programming the server

    def set_feed(self, path: str, body: bytes, content_type: str = RSS, *, validators: bool = True) -> None:
        """Serve `body` at `path` from now on; a changed body gets a new ETag and a later Last-Modified."""
        previous = self._feeds.get(path)
        if previous is not None and previous.body == body and previous.content_type == content_type:
            return
        etag = last_modified = None
        if validators:
            etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
            # HTTP dates have one-second resolution: each change must look newer than the last.
            now = datetime.now(UTC).replace(microsecond=0)
            self._last_modified = last_modified = max(now, self._last_modified + timedelta(seconds=1))
        self._feeds[path] = _Feed(body, content_type, etag, last_modified)
        self._routes[path] = self._serve_feed

    def serve_fixture(self, path: str, name: str, content_type: str | None = None) -> None:
        self.set_feed(path, fixture(name), content_type or _TYPES.get(Path(name).suffix, "application/xml"))

    def redirect(self, path: str, to: str, status: int = 301) -> None:
        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, headers={"Location": to})

        self._routes[path] = handler

    def remove(self, path: str) -> None:
        self._routes.pop(path, None)
        self._feeds.pop(path, None)

    # Reading what happened

    def requests(self, path: str) -> list[RecordedRequest]:
        return list(self._log.requests.get(path, []))

    async def wait_for_requests(
        self, path: str, count: int = 1, within: float = 5.0
    ) -> list[RecordedRequest]:
        """Wait until `path` has been requested `count` times in all."""
        async with self._log.changed:
            await asyncio.wait_for(
                self._log.changed.wait_for(lambda: len(self._log.requests.get(path, [])) >= count), within
            )
        return self.requests(path)

    # Serving

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        async with self._log.changed:
            recorded = RecordedRequest(
                request.method, request.path, CIMultiDictProxy(CIMultiDict(request.headers))
            )
            self._log.requests.setdefault(request.path, []).append(recorded)
            self._log.changed.notify_all()
        handler = self._routes.get(request.path)
        if handler is None and request.path.startswith("/status/"):
            handler = self._status
        if handler is None and request.path.startswith("/fixtures/"):
            handler = self._fixture
        if handler is None:
            return web.Response(status=404, text="Page introuvable")
        return await handler(request)

    async def _serve_feed(self, request: web.Request) -> web.StreamResponse:
        feed = self._feeds[request.path]
        headers = {}
        if feed.etag:
            headers["ETag"] = feed.etag
        if feed.last_modified:
            headers["Last-Modified"] = email.utils.format_datetime(feed.last_modified, usegmt=True)
        if self._not_modified(request, feed):
            return web.Response(status=304, headers=headers)
        return web.Response(body=feed.body, headers={**headers, "Content-Type": feed.content_type})

    @staticmethod
    def _not_modified(request: web.Request, feed: _Feed) -> bool:
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:  # it takes precedence over If-Modified-Since (RFC 9110)
            tags = [tag.strip() for tag in if_none_match.split(",")]
            return feed.etag is not None and (feed.etag in tags or "*" in tags)
        if_modified_since = request.headers.get("If-Modified-Since")
        if if_modified_since and feed.last_modified:
            try:
                since = email.utils.parsedate_to_datetime(if_modified_since)
            except (TypeError, ValueError):
                return False
            return feed.last_modified <= since
        return False

    def _builtin_routes(self) -> None:
        self.redirect("/loop/a", "/loop/b", status=302)
        self.redirect("/loop/b", "/loop/a", status=302)
        self._routes["/slow"] = self._slow
        self._routes["/endless"] = self._endless
        self._routes["/truncated"] = self._truncated
        self._routes["/too-large"] = self._too_large
        self._routes["/too-large-chunked"] = self._too_large_chunked
        self.serve_fixture("/page", "page_with_feed.html")
        self.serve_fixture("/logo.png", "logo.png")

    async def _status(self, request: web.Request) -> web.StreamResponse:
        code = int(request.path.rsplit("/", 1)[1])
        return web.Response(status=code, text=f"Erreur {code}", content_type="text/html")

    async def _fixture(self, request: web.Request) -> web.StreamResponse:
        name = request.path.removeprefix("/fixtures/")
        path = FIXTURES / name
        if "/" in name or not path.is_file():
            return web.Response(status=404)
        return web.Response(
            body=path.read_bytes(), headers={"Content-Type": _TYPES.get(path.suffix, "application/xml")}
        )

    async def _slow(self, request: web.Request) -> web.StreamResponse:
        await self._release.wait()
        return web.Response(status=503)

    async def _endless(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": RSS})
        await response.prepare(request)
        await response.write(
            b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Sans fin</title>'
        )
        item = b"<item><title>Encore un article</title><description>" + b"x" * 8000 + b"</description></item>"
        try:
            while not self._release.is_set():
                await response.write(item)
                await asyncio.sleep(0)  # a yield, not a delay: the client runs on this same loop
        except (ConnectionError, RuntimeError):
            pass  # the client stopped reading, as it should
        return response

    async def _truncated(self, request: web.Request) -> web.StreamResponse:
        body = fixture("wordpress_fr.xml")
        response = web.StreamResponse(headers={"Content-Type": RSS, "Content-Length": str(len(body))})
        await response.prepare(request)
        await response.write(body[: len(body) // 2])
        assert request.transport is not None
        request.transport.close()  # the connection drops before the declared length arrives
        return response

    async def _too_large(self, request: web.Request) -> web.StreamResponse:
        return web.Response(body=b" " * self.big_size, headers={"Content-Type": RSS})

    async def _too_large_chunked(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": RSS})
        response.enable_chunked_encoding()
        await response.prepare(request)
        sent = 0
        try:
            while sent < self.big_size and not self._release.is_set():
                await response.write(b" " * 65536)
                sent += 65536
                await asyncio.sleep(0)
            await response.write_eof()
        except (ConnectionError, RuntimeError):
            pass
        return response
