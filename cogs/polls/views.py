"""The poll's buttons and the creation modal.

Vote and close buttons are `DynamicItem`s: the poll and the option are in the `custom_id`, so every
poll, old or new, keeps working after a restart without registering one view per poll.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from agora.components import AgoraModal, reports_errors
from agora.ids import ID_TEMPLATE, record_id
from cogs.polls.render import BUTTONS_PER_ROW, letter
from cogs.polls.store import Poll

if TYPE_CHECKING:
    from cogs.polls.cog import PollsCog

MAX_LABEL = 80
MAX_ROW = 4


def _cog(interaction: discord.Interaction[Any]) -> PollsCog:
    return interaction.client.get_cog("PollsCog")


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    # A position has one or two digits (20 options at most); one past the poll's options is refused.
    template=rf"poll:(?P<poll>{ID_TEMPLATE}):(?P<option>[0-9]{{1,2}})",
):
    def __init__(self, poll_id: int, position: int, label: str = "…", *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:MAX_LABEL],
                emoji=letter(position),
                style=discord.ButtonStyle.secondary,
                custom_id=f"poll:{poll_id}:{position}",
                disabled=disabled,
                # Discord has five rows; a position past them only comes from a forged click, and
                # raising here would drop it without an answer (see agora/stale_components.py).
                row=min(position // BUTTONS_PER_ROW, MAX_ROW),
            )
        )
        self.poll_id = poll_id
        self.position = position

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> VoteButton:
        return cls(int(match["poll"]), int(match["option"]), item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _cog(interaction).vote(interaction, record_id(self.poll_id), self.position)


class ClosePollButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"poll:(?P<poll>{ID_TEMPLATE}):close"
):
    def __init__(self, poll_id: int, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:MAX_LABEL], style=discord.ButtonStyle.danger, custom_id=f"poll:{poll_id}:close"
            )
        )
        self.poll_id = poll_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> ClosePollButton:
        return cls(int(match["poll"]), item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _cog(interaction).close_by_member(interaction, record_id(self.poll_id))


def poll_view(poll: Poll, *, closed: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for position, label in enumerate(poll.options):
        view.add_item(VoteButton(poll.id, position, label, disabled=closed))
    return view


class PollModal(AgoraModal):
    """`/poll create` without options: the question and one option per line."""

    def __init__(self, cog: PollsCog, words: Any, settings: dict[str, Any], question: str | None) -> None:
        super().__init__(title=words("polls.modal.title")[:45], timeout=900)
        self.cog = cog
        self.settings = settings
        self.question: discord.ui.TextInput[PollModal] = discord.ui.TextInput(
            label=words("polls.modal.question")[:45],
            default=question,
            max_length=300,
            custom_id="poll:modal:question",
        )
        self.options: discord.ui.TextInput[PollModal] = discord.ui.TextInput(
            label=words("polls.modal.options")[:45],
            placeholder=words("polls.modal.options_placeholder")[:100],
            style=discord.TextStyle.paragraph,
            max_length=20 * (MAX_LABEL + 1),
            custom_id="poll:modal:options",
        )
        self.add_item(self.question)
        self.add_item(self.options)

    async def on_submit(self, interaction: discord.Interaction[Any]) -> None:
        await self.cog.create_from(
            interaction, self.question.value, self.options.value.split("\n"), **self.settings
        )
