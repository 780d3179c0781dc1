"""Members' ratings of an event's sessions, and nowhere else their SQL."""

from __future__ import annotations

from agora.database import Database
from cogs.events.session_figures import SessionRating

_COLUMNS = "r.session_id, r.user_id, r.rating, r.missed, r.comment, r.updated_at"


class SessionRatingStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def of_event(self, event_id: int) -> list[SessionRating]:
        """Every answer about the event's sessions, oldest first."""
        rows = await self.database.fetch_all(
            f"SELECT {_COLUMNS} FROM session_ratings r JOIN event_sessions s ON s.id = r.session_id "  # noqa: S608 — column names only
            "WHERE s.event_id = ? ORDER BY r.updated_at, r.session_id, r.user_id",
            (event_id,),
        )
        return [
            SessionRating(session_id, user_id, rating, bool(missed), comment, updated_at)
            for session_id, user_id, rating, missed, comment, updated_at in rows
        ]
