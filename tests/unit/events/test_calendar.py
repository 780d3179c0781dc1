"""The events' .ics files, read back two ways: with icalendar, and line by line as RFC 5545 spells them.

Times are written by hand in UTC: Europe/Zurich is UTC+1 in winter and UTC+2 in summer; in 2027 summer
time starts on Sunday 28 March (02:00 → 03:00) and ends on Sunday 31 October (03:00 → 02:00).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from cogs.events.calendar.ics import (
    DESCRIPTION_LIMIT,
    PRODUCT,
    SUMMARY_LIMIT,
    CalendarEntry,
    calendar_bytes,
    event_file_name,
    upcoming_file_name,
)
from cogs.events.model import DEFAULT_LENGTH, TrackedEvent

ZURICH = "Europe/Zurich"


def at(*moment: int) -> int:
    return int(datetime(*moment, tzinfo=UTC).timestamp())


def entry(**changes) -> CalendarEntry:
    values = dict(
        event_id=1_300_000_000_000_000_001, guild_id=900_000_000_000_000_002, title="Matinale RH",
        description="Marque employeur", location="Genève",
        starts_at=at(2027, 3, 29, 7), ends_at=at(2027, 3, 29, 9),
        url="https://discord.com/events/900000000000000002/1300000000000000001", sequence=0, cancelled=False,
        updated_at=at(2027, 3, 1, 12),
    )  # fmt: skip
    values.update(changes)
    return CalendarEntry(**values)


def ics(*entries: CalendarEntry, name: str | None = "Agora") -> bytes:
    return calendar_bytes(entries, timezone=ZURICH, product=PRODUCT, name=name)


def events_of(data: bytes) -> list:
    return Calendar.from_ical(data).events


def lines(data: bytes) -> list[str]:
    """The content lines, unfolded by hand (RFC 5545 §3.1: CRLF followed by one space or tab)."""
    text = data.decode("utf-8")
    unfolded = text.replace("\r\n ", "").replace("\r\n\t", "")
    return unfolded.split("\r\n")[:-1]


def props(data: bytes, name: str) -> list[str]:
    """Every `name[;params]:value` line of the file's events, whole, as written."""
    found, inside = [], False
    for line in lines(data):
        inside = line == "BEGIN:VEVENT" or (inside and line != "END:VEVENT")
        if inside and line.split(":", 1)[0].split(";", 1)[0] == name:
            found.append(line)
    return found


def test_the_file_carries_the_vtimezone_of_europe_zurich_with_both_of_its_offsets():
    calendar = Calendar.from_ical(ics(entry()))

    [zone] = calendar.timezones
    assert zone["TZID"] == ZURICH
    assert {part["TZOFFSETTO"].td for part in zone.subcomponents} == {timedelta(hours=1), timedelta(hours=2)}
    assert calendar["VERSION"] == "2.0" and calendar["CALSCALE"] == "GREGORIAN"
    assert calendar["METHOD"] == "PUBLISH" and calendar["PRODID"] == PRODUCT
    assert calendar["X-WR-CALNAME"] == "Agora"


def test_times_are_zurich_wall_clock_on_each_side_of_the_spring_change():
    # 09:00 in Zurich: 08:00Z on Saturday (winter time), 07:00Z on Monday (summer time).
    saturday = entry(event_id=1, starts_at=at(2027, 3, 27, 8), ends_at=at(2027, 3, 27, 10))
    monday = entry(event_id=2, starts_at=at(2027, 3, 29, 7), ends_at=at(2027, 3, 29, 9))
    data = ics(saturday, monday)

    assert props(data, "DTSTART") == [
        "DTSTART;TZID=Europe/Zurich:20270327T090000",
        "DTSTART;TZID=Europe/Zurich:20270329T090000",
    ]
    assert props(data, "DTEND") == [
        "DTEND;TZID=Europe/Zurich:20270327T110000",
        "DTEND;TZID=Europe/Zurich:20270329T110000",
    ]
    starts = [event.start for event in events_of(data)]
    assert [start.astimezone(UTC) for start in starts] == [
        datetime(2027, 3, 27, 8, tzinfo=UTC),
        datetime(2027, 3, 29, 7, tzinfo=UTC),
    ]
    assert [str(start.tzinfo) for start in starts] == [ZURICH, ZURICH]


def test_the_hour_repeated_in_autumn_is_written_so_that_each_start_keeps_its_instant():
    # 02:30 happens twice on 31 October 2027: 00:30Z (summer time) then 01:30Z (winter time).
    first = entry(event_id=1, starts_at=at(2027, 10, 31, 0, 30), ends_at=at(2027, 10, 31, 4))
    second = entry(event_id=2, starts_at=at(2027, 10, 31, 1, 30), ends_at=at(2027, 10, 31, 4))
    data = ics(first, second)

    assert props(data, "DTSTART") == [
        "DTSTART;TZID=Europe/Zurich:20271031T023000",
        "DTSTART:20271031T013000Z",
    ]
    assert [event.start.astimezone(UTC) for event in events_of(data)] == [
        datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
        datetime(2027, 10, 31, 1, 30, tzinfo=UTC),
    ]


def test_an_event_without_an_end_lasts_the_default_length():
    [event] = events_of(ics(entry(ends_at=None)))

    assert event.end - event.start == timedelta(seconds=DEFAULT_LENGTH)


def test_a_moved_event_keeps_its_uid_and_raises_its_sequence():
    before = entry(sequence=0)
    moved = entry(
        sequence=1, starts_at=at(2027, 4, 5, 7), ends_at=at(2027, 4, 5, 9), updated_at=at(2027, 3, 2)
    )

    [old], [new] = events_of(ics(before)), events_of(ics(moved))

    assert old["UID"] == new["UID"] == "event-1300000000000000001@900000000000000002.agora"
    assert (old["SEQUENCE"], new["SEQUENCE"]) == (0, 1)
    assert new.start.astimezone(UTC) == datetime(2027, 4, 5, 7, tzinfo=UTC)
    assert new["DTSTAMP"].dt > old["DTSTAMP"].dt


def test_a_cancelled_event_keeps_its_uid_and_outranks_its_last_version():
    last = entry(sequence=2)
    cancelled = entry(sequence=2, cancelled=True, updated_at=at(2027, 3, 3))

    [live], [called_off] = events_of(ics(last)), events_of(ics(cancelled))

    assert (live["STATUS"], called_off["STATUS"]) == ("CONFIRMED", "CANCELLED")
    assert called_off["UID"] == live["UID"]
    assert called_off["SEQUENCE"] > live["SEQUENCE"]


def test_commas_semicolons_and_newlines_are_escaped_and_read_back_as_typed():
    description = "Ordre du jour : café, accueil; puis\nconférence\\atelier"
    data = ics(entry(description=description, location="Salle 3, 2e étage; Genève", url=None))

    [event] = events_of(data)
    assert event["DESCRIPTION"] == description
    assert event["LOCATION"] == "Salle 3, 2e étage; Genève"
    assert props(data, "DESCRIPTION") == [
        "DESCRIPTION:Ordre du jour : café\\, accueil\\; puis\\nconférence\\\\atelier"
    ]
    assert props(data, "LOCATION") == ["LOCATION:Salle 3\\, 2e étage\\; Genève"]


def test_mentions_and_markdown_in_a_title_stay_plain_text():
    title = "**Matinale** @everyone <@123> ||surprise|| `code`"

    [event] = events_of(ics(entry(title=title)))

    assert event["SUMMARY"] == title


def test_control_characters_are_removed_and_other_line_breaks_become_newlines():
    [event] = events_of(ics(entry(description="a\x00b\x07c\x1bd\x7fe\x9bf\r\ng\u2028h\ri", url=None)))

    assert event["DESCRIPTION"] == "abcdef\ng\nh\ni"


def test_overlong_text_is_cut_with_an_ellipsis():
    [event] = events_of(ics(entry(title="T" * 1000, description="D" * 10_000, url=None)))

    assert len(event["SUMMARY"]) == SUMMARY_LIMIT and event["SUMMARY"].endswith("…")
    assert len(event["DESCRIPTION"]) == DESCRIPTION_LIMIT and event["DESCRIPTION"].endswith("…")


def test_long_lines_are_folded_at_75_octets_without_splitting_a_character():
    description = "Réseaux sociaux, marque employeur et intelligence collective — " * 40
    data = ics(entry(description=description.strip(), url=None))

    physical = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in physical) <= 75
    assert sum(line.startswith(b" ") for line in physical) > 20
    for line in physical:
        line.decode("utf-8")  # a fold inside a multi-byte character would not decode
    [event] = events_of(data)
    assert event["DESCRIPTION"] == description.strip()


def test_every_line_ends_with_crlf():
    data = ics(entry(description="un\ndeux\r\ntrois"))

    assert data.endswith(b"END:VCALENDAR\r\n")
    assert b"\r" not in data.replace(b"\r\n", b"") and b"\n" not in data.replace(b"\r\n", b"")


def test_the_discord_link_is_the_url_and_ends_the_description():
    link = "https://discord.com/events/900000000000000002/1300000000000000001"

    [event] = events_of(ics(entry(description="Marque employeur", url=link)))

    assert event["URL"] == link
    assert event["DESCRIPTION"] == f"Marque employeur\n\n{link}"


def test_stamps_are_in_utc():
    data = ics(entry(updated_at=at(2027, 3, 1, 12)))

    assert props(data, "DTSTAMP") == ["DTSTAMP:20270301T120000Z"]
    assert props(data, "LAST-MODIFIED") == ["LAST-MODIFIED:20270301T120000Z"]


def test_several_events_share_one_file_and_one_vtimezone():
    data = ics(
        *(entry(event_id=n, title=f"Matinale {n}", starts_at=at(2027, 3, 20 + n, 7)) for n in range(3))
    )

    calendar = Calendar.from_ical(data)
    assert [event["SUMMARY"] for event in calendar.events] == ["Matinale 0", "Matinale 1", "Matinale 2"]
    assert len({event["UID"] for event in calendar.events}) == 3
    assert len(calendar.timezones) == 1
    assert [line for line in lines(data) if line.startswith("BEGIN:")] == [
        "BEGIN:VCALENDAR", "BEGIN:VTIMEZONE", "BEGIN:STANDARD", "BEGIN:DAYLIGHT", "BEGIN:STANDARD",
        "BEGIN:VEVENT", "BEGIN:VEVENT", "BEGIN:VEVENT",
    ]  # fmt: skip


def test_the_file_reads_back_to_the_same_bytes_and_is_the_same_each_time():
    entries = [
        entry(event_id=n, description="a, b; c\n" * 30, starts_at=at(2027, 3, 26 + n, 8)) for n in range(4)
    ]
    data = ics(*entries)

    assert Calendar.from_ical(data).to_ical() == data
    assert ics(*entries) == data


def test_an_empty_calendar_is_refused():
    with pytest.raises(ValueError):
        calendar_bytes([], timezone=ZURICH, product=PRODUCT, name=None)


def test_a_file_without_a_name_has_no_calendar_name():
    calendar = Calendar.from_ical(ics(entry(), name=None))

    assert "X-WR-CALNAME" not in calendar and "NAME" not in calendar


def test_an_event_file_is_named_by_its_ascii_title_and_local_date():
    # 23:30Z on 28 March is 01:30 on the 29th in Zurich.
    late = entry(title="Conférence : l'ROI des réseaux sociaux ! 🎉", starts_at=at(2027, 3, 28, 23, 30))

    assert event_file_name(late, timezone=ZURICH) == "conference-l-roi-des-reseaux-sociaux-2027-03-29.ics"
    assert event_file_name(entry(title="🎉🎉"), timezone=ZURICH) == "event-2027-03-29.ics"
    long_name = event_file_name(entry(title="intelligence collective " * 10), timezone=ZURICH)
    assert long_name.isascii() and len(long_name) <= 60 + len("-2027-03-29.ics")


def test_the_upcoming_file_is_named_after_the_community():
    assert upcoming_file_name("Social Business Genève") == "social-business-geneve-agenda.ics"
    assert upcoming_file_name(None) == upcoming_file_name("") == "agenda.ics"


@pytest.mark.parametrize(
    ("status", "cancelled"), [("scheduled", False), ("cancelled", True), ("deleted", True)]
)
def test_an_entry_is_made_from_a_followed_event(status, cancelled):
    event = TrackedEvent(
        id=7, discord_id=None, guild_id=2, name="Matinale", description=None, location="Genève", channel_id=3,
        starts_at=at(2027, 3, 29, 7), ends_at=None, status=status, completed_at=None, language="fr",
        created_by_agora=True, announcement_message_id=None, call_at=None, closes_at=None,
        call_channel_id=None, call_message_id=None, interested=0, call_dms_at=None, reminder_dms_at=None,
        closed_at=None, report_message_id=None, report_done_at=None, updated_at=at(2027, 3, 1),
    )  # fmt: skip

    made = CalendarEntry.of(event, sequence=3)

    assert made == dataclasses.replace(
        entry(event_id=7, guild_id=2, title="Matinale", description=None, ends_at=None,
              url="https://discord.com/events/2/7", updated_at=at(2027, 3, 1)),
        sequence=3, cancelled=cancelled,
    )  # fmt: skip
