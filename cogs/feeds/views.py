"""The offer made when `/feed add` is given a web page that advertises feeds: one button per feed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from agora.components import AgoraView
from agora.permissions import Rank, ensure_rank

if TYPE_CHECKING:
    from cogs.feeds.cog import AddOptions, FeedsCog

OFFER_TIMEOUT = 600  # seconds: an ephemeral offer; after that, run /feed add again


class AlternateFeedsView(AgoraView):
    def __init__(
        self, cog: FeedsCog, options: AddOptions, urls: list[str], origin: discord.Interaction[Any]
    ) -> None:
        super().__init__(timeout=OFFER_TIMEOUT)
        self.origin_user = origin.user.id
        for index, url in enumerate(urls):
            label = url if len(url) <= 80 else url[:79] + "…"
            button: discord.ui.Button[AlternateFeedsView] = discord.ui.Button(
                label=label, style=discord.ButtonStyle.primary, custom_id=f"feeds:alternate:{index}"
            )
            button.callback = self._follow(cog, options, url)  # type: ignore[method-assign]
            self.add_item(button)

    def _follow(self, cog: FeedsCog, options: AddOptions, url: str) -> Any:
        async def callback(interaction: discord.Interaction[Any]) -> None:
            ensure_rank(interaction, Rank.organiser)
            await interaction.response.defer(ephemeral=True, thinking=True)
            self.stop()
            await cog.subscribe(interaction, url, options)

        return callback
