"""The events' sections of the weekly digest (agora/pulse.py): the events of the next 14 days, with their
date, place, places left and link; and, once its report is out, the last event's headline figures.

The digest is read by every member: an event held in a voice or stage channel, or announced in a channel,
that @everyone cannot view is the organisers' own, and is left out with its name, date, place and figures.

Names and places come from organisers, so they are shown literally and measured after escaping; each
line stays far below the digest's 1,000 characters. The figures follow the "< 3" rule: a count of
people of 1 or 2 shows as "< 3", and an average resting on fewer than 3 answers is not shown.
"""

from __future__ import annotations

from collections.abc import Sequence

from agora.channels import Visible
from agora.escaping import fit_escaped, link_text, literal
from agora.pulse import DIGEST_EVENTS, DIGEST_LAST_EVENT, DigestSection, Span, Words
from cogs.events.answer_store import AnswerStore
from cogs.events.figures import format_rating, season
from cogs.events.model import TrackedEvent
from cogs.events.pulse.pulse_store import PulseStore, Venue
from cogs.events.store import EventStore

AHEAD = 14 * 86400  # the digest lists the events starting in the 14 days after its time
LISTED = 10  # events listed at most; the others are "and N more"
NAME_MAX = 100  # an event's name once escaped
PLACE_MAX = 100  # its location once escaped
SMALL = 3  # fewer people than this could be recognised: "< 3", and no average resting on them
SEPARATOR = " · "


def people(count: int) -> str:
    """A count of people as the digest shows it: 1 or 2 as "< 3" (0 stays 0)."""
    return f"< {SMALL}" if 0 < count < SMALL else str(count)


def place_text(event: TrackedEvent, venue: Venue | None) -> str | None:
    """Where it is held: its location, else its voice or stage channel (a channel mention pings no one)."""
    if event.location:
        return fit_escaped(event.location, PLACE_MAX)
    if venue is not None and venue.voice_channel_id is not None:
        return f"<#{venue.voice_channel_id}>"
    return None


def places_text(event: TrackedEvent, venue: Venue | None, at: int, words: Words) -> str | None:
    """Places left, "full, N on the waitlist", or closed; nothing for an event without a limit."""
    if venue is None or venue.places is None:
        return None
    closes = venue.deadline if venue.deadline is not None else event.starts_at
    if venue.closed or closes <= at:
        return words("events.pulse.digest.places_closed")
    left = venue.places - venue.taken
    if left > 0:
        return words("events.pulse.digest.places_left", left=left, places=venue.places)
    if venue.waiting:
        return words("events.pulse.digest.full_waiting", waiting=venue.waiting)
    return words("events.pulse.digest.full")


def upcoming_line(event: TrackedEvent, venue: Venue | None, at: int, words: Words) -> str:
    """One event of the next 14 days: its linked name, its date, its place and its places left."""
    name = fit_escaped(event.name, NAME_MAX, escape=link_text)
    parts = [words("events.pulse.digest.event", name=name, link=event.link, when=f"<t:{event.starts_at}:f>")]
    place = place_text(event, venue)
    if place:
        parts.append(words("events.pulse.digest.where", place=place))
    places = places_text(event, venue, at, words)
    if places:
        parts.append(places)
    return SEPARATOR.join(parts)


def last_event_line(
    event: TrackedEvent, attendees: int, answers: int, average: float | None, words: Words
) -> str:
    """The last event's headline figures: who came, how many answered, and the average rating when
    at least 3 answered."""
    if event.channel_id is not None and event.announcement_message_id is not None:
        link = f"https://discord.com/channels/{event.guild_id}/{event.channel_id}/{event.announcement_message_id}"
        name = words(
            "events.pulse.digest.linked", name=fit_escaped(event.name, NAME_MAX, escape=link_text), link=link
        )
    else:  # Discord's own link dies with the event: without an announcement, no link at all
        name = words("events.pulse.digest.unlinked", name=fit_escaped(event.name, NAME_MAX, escape=literal))
    parts = [words("events.pulse.digest.held", name=name, when=f"<t:{event.starts_at}:D>")]
    if attendees:
        parts.append(words("events.pulse.digest.attendees", count=people(attendees)))
    parts.append(words("events.pulse.digest.answers", count=people(answers)))
    if average is not None and answers >= SMALL:
        rating = format_rating(average, words("feedback.decimal_mark"))
        parts.append(words("events.pulse.digest.rating", average=rating))
    return SEPARATOR.join(parts)


class EventsDigest:
    """The events feature's `DigestContributor`."""

    name = "events"

    def __init__(self, events: EventStore, answers: AnswerStore, store: PulseStore, visible: Visible) -> None:
        self.events = events
        self.answers = answers
        self.store = store
        self.visible = visible

    def for_everyone(self, event: TrackedEvent, venue: Venue | None) -> bool:
        """Whether every member may see the event's channels: where it is announced (its reminders and
        feedback call go there too) and the voice or stage channel hosting it."""
        voice = venue.voice_channel_id if venue is not None else None
        return all(
            self.visible(event.guild_id, channel_id)
            for channel_id in (event.channel_id, voice)
            if channel_id is not None
        )

    async def digest_sections(self, guild_id: int, week: Span, words: Words) -> Sequence[DigestSection]:
        sections = [
            await self.upcoming(guild_id, week.end, words),
            await self.last_event(guild_id, week, words),
        ]
        return [section for section in sections if section is not None]

    async def upcoming(self, guild_id: int, at: int, words: Words) -> DigestSection | None:
        """The events starting in [at, at + 14 days), not called off, that every member may see, soonest
        first."""
        # Discord keeps at most 100 scheduled events per server: the window never holds more.
        ahead = [
            event
            for event in await self.events.in_guild(guild_id, since=at, limit=200)
            if event.starts_at < at + AHEAD and not event.is_called_off
        ]
        venues = await self.store.venues([event.id for event in ahead])
        coming = [event for event in ahead if self.for_everyone(event, venues.get(event.id))]
        if not coming:
            return None
        listed = coming[:LISTED]
        lines = tuple(upcoming_line(event, venues.get(event.id), at, words) for event in listed)
        return DigestSection(
            DIGEST_EVENTS, words("events.pulse.digest.upcoming_title"), lines, more=len(coming) - len(listed)
        )

    async def last_event(self, guild_id: int, week: Span, words: Words) -> DigestSection | None:
        """The last event every member may see whose report came out during the week, in figures; None
        without one."""
        event = await self.last_shown(await self.store.reported(guild_id, week))
        if event is None:
            return None
        responses = await self.answers.responses(event.id)
        (point,) = season([(event.name, responses)])
        line = last_event_line(
            event, await self.store.attendees(event.id), point.responses, point.average_rating, words
        )
        return DigestSection(DIGEST_LAST_EVENT, words("events.pulse.digest.last_title"), (line,))

    async def last_shown(self, event_ids: Sequence[int]) -> TrackedEvent | None:
        """The first of `event_ids` (latest first) that every member may see."""
        venues = await self.store.venues(event_ids)
        for event_id in event_ids:
            event = await self.events.get(event_id)
            if event is not None and self.for_everyone(event, venues.get(event_id)):
                return event
        return None
