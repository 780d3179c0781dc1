"""The feeds' part of the community's pulse (agora/pulse.py): the week's articles in the digest, one
section per blog, and the engagement report's "articles" section with the discussion each drew.

Registered on `bot.pulse` while the feature is loaded, by a cog of its own (`FeedsPulseCog`): unloading
the feature withdraws it too. Every article that reached members counts, whatever its feed's mode
(posted at once, published after review, or held for the digest); skipped ones (the back catalogue at a
feed's first fetch, filtered out, or skipped in review) were never recorded.

The digest is read by every member: an article of a feed followed in a channel @everyone cannot see (the
organisers' channel) is not announced there, whether it was posted there or held for the digest (then
its record carries the feed's channel all the same).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from discord.ext import commands

from agora.channels import Visible, readable_by_everyone
from agora.escaping import fit_escaped, markdown_link
from agora.pulse import DIGEST_ARTICLES, DigestSection, Discussion, EngagementPart, Figure, Span, Words
from cogs.feeds.article_store import ArticleStore
from cogs.feeds.model import SharedArticle

if TYPE_CHECKING:
    from agora.client import Agora

CAP = 10  # articles per blog in the digest; the others are counted in "and N more"
LINE_MAX = 1000  # a digest line, at most (agora/pulse.py)
TITLE_MAX = 256  # a section's title (agora/pulse.py)


def article_line(article: SharedArticle) -> str:
    """The article's title linked to it, escaped, within LINE_MAX characters (cut at a word); the title
    alone when its address cannot be a link (agora.escaping.link_target)."""
    return markdown_link(article.title, article.link, LINE_MAX)


def blog_sections(articles: Sequence[SharedArticle]) -> list[DigestSection]:
    """One section per blog, in the order given (by blog, then oldest first): its first CAP articles,
    and how many more."""
    sections = []
    for blog, group in itertools.groupby(articles, key=lambda article: article.blog):
        shared = list(group)
        sections.append(
            DigestSection(
                order=DIGEST_ARTICLES,
                title=fit_escaped(" ".join(blog.split()) or "…", TITLE_MAX),
                lines=tuple(article_line(article) for article in shared[:CAP]),
                more=max(0, len(shared) - CAP),
            )
        )
    return sections


class FeedsPulse:
    """The feeds' `DigestContributor` and `EngagementSource`."""

    name = "feeds"

    def __init__(self, articles: ArticleStore, visible: Visible) -> None:
        self.articles = articles
        self.visible = visible

    async def digest_sections(self, guild_id: int, week: Span, words: Words) -> Sequence[DigestSection]:
        shared = [
            article
            for article in await self.articles.shared_in(guild_id, week)
            # Every record names its feed's channel; one without could not be checked: not shown.
            if article.channel_id is not None and self.visible(guild_id, article.channel_id)
        ]
        return blog_sections(shared)

    async def participants(self, guild_id: int, span: Span) -> frozenset[int]:
        return frozenset()  # reading an article is not taking part in anything Agora runs

    async def engagement(self, guild_id: int, span: Span, words: Words) -> EngagementPart | None:
        shared = await self.articles.shared_in(guild_id, span)
        if not shared and not await self.articles.count_shared(guild_id, Span(0, span.end)):
            return None  # this server never shared an article: no section to show
        return EngagementPart(
            section="articles",
            title=words("feeds.pulse.title"),
            figures=(Figure("articles.shared", words("feeds.pulse.shared"), len(shared), "count"),),
            discussions=tuple(
                Discussion(article.title, article.link, article.thread_id, article.shared_at)
                for article in sorted(shared, key=lambda article: (article.shared_at, article.entry_key))
            ),
        )


class FeedsPulseCog(commands.Cog):
    """Holds the feeds' part on `bot.pulse` while the feature is loaded."""

    def __init__(self, bot: Agora, articles: ArticleStore) -> None:
        self.bot = bot
        self.part = FeedsPulse(articles, readable_by_everyone(bot))

    async def cog_load(self) -> None:
        self.bot.pulse.join(self.part)

    async def cog_unload(self) -> None:
        self.bot.pulse.leave(self.part)
