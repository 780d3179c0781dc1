"""The Q&A's buttons and its question form.

Every button is a `DynamicItem`: the board or the question is in the `custom_id`, so boards and
questions posted before a restart keep working without registering a view per message. The form
(`qa:form:<board>`) is stopped before it is sent, so discord.py keeps no copy of it: its submission is
read from the interaction alone, handed over by `bot.forms` (agora/forms.py; rules.read_form), and a
form filled in across a restart still counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from agora.components import reports_errors
from agora.i18n import Words
from agora.ids import ID_TEMPLATE, record_id
from cogs.questions.model import ANSWERED, HIDDEN, Counted
from cogs.questions.rules import ANONYMOUS, FORM_PREFIX, MAX_QUESTION, QUESTION, SESSION

if TYPE_CHECKING:
    from cogs.questions.desk import QuestionDesk

MAX_LABEL = 80
MAX_TITLE = 45
MAX_HINT = 100
MAX_OPTION = 100


def _desk(interaction: discord.Interaction[Any]) -> QuestionDesk:
    return interaction.client.get_cog("QuestionsCog").desk


class AskButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"qa:ask:(?P<board>{ID_TEMPLATE})"):
    def __init__(self, board_id: int, label: str = "…", *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:MAX_LABEL],
                emoji="❓",
                style=discord.ButtonStyle.primary,
                custom_id=f"qa:ask:{board_id}",
                disabled=disabled,
            )
        )
        self.board_id = board_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> AskButton:
        return cls(int(match["board"]), item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _desk(interaction).open_form(interaction, record_id(self.board_id))


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"qa:vote:(?P<question>{ID_TEMPLATE})"
):
    def __init__(self, question_id: int, votes: int = 0, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=f"▲ {votes}",
                style=discord.ButtonStyle.primary,
                custom_id=f"qa:vote:{question_id}",
                disabled=disabled,
            )
        )
        self.question_id = question_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> VoteButton:
        return cls(int(match["question"]))

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _desk(interaction).vote(interaction, record_id(self.question_id))


# A moderator's two buttons: the action in the custom_id, the state it gives, and how it looks.
_MODERATIONS = {
    "answered": (ANSWERED, "✅", discord.ButtonStyle.success),
    "hide": (HIDDEN, "🙈", discord.ButtonStyle.secondary),
}


class ModerationButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"qa:(?P<action>answered|hide):(?P<question>{ID_TEMPLATE})",
):
    """*Answered* or *Hide*, shown to everyone, refused by the desk to all but moderators."""

    def __init__(self, question_id: int, action: str, label: str = "…", *, disabled: bool = False) -> None:
        state, emoji, style = _MODERATIONS[action]
        super().__init__(
            discord.ui.Button(
                label=label[:MAX_LABEL],
                emoji=emoji,
                style=style,
                custom_id=f"qa:{action}:{question_id}",
                disabled=disabled,
            )
        )
        self.question_id = question_id
        self.state = state

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> ModerationButton:
        return cls(int(match["question"]), match["action"], item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _desk(interaction).moderate(interaction, record_id(self.question_id), self.state)


def board_view(board_id: int, words: Words, *, closed: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AskButton(board_id, words("questions.board.ask"), disabled=closed))
    return view


class VoteViews:
    """One view per question for the answers to ▲ clicks, its labels set again for each answer:
    building three buttons for every click was a fifth of what a vote costs. Sharing it is safe
    because discord.py turns a view into its payload before its first await, and these views are
    stopped (never stored for a message)."""

    def __init__(self, limit: int = 1000) -> None:
        self.limit = limit
        self._views: dict[int, discord.ui.View] = {}

    def view(self, shown: Counted, words: Words) -> discord.ui.View | None:
        if shown.state == HIDDEN:
            return None
        view = self._views.get(shown.question_id)
        if view is None:
            if len(self._views) >= self.limit:
                self._views.pop(next(iter(self._views)))
            view = self._views[shown.question_id] = _question_buttons(shown.question_id)
        _show(view, shown, words)
        return view


def question_view(shown: Counted, words: Words) -> discord.ui.View | None:
    """▲ with its count for everyone; Answered and Hide, refused to all but moderators when clicked.
    A hidden question has no buttons; a closed board's are disabled."""
    if shown.state == HIDDEN:
        return None
    view = _question_buttons(shown.question_id)
    _show(view, shown, words)
    return view


def _question_buttons(question_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton(question_id))
    view.add_item(ModerationButton(question_id, "answered"))
    view.add_item(ModerationButton(question_id, "hide"))
    # Stopped before it is sent: discord.py then keeps no copy of it per message (its buttons are
    # dynamic items, found by their custom_id), which every ▲ click would otherwise store again.
    view.stop()
    return view


def _show(view: discord.ui.View, shown: Counted, words: Words) -> None:
    vote, answered, hide = (item.item for item in view.children)  # type: ignore[attr-defined]
    vote.label, vote.disabled = f"▲ {shown.votes}", shown.closed
    answered.label = words("questions.button.answered")[:MAX_LABEL]
    answered.disabled = shown.closed or shown.state == ANSWERED
    hide.label, hide.disabled = words("questions.button.hide")[:MAX_LABEL], shown.closed


class QuestionForm(discord.ui.Modal):
    """The question (up to MAX_QUESTION characters), "ask anonymously", and the session it is for when
    the event has a programme (`sessions`: value, label, whether it is the one under way)."""

    def __init__(self, board_id: int, words: Words, sessions: Sequence[tuple[str, str, bool]]) -> None:
        super().__init__(
            title=words("questions.form.title")[:MAX_TITLE], custom_id=f"{FORM_PREFIX}{board_id}"
        )
        self.add_item(
            discord.ui.Label(
                text=words("questions.form.question")[:MAX_TITLE],
                description=words("questions.form.question_hint", limit=MAX_QUESTION)[:MAX_HINT],
                component=discord.ui.TextInput(
                    custom_id=QUESTION,
                    style=discord.TextStyle.paragraph,
                    min_length=1,
                    max_length=MAX_QUESTION,
                    required=True,
                ),
            )
        )
        self.add_item(
            discord.ui.Label(
                text=words("questions.form.anonymous")[:MAX_TITLE],
                description=words("questions.form.anonymous_hint")[:MAX_HINT],
                component=discord.ui.Checkbox(custom_id=ANONYMOUS),
            )
        )
        if sessions:
            options = [
                discord.SelectOption(label=label[:MAX_OPTION], value=value, default=current)
                for value, label, current in sessions
            ]
            self.add_item(
                discord.ui.Label(
                    text=words("questions.form.session")[:MAX_TITLE],
                    description=words("questions.form.session_hint")[:MAX_HINT],
                    component=discord.ui.Select(
                        custom_id=SESSION,
                        placeholder=words("questions.form.session_placeholder")[:MAX_HINT],
                        options=options,
                        min_values=0,
                        max_values=1,
                        required=False,
                    ),
                )
            )
        # Stopped before it is sent: its submission is answered from the interaction alone.
        self.stop()
