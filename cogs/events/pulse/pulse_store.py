"""The SQL of the events' parts of the community's pulse (the weekly digest and the engagement report),
and nowhere else: read-only counts over what the rest of the feature stores. Events called off
(cancelled, or deleted before they took place: one deleted once under way is recorded completed) never
count."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from agora.database import Database
from agora.pulse import Span


@dataclass(frozen=True, slots=True)
class Venue:
    """Where an upcoming event is held and how many places it has left, as its registration stands."""

    event_id: int
    voice_channel_id: int | None  # the voice or stage channel hosting it; None for one held elsewhere
    places: int | None  # None: no limit (or registration never configured)
    taken: int  # registered, or holding a place offered to them
    waiting: int
    deadline: int | None  # registration closes then; None: at the start
    closed: bool  # closed by Agora (the event was called off)


@dataclass(frozen=True, slots=True)
class EventCounts:
    """One event of a period and its funnel, in people: each counted once per event."""

    event_id: int
    interested: int  # marked interested on Discord, at the last count
    registered: int  # holding a confirmed place
    checked_in: int  # present: checked in, or long enough in the voice channel
    feedback: int  # answered the feedback form


class PulseStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    # ---- the digest -------------------------------------------------------------------------------

    async def venues(self, event_ids: Collection[int]) -> dict[int, Venue]:
        """Each event's voice channel and registration, by event id."""
        if not event_ids:
            return {}
        marks = ", ".join("?" * len(event_ids))
        rows = await self.database.fetch_all(
            "SELECT e.id, e.voice_channel_id, g.places, g.deadline, g.closed_at, "  # noqa: S608 — placeholders only
            "(SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id "
            "AND r.status IN ('registered', 'offered')) AS taken, "
            "(SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id "
            "AND r.status = 'waiting') AS waiting "
            "FROM events e LEFT JOIN event_registration g ON g.event_id = e.id "
            f"WHERE e.id IN ({marks})",
            tuple(event_ids),
        )
        return {
            int(row["id"]): Venue(
                event_id=int(row["id"]),
                voice_channel_id=row["voice_channel_id"],
                places=row["places"],
                taken=int(row["taken"]),
                waiting=int(row["waiting"]),
                deadline=row["deadline"],
                closed=row["closed_at"] is not None,
            )
            for row in rows
        }

    async def reported(self, guild_id: int, span: Span) -> list[int]:
        """The events whose report came out during `span`, the latest to start first (a week holds a
        few at most)."""
        rows = await self.database.fetch_all(
            "SELECT id FROM events WHERE guild_id = ? AND report_done_at >= ? AND report_done_at < ? "
            "ORDER BY starts_at DESC, id DESC",
            (guild_id, span.start, span.end),
        )
        return [int(row[0]) for row in rows]

    async def attendees(self, event_id: int) -> int:
        row = await self.database.fetch_one(
            "SELECT COUNT(*) FROM event_attendance WHERE event_id = ?", (event_id,)
        )
        return int(row[0]) if row else 0

    # ---- the engagement report --------------------------------------------------------------------

    async def held(self, guild_id: int, span: Span) -> list[EventCounts]:
        """The events that started during `span` and were not called off, by start, with their funnel."""
        rows = await self.database.fetch_all(
            "SELECT e.id, e.interested, "
            "(SELECT COUNT(*) FROM event_registrations r WHERE r.event_id = e.id "
            "AND r.status = 'registered') AS registered, "
            "(SELECT COUNT(*) FROM event_attendance a WHERE a.event_id = e.id) AS checked_in, "
            "(SELECT COUNT(*) FROM feedback_responses f WHERE f.event_id = e.id) AS feedback "
            "FROM events e WHERE e.guild_id = ? AND e.starts_at >= ? AND e.starts_at < ? "
            "AND e.status NOT IN ('cancelled', 'deleted') ORDER BY e.starts_at, e.id",
            (guild_id, span.start, span.end),
        )
        return [
            EventCounts(
                event_id=int(row["id"]),
                interested=int(row["interested"]),
                registered=int(row["registered"]),
                checked_in=int(row["checked_in"]),
                feedback=int(row["feedback"]),
            )
            for row in rows
        ]

    async def any_held(self, guild_id: int, before: int) -> bool:
        """Whether the server had an event start before `before`, not called off: any held by then."""
        row = await self.database.fetch_one(
            "SELECT 1 FROM events WHERE guild_id = ? AND starts_at < ? "
            "AND status NOT IN ('cancelled', 'deleted') LIMIT 1",
            (guild_id, before),
        )
        return row is not None

    async def participants(self, guild_id: int, span: Span) -> frozenset[int]:
        """Members who, during `span`, got a place at one of the server's events, were recorded present
        at one, answered its feedback form or rated one of its sessions. A place held since before
        `span` is not taking part in it: the time of each act is what counts."""
        rows = await self.database.fetch_all(
            "SELECT r.user_id FROM event_registrations r JOIN events e ON e.id = r.event_id "
            "WHERE e.guild_id = :guild AND r.registered_at >= :start AND r.registered_at < :end "
            "UNION SELECT a.user_id FROM event_attendance a JOIN events e ON e.id = a.event_id "
            "WHERE e.guild_id = :guild AND a.at >= :start AND a.at < :end "
            "UNION SELECT f.user_id FROM feedback_responses f JOIN events e ON e.id = f.event_id "
            "WHERE e.guild_id = :guild AND f.submitted_at >= :start AND f.submitted_at < :end "
            "UNION SELECT s.user_id FROM session_ratings s JOIN event_sessions p ON p.id = s.session_id "
            "JOIN events e ON e.id = p.event_id "
            "WHERE e.guild_id = :guild AND s.updated_at >= :start AND s.updated_at < :end",
            {"guild": guild_id, "start": span.start, "end": span.end},
        )
        return frozenset(int(row[0]) for row in rows)
