"""When the weekly digest is due: a local wall time each week (AGORA_DIGEST_AT in AGORA_TIMEZONE), so a
digest set for Monday 08:00 is posted at 08:00 on both sides of a change of summer time. Pure.

A wall time that does not exist (the hour skipped when clocks go forward) falls an hour later, as
zoneinfo reads it (fold=0 takes the offset before the change); one that happens twice (clocks go back)
is the first of the two.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from agora.settings import WeeklyTime

WEEK = timedelta(days=7)


def wall_time(day: date, at: WeeklyTime, zone: ZoneInfo) -> datetime:
    """`at`'s hour and minute on the local `day`, as an aware UTC datetime."""
    return datetime.combine(day, time(at.hour, at.minute), tzinfo=zone).astimezone(UTC)


def latest_due(at: WeeklyTime, zone: ZoneInfo, now: datetime) -> datetime:
    """The last time the digest fell due at or before `now` (UTC): the one to post if it is not posted
    yet. A digest stays the latest due, and so may still be posted late, until the next one is due:
    its catch-up window is its week."""
    local = now.astimezone(zone).date()
    day = local - timedelta(days=(local.weekday() - at.weekday) % 7)
    due = wall_time(day, at, zone)
    return due if due <= now else wall_time(day - WEEK, at, zone)


def previous(due: datetime, at: WeeklyTime, zone: ZoneInfo) -> datetime:
    """The due time a week (seven local days) before `due`: where its digest's week starts."""
    return wall_time(due.astimezone(zone).date() - WEEK, at, zone)


def following(due: datetime, at: WeeklyTime, zone: ZoneInfo) -> datetime:
    """The due time seven local days after `due`: the end of its catch-up window."""
    return wall_time(due.astimezone(zone).date() + WEEK, at, zone)


def period(due: datetime, zone: ZoneInfo) -> str:
    """The digest's key in pulse_posts: its due time's local date."""
    return due.astimezone(zone).date().isoformat()


def manual_period(moment: datetime, zone: ZoneInfo) -> str:
    """The key of a digest posted by /digest now: its local date and time, to the second, so it never
    takes the place of a scheduled one."""
    return moment.astimezone(zone).replace(tzinfo=None, microsecond=0).isoformat()


def is_manual(period: str) -> bool:
    """Whether a digest's key is one of /digest now (a date and a time) rather than a scheduled one's
    (a date)."""
    return "T" in period
