"""Reading a session of an event's programme from its form, and checking that it fits the event.

A session has a title (1–100 characters), exactly one speaker (a member of the server, or the name of a
guest who is not on Discord, 1–80 characters), a start and an optional end, typed in the community's
time zone: a time alone (`09:15`, `9h15`) on the event's day, or a full date and time. A session
without an end runs until the next one starts, the last one until the event ends; two sessions
starting together overlap. Each refusal is a `UserError` whose key names the clash.

Pure: no I/O. The store calls `check_fits` again inside its write transaction, on the programme as it
is then, so two organisers at once cannot make an eleventh session or an overlap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from agora import errors
from agora.clock import epoch
from agora.errors import UserError
from agora.escaping import fit_escaped
from agora.ids import MAX_ID
from agora.meetings import Session, session_end
from agora.when import on_wall_clock

MAX_SESSIONS = 10
MAX_TITLE = 100
MAX_GUEST = 80
MAX_TIME = 40  # what the form's time fields accept
QUOTED_TITLE = 80  # another session's title in a refusal, once escaped
MAX_DAYS = 31  # the days a time typed alone may fall on, from the event's first
TITLE, SPEAKER, GUEST, START, END = "title", "speaker", "guest", "start", "end"
_DATES = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y")
_TIMES = ("%H:%M", "%Hh%M", "%Hh", "%H.%M")
_FULL = tuple(f"{date} {time}" for date in _DATES for time in _TIMES)


@dataclass(frozen=True, slots=True)
class EventBounds:
    """What a programme must fit in: the event's start and end (the assumed one without an end)."""

    starts_at: int
    ends_at: int
    called_off: bool


@dataclass(frozen=True, slots=True)
class TypedSession:
    """What the form brought back, checked for its shape only (times not read yet)."""

    title: str
    speaker_id: int | None
    guest: str | None
    start: str
    end: str


@dataclass(frozen=True, slots=True)
class SessionDraft:
    title: str
    speaker_id: int | None
    speaker_name: str | None
    starts_at: int
    ends_at: int | None


class InvalidForm(errors.UserError):
    """A value the form cannot send (a forged payload): refused, nothing stored."""

    def __init__(self, field: str) -> None:
        super().__init__("events.programme.error.invalid_form")
        self.field = field


def _text(values: Mapping[str, Any], field: str) -> str:
    value = values.get(field)
    if not isinstance(value, str):
        raise InvalidForm(field)
    return value


def _speaker(values: Mapping[str, Any]) -> int | None:
    chosen = values.get(SPEAKER)
    if not isinstance(chosen, list) or len(chosen) > 1:
        raise InvalidForm(SPEAKER)
    if not chosen:
        return None
    value = chosen[0]
    # ASCII digits only: str.isdigit() also takes other scripts' digits.
    if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 19):
        raise InvalidForm(SPEAKER)
    number = int(value)
    if not 0 < number <= MAX_ID:
        raise InvalidForm(SPEAKER)
    return number


def read_form(values: Mapping[str, Any]) -> TypedSession:
    """The session typed in the form (`values` by the inputs' custom ids): a title, exactly one kind of
    speaker. A missing input or a value of the wrong shape is a forged form (`InvalidForm`)."""
    title = " ".join(_text(values, TITLE).split())
    guest = " ".join(_text(values, GUEST).split())
    start, end = _text(values, START).strip(), _text(values, END).strip()
    speaker_id = _speaker(values)
    if not title:
        raise UserError("events.programme.error.empty_title")
    if len(title) > MAX_TITLE:
        raise UserError("events.programme.error.title_too_long", limit=MAX_TITLE, length=len(title))
    if len(guest) > MAX_GUEST:
        raise UserError("events.programme.error.guest_too_long", limit=MAX_GUEST, length=len(guest))
    if speaker_id is not None and guest:
        raise UserError("events.programme.error.both_speakers")
    if speaker_id is None and not guest:
        raise UserError("events.programme.error.no_speaker")
    if not start:
        raise UserError("events.programme.error.no_start")
    return TypedSession(title, speaker_id, guest or None, start, end)


def _parse(text: str, layouts: Sequence[str]) -> datetime | None:
    for layout in layouts:
        try:
            return datetime.strptime(text, layout)  # noqa: DTZ007 — local time, its zone comes next
        except ValueError:
            continue
    return None


def read_time(text: str, bounds: EventBounds, zone: ZoneInfo) -> int:
    """A moment typed in `zone`: a full date and time, or a time alone, on the event's day (for an event
    over several days, the first of its days on which that time falls within it)."""
    cleaned = " ".join(text.replace("T", " ").split())
    if len(cleaned) > MAX_TIME:
        raise UserError("events.programme.error.unreadable_time", value=cleaned[:MAX_TIME])
    moment = _parse(cleaned, _FULL)
    if moment is not None:
        return epoch(on_wall_clock(moment, zone))
    hour = _parse(cleaned, _TIMES)
    if hour is None:
        raise UserError("events.programme.error.unreadable_time", value=cleaned)
    first = datetime.fromtimestamp(bounds.starts_at, zone).date()
    last = datetime.fromtimestamp(bounds.ends_at, zone).date()
    days = min((last - first).days, MAX_DAYS) + 1
    candidates = [
        epoch(on_wall_clock(datetime.combine(first + timedelta(days=n), hour.time()), zone))
        for n in range(days)
    ]
    return next((at for at in candidates if bounds.starts_at <= at <= bounds.ends_at), candidates[0])


def read_session(typed: TypedSession, bounds: EventBounds, zone: ZoneInfo) -> SessionDraft:
    """The session with its times read (their place in the event is checked by `check_fits`)."""
    return SessionDraft(
        title=typed.title,
        speaker_id=typed.speaker_id,
        speaker_name=typed.guest,
        starts_at=read_time(typed.start, bounds, zone),
        ends_at=read_time(typed.end, bounds, zone) if typed.end else None,
    )


def check_open(bounds: EventBounds | None) -> EventBounds:
    """The event's programme may change: it exists and is not called off."""
    if bounds is None:
        raise UserError("events.error.unknown_event")
    if bounds.called_off:
        raise UserError("events.programme.error.called_off")
    return bounds


# Where the `index`-th session (of `sessions`, by start) ends: its own end, else the next session's
# start, else the event's end; the rule every feature reads a programme by (agora/meetings.py).
shown_end = session_end


def _clash(draft: SessionDraft, others: Sequence[Session]) -> Session | None:
    """The first other session the draft overlaps: the same start, or one's own end past the other's
    start (a session without an end stops where the next one starts, so it overlaps nothing after it)."""
    for other in others:
        first, second = (other, draft) if other.starts_at < draft.starts_at else (draft, other)
        if first.starts_at == second.starts_at:
            return other
        if first.ends_at is not None and first.ends_at > second.starts_at:
            return other
    return None


def _at(seconds: int) -> str:
    return f"<t:{seconds}:t>"


def check_fits(
    draft: SessionDraft, bounds: EventBounds | None, sessions: Sequence[Session], *, editing: int | None
) -> None:
    """Refuse the draft unless it fits the event and the programme (`sessions`, by start), the session
    being edited (`editing`, None for a new one) left out: at most ten sessions, within the event, no
    overlap with another."""
    bounds = check_open(bounds)
    others = sorted((s for s in sessions if s.id != editing), key=lambda s: (s.starts_at, s.id))
    if editing is None and len(others) >= MAX_SESSIONS:
        raise UserError("events.programme.error.full", limit=MAX_SESSIONS)
    event = {"event_start": f"<t:{bounds.starts_at}:f>", "event_end": f"<t:{bounds.ends_at}:f>"}
    if draft.starts_at < bounds.starts_at:
        raise UserError("events.programme.error.before_event", start=_at(draft.starts_at), **event)
    if draft.starts_at >= bounds.ends_at:
        raise UserError("events.programme.error.after_event", start=_at(draft.starts_at), **event)
    if draft.ends_at is not None:
        if draft.ends_at <= draft.starts_at:
            raise UserError(
                "events.programme.error.end_before_start", start=_at(draft.starts_at), end=_at(draft.ends_at)
            )
        if draft.ends_at > bounds.ends_at:
            raise UserError("events.programme.error.ends_after_event", end=_at(draft.ends_at), **event)
    clash = _clash(draft, others)
    if clash is not None:
        index = others.index(clash)
        raise UserError(
            "events.programme.error.overlap",
            title=fit_escaped(clash.title, QUOTED_TITLE),
            start=_at(clash.starts_at),
            end=_at(shown_end(others, index, bounds.ends_at)),
        )
