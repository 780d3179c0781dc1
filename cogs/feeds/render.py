"""How a feed entry looks in Discord: an embed within every limit, and a thread name.

No words of any language here: the cog passes the few it wants (e.g. an author template "par
{author}") from its catalogue. Feed text is never trusted to be quiet: mentions are neutralised even
though embeds never ping, so `@everyone` in a title does not even render as one.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Protocol

import discord

from agora.escaping import fit_escaped
from agora.mentions import neutralise_mentions
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
