"""Events as iCalendar files (RFC 5545) that members add to Outlook, Google, Apple or Thunderbird.

Pure: no discord, no I/O, no clock. The cog turns what it holds into `CalendarEntry`s and sends the
bytes of `calendar_bytes` as a `.ics` attachment named by `event_file_name` or `upcoming_file_name`.

`icalendar` does the RFC's hard parts (escaping, folding at 75 octets without splitting a UTF-8
character, a VTIMEZONE built from the zoneinfo database); it costs ~50 ms and ~8 MB to import, so it
is imported on first use, not at startup (tests/unit/test_startup_imports.py).

Choices a calendar client depends on:
- METHOD:PUBLISH. The file is downloaded or attached to a DM, not an iTIP scheduling message:
  REQUEST and CANCEL (RFC 5546) need an ORGANIZER address and ATTENDEEs, and make Outlook and Gmail
  show RSVP buttons that would answer an address Agora does not have. PUBLISH is "put this in your
  calendar"; a later file with the same UID and a higher SEQUENCE updates or cancels the copy.
  (RFC 5546 lists ORGANIZER for PUBLISH too; clients accept PUBLISH without it, as they accept the
  PUBLISH feeds of Google's own exports, and there is no address to give.)
- UID `event-<event id>@<guild id>.agora`: stable for the event's whole life, so a moved or
  cancelled event replaces the member's copy instead of adding a second one.
- SEQUENCE: the entry's `sequence` (the caller raises it whenever the event moves), plus one once it
  is cancelled, so the cancellation outranks the last version a member may hold.
- DTSTART/DTEND in the community's zone with its VTIMEZONE (wall-clock time, as organisers planned
  it); DTSTAMP and LAST-MODIFIED in UTC, as the RFC requires.
- Text is plain text: no Discord escaping (calendars ping no one and show `**` as typed);
  control characters are removed and lengths capped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from cogs.events.model import DEFAULT_LENGTH, TrackedEvent

if TYPE_CHECKING:
    from icalendar import Event

# A PRODID for `product`: who made the file, as RFC 5545 §3.7.3 spells it.
PRODUCT = "-//Agora//Agora community bot//EN"

# Discord caps an event's name and location at 100 characters and its description at 1,000; these
# caps only guard against text from elsewhere making a file calendar clients truncate or refuse.
SUMMARY_LIMIT = 255
LOCATION_LIMIT = 255
DESCRIPTION_LIMIT = 4000
_ELLIPSIS = "…"

# Line breaks other than \n (CR, vertical tab, form feed, NEL, Unicode's line and paragraph
# separators) become \n: a parser splitting lines on them would otherwise cut a property in two.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
# Every other control character (C0 but tab and newline, DEL, C1) is removed: RFC 5545's TEXT has
# no place for them and some clients stop reading the file at one.
_CONTROLS = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]")
_URL = re.compile(r"https://[\x21-\x7e]+")
_SLUG_LIMIT = 60


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One event as a calendar shows it. Times are epoch seconds (UTC)."""

    event_id: int
    guild_id: int
    title: str
    description: str | None
    location: str | None
    starts_at: int
    ends_at: int | None  # None: the event lasts DEFAULT_LENGTH
    url: str | None  # the Discord event's link
    sequence: int  # raised by the caller each time the event moves (start, end or place)
    cancelled: bool
    updated_at: int

    @classmethod
    def of(cls, event: TrackedEvent, *, sequence: int) -> CalendarEntry:
        """The entry of a followed event; `sequence` is kept by whoever notices the event move."""
        return cls(
            event_id=event.id,
            guild_id=event.guild_id,
            title=event.name,
            description=event.description,
            location=event.location,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            url=event.link,
            sequence=sequence,
            cancelled=event.is_called_off,
            updated_at=event.updated_at,
        )

    @property
    def uid(self) -> str:
        return f"event-{self.event_id}@{self.guild_id}.agora"

    @property
    def end(self) -> int:
        # RFC 5545 wants DTEND after DTSTART; an end at or before the start is taken as no end.
        if self.ends_at is None or self.ends_at <= self.starts_at:
            return self.starts_at + DEFAULT_LENGTH
        return self.ends_at


def calendar_bytes(
    entries: Sequence[CalendarEntry], *, timezone: str, product: str, name: str | None = None
) -> bytes:
    """One VCALENDAR holding `entries` (at least one), with the VTIMEZONE of `timezone` (an IANA key
    such as `Europe/Zurich`), PRODID `product` (see PRODUCT) and, when given, the calendar's `name`.

    CRLF line endings, lines folded at 75 octets. Raises ValueError without entries (RFC 5545 wants
    at least one component: say "no upcoming events" instead of sending an empty file) and
    ZoneInfoNotFoundError for an unknown zone.
    """
    if not entries:
        raise ValueError("a calendar file needs at least one event")
    from icalendar import Calendar, Timezone

    zone = ZoneInfo(timezone)
    calendar = Calendar()
    calendar.add("prodid", _text(product, SUMMARY_LIMIT))
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name and (shown := _text(name, SUMMARY_LIMIT)):
        calendar.add("name", shown)  # RFC 7986
        calendar.add("x-wr-calname", shown)  # what Outlook, Google and Apple read
    calendar.add_component(Timezone.from_tzid(timezone, **_zone_years(entries, zone)))
    for entry in entries:
        calendar.add_component(_event(entry, zone))
    return calendar.to_ical()


def event_file_name(entry: CalendarEntry, *, timezone: str) -> str:
    """`conference-rh-2027-03-29.ics`: the title in ASCII and the local date of the start."""
    day = datetime.fromtimestamp(entry.starts_at, ZoneInfo(timezone)).date()
    return f"{_slug(entry.title) or 'event'}-{day.isoformat()}.ics"


def upcoming_file_name(name: str | None = None) -> str:
    """`agenda.ics`, or `<community>-agenda.ics` for the file of every upcoming event."""
    slug = _slug(name or "")
    return f"{slug}-agenda.ics" if slug else "agenda.ics"


def _event(entry: CalendarEntry, zone: ZoneInfo) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", _utc(entry.updated_at))
    event.add("last-modified", _utc(entry.updated_at))
    event.add("dtstart", _local(entry.starts_at, zone))
    event.add("dtend", _local(entry.end, zone))
    event.add("summary", _text(entry.title, SUMMARY_LIMIT) or "Event")
    url = entry.url if entry.url is not None and _URL.fullmatch(entry.url) else None
    # Google Calendar and Outlook do not show URL: the link also ends the description.
    description = _text(entry.description or "", DESCRIPTION_LIMIT)
    description = "\n\n".join(part for part in (description, url) if part)
    if description:
        event.add("description", description)
    if location := _text(entry.location or "", LOCATION_LIMIT):
        event.add("location", location)
    if url is not None:
        event.add("url", url)
    event.add("sequence", max(entry.sequence, 0) + (1 if entry.cancelled else 0))
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    return event


def _local(moment: int, zone: ZoneInfo) -> datetime:
    """The wall-clock time in `zone`, or UTC when the wall clock cannot say it: in the hour repeated
    when summer time ends, RFC 5545 reads a local time as its first occurrence, so the second one
    is written in UTC (allowed beside a DTSTART or DTEND with a TZID)."""
    local = datetime.fromtimestamp(moment, zone)
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return datetime.fromtimestamp(moment, UTC)
    return local


def _utc(moment: int) -> datetime:
    return datetime.fromtimestamp(moment, UTC)


def _zone_years(entries: Sequence[CalendarEntry], zone: ZoneInfo) -> dict[str, date]:
    # The VTIMEZONE spells out each transition (RDATEs): cover the years of the file's events and
    # the next one, not the 68 years icalendar writes by default.
    first = min(datetime.fromtimestamp(entry.starts_at, zone).year for entry in entries)
    last = max(datetime.fromtimestamp(entry.end, zone).year for entry in entries)
    return {"first_date": date(first, 1, 1), "last_date": date(last + 2, 1, 1)}


def _text(text: str, limit: int) -> str:
    """Plain text a calendar shows as typed: one kind of line break, no control characters, at most
    `limit` characters (cut with an ellipsis)."""
    clean = _CONTROLS.sub("", _LINE_BREAKS.sub("\n", text)).strip()
    if len(clean) <= limit:
        return clean
    return clean[: limit - len(_ELLIPSIS)].rstrip() + _ELLIPSIS


def _slug(text: str) -> str:
    """ASCII letters and digits joined by hyphens: safe in a file name on every system and in Discord."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > _SLUG_LIMIT:
        slug = slug[:_SLUG_LIMIT].rsplit("-", 1)[0] if "-" in slug[:_SLUG_LIMIT] else slug[:_SLUG_LIMIT]
    return slug
