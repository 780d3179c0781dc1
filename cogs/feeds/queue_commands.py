"""`/feed queue` (`/flux relecture`): the articles of feeds in review mode that wait for an organiser,
and those that expired unreviewed in the last 7 days.

A mixin of `FeedsCog` (see cogs/feeds/groups.py): the commands bind to the cog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from agora.permissions import Rank, requires
from cogs.feeds.groups import feed as feed_group
from cogs.feeds.review.queue import KEEP
from cogs.feeds.review.render import queue_embed
from cogs.feeds.store import entry_from_json

if TYPE_CHECKING:
    from agora.client import Agora
    from cogs.feeds.review.queue import ReviewQueue


class QueueCommands:
    if TYPE_CHECKING:
        bot: Agora
        review_queue: ReviewQueue

    @feed_group.command(name="queue")
    @requires(Rank.organiser)
    async def review_list(self, interaction: discord.Interaction[Agora]) -> None:
        """The articles waiting for review, and those that expired unreviewed this week."""
        assert interaction.guild_id is not None  # noqa: S101 — guild_only group
        now = self.bot.clock.now()
        pending, expired = await self.review_queue.store.queue(interaction.guild_id, now, KEEP)
        embed = queue_embed(
            [(review, entry_from_json(review.payload)) for review in pending],
            [(review, entry_from_json(review.payload)) for review in expired],
            self.bot.catalogue.words(interaction.locale),
        )
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )
