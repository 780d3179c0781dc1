"""The engagement report's periods: the last complete calendar month, quarter or meteorological season,
the one before it, their span in epoch seconds and their local days, and their names.

A period is whole local days in the community's time zone: it starts at local midnight of its first
day and ends at local midnight after its last, whatever daylight saving time does in between. Pure:
no discord, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo

from agora.clock import epoch
from agora.pulse import Span, Words

PeriodKind = Literal["month", "quarter", "season"]
KINDS: tuple[PeriodKind, ...] = get_args(PeriodKind)

# Length in months, and the month index (January = 0) periods start at, modulo 3: quarters start in
# January, April, July and October; meteorological seasons in March, June, September and December.
LENGTH = {"month": 1, "quarter": 3, "season": 3}
PHASE = {"month": 0, "quarter": 0, "season": 2}
SEASONS = {2: "spring", 5: "summer", 8: "autumn", 11: "winter"}  # by the month index they start at

# What a button's custom_id carries: the kind and the first month, e.g. "quarter:2026-07".
KEY = re.compile(r"(?P<kind>month|quarter|season):(?P<year>[0-9]{4})-(?P<month>[0-9]{2})")
# The years a key may name. No report can have been shown before Discord (2015); and a period of
# 9998 still has a day after it and a period before it among Python's dates (9999's last season would
# end in the year 10000, the year 1's first has no period before it).
FIRST_YEAR, LAST_YEAR = 2000, 9998


@dataclass(frozen=True, slots=True)
class Period:
    kind: PeriodKind
    first_month: int  # months since year 0 (year * 12 + month - 1): easy to step back by whole periods

    @property
    def first_day(self) -> date:
        return _first_of(self.first_month)

    @property
    def last_day(self) -> date:
        return _first_of(self.first_month + LENGTH[self.kind]) - timedelta(days=1)

    @property
    def days(self) -> tuple[str, str]:
        """First and last local day, inclusive, as 'YYYY-MM-DD' (how activity is stored)."""
        return self.first_day.isoformat(), self.last_day.isoformat()

    def span(self, zone: ZoneInfo) -> Span:
        """[local midnight of the first day, local midnight after the last day), in epoch seconds."""
        return Span(_midnight(self.first_day, zone), _midnight(self.last_day + timedelta(days=1), zone))

    def previous(self) -> Period:
        return Period(self.kind, self.first_month - LENGTH[self.kind])

    @property
    def key(self) -> str:
        """`kind:YYYY-MM` (its first month): what the post button carries."""
        return f"{self.kind}:{self.first_day:%Y-%m}"

    @property
    def month_key(self) -> str:
        """'YYYY-MM' of its first month: the monthly report's period in pulse_posts."""
        return f"{self.first_day:%Y-%m}"

    @property
    def posted_key(self) -> str:
        """Its report's period in pulse_posts, posted once in the organisers' channel: a month's is
        the monthly report's ('YYYY-MM'), whether posted on the 1st or with the button, as both are
        the same report; a quarter's or a season's is its own key ('quarter:YYYY-MM')."""
        return self.month_key if self.kind == "month" else self.key

    def label(self, words: Words, *, title: bool = False) -> str:
        """ "novembre 2026", "T3 2026", "automne 2026", "hiver 2026-2027" (in the words' language).
        `title`: as it is written standing as a title or opening a sentence, which the language says
        ("Autumn 2026" in English; French keeps "automne 2026")."""
        first = self.first_day
        standing = "_title" if title else ""
        if self.kind == "month":
            month = words(f"pulse.engagement.month.{first.month}")
            return words("pulse.engagement.period.month", month=month, year=first.year)
        if self.kind == "quarter":
            return words(
                "pulse.engagement.period.quarter", number=(first.month - 1) // 3 + 1, year=first.year
            )
        season = SEASONS[first.month - 1]
        if season == "winter":
            return words(f"pulse.engagement.period.winter{standing}", year=first.year, next=first.year + 1)
        return words(
            "pulse.engagement.period.season",
            season=words(f"pulse.engagement.season{standing}.{season}"),
            year=first.year,
        )


@dataclass(frozen=True, slots=True)
class Stretch:
    """One point of the activity trend: a day of a month's report, a week (Monday to Sunday, cut at
    the period's edges) of a quarter's or a season's."""

    first_day: date
    last_day: date

    def span(self, zone: ZoneInfo) -> Span:
        return Span(_midnight(self.first_day, zone), _midnight(self.last_day + timedelta(days=1), zone))


def stretches(period: Period) -> list[Stretch]:
    """The trend's points over `period`, in order."""
    first, last = period.first_day, period.last_day
    if period.kind == "month":
        return [Stretch(first + timedelta(days=n), first + timedelta(days=n)) for n in range(last.day)]
    points, start = [], first
    while start <= last:
        end = min(last, start + timedelta(days=6 - start.weekday()))
        points.append(Stretch(start, end))
        start = end + timedelta(days=1)
    return points


def last_complete(kind: PeriodKind, now: datetime, zone: ZoneInfo) -> Period:
    """The last period of `kind` that ended before `now` (read in the local time of `zone`)."""
    today = now.astimezone(zone).date()
    month = today.year * 12 + today.month - 1
    current = month - (month - PHASE[kind]) % LENGTH[kind]
    return Period(kind, current - LENGTH[kind])


def from_key(key: str) -> Period | None:
    """The period a button's custom_id names, or None when it names none (a forged one, or one
    outside FIRST_YEAR…LAST_YEAR)."""
    match = KEY.fullmatch(key)
    if match is None:
        return None
    kind: PeriodKind = match["kind"]  # type: ignore[assignment]
    year, month = int(match["year"]), int(match["month"])
    if not 1 <= month <= 12 or not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    first_month = year * 12 + month - 1
    if (first_month - PHASE[kind]) % LENGTH[kind]:
        return None  # a quarter starting in February, a season in January
    return Period(kind, first_month)


def _first_of(month: int) -> date:
    return date(month // 12, month % 12 + 1, 1)


def _midnight(day: date, zone: ZoneInfo) -> int:
    return epoch(datetime(day.year, day.month, day.day, tzinfo=zone))
