"""The *Send to the speaker* and *Don't send* buttons of a speaker's review, in the organisers' channel.

One `DynamicItem` (`speaker:send:<session id>`, `speaker:withhold:<session id>`): a review posted before
a restart keeps working after it without registering a view per session. Who may click, and what a
click does, is the desk's (speakers/desk.py).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from agora.components import reports_errors
from agora.i18n import Words
from agora.ids import ID_TEMPLATE, record_id
from cogs.events.speakers.store import SEND, WITHHOLD

if TYPE_CHECKING:
    from cogs.events.speakers.desk import SpeakerReviews

MAX_LABEL = 80
_STYLES = {SEND: discord.ButtonStyle.success, WITHHOLD: discord.ButtonStyle.secondary}
_EMOJIS = {SEND: "📨", WITHHOLD: "🚫"}


def custom_id(choice: str, session_id: int) -> str:
    return f"speaker:{choice}:{session_id}"


def _desk(interaction: discord.Interaction[Any]) -> SpeakerReviews:
    return interaction.client.get_cog("EventsCog").timeline.speaker_reviews


class SpeakerReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"speaker:(?P<choice>{SEND}|{WITHHOLD}):(?P<session>{ID_TEMPLATE})",
):
    def __init__(self, choice: str, session_id: int, label: str = "…", *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:MAX_LABEL],
                emoji=_EMOJIS[choice],
                style=_STYLES[choice],
                custom_id=custom_id(choice, session_id),
                disabled=disabled,
            )
        )
        self.choice = choice
        self.session_id = session_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> SpeakerReviewButton:
        return cls(match["choice"], int(match["session"]), item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _desk(interaction).click(interaction, record_id(self.session_id), self.choice)


def review_view(session_id: int, words: Words, *, decided: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for choice in (SEND, WITHHOLD):
        label = words(f"speakers.button.{choice}")
        view.add_item(SpeakerReviewButton(choice, session_id, label, disabled=decided))
    return view
