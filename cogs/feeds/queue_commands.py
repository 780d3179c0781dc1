"""`/feed queue` (`/flux relecture`): the articles of feeds in review mode that wait for an organiser,
and those that expired unreviewed in the last 7 days; under them, a menu of the waiting articles: the one
chosen is shown privately with *Publish*, *Publish with a comment* and *Skip*, so the queue can be
reviewed from here, with or without an organisers' channel.

A mixin of `FeedsCog` (see cogs/feeds/groups.py): the commands bind to the cog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from agora.permissions import Rank, requires
from cogs.feeds.groups import feed as feed_group
from cogs.feeds.review.queue import KEEP
from cogs.feeds.review.render import pick_options, queue_embed
from cogs.feeds.review.views import pick_view
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
        words = self.bot.catalogue.words(interaction.locale)
        waiting = [(review, entry_from_json(review.payload)) for review in pending]
        embed = queue_embed(waiting, [(review, entry_from_json(review.payload)) for review in expired], words)
        view = pick_view(pick_options(waiting), words)
        await interaction.response.send_message(
            embed=embed,
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
            **({"view": view} if view is not None else {}),
        )
