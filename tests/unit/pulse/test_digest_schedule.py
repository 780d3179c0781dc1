"""When the weekly digest falls due: a local wall time each week, across changes of summer time; the
window in which a late one may still be posted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from agora.settings import WeeklyTime
from cogs.pulse.digest.schedule import (
    following,
    is_manual,
    latest_due,
    manual_period,
    period,
    previous,
)

GENEVA = ZoneInfo("Europe/Zurich")
MONDAY_8 = WeeklyTime(0, 8, 0)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def next_due(at: WeeklyTime, zone: ZoneInfo, now: datetime) -> datetime:
    """The first time the digest falls due after `now`: the week after the last one due."""
    return following(latest_due(at, zone, now), at, zone)


def test_the_next_digest_is_the_coming_monday_at_eight_local_time():
    saturday = utc(2026, 11, 28, 9, 0)
    assert next_due(MONDAY_8, GENEVA, saturday) == utc(2026, 11, 30, 7, 0)  # 08:00 CET
    assert latest_due(MONDAY_8, GENEVA, saturday) == utc(2026, 11, 23, 7, 0)


def test_at_its_very_time_a_digest_is_due_and_the_next_is_a_week_later():
    due = utc(2026, 11, 30, 7, 0)
    assert latest_due(MONDAY_8, GENEVA, due) == due
    assert next_due(MONDAY_8, GENEVA, due) == utc(2026, 12, 7, 7, 0)
    assert latest_due(MONDAY_8, GENEVA, due - timedelta(seconds=1)) == utc(2026, 11, 23, 7, 0)


def test_same_weekday_before_the_hour_is_still_last_weeks_digest():
    monday_morning = utc(2026, 11, 30, 6, 30)  # 07:30 in Geneva
    assert latest_due(MONDAY_8, GENEVA, monday_morning) == utc(2026, 11, 23, 7, 0)
    assert next_due(MONDAY_8, GENEVA, monday_morning) == utc(2026, 11, 30, 7, 0)


def test_the_day_is_the_local_one_not_utcs():
    # Sunday 23:30 UTC is already Monday 00:30 in Geneva: a Monday 00:15 digest is due then.
    just_after_midnight = WeeklyTime(0, 0, 15)
    sunday_night_utc = utc(2026, 11, 29, 23, 30)
    due = latest_due(just_after_midnight, GENEVA, sunday_night_utc)
    assert due == utc(2026, 11, 29, 23, 15)
    assert period(due, GENEVA) == "2026-11-30"


def test_a_monday_eight_oclock_digest_stays_at_eight_when_summer_time_begins():
    before = utc(2027, 3, 22, 7, 0)  # 08:00 CET
    after = utc(2027, 3, 29, 6, 0)  # 08:00 CEST: clocks went forward on Sunday 28 March
    assert next_due(MONDAY_8, GENEVA, before) == after
    assert following(before, MONDAY_8, GENEVA) == after
    assert previous(after, MONDAY_8, GENEVA) == before
    assert after - before == timedelta(days=7, hours=-1)


def test_a_monday_eight_oclock_digest_stays_at_eight_when_summer_time_ends():
    before = utc(2027, 10, 25, 6, 0)  # 08:00 CEST
    after = utc(2027, 11, 1, 7, 0)  # 08:00 CET: clocks went back on Sunday 31 October
    assert next_due(MONDAY_8, GENEVA, before) == after
    assert previous(after, MONDAY_8, GENEVA) == before
    assert latest_due(MONDAY_8, GENEVA, after - timedelta(minutes=30)) == before


def test_a_time_skipped_when_clocks_go_forward_falls_an_hour_later():
    sunday_half_past_two = WeeklyTime(6, 2, 30)  # 02:30 does not exist in Geneva on 28 March 2027
    due = next_due(sunday_half_past_two, GENEVA, utc(2027, 3, 27, 12, 0))
    assert due == utc(2027, 3, 28, 1, 30)  # 03:30 CEST
    assert period(due, GENEVA) == "2027-03-28"
    assert latest_due(sunday_half_past_two, GENEVA, due) == due


def test_a_time_that_happens_twice_when_clocks_go_back_is_the_first():
    sunday_half_past_two = WeeklyTime(6, 2, 30)  # 02:30 happens twice in Geneva on 31 October 2027
    due = next_due(sunday_half_past_two, GENEVA, utc(2027, 10, 30, 12, 0))
    assert due == utc(2027, 10, 31, 0, 30)  # the first 02:30, CEST
    # Between the two 02:30s, the digest is not due a second time.
    assert next_due(sunday_half_past_two, GENEVA, utc(2027, 10, 31, 1, 0)) == utc(2027, 11, 7, 1, 30)


def test_a_late_digest_may_be_posted_until_the_next_one_is_due():
    due = utc(2026, 11, 30, 7, 0)
    for late in (timedelta(0), timedelta(days=2), timedelta(days=6, hours=23, minutes=59)):
        assert latest_due(MONDAY_8, GENEVA, due + late) == due
    assert latest_due(MONDAY_8, GENEVA, due + timedelta(days=7)) == utc(2026, 12, 7, 7, 0)


def test_the_catch_up_window_follows_local_time_across_a_change_of_summer_time():
    due = utc(2027, 3, 22, 7, 0)
    # Seven local days later is 06:00 UTC: at 06:30 UTC the next week's digest is the one due.
    assert latest_due(MONDAY_8, GENEVA, utc(2027, 3, 29, 5, 59)) == due
    assert latest_due(MONDAY_8, GENEVA, utc(2027, 3, 29, 6, 30)) == utc(2027, 3, 29, 6, 0)


def test_a_digest_posted_now_has_a_period_of_its_own_beside_the_scheduled_one():
    moment = utc(2026, 11, 30, 7, 0, 5)
    assert manual_period(moment, GENEVA) == "2026-11-30T08:00:05"
    assert manual_period(moment, GENEVA) != period(moment, GENEVA)
    assert is_manual(manual_period(moment, GENEVA)) and not is_manual(period(moment, GENEVA))
