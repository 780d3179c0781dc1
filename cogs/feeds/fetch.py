"""Fetching feeds over HTTP politely, within limits, and never inside our own network.

Every way a fetch can fail becomes a `FetchError` with a short code the cog turns into a localised
message: `bad_url`, `bad_scheme`, `forbidden_address`, `dns`, `connection`, `tls`, `timeout`,
`http_status`, `redirect_loop`, `too_many_redirects`, `too_large`, `truncated`, `bad_response`.

A feed URL is typed by a member, so it is an SSRF vector: the address is checked where it is
actually used — IP literals before connecting (aiohttp skips the resolver for them), DNS answers in
the resolver, and the connected socket's peer before any byte is sent — on every redirect hop.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import re
import socket
from dataclasses import dataclass
from typing import TYPE_CHECKING

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from agora.resources import version
from cogs.feeds.failure import FeedFailure

if TYPE_CHECKING:
    from aiohttp.connector import Connection
    from aiohttp.tracing import Trace

log = logging.getLogger(__name__)

MAX_URL_LENGTH = 2048
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})
_CHUNK = 64 * 1024
# Feeds first, then pages (so /feed add can discover a page's feed), then anything.
_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, text/html;q=0.5, */*;q=0.1"
)
_HOST_NAME = re.compile(r"(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_-]{1,63})*\.?")
# Shapes like 127.1, 2130706433 or 0x7f.0.0.1, which resolvers read as IPv4 but ipaddress does not.
_NUMERIC_HOST = re.compile(r"(?:(?:0x[0-9a-f]*|\d+)\.?){1,4}", re.IGNORECASE)

_BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
        "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15",
        "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
        "::/8", "64:ff9b:1::/48", "100::/64", "2001::/23", "2001:db8::/32", "fc00::/7", "fe80::/10",
        "fec0::/10", "ff00::/8",
    )
)  # fmt: skip
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


DEFAULT_USER_AGENT = f"Agora/{version()} (RSS/Atom feed reader)"


class FetchError(FeedFailure):
    """A fetch that failed in a way a person can be told about; `values` fill the message."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str  # final URL, after redirects
    permanent_url: str | None  # the final URL when every hop to it was 301/308: the feed has moved
    not_modified: bool  # a 304: nothing changed since `etag`/`last_modified`, `body` is None
    body: bytes | None
    content_type: str | None
    etag: str | None  # to send back next time (the one given when a 304 carries none)
    last_modified: str | None


def is_public_address(address: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether a feed may be fetched from this IP: not loopback, private, link-local, multicast…

    Addresses that embed an IPv4 (IPv4-mapped, 6to4, NAT64) are judged by the IPv4 they carry,
    so `::ffff:127.0.0.1` is loopback. Anything unparsable is refused.
    """
    if isinstance(address, str):
        try:
            ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(address.split("%")[0])
        except ValueError:
            return False
    else:
        ip = address
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(embedded)
    if ip.is_multicast or ip.is_private or ip.is_reserved or ip.is_loopback or ip.is_link_local:
        return False
    if ip.is_unspecified or not ip.is_global:
        return False
    # The flags above moved between Python releases; the explicit list keeps the rule fixed.
    return not any(ip in network for network in _BLOCKED_NETWORKS)


def check_url(url: str) -> str:
    """The normalised form of a feed address a member typed, or `FetchError` (`bad_url`, `bad_scheme`).

    Accepts a bare `example.ch/feed` (as https) and the `feed:` pseudo-scheme browsers show.
    Refuses credentials in the URL: they would be stored and shown with the feed.
    """
    text = url.strip()
    if text.lower().startswith("feed:"):
        text = text[5:]
        if text.startswith("//"):
            text = "http:" + text
    if "://" not in text and not text.startswith("/") and ":" not in text.split("/")[0]:
        text = "https://" + text
    if not text or len(text) > MAX_URL_LENGTH or any(ch.isspace() for ch in text):
        raise FetchError("bad_url", url=url[:200])
    try:
        parsed = URL(text)
        host = parsed.raw_host
        _ = parsed.port
    except (ValueError, TypeError) as error:
        raise FetchError("bad_url", url=url[:200]) from error
    if parsed.scheme not in ("http", "https"):
        raise FetchError("bad_scheme", url=url[:200], scheme=parsed.scheme)
    if not host or not _valid_host(host):
        raise FetchError("bad_url", url=url[:200])
    if parsed.user is not None or parsed.password is not None:
        raise FetchError("bad_url", url=url[:200], reason="credentials")
    return str(parsed.with_fragment(None))


def _valid_host(host: str) -> bool:
    if ":" in host:
        if "%" in host:
            return False  # a zone id (fe80::1%25eth0) only makes sense for link-local, never a feed
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    if _NUMERIC_HOST.fullmatch(host):
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return False
        return True
    return bool(_HOST_NAME.fullmatch(host))


def _literal_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


class _ForbiddenAddress(Exception):
    """Becomes FetchError("forbidden_address"); not an OSError, so aiohttp passes it through unwrapped."""

    def __init__(self, host: str, address: str | None) -> None:
        super().__init__(host, address)
        self.host = host
        self.address = address


class _PublicResolver(AbstractResolver):
    """Resolves names, then forgets every address a feed must not reach."""

    def __init__(self) -> None:
        self._inner = aiohttp.DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = await self._inner.resolve(host, port, family)
        allowed = [result for result in found if is_public_address(result["host"])]
        if not allowed:
            raise _ForbiddenAddress(host, found[0]["host"] if found else None)
        if len(allowed) < len(found):
            log.info("feed host %s: dropped %d non-public address(es)", host, len(found) - len(allowed))
        return allowed

    async def close(self) -> None:
        await self._inner.close()


class _PublicConnector(aiohttp.TCPConnector):
    """The last word: the peer of the socket actually connected, checked before a byte is sent."""

    async def connect(
        self,
        req: aiohttp.ClientRequest,
        traces: list[Trace],
        timeout: aiohttp.ClientTimeout,  # noqa: ASYNC109 — aiohttp's signature, overridden
    ) -> Connection:
        connection = await super().connect(req, traces, timeout)
        transport = connection.transport
        peer = transport.get_extra_info("peername") if transport is not None else None
        if not peer or not is_public_address(str(peer[0])):
            connection.close()
            raise _ForbiddenAddress(req.url.raw_host or "", str(peer[0]) if peer else None)
        return connection


class FeedFetcher:
    """One HTTP client for every feed: conditional GETs, capped bodies, redirects followed by hand.

    The session is created on first use (it needs the running loop) and closed by `close()`.
    `allow_private=True` lifts the address checks; only tests, whose server is on 127.0.0.1, set it.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        user_agent: str = DEFAULT_USER_AGENT,
        timeout: float = 20.0,
        max_bytes: int = 5 * 1024 * 1024,
        max_redirects: int = 5,
        limit_per_host: int = 2,
    ) -> None:
        self.allow_private = allow_private
        self.user_agent = user_agent
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.limit_per_host = limit_per_host
        self._session: aiohttp.ClientSession | None = None

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """GET a feed, following up to `max_redirects` redirects, within `timeout` seconds overall."""
        start = URL(check_url(url))
        try:
            async with asyncio.timeout(self.timeout):
                return await self._follow(start, etag, last_modified)
        except FetchError:
            raise
        except TimeoutError as error:
            raise FetchError("timeout", url=str(start), seconds=self.timeout) from error
        except _ForbiddenAddress as error:
            raise FetchError(
                "forbidden_address", url=str(start), host=error.host, address=error.address
            ) from error
        except aiohttp.ClientConnectorDNSError as error:
            raise FetchError("dns", url=str(start), host=error.host) from error
        except aiohttp.ClientSSLError as error:
            raise FetchError("tls", url=str(start), host=error.host) from error
        except aiohttp.ClientPayloadError as error:
            raise FetchError("truncated", url=str(start)) from error
        except aiohttp.InvalidURL as error:
            raise FetchError("bad_url", url=str(start)) from error
        except aiohttp.ClientResponseError as error:
            # Raised by aiohttp's HTTP parser for answers that are not valid HTTP.
            raise FetchError("bad_response", url=str(start), reason=error.message[:200]) from error
        except (aiohttp.ClientError, OSError) as error:
            raise FetchError("connection", url=str(start), reason=type(error).__name__) from error

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def _session_now(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = (
                aiohttp.TCPConnector(limit=20, limit_per_host=self.limit_per_host, ttl_dns_cache=300)
                if self.allow_private
                else _PublicConnector(
                    resolver=_PublicResolver(),
                    limit=20,
                    limit_per_host=self.limit_per_host,
                    ttl_dns_cache=300,
                )
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.user_agent, "Accept": _ACCEPT},
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=self.timeout, sock_read=self.timeout),
                # One feed's cookies are no business of another's; proxies from the environment would
                # hide the peer address the SSRF check relies on.
                cookie_jar=aiohttp.DummyCookieJar(),
                trust_env=False,
            )
        return self._session

    async def _follow(self, url: URL, etag: str | None, last_modified: str | None) -> FetchResult:
        session = self._session_now()
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen = {str(url)}
        every_hop_permanent = True
        for _ in range(self.max_redirects + 1):
            host = url.raw_host or ""
            literal = _literal_ip(host)
            if literal is not None and not self.allow_private and not is_public_address(literal):
                raise _ForbiddenAddress(host, str(literal))
            async with session.get(url, headers=headers, allow_redirects=False) as response:
                status = response.status
                if status in REDIRECTS:
                    every_hop_permanent = every_hop_permanent and status in PERMANENT_REDIRECTS
                    url = self._next_hop(url, response)
                    if str(url) in seen:
                        raise FetchError("redirect_loop", url=str(url))
                    seen.add(str(url))
                    continue
                moved = str(url) if len(seen) > 1 and every_hop_permanent else None
                if status == 304:
                    log.debug("feed %s not modified", url)
                    return FetchResult(
                        url=str(url),
                        permanent_url=moved,
                        not_modified=True,
                        body=None,
                        content_type=response.headers.get("Content-Type"),
                        etag=response.headers.get("ETag", etag),
                        last_modified=response.headers.get("Last-Modified", last_modified),
                    )
                if status not in (200, 203):
                    raise FetchError(
                        "http_status",
                        url=str(url),
                        status=status,
                        retry_after=_retry_after(response.headers.get("Retry-After")),
                    )
                body = await self._read_capped(response, url)
                log.debug("feed %s: %d bytes after %d redirect(s)", url, len(body), len(seen) - 1)
                return FetchResult(
                    url=str(url),
                    permanent_url=moved,
                    not_modified=False,
                    body=body,
                    content_type=response.headers.get("Content-Type"),
                    etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                )
        raise FetchError("too_many_redirects", url=str(url), limit=self.max_redirects)

    def _next_hop(self, url: URL, response: aiohttp.ClientResponse) -> URL:
        location = response.headers.get("Location", "").strip()
        if not location:
            raise FetchError("http_status", url=str(url), status=response.status, retry_after=None)
        try:
            target = url.join(URL(location))
        except ValueError as error:
            raise FetchError("bad_url", url=location[:200]) from error
        # Scheme and host are checked again: a redirect to file:// or to an odd host is refused.
        return URL(check_url(str(target)))

    async def _read_capped(self, response: aiohttp.ClientResponse, url: URL) -> bytes:
        declared = response.content_length
        if declared is not None and declared > self.max_bytes:
            raise FetchError("too_large", url=str(url), limit=self.max_bytes)
        chunks: list[bytes] = []
        size = 0
        # Counted after decompression, so a small gzip bomb is stopped as surely as a long body.
        async for chunk in response.content.iter_chunked(_CHUNK):
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError("too_large", url=str(url), limit=self.max_bytes)
            chunks.append(chunk)
        return b"".join(chunks)


def _retry_after(value: str | None) -> int | None:
    """Seconds from a Retry-After given in seconds; the HTTP-date form is rare for feeds, and ignored."""
    text = (value or "").strip()
    if text.isascii() and text.isdigit():  # not "²", which isdigit() accepts and int() refuses
        return int(text)
    return None
