"""The "Give feedback" button and the feedback form it opens.

The button is a `DynamicItem`, so every call ever posted (and every DM) keeps working after a restart
without registering one view per event. The form is one modal of five labelled questions (discord.py
2.7 components); every visible word comes from the caller, already in the member's language, and its
submission is read by `rules.read_submission`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from agora.components import reports_errors
from agora.ids import ID_TEMPLATE, record_id
from cogs.events.model import Answers
from cogs.events.rules import (
    IMPROVE,
    MAX_TOPICS,
    RATING,
    RATINGS,
    RECOMMEND,
    SCORES,
    TEXT_MAX,
    TOPICS,
    USEFUL,
)

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


@dataclass(frozen=True, slots=True)
class FormWords:
    """The form's words in the member's language; lengths are Discord's limits for each place."""

    title: str
    rating_label: str
    rating_option_labels: tuple[str, ...]  # five: 1 to 5
    recommend_label: str
    recommend_placeholder: str
    useful_label: str
    improve_label: str
    topics_label: str
    rating_description: str | None = None
    recommend_description: str | None = None
    recommend_low_hint: str | None = None
    recommend_high_hint: str | None = None
    useful_placeholder: str | None = None
    improve_placeholder: str | None = None
    topics_description: str | None = None

    def __post_init__(self) -> None:
        if len(self.rating_option_labels) != len(RATINGS):
            raise ValueError(f"rating_option_labels needs {len(RATINGS)} labels")
        labels = (self.title, self.rating_label, self.recommend_label, self.useful_label)
        labels += (self.improve_label, self.topics_label)
        hints = (self.rating_description, self.recommend_description, self.topics_description)
        hints += (self.recommend_low_hint, self.recommend_high_hint, *self.rating_option_labels)
        hints += (self.useful_placeholder, self.improve_placeholder)
        for limit, texts in ((45, labels), (100, hints), (150, (self.recommend_placeholder,))):
            for text in texts:
                if text is not None and not 0 < len(text) <= limit:
                    raise ValueError(f"form words must be 1-{limit} characters: {text!r}")


# Matches no option: the form opens empty.
NO_ANSWERS = Answers(rating=0, recommend=-1, useful="", improve="", topics=())


def _text_input(custom_id: str, placeholder: str | None, default: str) -> discord.ui.TextInput[Any]:
    return discord.ui.TextInput(
        custom_id=custom_id,
        style=discord.TextStyle.paragraph,
        placeholder=placeholder,
        default=default or None,
        required=False,
        max_length=TEXT_MAX,
    )


class FeedbackForm(discord.ui.Modal):
    """Opened empty, or with the member's previous answers selected; submissions go to `read_submission`."""

    def __init__(
        self,
        *,
        event_id: int,
        words: FormWords,
        topics: Sequence[tuple[str, str]],
        previous: Answers | None,
    ) -> None:
        ids = [topic_id for topic_id, _ in topics]
        if len(ids) > MAX_TOPICS or len(set(ids)) != len(ids):
            raise ValueError(f"at most {MAX_TOPICS} topics with distinct ids: {ids}")
        if any(not 0 < len(text) <= 100 for topic in topics for text in topic):
            raise ValueError(f"topic ids and labels must be 1-100 characters: {topics}")
        super().__init__(title=words.title, custom_id=f"feedback:form:{event_id}")
        before = previous or NO_ANSWERS
        self.rating: discord.ui.RadioGroup[FeedbackForm] = discord.ui.RadioGroup(
            custom_id=RATING,
            options=[
                discord.RadioGroupOption(label=label, value=value, default=RATINGS[value] == before.rating)
                for label, value in zip(words.rating_option_labels, RATINGS, strict=True)
            ],
        )
        hints = {0: words.recommend_low_hint, 10: words.recommend_high_hint}
        self.recommend: discord.ui.Select[FeedbackForm] = discord.ui.Select(
            custom_id=RECOMMEND,
            placeholder=words.recommend_placeholder,
            options=[
                discord.SelectOption(
                    label=value, value=value, description=hints.get(n), default=n == before.recommend
                )
                for value, n in SCORES.items()
            ],
        )
        self.useful = _text_input(USEFUL, words.useful_placeholder, before.useful)
        self.improve = _text_input(IMPROVE, words.improve_placeholder, before.improve)
        self.topics: discord.ui.CheckboxGroup[FeedbackForm] = discord.ui.CheckboxGroup(
            custom_id=TOPICS,
            required=False,
            min_values=0,
            max_values=max(1, len(topics)),
            options=[
                discord.CheckboxGroupOption(label=label, value=topic_id, default=topic_id in before.topics)
                for topic_id, label in topics
            ],
        )
        questions: list[tuple[str, str | None, discord.ui.Item[FeedbackForm]]] = [
            (words.rating_label, words.rating_description, self.rating),
            (words.recommend_label, words.recommend_description, self.recommend),
            (words.useful_label, None, self.useful),
            (words.improve_label, None, self.improve),
        ]
        # Discord refuses an empty checkbox group: without topics, the form asks four questions.
        if topics:
            questions.append((words.topics_label, words.topics_description, self.topics))
        for text, description, component in questions:
            self.add_item(discord.ui.Label(text=text, description=description, component=component))
        # Stopped before it is sent: discord.py then keeps no copy waiting for the submission, which
        # `read_submission` handles from the interaction alone (see the module's docstring).
        self.stop()
