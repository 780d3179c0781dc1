"""Reading what a member chose in the session step: a rating, "I missed it" or "no answer" in a session's
menu, and the words for the speakers typed in its form.

Like the feedback form (rules.py), nothing is kept in memory: the custom ids carry the event, the page
and the session, so a step message sent before a restart still works, and every value is parsed
strictly, since a modified client can send anything.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

import discord

from agora import errors
from agora.components import submitted_values
from agora.ids import ID_TEMPLATE, MAX_ID
from cogs.events.sessions.store import COMMENT_MAX

log = logging.getLogger(__name__)

PAGE_SIZE = 5  # sessions per step message: one menu each, and the buttons' row
PAGE_TEMPLATE = r"[0-9]{1,2}"  # bounded; a page past the programme shows its last one
MISSED, CLEAR = "missed", "clear"
CHOICES: dict[str, tuple[int | None, bool]] = {str(n): (n, False) for n in range(1, 6)}
CHOICES[MISSED] = (None, True)
CHOICES[CLEAR] = (None, False)

RATE_TEMPLATE = (
    rf"feedback:session:(?P<event>{ID_TEMPLATE}):(?P<page>{PAGE_TEMPLATE}):(?P<session>{ID_TEMPLATE})"
)
PAGE_BUTTON_TEMPLATE = rf"feedback:page:(?P<event>{ID_TEMPLATE}):(?P<page>{PAGE_TEMPLATE})"
WORDS_BUTTON_TEMPLATE = rf"feedback:words:(?P<event>{ID_TEMPLATE}):(?P<page>{PAGE_TEMPLATE})"
# The form of words for the speakers: answered from its submission (bot.forms, in __init__.py).
WORDS_FORM_ID = re.compile(rf"^feedback:wordsform:({ID_TEMPLATE}):({PAGE_TEMPLATE})\Z")
_WORD_INPUT = re.compile(rf"^word:({ID_TEMPLATE})\Z")


def rate_id(event_id: int, page: int, session_id: int) -> str:
    return f"feedback:session:{event_id}:{page}:{session_id}"


def page_id(event_id: int, page: int) -> str:
    return f"feedback:page:{event_id}:{page}"


def words_id(event_id: int, page: int) -> str:
    return f"feedback:words:{event_id}:{page}"


def words_form_id(event_id: int, page: int) -> str:
    return f"feedback:wordsform:{event_id}:{page}"


def word_input_id(session_id: int) -> str:
    return f"word:{session_id}"


def page_count(sessions: int) -> int:
    return max(1, -(-sessions // PAGE_SIZE))


def clamp_page(page: int, sessions: int) -> int:
    return min(max(page, 0), page_count(sessions) - 1)


class InvalidSessionAnswer(errors.UserError):
    """A value the step never offered: a forged payload (a real client cannot send it)."""

    def __init__(self, what: str) -> None:
        super().__init__("session_feedback.error.invalid")
        self.what = what


def read_choice(values: Any) -> tuple[int | None, bool]:
    """(rating, missed) from a session menu's values: one of "1"…"5", "missed" or "clear"."""
    if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], str):
        raise InvalidSessionAnswer("choice")
    # A lookup, not int(): int() also accepts " 3", "+3" and other scripts' digits.
    choice = CHOICES.get(values[0])
    if choice is None:
        raise InvalidSessionAnswer("choice")
    return choice


def parse_words(values: Mapping[str, Any]) -> dict[int, str]:
    """Each session's word for its speaker, by session id, from a submitted form's values."""
    words: dict[int, str] = {}
    for key, value in values.items():
        match = _WORD_INPUT.match(key)
        if match is None or int(match[1]) > MAX_ID:
            raise InvalidSessionAnswer("session")
        if not isinstance(value, str) or len(value.strip()) > COMMENT_MAX:
            raise InvalidSessionAnswer("word")
        words[int(match[1])] = value.strip()
    return words


def read_words(interaction: discord.Interaction[Any]) -> tuple[int, int, dict[int, str]]:
    """The event, the page and the words of a submitted form, or `InvalidSessionAnswer` (logged)."""
    data: Mapping[str, Any] = interaction.data or {}
    match = WORDS_FORM_ID.match(str(data.get("custom_id", "")))
    if match is None:
        raise ValueError(f"not a form of words for the speakers: {data.get('custom_id')!r}")
    event_id, page = int(match[1]), int(match[2])
    try:
        if event_id > MAX_ID:
            raise InvalidSessionAnswer("event")
        return event_id, page, parse_words(submitted_values(data.get("components") or ()))
    except InvalidSessionAnswer as refused:
        log.warning(
            "refused a forged word for the speakers (%s) for event %s %s",
            refused.what,
            event_id,
            errors.locate(interaction),
        )
        raise
