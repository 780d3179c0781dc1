"""How feeds look in Discord: an entry's embed within every limit and its thread name; a feed's errors,
its status and the `/feed list` embed, in the reader's words.

An entry's post holds no words of any language: the cog passes the few it wants (e.g. an author
template "par {author}") from its catalogue. Feed text is never trusted to be quiet: mentions are
neutralised even though embeds never ping, so `@everyone` in a title does not even render as one.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any, Protocol

import discord

from agora.escaping import fit_escaped, truncate
from agora.i18n import Catalogue
from agora.mentions import neutralise_mentions
from cogs.feeds.store import Feed
from cogs.feeds.summary import summary_to_markdown

if TYPE_CHECKING:
    from cogs.feeds.parse import FeedEntry

log = logging.getLogger(__name__)

SUMMARY_LENGTH = 600  # long enough to tell what the article is about, short enough to read in a channel
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
AUTHOR_MAX = 256
FOOTER_MAX = 2048
EMBED_MAX = 6000
THREAD_NAME_MAX = 100
QUOTED_TITLE_MAX = 200  # keeps the sentences that quote it far below a message's 2,000 characters
_TRAILING = " \n\u00a0,;:-–—"


class FeedInfo(Protocol):
    """What the embed shows of the feed itself; `ParsedFeed` and the cog's stored feed both fit."""

    @property
    def title(self) -> str: ...

    @property
    def link(self) -> str | None: ...

    @property
    def icon_url(self) -> str | None: ...


def shorten(text: str, limit: int, ellipsis: str = "…") -> str:
    """`text` cut to at most `limit` characters, at a word boundary when one is near, with an ellipsis."""
    if len(text) <= limit:
        return text
    room = max(0, limit - len(ellipsis))
    cut = text[:room]
    if not text[room].isspace():
        space = max(cut.rfind(" "), cut.rfind("\n"), cut.rfind("\u00a0"))
        if space > room // 2:
            cut = cut[:space]
    return ((cut.rstrip(_TRAILING) or cut) + ellipsis)[:limit]


def shorten_markdown(text: str, limit: int, ellipsis: str = "…") -> str:
    """Like `shorten`, without leaving a link half written or bold, italics or code unclosed."""
    if len(text) <= limit:
        return text
    cut = shorten(text, max(1, limit - 8), ellipsis="")  # room for the ellipsis and closing markers
    # A link cut inside its text or its target shows as raw brackets: drop it whole.
    open_link = re.search(r"(?<!\\)\[(?:[^\]]*|[^\]]*\]\([^)]*)$", cut)
    if open_link:
        before = cut[: open_link.start()]
        # A summary that is one long link keeps the link's words, unlinked, rather than nothing.
        cut = before if before.strip(_TRAILING) else cut[open_link.start() + 1 :].split("](")[0]
    cut = cut.rstrip(_TRAILING) or cut
    if (len(cut) - len(cut.rstrip("\\"))) % 2:
        cut = cut[:-1]  # a backslash whose escaped character was cut off
    opened: list[str] = []
    for marker in re.findall(r"(?<!\\)(```|`|\*\*|\*|~~|\|\|)", cut):
        if opened and opened[-1] in ("```", "`") and marker != opened[-1]:
            continue  # inside code, nothing is markup
        if marker in opened:
            del opened[len(opened) - 1 - opened[::-1].index(marker)]
        else:
            opened.append(marker)
    closing = "".join(reversed(opened))
    if closing.startswith("```"):
        closing = "\n" + closing
    return (cut + ellipsis + closing)[:limit]


def entry_embed(
    feed: FeedInfo,
    entry: FeedEntry,
    *,
    summary_length: int = SUMMARY_LENGTH,
    author_template: str = "{author}",
    colour: discord.Colour | int | None = None,
) -> discord.Embed:
    """The post for one entry: linked title, summary, image, publication time, feed as the author.

    `author_template` is the catalogue's way to present the article's author ("par {author}"); the
    publication time is the embed timestamp, which Discord shows in each reader's own time zone.
    """
    # Escaped then fitted: a title of `*` or `_` doubles once escaped, and must still show.
    title = fit_escaped(" ".join(entry.title.split()), TITLE_MAX) if entry.title.strip() else None
    summary = neutralise_mentions(_markdown_summary(entry).strip())
    if _same_words(summary, entry.title):
        summary = ""  # some feeds repeat the title as the description
    embed = discord.Embed(
        title=title,
        url=entry.link if title else None,
        description=shorten_markdown(summary, min(summary_length, DESCRIPTION_MAX)) or None,
        timestamp=entry.published,
        colour=colour,
    )
    if feed.title.strip():
        embed.set_author(
            name=shorten(" ".join(feed.title.split()), AUTHOR_MAX), url=feed.link, icon_url=feed.icon_url
        )
    if entry.author:
        footer = author_template.format(author=neutralise_mentions(entry.author))
        embed.set_footer(text=shorten(footer, FOOTER_MAX))
    if entry.image_url:
        embed.set_image(url=entry.image_url)
    overflow = len(embed) - EMBED_MAX
    if overflow > 0 and embed.description:
        embed.description = shorten_markdown(embed.description, max(1, len(embed.description) - overflow))
    return embed


def quoted_title(title: str) -> str:
    """A feed's title, which the web may make any length, quoted in a sentence: escaped then limited."""
    return fit_escaped(" ".join(title.split()), QUOTED_TITLE_MAX)


def thread_name(entry: FeedEntry) -> str:
    """A thread name (1 to 100 characters): the title, else the summary's start, the link, the key."""
    for candidate in (entry.title, _unmarked(_markdown_summary(entry)), entry.link or "", entry.key):
        text = " ".join(candidate.split())
        if text:
            return shorten(neutralise_mentions(text), THREAD_NAME_MAX)
    return "…"


def _markdown_summary(entry: FeedEntry) -> str:
    """The summary as markdown: the publisher converts it beforehand, off the event loop."""
    return summary_to_markdown(entry.summary, entry.summary_format, entry.summary_base)


def _unmarked(markdown: str) -> str:
    """Markdown reduced to its words, for places that show text raw."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"(?<!\\)(\*\*|\*|__|~~|\|\||`+)", "", text)
    return re.sub(r"\\(.)", r"\1", text)


def _same_words(summary: str, title: str) -> bool:
    words = _unmarked(summary).split()
    return bool(words) and words == title.split()


# ---- a feed, for the people who manage it -------------------------------------------------------

FIELDS_PER_EMBED = 25
EMBED_BUDGET = 5500  # under Discord's 6000 characters per message, with room for title and footer
KNOWN_ERRORS = frozenset(
    {
        "bad_url", "bad_scheme", "forbidden_address", "dns", "connection", "tls", "timeout", "http_status",
        "redirect_loop", "too_many_redirects", "too_large", "truncated", "bad_response", "not_a_feed",
        "malformed", "parser_crashed", "channel_missing", "discord_forbidden", "discord_error",
    }
)  # fmt: skip


def describe_error(
    catalogue: Catalogue, locale: discord.Locale | str | None, code: str | None, values: dict[str, Any]
) -> str:
    key = f"feeds.failure.{code if code in KNOWN_ERRORS else 'unknown'}"
    safe = {name: str(value)[:200] for name, value in values.items() if name != "alternates"}
    return catalogue.translate(key, locale, **safe)


def feed_status(catalogue: Catalogue, locale: discord.Locale | str | None, feed: Feed) -> str:
    error = describe_error(catalogue, locale, feed.last_error, feed.last_error_values)
    if feed.paused:
        return catalogue.translate("feeds.status.paused", locale, error=error)
    if feed.failures:
        return catalogue.translate("feeds.status.failing", locale, failures=feed.failures, error=error)
    if feed.last_success_at is None:
        return catalogue.translate("feeds.status.waiting", locale, next=feed.next_fetch_at)
    return catalogue.translate("feeds.status.ok", locale, last=feed.last_success_at)


def feed_field(catalogue: Catalogue, locale: discord.Locale | str | None, feed: Feed) -> tuple[str, str]:
    t = catalogue.translate
    lines = [feed.url, t("feeds.list.channel", locale, channel=f"<#{feed.channel_id}>")]
    if feed.role_id:
        lines.append(t("feeds.list.role", locale, role=f"<@&{feed.role_id}>"))
    if feed.include_keywords:
        lines.append(t("feeds.list.include", locale, keywords=feed.include_keywords))
    if feed.exclude_keywords:
        lines.append(t("feeds.list.exclude", locale, keywords=feed.exclude_keywords))
    if feed.open_thread:
        lines.append(t("feeds.list.thread", locale))
    if feed.source == "environment":
        lines.append(t("feeds.list.declared", locale))
    lines.append(t("feeds.modes.list", locale, mode=t(f"feeds.modes.name.{feed.mode}", locale)))
    lines.append(feed_status(catalogue, locale, feed))
    return fit_escaped(feed.display_name, 256), truncate("\n".join(lines), 1024)


def feed_list_embed(
    catalogue: Catalogue, locale: discord.Locale | str | None, feeds: list[Feed]
) -> discord.Embed:
    embed = discord.Embed(title=catalogue.translate("feeds.list.title", locale, count=len(feeds)))
    if not feeds:
        embed.description = catalogue.translate("feeds.list.empty", locale)
        return embed
    shown = 0
    for feed in feeds:
        name, value = feed_field(catalogue, locale, feed)
        if shown == FIELDS_PER_EMBED or len(embed) + len(name) + len(value) > EMBED_BUDGET:
            break
        embed.add_field(name=name, value=value, inline=False)
        shown += 1
    if shown < len(feeds):
        embed.set_footer(text=catalogue.translate("feeds.list.more", locale, count=len(feeds) - shown))
    return embed
