"""The engagement report's periods: the last complete month, quarter or meteorological season, its local
days and span across daylight saving time, the one before it, its name, and the key its button carries."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from agora.i18n import Catalogue
from cogs.pulse.engagement.periods import Period, from_key, last_complete, stretches

ZURICH = ZoneInfo("Europe/Zurich")


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.load("fr")


def at(year, month, day, hour=12, minute=0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "kind", "first", "last"),
    [
        (at(2026, 12, 1, 0, 30), "month", date(2026, 11, 1), date(2026, 11, 30)),
        (at(2026, 1, 15), "month", date(2025, 12, 1), date(2025, 12, 31)),
        (at(2026, 3, 1), "month", date(2026, 2, 1), date(2026, 2, 28)),
        (at(2028, 3, 1), "month", date(2028, 2, 1), date(2028, 2, 29)),
        (at(2026, 10, 1), "quarter", date(2026, 7, 1), date(2026, 9, 30)),
        (at(2026, 9, 30), "quarter", date(2026, 4, 1), date(2026, 6, 30)),
        (at(2026, 2, 10), "quarter", date(2025, 10, 1), date(2025, 12, 31)),
        (at(2026, 12, 5), "season", date(2026, 9, 1), date(2026, 11, 30)),
        (at(2026, 11, 30), "season", date(2026, 6, 1), date(2026, 8, 31)),
        (at(2026, 3, 2), "season", date(2025, 12, 1), date(2026, 2, 28)),
        (at(2026, 2, 27), "season", date(2025, 9, 1), date(2025, 11, 30)),
        (at(2026, 6, 1), "season", date(2026, 3, 1), date(2026, 5, 31)),
    ],
)
def test_the_last_complete_period_ended_before_now(now, kind, first, last):
    period = last_complete(kind, now, ZURICH)
    assert (period.first_day, period.last_day) == (first, last)
    assert period.days == (first.isoformat(), last.isoformat())


def test_the_first_of_the_month_is_read_in_local_time():
    # 23:30 UTC on 30 November is already 1 December in Zurich: November is complete.
    assert last_complete("month", at(2026, 11, 30, 23, 30), ZURICH).first_day == date(2026, 11, 1)
    # 22:30 UTC is still 30 November there: October is the last complete month.
    assert last_complete("month", at(2026, 11, 30, 22, 30), ZURICH).first_day == date(2026, 10, 1)


def test_a_month_runs_from_local_midnight_to_local_midnight():
    span = last_complete("month", at(2026, 12, 2), ZURICH).span(ZURICH)
    assert span.start == int(datetime(2026, 10, 31, 23, 0, tzinfo=UTC).timestamp())
    assert span.end == int(datetime(2026, 11, 30, 23, 0, tzinfo=UTC).timestamp())


def test_a_month_with_a_daylight_saving_change_is_an_hour_shorter_or_longer():
    march = last_complete("month", at(2026, 4, 10), ZURICH).span(ZURICH)  # clocks go forward 29 March
    october = last_complete("month", at(2026, 11, 10), ZURICH).span(ZURICH)  # and back 25 October
    assert march.end - march.start == 31 * 86400 - 3600
    assert october.end - october.start == 31 * 86400 + 3600
    assert march.start == int(datetime(2026, 2, 28, 23, 0, tzinfo=UTC).timestamp())
    assert march.end == int(datetime(2026, 3, 31, 22, 0, tzinfo=UTC).timestamp())


def test_the_previous_period_ends_where_the_period_starts():
    for kind in ("month", "quarter", "season"):
        period = last_complete(kind, at(2026, 1, 10), ZURICH)
        previous = period.previous()
        assert previous.kind == kind
        assert previous.span(ZURICH).end == period.span(ZURICH).start
    winter = last_complete("season", at(2026, 3, 10), ZURICH)
    assert winter.previous().first_day == date(2025, 9, 1)


def test_labels_name_the_period_in_the_language(catalogue):
    fr, en = catalogue.words("fr"), catalogue.words("en")
    november = last_complete("month", at(2026, 12, 1), ZURICH)
    q3 = last_complete("quarter", at(2026, 10, 1), ZURICH)
    autumn = last_complete("season", at(2026, 12, 1), ZURICH)
    winter = last_complete("season", at(2027, 3, 1), ZURICH)
    assert [p.label(fr) for p in (november, q3, autumn, winter)] == [
        "novembre 2026",
        "T3 2026",
        "automne 2026",
        "hiver 2026-2027",
    ]
    assert [p.label(en) for p in (november, q3, autumn, winter)] == [
        "November 2026",
        "Q3 2026",
        "autumn 2026",
        "winter 2026-2027",
    ]


def test_a_label_standing_as_a_title_is_capitalised_in_english_and_stays_lowercase_in_french(catalogue):
    fr, en = catalogue.words("fr"), catalogue.words("en")
    periods = [
        last_complete("month", at(2026, 12, 1), ZURICH),
        last_complete("season", at(2026, 9, 1), ZURICH),
        last_complete("season", at(2026, 12, 1), ZURICH),
        last_complete("season", at(2027, 3, 1), ZURICH),
    ]
    assert [p.label(en, title=True) for p in periods] == [
        "November 2026",
        "Summer 2026",
        "Autumn 2026",
        "Winter 2026-2027",
    ]
    assert [p.label(fr, title=True) for p in periods] == [
        "novembre 2026",
        "été 2026",
        "automne 2026",
        "hiver 2026-2027",
    ]
    spring = last_complete("season", at(2026, 6, 1), ZURICH)
    assert (spring.label(en, title=True), spring.label(en)) == ("Spring 2026", "spring 2026")


def test_a_key_names_its_period_and_reads_back():
    for kind in ("month", "quarter", "season"):
        period = last_complete(kind, at(2026, 12, 15), ZURICH)
        assert from_key(period.key) == period
    assert last_complete("month", at(2026, 12, 15), ZURICH).key == "month:2026-11"
    assert last_complete("month", at(2026, 12, 15), ZURICH).month_key == "2026-11"


@pytest.mark.parametrize(
    "key",
    [
        "month:2026-13",
        "month:2026-00",
        "quarter:2026-02",
        "season:2026-01",
        "week:2026-01",
        "month:0000-01",
        "month:0001-01",  # no period before it among Python's dates
        "quarter:9999-10",  # ends in the year 10000
        "season:9999-12",
    ],
)
def test_a_key_naming_no_period_reads_as_none(key):
    assert from_key(key) is None


def test_a_month_trend_has_a_point_per_day_and_longer_periods_one_per_week():
    november = last_complete("month", at(2026, 12, 1), ZURICH)
    days = stretches(november)
    assert len(days) == 30 and all(s.first_day == s.last_day for s in days)
    q4 = Period("quarter", 2026 * 12 + 9)  # October to December 2026; 1 October is a Thursday
    weeks = stretches(q4)
    assert (weeks[0].first_day, weeks[0].last_day) == (date(2026, 10, 1), date(2026, 10, 4))
    assert (weeks[1].first_day, weeks[1].last_day) == (date(2026, 10, 5), date(2026, 10, 11))
    assert weeks[-1].last_day == date(2026, 12, 31)
    assert sum((s.last_day - s.first_day).days + 1 for s in weeks) == 92
