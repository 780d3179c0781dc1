"""The report's *Post in the organisers' channel* button: a `DynamicItem` carrying the period it shows
(`engagement:post:month:2026-11`), so a report shown before a restart can still be posted after it,
and posts that period's report whenever it is clicked."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from agora.components import reports_errors
from agora.pulse import Words
from cogs.pulse.engagement.periods import Period

if TYPE_CHECKING:
    from cogs.pulse.engagement.cog import EngagementCog


class PostReportButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"engagement:post:(?P<period>(?:month|quarter|season):[0-9]{4}-[0-9]{2})",
):
    def __init__(self, period_key: str, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80], style=discord.ButtonStyle.primary, custom_id=f"engagement:post:{period_key}"
            )
        )
        self.period_key = period_key

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> PostReportButton:
        return cls(match["period"], item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        cog: EngagementCog = interaction.client.get_cog("EngagementCog")
        await cog.post_from_button(interaction, self.period_key)


def report_view(period: Period, words: Words) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PostReportButton(period.key, words("pulse.engagement.button.post")))
    return view
