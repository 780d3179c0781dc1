"""Direct messages about an event to the members who registered or wait for it, and nowhere else their
SQL: each is claimed (`event_member_notices`) before it is sent, so a restart never sends one twice.
The places themselves are in registration/store.py, which also exports and forgets these rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from agora.database import Database

CALLED_OFF = ("cancelled", "deleted")
_CHUNK = 500  # members named in one statement, well under SQLite's limit on parameters


class NoticeStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def claim(self, event_id: int, user_id: int, kind: str, version: int, now: int) -> bool:
        """True once per member, event, kind and version: the caller sends that DM."""
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "INSERT OR IGNORE INTO event_member_notices (event_id, user_id, kind, version, sent_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (event_id, user_id, kind, version, now),
            )
            return cursor.rowcount == 1

    async def claim_registered(
        self, event_id: int, user_ids: Sequence[int], version: int, now: int
    ) -> list[int]:
        """Of `user_ids`, those still registered for the event and not sent its registration DM of this
        version yet, claimed at once (kind 'registered'): the caller sends them that DM. In no order."""
        claimed: list[int] = []
        async with self.database.transaction() as db:
            for start in range(0, len(user_ids), _CHUNK):
                chunk = user_ids[start : start + _CHUNK]
                members = ", ".join("?" * len(chunk))
                cursor = await db.execute(
                    "INSERT OR IGNORE INTO event_member_notices (event_id, user_id, kind, version, sent_at) "  # noqa: S608 — placeholders only
                    "SELECT event_id, user_id, 'registered', ?, ? FROM event_registrations "
                    f"WHERE event_id = ? AND status = 'registered' AND user_id IN ({members}) "
                    "RETURNING user_id",
                    (version, now, event_id, *chunk),
                )
                claimed.extend(int(row[0]) for row in await cursor.fetchall())
                await cursor.close()
        return claimed

    async def closing_due(self) -> list[int]:
        """Events Discord reports cancelled or deleted whose registration is not closed yet, or whose
        members are not all told yet (a restart in the middle resumes with those left)."""
        rows = await self.database.fetch_all(
            "SELECT e.id FROM events e LEFT JOIN event_registration s ON s.event_id = e.id "
            "WHERE e.status IN (?, ?) AND ((s.event_id IS NOT NULL AND s.closed_at IS NULL) OR EXISTS ("
            "SELECT 1 FROM event_registrations r WHERE r.event_id = e.id AND NOT EXISTS ("
            "SELECT 1 FROM event_member_notices n WHERE n.event_id = r.event_id "
            "AND n.user_id = r.user_id AND n.kind = 'closed'))) ORDER BY e.id",
            CALLED_OFF,
        )
        return [int(row[0]) for row in rows]
