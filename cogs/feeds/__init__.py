"""Feeds: follow the community's RSS/Atom feeds and post each new article once.

Kept free of imports at module level: the parser's worker processes import this package, and
should not pay for discord.py and the cog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agora.client import Agora


async def setup(bot: Agora) -> None:
    from cogs.feeds.cog import FeedsCog
    from cogs.feeds.fetch import FeedFetcher
    from cogs.feeds.pool import FeedParserPool

    fetcher = FeedFetcher(
        allow_private=bot.settings.feed_allow_private,
        user_agent=f"Agora/{bot.version} (community feed reader; discord bot)",
    )
    parser = FeedParserPool(environment=dict(bot.settings.child_environment))
    await bot.add_cog(FeedsCog(bot, fetcher=fetcher, parser=parser))
