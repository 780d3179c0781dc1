"""The waitlist's SQL that runs inside a caller's write transaction: whether an event takes registrations
now, how its places are taken, and handing free places to the first members waiting.

Shared by every change of `RegistrationStore` and by forgetting a member, which runs inside the privacy
registry's transaction: a place must never be counted outside the transaction that takes or frees it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiosqlite

# Registration is over once an event is in one of these states, whatever its deadline says.
ENDED = ("completed", "cancelled", "deleted")


@dataclass(frozen=True, slots=True)
class EventState:
    starts_at: int
    status: str
    places: int | None
    deadline: int | None
    closed_at: int | None

    def open_at(self, now: int) -> bool:
        # A deadline past the start is refused when typed; should the event move earlier than its
        # deadline, the start still closes registration (an offer is never held past it either).
        closes = self.starts_at if self.deadline is None else min(self.deadline, self.starts_at)
        return now < closes and self.status not in ENDED and self.closed_at is None


async def rows(db: aiosqlite.Connection, sql: str, parameters: Sequence[Any] = ()) -> list[sqlite3.Row]:
    return list(await db.execute_fetchall(sql, parameters))


async def row(db: aiosqlite.Connection, sql: str, parameters: Sequence[Any] = ()) -> sqlite3.Row | None:
    found = await rows(db, sql, parameters)
    return found[0] if found else None


async def event_state(db: aiosqlite.Connection, event_id: int) -> EventState | None:
    """None for an event Agora does not follow; an event without settings has no limit."""
    found = await row(
        db,
        "SELECT e.starts_at, e.status, r.places, r.deadline, r.closed_at FROM events e "
        "LEFT JOIN event_registration r ON r.event_id = e.id WHERE e.id = ?",
        (event_id,),
    )
    return EventState(**dict(found)) if found else None


async def status_counts(db: aiosqlite.Connection, event_id: int) -> dict[str, int]:
    """Rows per status: 'registered', 'offered', 'waiting' (absent when none)."""
    found = await rows(
        db,
        "SELECT status, COUNT(*) FROM event_registrations WHERE event_id = ? GROUP BY status",
        (event_id,),
    )
    return {str(r[0]): int(r[1]) for r in found}


async def offer_free(
    db: aiosqlite.Connection, event_id: int, now: int, hold_seconds: int
) -> list[tuple[int, int]]:
    """Offer every free place to the first members waiting, in click order, while registration is open;
    each held until min(now + hold, start). Returns (member, hold's end) in click order."""
    event = await event_state(db, event_id)
    if event is None or not event.open_at(now):
        return []
    counts = await status_counts(db, event_id)
    waiting = counts.get("waiting", 0)
    taken = counts.get("registered", 0) + counts.get("offered", 0)
    free = waiting if event.places is None else min(waiting, event.places - taken)
    if free <= 0:
        return []
    expires = min(now + hold_seconds, event.starts_at)
    cursor = await db.execute(
        "UPDATE event_registrations SET status = 'offered', offer_expires_at = ?, offer_sent_at = NULL, "
        "offer_dm_failures = 0, offer_dm_retry_at = NULL WHERE event_id = ? AND user_id IN ("
        "SELECT user_id FROM event_registrations WHERE event_id = ? "
        "AND status = 'waiting' ORDER BY queue LIMIT ?) RETURNING user_id, queue",
        (expires, event_id, event_id, free),
    )
    offered = await cursor.fetchall()
    await cursor.close()
    # RETURNING gives rows in no promised order: the click order is the queue's.
    return [(int(r["user_id"]), expires) for r in sorted(offered, key=lambda r: r["queue"])]
