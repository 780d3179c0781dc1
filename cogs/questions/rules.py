"""What a member sends the Q&A, checked before anything is stored: the question form's submission, read
from the interaction alone (a modified client can send anything: a longer text, another board, a
session of another event). Pure: no discord objects but the submission's raw data."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agora.components import submitted_values
from agora.errors import UserError
from agora.ids import ID_TEMPLATE, MAX_ID, parse_id

MAX_QUESTION = 300
FORM_PREFIX = "qa:form:"
FORM_ID = re.compile(rf"^qa:form:({ID_TEMPLATE})\Z")
QUESTION, ANONYMOUS, SESSION = "question", "anonymous", "session"
# A forged text is read no further than this before it is refused as too long.
MAX_TYPED = 4000


@dataclass(frozen=True, slots=True)
class Asked:
    board_id: int
    text: str
    anonymous: bool
    session_id: int | None


def check_question(text: str) -> str:
    """The question as it will be stored: refused when empty, or longer than MAX_QUESTION characters
    as sent (a real client cannot send more; a forged one is refused, not cut)."""
    if len(text) > MAX_QUESTION:
        raise UserError("questions.error.too_long", length=len(text), limit=MAX_QUESTION)
    stripped = text.strip()
    if not stripped:
        raise UserError("questions.error.empty")
    return stripped


def read_form(data: Mapping[str, Any]) -> Asked:
    """A submitted question form. One that names no board Agora can have made, or brings no question,
    is a forged one: the stale answer."""
    match = FORM_ID.match(str(data.get("custom_id", "")))
    if match is None or int(match[1]) > MAX_ID:
        raise UserError("errors.stale_form")
    values = submitted_values(data.get("components") or ())
    typed = values.get(QUESTION)
    if not isinstance(typed, str):
        raise UserError("errors.stale_form")
    text = check_question(typed[: MAX_TYPED + 1])
    chosen = values.get(SESSION)
    session_id = None
    if isinstance(chosen, list) and chosen:
        session_id = parse_id(str(chosen[0]))
        if session_id is None or len(chosen) > 1:
            raise UserError("questions.error.unknown_session")
    elif chosen not in (None, []):
        raise UserError("questions.error.unknown_session")
    return Asked(int(match[1]), text, values.get(ANONYMOUS) is True, session_id)
