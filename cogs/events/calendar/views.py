"""*Ajouter à mon agenda / Add to calendar*: the button on an event's message that answers privately
with the event's `.ics` file.

A `DynamicItem`: the event is in the custom_id (`event:calendar:<id>`), so every message ever posted
keeps working after a restart. The id is checked with `record_id` when clicked and against the store by
the cog (calendar/commands.py): a forged or foreign one gets the stale answer.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from agora.components import reports_errors
from agora.ids import ID_TEMPLATE, record_id

if TYPE_CHECKING:
    from cogs.events.calendar.commands import CalendarCommands

MAX_LABEL = 80


def _answerer(interaction: discord.Interaction[Any]) -> CalendarCommands:
    return interaction.client.get_cog("EventsCog")


class CalendarButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"event:calendar:(?P<event>{ID_TEMPLATE})"
):
    def __init__(self, event_id: int, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:MAX_LABEL],
                emoji="📅",
                style=discord.ButtonStyle.secondary,
                custom_id=f"event:calendar:{event_id}",
            )
        )
        self.event_id = event_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> CalendarButton:
        return cls(int(match["event"]), item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _answerer(interaction).answer_calendar(interaction, record_id(self.event_id))
