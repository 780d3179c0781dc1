"""The feedback form of an event: one modal of five labelled questions (discord.py 2.7 components).

Every visible word comes from the caller, already in the member's language. The form is stateless:
discord.py never holds it (it is stopped before it is sent), and `read_submission` reads what comes
back from the interaction alone, so a form filled in slowly, or across a restart, still counts.
Values are parsed strictly: a modified client can send anything, so nothing gets through unless it
is one of the answers the form offered.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from agora import errors
from agora.components import submitted_values
from agora.ids import ID_TEMPLATE, MAX_ID

log = logging.getLogger(__name__)

RATING, RECOMMEND, USEFUL, IMPROVE, TOPICS = "rating", "recommend", "useful", "improve", "topics"
RATINGS = {str(n): n for n in range(1, 6)}
SCORES = {str(n): n for n in range(11)}
TEXT_MAX = 1000
MAX_TOPICS = 10
# ASCII digits only, as in the views' templates; ids past MAX_ID are refused in `read_submission`.
FORM_ID = re.compile(rf"^feedback:form:({ID_TEMPLATE})\Z")


@dataclass(frozen=True, slots=True)
class FormAnswers:
    rating: int
    recommend: int
    useful: str
    improve: str
    topics: tuple[str, ...]


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


class InvalidAnswer(errors.UserError):
    """A submitted value the form never offered: a forged payload (a real client cannot send it)."""

    def __init__(self, field: str) -> None:
        super().__init__("feedback.error.invalid_answer")
        self.field = field


def _choice(value: Any, allowed: Mapping[str, int], field: str) -> int:
    # A lookup, not int(): int() also accepts " 3", "+3", "3_0" and other scripts' digits.
    if not isinstance(value, str) or value not in allowed:
        raise InvalidAnswer(field)
    return allowed[value]


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or len(value) > TEXT_MAX:
        raise InvalidAnswer(field)
    return value.strip()


def _strings(value: Any, field: str) -> list[str]:
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise InvalidAnswer(field)
    return list(value)


def parse_answers(values: Mapping[str, Any], topic_ids: Collection[str]) -> FormAnswers:
    """The answers in `values` (keyed by the inputs' custom ids), or `InvalidAnswer` (a `UserError`)."""
    for field in (RATING, RECOMMEND, USEFUL, IMPROVE, TOPICS):
        if field not in values:
            raise InvalidAnswer(field)
    recommend = _strings(values[RECOMMEND], RECOMMEND)
    if len(recommend) != 1:
        raise InvalidAnswer(RECOMMEND)
    topics = _strings(values[TOPICS], TOPICS)
    if any(t not in topic_ids for t in topics) or len(set(topics)) != len(topics):
        raise InvalidAnswer(TOPICS)
    return FormAnswers(
        rating=_choice(values[RATING], RATINGS, RATING),
        recommend=_choice(recommend[0], SCORES, RECOMMEND),
        useful=_text(values[USEFUL], USEFUL),
        improve=_text(values[IMPROVE], IMPROVE),
        topics=tuple(topics),
    )


def read_submission(
    interaction: discord.Interaction[Any], topic_ids: Collection[str]
) -> tuple[int, FormAnswers]:
    """The event and the answers of a submitted feedback form, or `InvalidAnswer` (logged, without text)."""
    data: Mapping[str, Any] = interaction.data or {}
    match = FORM_ID.match(str(data.get("custom_id", "")))
    if match is None:
        raise ValueError(f"not a feedback form: {data.get('custom_id')!r}")
    event_id = int(match[1])
    if event_id > MAX_ID:
        raise InvalidAnswer("event")
    try:
        values = submitted_values(data.get("components") or ())
        values.setdefault(TOPICS, [])  # a form offered without topics has no checkbox group
        return event_id, parse_answers(values, topic_ids)
    except InvalidAnswer as refused:
        log.warning(
            "refused a forged feedback answer (%s) for event %s %s",
            refused.field,
            event_id,
            errors.locate(interaction),
        )
        raise


# Matches no option: the form opens empty.
NO_ANSWERS = FormAnswers(rating=0, recommend=-1, useful="", improve="", topics=())


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
        previous: FormAnswers | None,
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
