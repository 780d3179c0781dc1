"""Turning a fetched body into a small, picklable `ParsedFeed`, in a worker process.

feedparser is chosen for correctness (`&rsquo;`, `xml:base`, wrong encoding declarations); it is
pure Python, so `FeedParserPool` (pool.py) runs it in other processes, and `body_hash` lets the
caller skip unchanged bodies. Only the newest `max_entries` entries cross the process boundary, and
only the work every entry needs is done here (keys, dates, links, the picture): a summary stays as
the feed wrote it, bounded, and becomes Discord markdown (`with_markdown_summary`) only for an entry
that is posted. The bot imports this module for its types: feedparser and bs4 are imported on first
use, in the workers.

`ParseError` codes: `not_a_feed` (values `kind`: html, image, empty or other; `alternates`: feed URLs
a web page advertises), `malformed` (value `truncated`), `parser_crashed` (pool only).
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from types import ModuleType
from typing import Any
from urllib.parse import urljoin

from yarl import URL

from cogs.feeds.encoding import to_utf8
from cogs.feeds.failure import FeedFailure
from cogs.feeds.summary import EMOJI_CLASS, bounded, summary_to_markdown

log = logging.getLogger(__name__)

MAX_ENTRIES = 50
_MAX_KEY = 512
_MAX_TAGS = 20
_FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
_FEED_ROOTS = frozenset({"rss", "feed", "rdf", "channel"})
_IMAGE_MAGIC = (b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"\x00\x00\x01\x00")  # PNG, GIF, JPEG, ICO
_ROOT = re.compile(rb"<(?![?!])([A-Za-z_][\w:.-]*)")
_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_IMAGE_FILE = re.compile(r"\.(jpe?g|png|gif|webp)(\?|$)", re.IGNORECASE)
_PLAIN_TYPES = frozenset({"text/plain", "text"})


class ParseError(FeedFailure):
    """A body that is not a feed we can post from; `values` fill the localised message."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    key: str  # stable identity for deduplication, see entry_key()
    title: str  # plain text, entities decoded; "" when the feed gives none
    link: str | None  # absolute http(s) URL
    summary: str  # as the feed gives it (see summary_format), bounded by markdown.bounded()
    author: str | None
    published: datetime | None  # aware UTC; the update date when no publication date is given
    image_url: str | None
    tags: tuple[str, ...]
    # "html", "text", or "markdown" once converted (and in entries stored before summaries were kept
    # raw, hence the default); the base resolves the summary's relative links.
    summary_format: str = "markdown"
    summary_base: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    link: str | None
    icon_url: str | None
    entries: tuple[FeedEntry, ...]  # OLDEST FIRST, the newest `max_entries` only
    total_entries: int  # entries in the document, before the cap
    version: str  # feedparser's name for the format: rss20, rss10, atom10…


@functools.cache
def _feedparser() -> ModuleType:
    """feedparser, imported on first use, its URL joining memoised.

    feedparser joins every element's xml:base with the document's base, twice (about a tenth of its
    time): the same few pairs of strings thousands of times per document. Both functions are pure.
    """
    import feedparser
    import feedparser.mixin

    for name in ("_urljoin", "make_safe_absolute_uri"):
        if callable(join := getattr(feedparser.mixin, name, None)):
            setattr(feedparser.mixin, name, functools.lru_cache(maxsize=1024)(join))
    return feedparser


def body_hash(body: bytes) -> str:
    """A fingerprint of a feed body, so an unchanged feed is not parsed again.

    Channel-level build dates before the first entry are left out: some generators stamp the time of
    every request there, which would make every body look new.
    """
    first = min((i for i in (body.find(b"<item"), body.find(b"<entry")) if i >= 0), default=len(body))
    head = re.sub(rb"<(lastBuildDate|pubDate|updated|dc:date)>[^<]{0,80}</\1>", b"", body[:first])
    digest = hashlib.sha256(head)
    digest.update(memoryview(body)[first:])
    return digest.hexdigest()


def entry_key(
    *, guid: str | None, link: str | None, title: str, published: datetime | None, summary: str
) -> str:
    """The entry's id, else its link, else a hash of its title and date (its summary when undated).

    Dates and comment counts never enter the key when there is an id or a link, so an entry whose
    date or comment count changes is not a new entry.
    """
    for candidate in (guid, link):
        if candidate and candidate.strip():
            key = candidate.strip()
            return key if len(key) <= _MAX_KEY else "sha256:" + hashlib.sha256(key.encode()).hexdigest()
    basis = published.isoformat() if published else summary
    return "hash:" + hashlib.sha256(f"{title}\n{basis}".encode()).hexdigest()[:40]


def parse_feed(
    body: bytes, url: str, content_type: str | None = None, *, max_entries: int = MAX_ENTRIES
) -> ParsedFeed:
    """Parse an RSS 0.9x/1.0/2.0 or Atom body fetched from `url`; pure, meant for a worker process.

    A feed feedparser had to parse leniently ("bozo") is accepted when it still yields at least one
    entry with a title or link, unless the document stops before its root element closes (a
    truncated body: its last entry may be cut, and the next poll will get the whole).
    """
    if not body.strip():
        raise ParseError("not_a_feed", kind="empty", alternates=[])
    root = _root_name(body)
    image = body.startswith(_IMAGE_MAGIC) or (body[:4] == b"RIFF" and body[8:12] == b"WEBP")
    if image or (content_type or "").lower().startswith("image/") or root.lower() == "svg":
        raise ParseError("not_a_feed", kind="image", alternates=[])
    # Decoded here, not by feedparser, so that a body's own valid declaration beats a wrong HTTP charset.
    utf8_body, utf8_type = to_utf8(body, content_type)
    headers = {"content-location": url}
    if utf8_type:
        headers["content-type"] = utf8_type
    # A BytesIO, never bytes: feedparser opens a bytes argument as a file name if such a file exists.
    # feedparser's sanitiser and its resolution of relative links inside HTML are off: they cost
    # about a third of its time on every entry, and only a posted entry needs them. The markdown
    # conversion keeps only text, emphasis, lists and http(s)/mailto links (sanitising), resolved
    # against the summary's base; the picture is resolved against its own part's base.
    feedparser = _feedparser()
    parsed = feedparser.parse(
        io.BytesIO(utf8_body), response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    version = parsed.get("version") or ""
    if not version:
        if root.rpartition(":")[2].lower() in _FEED_ROOTS:
            raise ParseError("malformed", truncated=False)
        alternates = discover_feeds(body, url)
        page = root.lower() == "html" or body[:1024].lstrip().lower().startswith(b"<!doctype html")
        kind = "html" if page or alternates or "html" in (content_type or "").lower() else "other"
        raise ParseError("not_a_feed", kind=kind, alternates=alternates)
    raw = parsed.entries
    exception = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(
        exception, feedparser.CharacterEncodingOverride | feedparser.NonXMLContentType
    ):
        # The XML was broken and feedparser's loose parser guessed; be stricter about what it found.
        log.debug("lenient parse of %s: %s", url, exception)
        if root and b"</" + root.encode() not in body:
            raise ParseError("malformed", truncated=True)
        if not any(entry.get("title") or entry.get("link") for entry in raw):
            raise ParseError("malformed", truncated=False)
    feed = parsed.feed
    return ParsedFeed(
        title=_plain(feed.get("title", ""), feed.get("title_detail", {}).get("type")),
        link=_http_url(feed.get("link"), url),
        icon_url=_http_url(feed.get("icon") or feed.get("image", {}).get("href") or feed.get("logo"), url),
        entries=_entries(raw, url, max_entries),
        total_entries=len(raw),
        version=version,
    )


def _entries(raw: list[Any], url: str, max_entries: int) -> tuple[FeedEntry, ...]:
    dates = [_date(entry, "published_parsed", "updated_parsed") for entry in raw]
    ids = [(entry.get("id") or "").strip() or None for entry in raw]
    links = [_http_url(entry.get("link"), url) for entry in raw]
    # A feed whose entries all share one id (or link) is misconfigured: that field identifies nothing.
    if len(raw) > 1 and len(set(ids)) == 1:
        ids = [None] * len(raw)
    key_links = [None] * len(raw) if len(raw) > 1 and len(set(links)) == 1 else links
    keys = [
        entry_key(
            guid=ids[i],
            link=key_links[i],
            title=entry.get("title", ""),
            # The publication date only: an update must not make an id-less, link-less entry new.
            published=_date(entry, "published_parsed"),
            summary=entry.get("summary", ""),
        )
        for i, entry in enumerate(raw)
    ]
    # Document order is newest first in practice; dates decide only when every entry has one.
    order = list(range(len(raw)))
    if raw and all(date is not None for date in dates):
        order.sort(key=lambda i: (dates[i], -i))
    else:
        order.reverse()
    first_seen = {key: i for i, key in reversed(list(enumerate(keys)))}  # a repeated entry counts once
    chosen = [i for i in order if first_seen[keys[i]] == i][-max_entries:] if max_entries > 0 else []
    return tuple(_entry(raw[i], keys[i], links[i], dates[i], url) for i in chosen)


def _entry(entry: Any, key: str, link: str | None, published: datetime | None, url: str) -> FeedEntry:
    # An Atom entry with only <content> gets it as its summary, without a summary_detail.
    detail = entry.get("summary_detail") or next(iter(entry.get("content") or []), {})
    author_detail = entry.get("author_detail") or {}
    author = _tidy(author_detail.get("name") or entry.get("author") or "")
    tags: dict[str, str] = {}
    for tag in entry.get("tags") or []:
        term = _tidy(tag.get("label") or tag.get("term") or "")[:100]
        if term:
            tags.setdefault(term.casefold(), term)
    return FeedEntry(
        key=key,
        title=_plain(entry.get("title", ""), (entry.get("title_detail") or {}).get("type")),
        link=link,
        summary=bounded(entry.get("summary", "")),
        author=author if author and not re.fullmatch(r"\S+@\S+", author) else None,
        published=published,
        image_url=_image(entry, url),
        tags=tuple(tags.values())[:_MAX_TAGS],
        summary_format="text" if detail.get("type", "text/html") in _PLAIN_TYPES else "html",
        # feedparser made it absolute, on a safe scheme; the conversion checks every link it makes.
        summary_base=_base(detail.get("base"), url),
    )


def with_markdown_summary(entry: FeedEntry) -> FeedEntry:
    """The entry with its summary as Discord markdown, for posting; slow on long HTML (bs4)."""
    if entry.summary_format == "markdown":
        return entry
    summary = summary_to_markdown(entry.summary, entry.summary_format, entry.summary_base)
    return replace(entry, summary=summary, summary_format="markdown", summary_base=None)


def _date(entry: Any, *fields: str) -> datetime | None:
    moment = next((entry.get(name) for name in fields if entry.get(name)), None)
    try:
        return datetime(*moment[:6], tzinfo=UTC) if moment else None
    except (TypeError, ValueError):
        return None


def _image(entry: Any, base: str) -> str | None:
    """The picture for the post: media:content, an image enclosure, the first real <img>, a thumbnail.

    Thumbnails come last: Blogger's are 72-pixel squares, worse than the article's own image.
    """
    for candidate, candidate_base in _image_candidates(entry, base):
        found = _http_url(candidate, candidate_base)
        # Discord does not show SVG in embeds.
        if found and not found.lower().split("?")[0].endswith(".svg"):
            return found
    return None


def _image_candidates(entry: Any, base: str) -> Iterator[tuple[str | None, str]]:
    """Picture addresses with the base each is relative to, best first; lazily: the first good one
    ends the search, and every entry of every parsed feed pays for it."""
    for media in entry.get("media_content") or []:
        if "image" in f"{media.get('medium', '')}{media.get('type', '')}" or _IMAGE_FILE.search(
            media.get("url", "") or ""
        ):
            yield media.get("url"), base
    for enclosure in entry.get("enclosures") or []:
        if (enclosure.get("type") or "").startswith("image/"):
            yield enclosure.get("href"), base
    # HTML parts keep their relative links (feedparser does not resolve them): each has its xml:base.
    parts = [*(entry.get("content") or []), entry.get("summary_detail") or {"value": entry.get("summary")}]
    for part in parts:
        for tag in _IMG.finditer(part.get("value") or ""):
            attrs = {name.lower(): html.unescape(a or b) for name, a, b in _ATTR.findall(tag.group())}
            tiny = any(attrs.get(side, "").strip() in ("0", "1", "2") for side in ("width", "height"))
            # Tracking pixels and WordPress's emoji pictures are not the article's image.
            if not tiny and not EMOJI_CLASS.search(attrs.get("class", "")):
                yield attrs.get("src"), part.get("base") or base
    for thumbnail in entry.get("media_thumbnail") or []:
        yield thumbnail.get("url"), base


def _base(value: object, url: str) -> str:
    return value if isinstance(value, str) and 0 < len(value) <= 2048 else url


def _http_url(value: object, base: str) -> str | None:
    """An absolute, well-formed http(s) URL (percent-encoded, punycode host), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        url = URL(urljoin(base, value.strip()))
    except ValueError:
        return None
    if url.scheme not in ("http", "https") or not url.host:
        return None
    text = str(url)
    return text if len(text) <= 2048 else None


def _tidy(text: str) -> str:
    return " ".join(text.split())


def _plain(text: str, kind: str | None) -> str:
    """A title as plain text: tags stripped when the feed says it is HTML, stray entities decoded."""
    if kind in ("text/html", "application/xhtml+xml") and "<" in text:
        from bs4 import BeautifulSoup  # imported on first need: see the module's docstring

        text = BeautifulSoup(text, "html.parser").get_text()
    # Double-escaped titles (`&amp;rsquo;`) are common; feedparser leaves one level of escaping.
    return _tidy(html.unescape(text))


def _root_name(body: bytes) -> str:
    match = _ROOT.search(body[:4096])
    return match.group(1).decode("ascii", "replace") if match else ""


def discover_feeds(page: bytes, url: str) -> list[str]:
    """Feeds a web page advertises with <link rel="alternate">, absolute, in the page's order."""
    text = page[: 512 * 1024].decode("utf-8", "replace")
    if "<" not in text:
        return []
    end = text.lower().find("</head>")
    from bs4 import BeautifulSoup  # imported on first need: see the module's docstring

    soup = BeautifulSoup(text[: end if end >= 0 else None], "html.parser")
    base_tag = soup.find("base", href=True)
    base = urljoin(url, str(base_tag["href"]).strip()) if base_tag else url
    found: list[str] = []
    for link in soup.find_all("link", href=True):
        rel = {token.lower() for token in link.get_attribute_list("rel") if token}
        kind = str(link.get("type") or "").split(";")[0].strip().lower()
        href = _http_url(str(link["href"]), base) if "alternate" in rel and kind in _FEED_TYPES else None
        if href and href not in found:
            found.append(href)
    return found
