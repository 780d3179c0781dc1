"""What a member reads beside an event's `.ics` file: the answer to *Add to calendar*, to `/event
calendar`, and the DM telling that an event moved.

Pure: every function takes `words` (a translate function in the right language). Titles and places
come from organisers, so they are shown literally (`fit_escaped`, measured after escaping); times are
Discord timestamps, shown in each reader's own time zone.
"""

from __future__ import annotations

from agora.escaping import fit_escaped
from agora.i18n import Words
from cogs.events.model import TrackedEvent

NAME_MAX = 100
LOCATION_MAX = 100
DM_MAX = 2000
_DAY = 86400


def when(event: TrackedEvent) -> str:
    """`<start, full> – <end, time only>`; the end's date too when the event lasts a day or more."""
    start = f"<t:{event.starts_at}:F>"
    if event.ends_at is None or event.ends_at <= event.starts_at:
        return start
    style = "t" if event.ends_at - event.starts_at < _DAY else "f"
    return f"{start} – <t:{event.ends_at}:{style}>"


def file_text(event: TrackedEvent, words: Words) -> str:
    """The answer to *Add to calendar*: what the file holds; for a cancelled event, that it removes it."""
    name = fit_escaped(event.name, NAME_MAX)
    if event.is_called_off:
        return words("events.calendar.file_cancelled", name=name)
    return words("events.calendar.file", name=name, when=when(event))


def upcoming_text(count: int, words: Words) -> str:
    return words("events.calendar.upcoming", count=count)


def moved_text(event: TrackedEvent, words: Words) -> str:
    """The DM to a member registered or waiting when their event moved: where and when it is now."""
    where = ""
    if event.location:
        where = words("events.calendar.where", location=fit_escaped(event.location, LOCATION_MAX))
    text = words(
        "events.calendar.moved_dm",
        name=fit_escaped(event.name, NAME_MAX),
        when=when(event),
        where=where,
        link=event.link,
    )
    return text[:DM_MAX]


def registered_hint(words: Words) -> str:
    """A line under "you are registered": the file is one click away, on the same message."""
    return words("events.calendar.registered_hint")


def confirmed_note(words: Words) -> str:
    """A line under "the place is yours", in the DM: the file attached adds the event."""
    return words("events.calendar.confirmed_note")


def cancelled_note(words: Words) -> str:
    """A line under the DM telling a member their event was called off: the file attached removes it."""
    return words("events.calendar.cancelled_note")
