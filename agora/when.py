"""Reading a moment someone typed, in the community's time zone, and stepping a wall-clock time forward.

`2026-12-01 08:30`, `1.12.2026 8h30`, `2h` (from now), `demain 9h`, `lundi 14h`, `tomorrow 9am`,
`in 3 days 9:00`: exact layouts first, then dateparser (French first, then English) for natural forms.
Refusals are `UserError`s whose keys (`when.error.*`) say what to change. Pure: the caller passes now.
"""

from __future__ import annotations

import calendar
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from agora.errors import UserError

NOW_WORDS = frozenset({"now", "maintenant", "tout de suite", "immédiatement", "immediately"})
MAX_AHEAD = timedelta(days=366)
STEPS = ("day", "week", "month")
_DURATION = re.compile(r"^\s*(?:dans|in)?\s*(\d{1,4})\s*(m|min|h|d|j|w|sem)\s*$", re.IGNORECASE)
_DELAY_PHRASE = re.compile(r"^\s*(dans|in)\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}\b")
# A zone written in the text ("… UTC", "… +05:00") is honoured rather than read as local time.
_EXPLICIT_ZONE = re.compile(r"\b(UTC|GMT|CET|CEST)\b|[+-]\d{2}:?\d{2}\s*$", re.IGNORECASE)
_UNITS = {
    "m": "minutes",
    "min": "minutes",
    "h": "hours",
    "d": "days",
    "j": "days",
    "w": "weeks",
    "sem": "weeks",  # not "s": "30s" would read as seconds to some, weeks to others
}
_LAYOUTS = tuple(
    f"{date} {time}"
    for date in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y", "%d.%m.%y")
    for time in ("%H:%M", "%Hh%M", "%Hh", "%H.%M")
)
# dateparser reads "9h" as 9 hours from now in some phrases: French hours are rewritten as 9:00 first.
# Not after "dans"/"in": there "3h" is a delay, which dateparser reads well.
_FRENCH_HOUR = re.compile(r"(?<!\bdans )(?<!\bin )\b(\d{1,2})\s*h\s*(\d{2})?\b", re.IGNORECASE)
# A phrase that names an hour, or a pure delay ("in 2 hours", "dans 3 jours"), is precise enough;
# "vendredi" alone is not: it would silently mean midnight.
_HAS_TIME = re.compile(
    r"\d{1,2}:\d{2}|\d\s*(am|pm)\b|\b(in|dans|ago|il y a)\b|\bnoon\b|\bmidi\b", re.IGNORECASE
)


def read_moment(text: str | None, now: datetime, zone: ZoneInfo) -> datetime:
    """The UTC moment `text` names, strictly after `now` and within a year; `now` for empty or "now"."""
    cleaned = " ".join((text or "").split())
    if not cleaned or cleaned.casefold() in NOW_WORDS:
        return now
    moment = _duration(cleaned, now) or _layout(cleaned, zone) or _natural(cleaned, now, zone)
    if moment <= now:
        raise UserError("when.error.in_past", value=cleaned[:60])
    if moment - now > MAX_AHEAD:
        raise UserError("when.error.too_far", value=cleaned[:60])
    return moment


def _duration(text: str, now: datetime) -> datetime | None:
    match = _DURATION.match(text)
    if match is None:
        return None
    return now + timedelta(**{_UNITS[match[2].lower()]: int(match[1])})


def _layout(text: str, zone: ZoneInfo) -> datetime | None:
    for layout in _LAYOUTS:
        try:
            local = datetime.strptime(text.replace("T", " "), layout)  # noqa: DTZ007 — the zone comes next
        except ValueError:
            continue
        return on_wall_clock(local, zone)
    return None


def _natural(text: str, now: datetime, zone: ZoneInfo) -> datetime:
    explicit_zone = bool(_EXPLICIT_ZONE.search(text))
    if _ISO_DATE.match(text) and not explicit_zone:  # an ISO date no layout took is wrong, not swapped
        raise UserError("when.error.unreadable", value=text[:60])
    phrase = _FRENCH_HOUR.sub(lambda m: f"{m[1]}:{m[2] or '00'}", text)
    base = now.astimezone(zone).replace(tzinfo=None)
    # Imported on the first phrase only: dateparser and its regex engine hold about 4 MiB, which an
    # idle bot (most never read a phrase) need not keep. The import takes well under a second.
    import dateparser

    parsed = dateparser.parse(
        phrase,
        languages=["fr", "en"],
        settings={
            "RELATIVE_BASE": base,
            "PREFER_DATES_FROM": "future",
            "DATE_ORDER": "DMY",
            "RETURN_AS_TIMEZONE_AWARE": explicit_zone,
        },
    )
    if parsed is None:
        raise UserError("when.error.unreadable", value=text[:60])
    if not _HAS_TIME.search(phrase):
        raise UserError("when.error.no_time", value=text[:60])
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    if _DELAY_PHRASE.match(phrase) and ":" not in phrase:
        # "dans 3 heures" is elapsed time: counted on the wall clock, it would gain or lose the hour
        # of a change to or from summer time.
        return now + (parsed - base)
    return on_wall_clock(parsed, zone)


def on_wall_clock(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive local time in `zone`, as UTC. In the spring gap the clock is moved forward (02:30 → 03:30)."""
    moment = local.replace(tzinfo=zone)
    back = moment.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != local:  # the time does not exist that day: take the one an hour later
        moment = (local + timedelta(hours=1)).replace(tzinfo=zone)
    return moment.astimezone(UTC)


def occurrence(first: datetime, step: str, count: int, zone: ZoneInfo) -> datetime:
    """The `count`-th repetition after `first`, at the same wall-clock time in `zone` (09:00 stays 09:00
    across a change to or from summer time). Counted from the first, so a monthly post on the 31st
    falls on each month's last day and comes back to the 31st when the month has one."""
    local = first.astimezone(zone).replace(tzinfo=None)
    if step == "day":
        local += timedelta(days=count)
    elif step == "week":
        local += timedelta(weeks=count)
    elif step == "month":
        year, month = divmod(local.month - 1 + count, 12)
        year, month = local.year + year, month + 1
        local = local.replace(year=year, month=month, day=min(local.day, calendar.monthrange(year, month)[1]))
    else:
        raise ValueError(f"step must be one of {STEPS}, not {step!r}")
    return on_wall_clock(local, zone)
