"""The "Give feedback" button: a `DynamicItem`, so every call ever posted (and every DM) keeps
working after a restart without registering one view per event."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from agora.components import reports_errors
from agora.ids import ID_TEMPLATE, record_id

if TYPE_CHECKING:
    from cogs.events.cog import EventsCog


class FeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"feedback:open:(?P<event>{ID_TEMPLATE})"
):
    def __init__(self, event_id: int, label: str = "…", *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                emoji="📝",
                style=discord.ButtonStyle.primary,
                custom_id=f"feedback:open:{event_id}",
                disabled=disabled,
            )
        )
        self.event_id = event_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> FeedbackButton:
        return cls(int(match["event"]), item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        cog: EventsCog = interaction.client.get_cog("EventsCog")
        await cog.desk.open_form(interaction, record_id(self.event_id))


def call_view(event_id: int, label: str, *, closed: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(FeedbackButton(event_id, label, disabled=closed))
    return view
