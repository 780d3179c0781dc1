"""Reading what people typed: an organiser's new event, a member's submitted feedback form.

Event times are read in the community's time zone (`AGORA_TIMEZONE`); the end may be a time alone, on
the start's day. Each refusal is a `UserError` whose key says what to change; nothing is created then.

The feedback form is stateless: discord.py never holds it (views.py stops it before it is sent), and
`read_submission` reads what comes back from the interaction alone, so a form filled in slowly, or
across a restart, still counts. Values are parsed strictly: a modified client can send anything, so
nothing gets through unless it is one of the answers the form offered.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import discord

from agora import errors
from agora.components import submitted_values
from agora.errors import UserError
from agora.ids import ID_TEMPLATE, MAX_ID
from cogs.events.model import Answers

log = logging.getLogger(__name__)

MAX_TITLE = 100
MAX_DESCRIPTION = 1000
MAX_LOCATION = 100
MAX_AHEAD = timedelta(days=5 * 365)  # Discord refuses events scheduled further ahead
_DATES = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y")
_TIMES = ("%H:%M", "%Hh%M", "%Hh", "%H.%M")


@dataclass(frozen=True, slots=True)
class EventDraft:
    title: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    location: str | None
    description: str | None


def _read(text: str, layouts: list[str]) -> datetime | None:
    cleaned = " ".join(text.replace("T", " ").split())
    for layout in layouts:
        try:
            return datetime.strptime(cleaned, layout)  # noqa: DTZ007 — the zone is attached by the caller
        except ValueError:
            continue
    return None


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=zone).astimezone(UTC)


def parse_start(text: str, zone: ZoneInfo) -> datetime:
    """`2026-12-05 08:30`, `5.12.2026 8h30`, `05/12/2026 8:30`… in `zone`, as UTC."""
    moment = _read(text, [f"{d} {t}" for d in _DATES for t in _TIMES])
    if moment is None:
        raise UserError("events.error.unreadable_time", value=text.strip()[:50])
    return _local(moment, zone)


def parse_end(text: str, start: datetime, zone: ZoneInfo) -> datetime:
    """A full date and time, or a time alone on the start's (local) day."""
    moment = _read(text, [f"{d} {t}" for d in _DATES for t in _TIMES])
    if moment is None:
        hour = _read(text, list(_TIMES))
        if hour is None:
            raise UserError("events.error.unreadable_time", value=text.strip()[:50])
        day = start.astimezone(zone).date()
        moment = datetime.combine(day, hour.time())
    return _local(moment, zone)


def _optional(text: str | None, limit: int, key: str) -> str | None:
    cleaned = (text or "").strip()
    if len(cleaned) > limit:
        raise UserError(key, limit=limit, length=len(cleaned))
    return cleaned or None


def check_event(
    *,
    title: str,
    start: str,
    end: str,
    location: str | None,
    description: str | None,
    now: datetime,
    zone: ZoneInfo,
) -> EventDraft:
    name = " ".join(title.split())
    if not name:
        raise UserError("events.error.empty_title")
    if len(name) > MAX_TITLE:
        raise UserError("events.error.title_too_long", limit=MAX_TITLE, length=len(name))
    starts_at = parse_start(start, zone)
    ends_at = parse_end(end, starts_at, zone)
    if starts_at <= now:
        raise UserError("events.error.start_in_past")
    if starts_at - now > MAX_AHEAD:
        raise UserError("events.error.too_far_ahead")
    if ends_at <= starts_at:
        raise UserError("events.error.end_before_start")
    return EventDraft(
        title=name,
        starts_at=starts_at,
        ends_at=ends_at,
        location=_optional(location, MAX_LOCATION, "events.error.location_too_long"),
        description=_optional(description, MAX_DESCRIPTION, "events.error.description_too_long"),
    )


# ---- the feedback form ---------------------------------------------------------------------------

RATING, RECOMMEND, USEFUL, IMPROVE, TOPICS = "rating", "recommend", "useful", "improve", "topics"
RATINGS = {str(n): n for n in range(1, 6)}
SCORES = {str(n): n for n in range(11)}
TEXT_MAX = 1000
MAX_TOPICS = 10
# ASCII digits only, as in the views' templates; ids past MAX_ID are refused in `read_submission`.
FORM_ID = re.compile(rf"^feedback:form:({ID_TEMPLATE})\Z")


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


def parse_answers(values: Mapping[str, Any], topic_ids: Collection[str]) -> Answers:
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
    return Answers(
        rating=_choice(values[RATING], RATINGS, RATING),
        recommend=_choice(recommend[0], SCORES, RECOMMEND),
        useful=_text(values[USEFUL], USEFUL),
        improve=_text(values[IMPROVE], IMPROVE),
        topics=tuple(topics),
    )


def read_submission(interaction: discord.Interaction[Any], topic_ids: Collection[str]) -> tuple[int, Answers]:
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
