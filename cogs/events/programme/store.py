"""An event's programme, and nowhere else its SQL: up to ten sessions, each with a member of the server
or a guest as its speaker.

Every change runs in one write transaction that reads the event and its programme as they are then and
hands them to the caller's `check` (programme_rules.check_fits) before writing: two organisers adding a
session at once cannot make an eleventh one or an overlap, and nothing is written when it refuses.

A member's data (agora/privacy.py): the sessions they speak at. Forgetting them unlinks their id (the
session belongs to the event and stays on its programme, without a speaker).
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from agora.database import Database
from agora.meetings import Session
from agora.privacy import Exported, iso_time, snowflake
from cogs.events.model import DEFAULT_LENGTH
from cogs.events.programme.rules import EventBounds, SessionDraft

if TYPE_CHECKING:
    import aiosqlite

log = logging.getLogger(__name__)

_COLUMNS = "id, event_id, title, speaker_id, speaker_name, starts_at, ends_at"

# Raises (a UserError) when the change may not be made; given the event (None: gone) and its sessions.
Check = Callable[[EventBounds | None, Sequence[Session]], None]
# Told, once a member's forgetting is committed, which events' programmes lost their name as a speaker,
# and which sessions (the announcements and the speakers' reviews are redrawn without it).
Unlinked = Callable[[list[int], list[int]], None]


def _session(row: Sequence[object]) -> Session:
    return Session(*row)  # type: ignore[arg-type]


class ProgrammeStore:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.on_unlinked: Unlinked | None = None
        # member → (events, sessions) they spoke at, from forget_member to its commit
        self._unlinked: dict[int, tuple[list[int], list[int]]] = {}

    async def sessions(self, event_id: int) -> list[Session]:
        """The event's sessions by start time (ties: the one added first)."""
        rows = await self.database.fetch_all(
            f"SELECT {_COLUMNS} FROM event_sessions WHERE event_id = ? ORDER BY starts_at, id",  # noqa: S608 — column names only
            (event_id,),
        )
        return [_session(row) for row in rows]

    async def session(self, session_id: int) -> Session | None:
        row = await self.database.fetch_one(
            f"SELECT {_COLUMNS} FROM event_sessions WHERE id = ?",  # noqa: S608 — column names only
            (session_id,),
        )
        return _session(row) if row else None

    # ---- changes ----------------------------------------------------------------------------------

    @staticmethod
    async def _read(db: aiosqlite.Connection, event_id: int) -> tuple[EventBounds | None, list[Session]]:
        cursor = await db.execute("SELECT starts_at, ends_at, status FROM events WHERE id = ?", (event_id,))
        row = await cursor.fetchone()
        bounds = None
        if row is not None:
            starts_at, ends_at, status = row
            end = ends_at if ends_at is not None else starts_at + DEFAULT_LENGTH
            bounds = EventBounds(starts_at, end, status in ("cancelled", "deleted"))
        cursor = await db.execute(
            f"SELECT {_COLUMNS} FROM event_sessions WHERE event_id = ? ORDER BY starts_at, id",  # noqa: S608 — column names only
            (event_id,),
        )
        return bounds, [_session(r) for r in await cursor.fetchall()]

    async def add(self, event_id: int, draft: SessionDraft, now: int, check: Check) -> Session:
        async with self.database.transaction() as db:
            bounds, sessions = await self._read(db, event_id)
            check(bounds, sessions)
            cursor = await db.execute(
                "INSERT INTO event_sessions (event_id, title, speaker_id, speaker_name, starts_at, ends_at, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (event_id, *_values(draft), now, now),
            )
            session_id = int(cursor.lastrowid or 0)
        return Session(session_id, event_id, *_values(draft))

    async def update(
        self, event_id: int, session_id: int, draft: SessionDraft, now: int, check: Check
    ) -> Session | None:
        """The session changed; None (nothing written) when the event has no such session any more."""
        async with self.database.transaction() as db:
            bounds, sessions = await self._read(db, event_id)
            if all(s.id != session_id for s in sessions):
                return None
            check(bounds, sessions)
            await db.execute(
                "UPDATE event_sessions SET title = ?, speaker_id = ?, speaker_name = ?, starts_at = ?, "
                "ends_at = ?, updated_at = ? WHERE id = ? AND event_id = ?",
                (*_values(draft), now, session_id, event_id),
            )
        return Session(session_id, event_id, *_values(draft))

    async def remove(self, event_id: int, session_id: int, check: Check) -> Session | None:
        """The session removed (with the ratings it received); None when the event had no such session."""
        async with self.database.transaction() as db:
            bounds, sessions = await self._read(db, event_id)
            removed = next((s for s in sessions if s.id == session_id), None)
            if removed is None:
                return None
            check(bounds, sessions)
            await db.execute(
                "DELETE FROM event_sessions WHERE id = ? AND event_id = ?", (session_id, event_id)
            )
        return removed

    # ---- a member's data (agora/privacy.py) --------------------------------------------------------

    section = "programme"
    member_columns: Mapping[str, tuple[str, ...]] = {"event_sessions": ("speaker_id",)}
    # The session stays on its event's programme, without the member as its speaker.
    keeps = "privacy.kept.programme"

    async def export_member(self, user_id: int) -> Exported:
        rows = await self.database.fetch_all(
            "SELECT s.id, s.event_id, e.name, s.title, s.starts_at, s.ends_at FROM event_sessions s "
            "JOIN events e ON e.id = s.event_id WHERE s.speaker_id = ? ORDER BY s.starts_at, s.id",
            (user_id,),
        )

        def session(row: sqlite3.Row) -> dict[str, object]:
            return {
                "event_id": snowflake(row["event_id"]),
                "event": row["name"],
                "session_id": snowflake(row["id"]),
                "title": row["title"],
                "starts_at": iso_time(row["starts_at"]),
                # None when not given: the session runs until the next one (the last, until the event's end).
                "ends_at": iso_time(row["ends_at"]),
            }

        return {"speaking_at": [session(row) for row in rows]}

    async def forget_member(self, connection: aiosqlite.Connection, user_id: int) -> int:
        cursor = await connection.execute(
            "SELECT event_id, id FROM event_sessions WHERE speaker_id = ? ORDER BY event_id, starts_at, id",
            (user_id,),
        )
        rows = [(int(event_id), int(session_id)) for event_id, session_id in await cursor.fetchall()]
        cursor = await connection.execute(
            "UPDATE event_sessions SET speaker_id = NULL WHERE speaker_id = ?", (user_id,)
        )
        if rows:
            events = list(dict.fromkeys(event_id for event_id, _ in rows))
            self._unlinked[user_id] = (events, [session_id for _, session_id in rows])
        return cursor.rowcount

    def member_forgotten(self, user_id: int) -> None:
        # Committed: what named the member as a speaker is redrawn without them.
        events, sessions = self._unlinked.pop(user_id, ([], []))
        if events and self.on_unlinked is not None:
            self.on_unlinked(events, sessions)


def _values(draft: SessionDraft) -> tuple[str, int | None, str | None, int, int | None]:
    return (draft.title, draft.speaker_id, draft.speaker_name, draft.starts_at, draft.ends_at)
