"""Members' ratings of an event's sessions, and nowhere else their SQL.

Every write checks, in its own transaction, what a forged click could get wrong: the session is one of
the event's (the event named by the component, not one the member picked), the member answered the
event's feedback form (the step follows it, and that is where membership was checked), and the feedback
window is still open at the injected clock's time. Refusals raise `RatingRefused`; nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from agora.clock import epoch
from agora.privacy import Exported, iso_time, snowflake
from cogs.events.sessions.figures import RATINGS, SessionRating

if TYPE_CHECKING:
    import aiosqlite

    from agora.database import Database

_COLUMNS = "r.session_id, r.user_id, r.rating, r.missed, r.comment, r.updated_at"
COMMENT_MAX = 500  # "a word for the speaker", in characters


class RatingRefused(Exception):
    """Why a rating or a comment was not stored: 'unknown_session' (not one of the event's sessions),
    'not_answered' (no feedback form from the member), 'closed' (the window is not open)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _rating(row: object) -> SessionRating:
    session_id, user_id, rating, missed, comment, updated_at = row  # type: ignore[misc]
    return SessionRating(session_id, user_id, rating, bool(missed), comment, updated_at)


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
        return [_rating(row) for row in rows]

    async def answers_of(self, event_id: int, user_id: int) -> dict[int, SessionRating]:
        """The member's answers about the event's sessions, by session id (to preselect them)."""
        rows = await self.database.fetch_all(
            f"SELECT {_COLUMNS} FROM session_ratings r JOIN event_sessions s ON s.id = r.session_id "  # noqa: S608 — column names only
            "WHERE s.event_id = ? AND r.user_id = ?",
            (event_id, user_id),
        )
        return {rating.session_id: rating for rating in map(_rating, rows)}

    # ---- writing ----------------------------------------------------------------------------------

    async def save_rating(
        self,
        event_id: int,
        session_id: int,
        user_id: int,
        *,
        rating: int | None,
        missed: bool,
        now: datetime,
    ) -> None:
        """Set the member's rating (1–5), "I missed it" (`missed`), or neither (cleared); a comment
        already left stays. A row left with nothing is deleted."""
        if rating is not None and (missed or rating not in RATINGS):
            raise ValueError(f"a session rating is 1 to 5 and not missed, not {rating!r}/{missed!r}")
        at = epoch(now)
        async with self.database.transaction() as db:
            await _check(db, event_id, [session_id], user_id, at)
            await db.execute(
                "INSERT INTO session_ratings (session_id, user_id, rating, missed, comment, updated_at) "
                "VALUES (?, ?, ?, ?, '', ?) ON CONFLICT (session_id, user_id) DO UPDATE SET "
                "rating = excluded.rating, missed = excluded.missed, updated_at = excluded.updated_at",
                (session_id, user_id, rating, int(missed), at),
            )
            await _drop_empty(db, [session_id], user_id)

    async def save_comments(
        self, event_id: int, user_id: int, comments: Mapping[int, str], *, now: datetime
    ) -> None:
        """Set the member's word for the speaker of each session in `comments` ("" removes it); a
        rating already given stays. All or nothing: one session that is not the event's refuses all."""
        cleaned = {session_id: text.strip() for session_id, text in comments.items()}
        if any(len(text) > COMMENT_MAX for text in cleaned.values()):
            raise ValueError(f"a word for the speaker is at most {COMMENT_MAX} characters")
        if not cleaned:
            return
        at = epoch(now)
        async with self.database.transaction() as db:
            await _check(db, event_id, list(cleaned), user_id, at)
            for session_id, text in cleaned.items():
                # The time says when the answer last changed: a comment sent again unchanged keeps it.
                await db.execute(
                    "INSERT INTO session_ratings (session_id, user_id, rating, missed, comment, updated_at) "
                    "VALUES (?, ?, NULL, 0, ?, ?) ON CONFLICT (session_id, user_id) DO UPDATE SET "
                    "comment = excluded.comment, updated_at = CASE WHEN comment = excluded.comment "
                    "THEN updated_at ELSE excluded.updated_at END",
                    (session_id, user_id, text, at),
                )
            await _drop_empty(db, list(cleaned), user_id)

    # ---- a member's data (agora/privacy.py) --------------------------------------------------------

    section = "sessions"
    member_columns: Mapping[str, tuple[str, ...]] = {"session_ratings": ("user_id",)}
    keeps: str | None = None

    async def export_member(self, user_id: int) -> Exported:
        rows = await self.database.fetch_all(
            "SELECT s.event_id, e.name, r.session_id, s.title, r.rating, r.missed, r.comment, r.updated_at "
            "FROM session_ratings r JOIN event_sessions s ON s.id = r.session_id "
            "JOIN events e ON e.id = s.event_id WHERE r.user_id = ? "
            "ORDER BY e.starts_at, s.starts_at, s.id",
            (user_id,),
        )
        return {
            "session_ratings": [
                {
                    "event_id": snowflake(row["event_id"]),
                    "event": row["name"],
                    "session_id": snowflake(row["session_id"]),
                    "session": row["title"],
                    "rating": row["rating"],
                    "missed": bool(row["missed"]),
                    "word_for_the_speaker": row["comment"],
                    "updated_at": iso_time(row["updated_at"]),
                }
                for row in rows
            ]
        }

    async def forget_member(self, connection: aiosqlite.Connection, user_id: int) -> int:
        cursor = await connection.execute("DELETE FROM session_ratings WHERE user_id = ?", (user_id,))
        return cursor.rowcount

    def member_forgotten(self, user_id: int) -> None:
        """Nothing cached."""


async def _check(
    db: aiosqlite.Connection, event_id: int, session_ids: list[int], user_id: int, at: int
) -> None:
    marks = ", ".join("?" for _ in session_ids)
    cursor = await db.execute(
        f"SELECT COUNT(*) FROM event_sessions WHERE event_id = ? AND id IN ({marks})",  # noqa: S608 — placeholders only
        (event_id, *session_ids),
    )
    found = await cursor.fetchone()
    if found is None or found[0] != len(set(session_ids)):
        raise RatingRefused("unknown_session")
    cursor = await db.execute(
        "SELECT call_at IS NOT NULL AND closed_at IS NULL AND closes_at > ? FROM events WHERE id = ?",
        (at, event_id),
    )
    window = await cursor.fetchone()
    if window is None or not window[0]:
        raise RatingRefused("closed")
    cursor = await db.execute(
        "SELECT 1 FROM feedback_responses WHERE event_id = ? AND user_id = ?", (event_id, user_id)
    )
    if await cursor.fetchone() is None:
        raise RatingRefused("not_answered")


async def _drop_empty(db: aiosqlite.Connection, session_ids: list[int], user_id: int) -> None:
    marks = ", ".join("?" for _ in session_ids)
    await db.execute(
        f"DELETE FROM session_ratings WHERE user_id = ? AND session_id IN ({marks}) "  # noqa: S608 — placeholders only
        "AND rating IS NULL AND missed = 0 AND comment = ''",
        (user_id, *session_ids),
    )
