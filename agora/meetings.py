"""What the features share about events without importing each other: an event's outline with its
programme (offered by the events feature), and the parts other features add to an event's report and
its export (the live Q&A's questions, for one).

The events feature offers an `EventDirectory` on the bot's `Meetings` when it loads; a feature that
needs an event (the Q&A's board, the question form's sessions, who may moderate) asks it. A feature
that has something to say in an event's report registers a `ReportContributor`; the events feature
asks every registered one when it builds a report or an export, and knows nothing else of them.

Light on purpose: importing this module imports neither discord nor aiosqlite.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    import aiosqlite

log = logging.getLogger(__name__)

# The catalogue's words in one language (agora.i18n.Words), without importing the catalogue.
Words = Callable[..., str]


@dataclass(frozen=True, slots=True)
class Session:
    """One session of an event's programme."""

    id: int
    event_id: int
    title: str
    speaker_id: int | None  # a member of the server; None for a guest (or a forgotten member)
    speaker_name: str | None  # a guest's name; None for a member
    starts_at: int  # epoch seconds, UTC
    ends_at: int | None  # None: until the next session starts, the last one until the event ends


@dataclass(frozen=True, slots=True)
class EventOutline:
    """An event as the other features need it: never the feedback or the registrations."""

    id: int
    guild_id: int
    name: str
    channel_id: int | None  # where the event is announced
    starts_at: int
    ends_at: int  # the end Discord gives, or the assumed one
    language: str
    link: str
    called_off: bool
    sessions: tuple[Session, ...]  # by start time

    def session(self, session_id: int) -> Session | None:
        return next((s for s in self.sessions if s.id == session_id), None)

    def session_end(self, session: Session) -> int:
        """Where one of its sessions ends: its own end, else the next session's start, else the event's
        end."""
        return session_end(self.sessions, self.sessions.index(session), self.ends_at)

    def session_at(self, at: int) -> Session | None:
        """The session under way at `at` (epoch seconds): from its start to its end (`session_end`)."""
        return next(
            (
                session
                for index, session in enumerate(self.sessions)
                if session.starts_at <= at < session_end(self.sessions, index, self.ends_at)
            ),
            None,
        )


def session_end(sessions: Sequence[Session], index: int, event_end: int) -> int:
    """Where the `index`-th of `sessions` (a programme, by start) ends: its own end, else the next
    session's start, else `event_end`."""
    own = sessions[index].ends_at
    if own is not None:
        return own
    return sessions[index + 1].starts_at if index + 1 < len(sessions) else event_end


@runtime_checkable
class EventDirectory(Protocol):
    async def outline(self, event_id: int) -> EventOutline | None:
        """The event with its programme, or None when Agora does not follow it."""
        ...

    async def happening(self, guild_id: int, now: datetime) -> EventOutline | None:
        """The event under way in the guild (or about to start), the one a Q&A is about by default."""
        ...

    async def choices(self, guild_id: int, typed: str, limit: int) -> list[tuple[str, int]]:
        """(label, event id) pairs for an autocomplete, most recent first, matching what was typed."""
        ...


@dataclass(frozen=True, slots=True)
class ReportPart:
    """A feature's part of an event's report, already in the report's language and within Discord's
    limits: embed fields (name up to 256 characters, value up to 1024) and files for the export."""

    fields: tuple[tuple[str, str], ...] = ()
    files: tuple[tuple[str, bytes], ...] = ()  # (file name, content) attached to /event export


@runtime_checkable
class ReportContributor(Protocol):
    name: str  # for the logs

    async def report_part(self, event_id: int, words: Words) -> ReportPart | None:
        """What this feature adds to the event's report, or None when it has nothing about it."""
        ...


@runtime_checkable
class OccurrenceFollower(Protocol):
    name: str  # for the logs

    async def follow_occurrence(
        self, connection: aiosqlite.Connection, series_id: int, occurrence_id: int, ended_at: int
    ) -> int:
        """An occurrence of the recurring event `series_id` ended (at `ended_at`) and is kept from now
        on under `occurrence_id`: move what this feature recorded under the series while it ran, inside
        the caller's transaction. Returns how many rows moved."""
        ...


class Meetings:
    """Where the features meet about events: the directory offered, the report parts registered."""

    def __init__(self) -> None:
        self._directory: EventDirectory | None = None
        self._contributors: list[ReportContributor] = []
        self._followers: list[OccurrenceFollower] = []

    def offer_directory(self, directory: EventDirectory | None) -> None:
        """Set (or, with None, withdraw) the events' directory."""
        self._directory = directory

    @property
    def directory(self) -> EventDirectory | None:
        """None when the events feature is not loaded: a caller then works without events."""
        return self._directory

    def register(self, contributor: ReportContributor) -> None:
        if not isinstance(contributor, ReportContributor):
            raise TypeError(f"{type(contributor).__name__} does not implement ReportContributor")
        if contributor not in self._contributors:
            self._contributors.append(contributor)

    def unregister(self, contributor: ReportContributor) -> None:
        if contributor in self._contributors:
            self._contributors.remove(contributor)

    def follow_occurrences(self, follower: OccurrenceFollower) -> None:
        """`follower` moves its rows with each occurrence of a recurring event that ends."""
        if not isinstance(follower, OccurrenceFollower):
            raise TypeError(f"{type(follower).__name__} does not implement OccurrenceFollower")
        if follower not in self._followers:
            self._followers.append(follower)

    def stop_following(self, follower: OccurrenceFollower) -> None:
        if follower in self._followers:
            self._followers.remove(follower)

    @property
    def followers(self) -> list[OccurrenceFollower]:
        return list(self._followers)

    async def report_parts(self, event_id: int, words: Words) -> Sequence[ReportPart]:
        """Every contributor's part, in registration order. One that fails is logged and left out: a
        report is never lost to another feature's fault."""
        parts: list[ReportPart] = []
        for contributor in list(self._contributors):
            try:
                part = await contributor.report_part(event_id, words)
            except Exception:
                log.exception(
                    "%s: could not add its part to the report of event %s", contributor.name, event_id
                )
                continue
            if part is not None:
                parts.append(part)
        return parts
