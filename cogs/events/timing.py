"""Reading what an organiser typed for a new event. Pure: no discord, no I/O.

Times are read in the community's time zone (`AGORA_TIMEZONE`); the end may be a time alone, on the
start's day. Each refusal is a `UserError` whose key says what to change; nothing is created then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from agora.errors import UserError

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
