"""An event's programme, and nowhere else its SQL: up to ten sessions, each with a member of the server
or a guest as its speaker."""

from __future__ import annotations

from collections.abc import Sequence

from agora.database import Database
from agora.meetings import Session

_COLUMNS = "id, event_id, title, speaker_id, speaker_name, starts_at, ends_at"


def _session(row: Sequence[object]) -> Session:
    return Session(*row)  # type: ignore[arg-type]


class ProgrammeStore:
    def __init__(self, database: Database) -> None:
        self.database = database

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
