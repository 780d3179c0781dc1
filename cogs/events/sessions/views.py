"""The session step: after the feedback form, one menu per session (1–5, "I missed it", "no answer"),
at most `PAGE_SIZE` sessions per message, *Previous* / *Next* for more, and *A word for the speakers*,
which opens a form with one optional paragraph per session of the page.

Five menus and a row of buttons need more than the five action rows of a classic message, so the step
is a Components V2 message (`LayoutView`): a text per session above its menu, then the buttons' row.
Every component is a `DynamicItem` whose custom_id carries the event, the page and the session: the
step keeps working after a restart and no view is kept in memory. The form is stateless like the
feedback form: stopped before it is sent, its submission is read by `session_rules.read_words`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import discord

from agora.components import reports_errors
from agora.i18n import Words
from agora.ids import record_id
from agora.meetings import Session
from cogs.events.sessions.figures import SessionRating
from cogs.events.sessions.render import choice_label, modal_label, step_header, step_session_text
from cogs.events.sessions.rules import (
    CHOICES,
    CLEAR,
    MISSED,
    PAGE_BUTTON_TEMPLATE,
    PAGE_SIZE,
    RATE_TEMPLATE,
    WORDS_BUTTON_TEMPLATE,
    page_count,
    page_id,
    rate_id,
    word_input_id,
    words_form_id,
    words_id,
)
from cogs.events.sessions.store import COMMENT_MAX

if TYPE_CHECKING:
    from cogs.events.sessions.desk import SessionFeedbackDesk


def _desk(interaction: discord.Interaction[Any]) -> SessionFeedbackDesk:
    return interaction.client.get_cog("EventsCog").desk.sessions


class RatingSelect(discord.ui.DynamicItem[discord.ui.Select[Any]], template=RATE_TEMPLATE):
    def __init__(
        self,
        event_id: int,
        page: int,
        session_id: int,
        *,
        options: Sequence[discord.SelectOption] = (),
        placeholder: str | None = None,
    ) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=rate_id(event_id, page, session_id),
                options=list(options) or [discord.SelectOption(label="…", value=CLEAR)],
                placeholder=placeholder,
            )
        )
        self.event_id, self.page, self.session_id = event_id, page, session_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Select[Any], match: re.Match[str]
    ) -> RatingSelect:
        return cls(
            int(match["event"]),
            int(match["page"]),
            int(match["session"]),
            options=item.options,
            placeholder=item.placeholder,
        )

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        values = (interaction.data or {}).get("values")  # as sent: a forged one is refused, not coerced
        await _desk(interaction).rate(
            interaction, record_id(self.event_id), self.page, record_id(self.session_id), values
        )


class PageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PAGE_BUTTON_TEMPLATE):
    def __init__(self, event_id: int, page: int, label: str = "…", emoji: str | None = None) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                emoji=emoji,
                style=discord.ButtonStyle.secondary,
                custom_id=page_id(event_id, page),
            )
        )
        self.event_id, self.page = event_id, page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> PageButton:
        return cls(int(match["event"]), int(match["page"]), item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _desk(interaction).turn(interaction, record_id(self.event_id), self.page)


class WordsButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=WORDS_BUTTON_TEMPLATE):
    def __init__(self, event_id: int, page: int, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                emoji="💬",
                style=discord.ButtonStyle.primary,
                custom_id=words_id(event_id, page),
            )
        )
        self.event_id, self.page = event_id, page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> WordsButton:
        return cls(int(match["event"]), int(match["page"]), item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _desk(interaction).open_words(interaction, record_id(self.event_id), self.page)


def _choice_of(answer: SessionRating | None) -> str | None:
    if answer is None:
        return None
    if answer.missed:
        return MISSED
    return str(answer.rating) if answer.rating is not None else None


def rating_select(
    event_id: int, page: int, session: Session, answer: SessionRating | None, words: Words
) -> RatingSelect:
    chosen = _choice_of(answer)
    options = [
        discord.SelectOption(label=choice_label(key, words)[:100], value=key, default=key == chosen)
        for key in CHOICES
    ]
    return RatingSelect(
        event_id,
        page,
        session.id,
        options=options,
        placeholder=words("session_feedback.step.placeholder")[:150],
    )


def step_view(
    *,
    event_id: int,
    event_name: str,
    closes_at: int | None,
    sessions: Sequence[Session],
    answers: Mapping[int, SessionRating],
    page: int,
    words: Words,
) -> discord.ui.LayoutView:
    """One page of the step: at most PAGE_SIZE sessions (3 components each), a header and the buttons'
    row: 21 components at most of Discord's 40, and at most about 2,500 of its 4,000 characters."""
    pages = page_count(len(sessions))
    shown = sessions[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    view = discord.ui.LayoutView(timeout=None)
    view.add_item(discord.ui.TextDisplay(step_header(event_name, closes_at, page, pages, words)))
    for session in shown:
        view.add_item(discord.ui.TextDisplay(step_session_text(session, answers.get(session.id), words)))
        view.add_item(
            discord.ui.ActionRow(rating_select(event_id, page, session, answers.get(session.id), words))
        )
    buttons: list[discord.ui.Item[Any]] = []
    if page > 0:
        buttons.append(PageButton(event_id, page - 1, words("session_feedback.step.previous"), "◀️"))
    if page < pages - 1:
        buttons.append(PageButton(event_id, page + 1, words("session_feedback.step.next"), "▶️"))
    buttons.append(WordsButton(event_id, page, words("session_feedback.step.words")))
    view.add_item(discord.ui.ActionRow(*buttons))
    # Nothing to keep in memory: the dynamic items answer every click, even after a restart.
    view.stop()
    return view


class WordsForm(discord.ui.Modal):
    """One optional paragraph per session of the page, prefilled; read by `session_rules.read_words`."""

    def __init__(
        self,
        *,
        event_id: int,
        page: int,
        sessions: Sequence[Session],
        answers: Mapping[int, SessionRating],
        words: Words,
    ) -> None:
        if not 0 < len(sessions) <= PAGE_SIZE:
            raise ValueError(f"a form of words holds 1 to {PAGE_SIZE} sessions, not {len(sessions)}")
        super().__init__(
            title=words("session_feedback.words.title")[:45], custom_id=words_form_id(event_id, page)
        )
        for session in sessions:
            before = answers.get(session.id)
            field: discord.ui.TextInput[WordsForm] = discord.ui.TextInput(
                custom_id=word_input_id(session.id),
                style=discord.TextStyle.paragraph,
                placeholder=words("session_feedback.words.placeholder")[:100],
                default=(before.comment if before else "") or None,
                required=False,
                max_length=COMMENT_MAX,
            )
            self.add_item(
                discord.ui.Label(
                    text=modal_label(session),
                    description=words("session_feedback.words.description")[:100],
                    component=field,
                )
            )
        # Stopped before it is sent: discord.py keeps no copy waiting for it (see the module's docstring).
        self.stop()
