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
    from cogs.feeds.pulse import FeedsPulseCog
    from cogs.feeds.review.views import FORM_ID, QueuePick, ReviewButton

    fetcher = FeedFetcher(
        allow_private=bot.settings.feed_allow_private,
        user_agent=f"Agora/{bot.version} (community feed reader; discord bot)",
    )
    parser = FeedParserPool(environment=dict(bot.settings.child_environment))
    cog = FeedsCog(bot, fetcher=fetcher, parser=parser)
    # The review posts' buttons, /feed queue's menu, and the comment form read from its submission alone
    # (review/views.py).
    bot.add_dynamic_items(ReviewButton, QueuePick)
    bot.forms.answer(FORM_ID, cog.review_queue.desk.submit_comment)
    await bot.add_cog(cog)
    # The digest's articles and the engagement report's, on bot.pulse until the feature unloads.
    await bot.add_cog(FeedsPulseCog(bot, cog.articles))


async def teardown(bot: Agora) -> None:
    from cogs.feeds.review.views import FORM_ID

    bot.forms.withdraw(FORM_ID)
