"""What makes a valid poll, and reading what a person typed. Pure: no discord, no I/O.

Each refusal is a `UserError` whose key says what to change; nothing is created when one is raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from agora.errors import UserError

MIN_OPTIONS = 2
MAX_OPTIONS = 20
MAX_QUESTION = 300
MAX_OPTION = 80  # a button label
MAX_DURATION = timedelta(days=90)
_RELATIVE = re.compile(r"^\s*(\d{1,6})\s*(m|min|h|d|j|w|s)\s*$", re.IGNORECASE)
_UNITS = {
    "m": "minutes",
    "min": "minutes",
    "h": "hours",
    "d": "days",
    "j": "days",
    "w": "weeks",
    "s": "weeks",
}
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %Hh%M", "%d.%m.%Y %H:%M", "%d.%m.%Y %Hh%M", "%d/%m/%Y %H:%M")


@dataclass(frozen=True, slots=True)
class PollDraft:
    question: str
    options: tuple[str, ...]
    choices: int
    closes_at: datetime | None


def split_options(text: str, separator: str = ";") -> list[str]:
    """Options as typed: `a; b; c` (or one per line in the modal). A trailing separator is forgiven."""
    parts = [part.strip() for part in text.split(separator)]
    if parts and parts[-1] == "" and len(parts) > 1:
        parts.pop()
    return parts


def check_question(question: str) -> str:
    text = " ".join(question.split())
    if not text:
        raise UserError("polls.error.empty_question")
    if len(text) > MAX_QUESTION:
        raise UserError("polls.error.question_too_long", limit=MAX_QUESTION, length=len(text))
    return text


def check_options(options: list[str]) -> tuple[str, ...]:
    cleaned = [" ".join(option.split()) for option in options]
    if any(not option for option in cleaned):
        raise UserError("polls.error.empty_option")
    if len(cleaned) < MIN_OPTIONS:
        raise UserError("polls.error.too_few_options", minimum=MIN_OPTIONS)
    if len(cleaned) > MAX_OPTIONS:
        raise UserError("polls.error.too_many_options", maximum=MAX_OPTIONS, count=len(cleaned))
    for option in cleaned:
        if len(option) > MAX_OPTION:
            raise UserError("polls.error.option_too_long", option=option[:40] + "…", limit=MAX_OPTION)
    seen: set[str] = set()
    for option in cleaned:
        key = option.casefold()
        if key in seen:
            raise UserError("polls.error.duplicate_option", option=option)
        seen.add(key)
    return tuple(cleaned)


def check_choices(choices: int, option_count: int) -> int:
    if not 1 <= choices <= option_count:
        raise UserError("polls.error.choices_out_of_range", maximum=option_count)
    return choices


def parse_deadline(text: str | None, now: datetime, zone: ZoneInfo) -> datetime | None:
    """`30m`, `2h`, `3d`/`3j`, `1w`/`1s`, or a date and time in `zone`; None when not given."""
    if text is None or not text.strip():
        return None
    match = _RELATIVE.match(text)
    if match:
        amount = int(match.group(1))
        if amount == 0:
            raise UserError("polls.error.duration_not_positive")
        delta = timedelta(**{_UNITS[match.group(2).lower()]: amount})
        if delta > MAX_DURATION:
            raise UserError("polls.error.duration_too_long", days=MAX_DURATION.days)
        return now + delta
    if text.strip().startswith("-"):
        raise UserError("polls.error.duration_not_positive")
    for layout in _DATE_FORMATS:
        try:
            local = datetime.strptime(text.strip(), layout)  # noqa: DTZ007 — the zone is attached below
        except ValueError:
            continue
        moment = local.replace(tzinfo=zone).astimezone(now.tzinfo)
        if moment <= now:
            raise UserError("polls.error.deadline_in_past")
        if moment - now > MAX_DURATION:
            raise UserError("polls.error.duration_too_long", days=MAX_DURATION.days)
        return moment
    raise UserError("polls.error.unreadable_duration", value=text.strip()[:50])


def check_draft(
    question: str, options: list[str], choices: int, duration: str | None, now: datetime, zone: ZoneInfo
) -> PollDraft:
    text = check_question(question)
    cleaned = check_options(options)
    return PollDraft(text, cleaned, check_choices(choices, len(cleaned)), parse_deadline(duration, now, zone))
