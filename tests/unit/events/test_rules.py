from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from agora.errors import UserError
from cogs.events.rules import check_event, parse_end, parse_start

ZONE = ZoneInfo("Europe/Zurich")
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-05 08:30",
        "5.12.2026 8h30",
        "05/12/2026 08:30",
        "2026-12-05T08:30",
        "5.12.26 8.30",
        " 5.12.2026  8h30 ",
    ],
)
def test_a_start_is_read_in_the_community_s_time_zone(text):
    assert parse_start(text, ZONE) == datetime(2026, 12, 5, 7, 30, tzinfo=UTC)


def test_summer_time_is_taken_into_account():
    assert parse_start("2027-06-10 08:30", ZONE) == datetime(2027, 6, 10, 6, 30, tzinfo=UTC)


@pytest.mark.parametrize("text", ["12:00", "12h", "12h00", "2026-12-05 12:00"])
def test_an_end_may_be_a_time_alone_on_the_start_s_day(text):
    start = parse_start("2026-12-05 08:30", ZONE)
    assert parse_end(text, start, ZONE) == datetime(2026, 12, 5, 11, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["demain matin", "2026-13-45 08:00", "8h30", "32.12.2026 10:00", ""])
def test_unreadable_starts_are_refused_with_what_was_typed(text):
    with pytest.raises(UserError) as refused:
        parse_start(text, ZONE)
    assert refused.value.key == "events.error.unreadable_time"


def draft(**changes):
    values = dict(title="Matinée", start="2026-12-05 08:30", end="12:00", location=None, description=None)
    values.update(changes)
    return check_event(**values, now=NOW, zone=ZONE)


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"end": "08:30"}, "events.error.end_before_start"),
        ({"end": "07:00"}, "events.error.end_before_start"),
        ({"start": "2026-11-28 09:59"}, "events.error.start_in_past"),  # 08:59 UTC, before NOW
        ({"start": "2032-01-01 10:00", "end": "11:00"}, "events.error.too_far_ahead"),
        ({"title": "x" * 101}, "events.error.title_too_long"),
        ({"title": "   "}, "events.error.empty_title"),
        ({"description": "d" * 1001}, "events.error.description_too_long"),
        ({"location": "l" * 101}, "events.error.location_too_long"),
    ],
)
def test_bad_drafts_are_refused_with_the_reason(changes, key):
    with pytest.raises(UserError) as refused:
        draft(**changes)
    assert refused.value.key == key


def test_a_good_draft_keeps_cleaned_values():
    made = draft(title="  Matinée   RH ", location=" Genève ", description=" ", end="12h30")
    assert (made.title, made.location, made.description) == ("Matinée RH", "Genève", None)
    assert (made.starts_at.hour, made.ends_at.hour, made.ends_at.minute) == (7, 11, 30)
