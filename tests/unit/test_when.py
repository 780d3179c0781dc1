"""`when`: reading a typed moment in Zurich time, wall-clock conversion, and repetitions across DST."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agora.errors import UserError
from agora.when import occurrence, on_wall_clock, read_moment

ZONE = ZoneInfo("Europe/Zurich")
# A Saturday, 10:00 in Zurich (CET, UTC+1).
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def wall(*parts: int, fold: int = 0) -> datetime:
    """A naive wall-clock time, as someone in Zurich reads it."""
    return datetime(*parts, fold=fold)  # noqa: DTZ001 — naive on purpose: on_wall_clock adds the zone


def read(text: str | None) -> datetime:
    moment = read_moment(text, NOW, ZONE)
    assert moment.utcoffset() == timedelta(0), f"{text!r} should come back in UTC, got {moment!r}"
    return moment


def refusal(text: str) -> UserError:
    with pytest.raises(UserError) as caught:
        read_moment(text, NOW, ZONE)
    return caught.value


# --- now -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", None, "now", "maintenant", "  NOW  ", "   ", "Maintenant"])
def test_empty_or_now_words_mean_now(text):
    assert read(text) == NOW


# --- delays ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "delta"),
    [
        ("2h", timedelta(hours=2)),
        ("30m", timedelta(minutes=30)),
        ("10min", timedelta(minutes=10)),
        ("3j", timedelta(days=3)),
        ("3d", timedelta(days=3)),
        ("1w", timedelta(weeks=1)),
        ("1sem", timedelta(weeks=1)),  # une semaine
        (" 2 H ", timedelta(hours=2)),
        ("366d", timedelta(days=366)),  # the very edge of "within a year"
    ],
)
def test_delays_count_from_now(text, delta):
    assert read(text) == NOW + delta


@pytest.mark.parametrize(("text", "key"), [("0m", "when.error.in_past"), ("367d", "when.error.too_far")])
def test_delays_outside_the_window_are_refused(text, key):
    assert refusal(text).key == key


# --- exact layouts, in Zurich wall-clock time --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-01 08:30",
        "1.12.2026 8h30",
        "01/12/2026 08:30",
        "2026-12-01T08:30",
        "1.12.2026 8.30",
        "1.12.26 8h30",
    ],
)
def test_exact_layouts_are_zurich_winter_time(text):
    assert read(text) == utc(2026, 12, 1, 7, 30)


def test_exact_layout_with_hour_only():
    assert read("2026-12-01 8h") == utc(2026, 12, 1, 7, 0)


def test_exact_layout_in_summer_uses_summer_offset():
    assert read("2027-06-10 08:30") == utc(2027, 6, 10, 6, 30)


def test_exact_layout_in_the_spring_gap_moves_forward():
    # 02:30 does not exist in Zurich on 2027-03-28; it becomes 03:30 CEST.
    assert read("2027-03-28 02:30") == utc(2027, 3, 28, 1, 30)


def test_exact_layout_across_the_year_change():
    assert read("1/1/2027 0h") == utc(2026, 12, 31, 23, 0)


# --- natural phrases: French first, then English ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("demain 9h", utc(2026, 11, 29, 8, 0)),
        ("demain à 9h", utc(2026, 11, 29, 8, 0)),
        ("DEMAIN 9H", utc(2026, 11, 29, 8, 0)),
        ("demain 9 h", utc(2026, 11, 29, 8, 0)),
        ("demain midi", utc(2026, 11, 29, 11, 0)),
        ("demain 21h", utc(2026, 11, 29, 20, 0)),
        ("lundi 14h", utc(2026, 11, 30, 13, 0)),  # Monday
        ("lundi à 14h", utc(2026, 11, 30, 13, 0)),
        ("lundi 14h30", utc(2026, 11, 30, 13, 30)),
        ("mardi 8h30", utc(2026, 12, 1, 7, 30)),  # Tuesday
        ("vendredi 18h", utc(2026, 12, 4, 17, 0)),  # Friday
        ("dans 3 jours 9h", utc(2026, 12, 1, 8, 0)),
        ("dans 3 jours à 9h", utc(2026, 12, 1, 8, 0)),
        ("dans 2 heures", utc(2026, 11, 28, 11, 0)),
        ("2 décembre 8h30", utc(2026, 12, 2, 7, 30)),
        ("2 décembre à 8h30", utc(2026, 12, 2, 7, 30)),
        ("1er décembre 9h", utc(2026, 12, 1, 8, 0)),
        ("aujourd'hui 11h", utc(2026, 11, 28, 10, 0)),
        # numeric dates that miss the exact layouts are still read day first
        ("1.12.2026 à 8h30", utc(2026, 12, 1, 7, 30)),
        ("le 1/12/2026 à 8h30", utc(2026, 12, 1, 7, 30)),
        ("5/1 9:00", utc(2027, 1, 5, 8, 0)),
        ("tomorrow 9am", utc(2026, 11, 29, 8, 0)),
        ("Tomorrow 9am", utc(2026, 11, 29, 8, 0)),
        ("tomorrow noon", utc(2026, 11, 29, 11, 0)),
        ("next friday 9:15", utc(2026, 12, 4, 8, 15)),  # the coming Friday
        ("friday 6pm", utc(2026, 12, 4, 17, 0)),
        ("in 2 hours", utc(2026, 11, 28, 11, 0)),
        ("in 3 days 9:00", utc(2026, 12, 1, 8, 0)),
        ("today 11:00", utc(2026, 11, 28, 10, 0)),
    ],
)
def test_natural_phrases(text, expected):
    assert read(text) == expected


def test_a_bare_clock_time_already_past_today_means_tomorrow():
    assert read("8:00") == utc(2026, 11, 29, 7, 0)
    assert read("12:00") == utc(2026, 11, 28, 11, 0)


def test_the_same_weekday_at_the_current_hour_means_next_week():
    # Saturday 10:00 now: "samedi 10h" cannot be now, so it is next Saturday.
    assert read("samedi 10h") == utc(2026, 12, 5, 9, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dans 3h", NOW + timedelta(hours=3)),
        ("in 2h", NOW + timedelta(hours=2)),
        ("dans 2 h", NOW + timedelta(hours=2)),
    ],
)
def test_delay_in_hours_after_dans_or_in(text, expected):
    assert read(text) == expected


def test_invalid_iso_month_is_refused_not_swapped():
    assert refusal("2027-13-01 08:00").key == "when.error.unreadable"


def test_explicit_utc_in_the_text_is_honoured():
    assert read("2026-12-01 08:30 UTC") == utc(2026, 12, 1, 8, 30)


# --- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("2026-11-27 08:00", "when.error.in_past"),
        ("2026-11-28 10:00", "when.error.in_past"),  # exactly now is not "after now"
        ("hier 9h", "when.error.in_past"),
        ("il y a 2 heures", "when.error.in_past"),
        ("2 hours ago", "when.error.in_past"),
        ("2028-01-01 08:00", "when.error.too_far"),
        ("2027-11-29 10:01", "when.error.too_far"),
        ("in 400 days", "when.error.too_far"),
        ("9999h", "when.error.too_far"),
        ("vendredi", "when.error.no_time"),
        ("demain", "when.error.no_time"),
        ("tomorrow", "when.error.no_time"),
        ("next monday", "when.error.no_time"),
        ("abc", "when.error.unreadable"),
        ("n'importe quoi 12:00", "when.error.unreadable"),
        ("31.2.2026 8h", "when.error.unreadable"),
        ("2027-02-29 08:00", "when.error.unreadable"),
        ("25:00", "when.error.unreadable"),
        ("1.12.2026 25h", "when.error.unreadable"),
        ("2026-12-01 24:00", "when.error.unreadable"),
    ],
)
def test_refusals_carry_a_key_and_the_typed_text(text, key):
    error = refusal(text)
    assert error.key == key
    assert error.values == {"value": text}


def test_within_a_year_edge_is_accepted():
    assert read("2027-11-29 10:00") == NOW + timedelta(days=366)


def test_refused_text_is_shortened_to_sixty_characters():
    text = "n'importe quoi " * 10 + "12:00"
    error = refusal(text)
    assert error.key == "when.error.unreadable"
    assert error.values == {"value": text[:60]}


def test_refused_text_is_whitespace_normalised():
    assert refusal("  hier    9h ").values == {"value": "hier 9h"}


# --- on_wall_clock ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (wall(2026, 12, 1, 8, 30), utc(2026, 12, 1, 7, 30)),  # CET
        (wall(2027, 6, 10, 8, 30), utc(2027, 6, 10, 6, 30)),  # CEST
        (wall(2027, 3, 28, 1, 59), utc(2027, 3, 28, 0, 59)),  # just before the gap
        (wall(2027, 3, 28, 3, 0), utc(2027, 3, 28, 1, 0)),  # just after the gap
    ],
)
def test_on_wall_clock_normal_times(local, expected):
    moment = on_wall_clock(local, ZONE)
    assert moment == expected
    assert moment.utcoffset() == timedelta(0)


def test_on_wall_clock_spring_gap_moves_an_hour_forward():
    moment = on_wall_clock(wall(2027, 3, 28, 2, 30), ZONE)
    assert moment == utc(2027, 3, 28, 1, 30)
    assert moment.astimezone(ZONE).replace(tzinfo=None) == wall(2027, 3, 28, 3, 30)


def test_on_wall_clock_autumn_ambiguity_takes_summer_time():
    local = wall(2026, 10, 25, 2, 30)
    moment = on_wall_clock(local, ZONE)
    # Either offset would be valid; it takes the first one (CEST, fold=0).
    assert moment == utc(2026, 10, 25, 0, 30)
    assert moment.astimezone(ZONE).replace(tzinfo=None) == local


def test_on_wall_clock_autumn_ambiguity_respects_fold():
    local = wall(2026, 10, 25, 2, 30, fold=1)
    moment = on_wall_clock(local, ZONE)
    assert moment == utc(2026, 10, 25, 1, 30)
    assert moment.astimezone(ZONE).replace(tzinfo=None) == wall(2026, 10, 25, 2, 30)


# --- occurrence ------------------------------------------------------------------------------------


def local_time(moment: datetime) -> tuple[int, int]:
    here = moment.astimezone(ZONE)
    return here.hour, here.minute


def test_weekly_across_the_autumn_change_keeps_nine_o_clock():
    first = utc(2026, 10, 22, 7, 0)  # Thursday 09:00 CEST
    assert occurrence(first, "week", 0, ZONE) == first
    assert occurrence(first, "week", 1, ZONE) == utc(2026, 10, 29, 8, 0)  # 09:00 CET
    assert occurrence(first, "week", 2, ZONE) == utc(2026, 11, 5, 8, 0)


def test_weekly_across_the_spring_change_keeps_nine_o_clock():
    first = utc(2027, 3, 25, 8, 0)  # Thursday 09:00 CET
    assert occurrence(first, "week", 1, ZONE) == utc(2027, 4, 1, 7, 0)  # 09:00 CEST
    assert occurrence(first, "week", 2, ZONE) == utc(2027, 4, 8, 7, 0)


def test_daily():
    first = utc(2026, 12, 15, 8, 0)  # 09:00 CET
    assert [occurrence(first, "day", n, ZONE) for n in range(3)] == [
        utc(2026, 12, 15, 8, 0),
        utc(2026, 12, 16, 8, 0),
        utc(2026, 12, 17, 8, 0),
    ]


def test_daily_across_the_spring_change_and_through_the_gap():
    first = utc(2027, 3, 27, 1, 30)  # 02:30 CET
    assert occurrence(first, "day", 1, ZONE) == utc(2027, 3, 28, 1, 30)  # 02:30 missing: 03:30 CEST
    assert occurrence(first, "day", 2, ZONE) == utc(2027, 3, 29, 0, 30)  # back to 02:30, CEST
    assert local_time(occurrence(first, "day", 2, ZONE)) == (2, 30)


def test_monthly_from_the_31st_falls_on_last_days_without_drifting():
    first = utc(2027, 1, 31, 8, 0)  # 09:00 CET
    months = [occurrence(first, "month", n, ZONE) for n in range(1, 5)]
    assert months == [
        utc(2027, 2, 28, 8, 0),  # CET
        utc(2027, 3, 31, 7, 0),  # CEST: back to the 31st, not the 28th
        utc(2027, 4, 30, 7, 0),
        utc(2027, 5, 31, 7, 0),
    ]
    assert all(local_time(moment) == (9, 0) for moment in months)


def test_monthly_across_the_year_change():
    first = utc(2026, 12, 15, 8, 0)  # 09:00 CET
    assert occurrence(first, "month", 1, ZONE) == utc(2027, 1, 15, 8, 0)
    assert occurrence(first, "month", 2, ZONE) == utc(2027, 2, 15, 8, 0)
    assert occurrence(first, "month", 13, ZONE) == utc(2028, 1, 15, 8, 0)


def test_monthly_twelve_steps_is_next_year():
    first = utc(2027, 1, 31, 8, 0)  # 09:00 CET
    assert occurrence(first, "month", 12, ZONE) == utc(2028, 1, 31, 8, 0)
    assert occurrence(first, "month", 13, ZONE) == utc(2028, 2, 29, 8, 0)  # leap year


@pytest.mark.parametrize("step", ["year", "Week", "weeks", ""])
def test_unknown_step_is_a_value_error(step):
    with pytest.raises(ValueError, match="step must be one of"):
        occurrence(NOW, step, 1, ZONE)


def test_a_delay_in_words_is_elapsed_time_across_the_change_of_summer_time():
    # 00:30 in Zurich on 2027-03-28 (23:30 UTC the day before): the clocks jump at 02:00.
    night = utc(2027, 3, 27, 23, 30)
    assert read_moment("dans 3 heures", night, ZONE) == night + timedelta(hours=3)
    assert read_moment("in 3 hours", night, ZONE) == night + timedelta(hours=3)


def test_a_bare_number_of_seconds_is_not_a_delay_in_weeks():
    with pytest.raises(UserError):
        read_moment("30s", NOW, ZONE)
