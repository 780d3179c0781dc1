"""The calendar's SQL, and nowhere else: each event's SEQUENCE (raised by `EventStore.record` when the
event moves), the upcoming events of a server for one `.ics` file, and the members to tell of a move.

The DMs themselves are claimed in `event_member_notices` (notice_store.py) before they are sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from agora.database import Database
from cogs.events.model import DEFAULT_LENGTH, TrackedEvent
from cogs.events.store import _COLUMNS, _event

# Discord allows at most 100 scheduled or active events per server.
UPCOMING_LIMIT = 100
# A move is told only while the event is still to come or running: afterwards a calendar has no use for it.
_TOLD_WHILE = ("scheduled", "active")


@dataclass(frozen=True, slots=True)
class Move:
    """A member to tell that an event moved: they held a place before its last move (`version`)."""

    event_id: int
    user_id: int
    version: int


class CalendarStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def sequence(self, event_id: int) -> int:
        """The event's SEQUENCE as stored (0 for one never moved, or unknown)."""
        row = await self.database.fetch_one("SELECT calendar_sequence FROM events WHERE id = ?", (event_id,))
        return int(row[0]) if row else 0

    async def upcoming(self, guild_id: int, now: int) -> list[tuple[TrackedEvent, int]]:
        """Events of the server neither called off nor over (running ones included), soonest first,
        each with its SEQUENCE."""
        rows = await self.database.fetch_all(
            f"SELECT {_COLUMNS}, calendar_sequence FROM events WHERE guild_id = ? "  # noqa: S608 — column names and placeholders, no values
            "AND status IN ('scheduled', 'active') AND COALESCE(ends_at, starts_at + ?) > ? "
            "ORDER BY starts_at, id LIMIT ?",
            (guild_id, DEFAULT_LENGTH, now, UPCOMING_LIMIT),
        )
        return [(_event(tuple(row)[:-1]), int(row[-1])) for row in rows]

    async def moves_due(self) -> list[Move]:
        """Members registered, offered a place or waiting since before their event's last move who were
        not told of that version yet (a restart in the middle resumes with those left). One who took
        their place after the move had the current file then; a called-off event is told by its
        closing DM instead (registration/waitlist.py), which carries the cancelled file."""
        rows = await self.database.fetch_all(
            "SELECT e.id, r.user_id, e.calendar_sequence FROM events e "
            "JOIN event_registrations r ON r.event_id = e.id "
            "WHERE e.calendar_moved_at IS NOT NULL AND e.status IN (?, ?) "
            "AND r.clicked_at <= e.calendar_moved_at AND NOT EXISTS ("
            "SELECT 1 FROM event_member_notices n WHERE n.event_id = e.id AND n.user_id = r.user_id "
            "AND n.kind = 'changed' AND n.version = e.calendar_sequence) "
            "ORDER BY e.id, r.queue",
            _TOLD_WHILE,
        )
        return [Move(int(row[0]), int(row[1]), int(row[2])) for row in rows]
