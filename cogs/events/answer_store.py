"""Members' feedback and choices, and nowhere else their SQL: answers, the DMs sent asking for them,
the events they were interested in, their language and opt-outs. DMs are claimed before they are sent,
so a restart never sends one twice. It is the events' member data (agora/privacy.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from agora.batching import Batcher
from agora.clock import epoch
from agora.database import Database
from agora.privacy import Exported, iso_time, snowflake
from cogs.events.figures import Response
from cogs.events.model import Answers

if TYPE_CHECKING:
    import aiosqlite

# Members whose language is known to be stored already: their interactions need no write.
LANGUAGES_CACHED = 4096


def _response(row: Sequence[object]) -> Response:
    user_id, rating, recommend, useful, improve, topics, submitted_at = row
    return Response(
        user_id=int(user_id),  # type: ignore[call-overload]
        rating=int(rating),  # type: ignore[call-overload]
        recommend=int(recommend),  # type: ignore[call-overload]
        useful=str(useful),
        improve=str(improve),
        topics=tuple(t for t in str(topics).split(",") if t),
        submitted_at=int(submitted_at),  # type: ignore[call-overload]
    )


def _marks(values: Collection[object]) -> str:
    return ", ".join("?" * len(values))


class AnswerStore:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._languages: dict[int, str] = {}  # the last language stored per member
        self._language_writes: Batcher[tuple[int, str], None] = Batcher(
            self._write_languages, name="member-languages"
        )

    async def claim_invitations(
        self, event_id: int, kind: str, user_ids: Collection[int], now: datetime
    ) -> list[int]:
        """Members to DM now: not opted out, not already sent this kind, and for the halfway
        reminder, not yet answered."""
        if not user_ids:
            return []
        candidates = sorted(set(user_ids))
        async with self.database.transaction() as db:
            cursor = await db.execute(
                f"SELECT user_id FROM feedback_optouts WHERE user_id IN ({_marks(candidates)}) "  # noqa: S608 — column names and placeholders, no values
                "UNION SELECT user_id FROM feedback_invitations WHERE event_id = ? AND kind = ? "
                "UNION SELECT user_id FROM feedback_responses WHERE event_id = ? AND ? = 'reminder'",
                (*candidates, event_id, kind, event_id, kind),
            )
            excluded = {int(r[0]) for r in await cursor.fetchall()}
            chosen = [u for u in candidates if u not in excluded]
            await db.executemany(
                "INSERT INTO feedback_invitations (event_id, user_id, kind, sent_at) VALUES (?, ?, ?, ?)",
                [(event_id, u, kind, epoch(now)) for u in chosen],
            )
        return chosen

    async def was_invited(self, event_id: int, user_id: int) -> bool:
        row = await self.database.fetch_one(
            "SELECT 1 FROM feedback_invitations WHERE event_id = ? AND user_id = ?", (event_id, user_id)
        )
        return row is not None

    async def invited(self, event_id: int, kind: str) -> set[int]:
        rows = await self.database.fetch_all(
            "SELECT user_id FROM feedback_invitations WHERE event_id = ? AND kind = ?", (event_id, kind)
        )
        return {int(r[0]) for r in rows}

    # ---- answers ----------------------------------------------------------------------------------

    async def save_response(self, event_id: int, user_id: int, answers: Answers, now: datetime) -> bool:
        """Store the member's answers, replacing earlier ones; True when there were earlier ones."""
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "SELECT 1 FROM feedback_responses WHERE event_id = ? AND user_id = ?", (event_id, user_id)
            )
            replaced = await cursor.fetchone() is not None
            await db.execute(
                "INSERT INTO feedback_responses (event_id, user_id, rating, recommend, useful, improve, "
                "topics, submitted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id, user_id) "
                "DO UPDATE SET rating = excluded.rating, recommend = excluded.recommend, "
                "useful = excluded.useful, improve = excluded.improve, topics = excluded.topics, "
                "submitted_at = excluded.submitted_at",
                (
                    event_id,
                    user_id,
                    answers.rating,
                    answers.recommend,
                    answers.useful,
                    answers.improve,
                    ",".join(answers.topics),
                    epoch(now),
                ),
            )
        return replaced

    async def response(self, event_id: int, user_id: int) -> Response | None:
        row = await self.database.fetch_one(
            "SELECT user_id, rating, recommend, useful, improve, topics, submitted_at "
            "FROM feedback_responses WHERE event_id = ? AND user_id = ?",
            (event_id, user_id),
        )
        return _response(row) if row else None

    async def responses(self, event_id: int) -> list[Response]:
        rows = await self.database.fetch_all(
            "SELECT user_id, rating, recommend, useful, improve, topics, submitted_at "
            "FROM feedback_responses WHERE event_id = ? ORDER BY submitted_at, user_id",
            (event_id,),
        )
        return [_response(r) for r in rows]

    async def response_counts(self, event_ids: Collection[int]) -> dict[int, int]:
        if not event_ids:
            return {}
        rows = await self.database.fetch_all(
            f"SELECT event_id, COUNT(*) FROM feedback_responses WHERE event_id IN ({_marks(event_ids)}) "  # noqa: S608 — column names and placeholders, no values
            "GROUP BY event_id",
            tuple(event_ids),
        )
        return {int(r[0]): int(r[1]) for r in rows}

    # ---- members' choices -------------------------------------------------------------------------

    async def set_opted_out(self, user_id: int, opted_out: bool, now: datetime) -> bool:
        """True when this changed something."""
        async with self.database.transaction() as db:
            if opted_out:
                cursor = await db.execute(
                    "INSERT OR IGNORE INTO feedback_optouts (user_id, opted_at) VALUES (?, ?)",
                    (user_id, epoch(now)),
                )
            else:
                cursor = await db.execute("DELETE FROM feedback_optouts WHERE user_id = ?", (user_id,))
            return cursor.rowcount > 0

    async def is_opted_out(self, user_id: int) -> bool:
        row = await self.database.fetch_one("SELECT 1 FROM feedback_optouts WHERE user_id = ?", (user_id,))
        return row is not None

    async def remember_language(self, user_id: int, language: str) -> None:
        if self._languages.get(user_id) == language:  # the usual case: no write
            return
        await self._language_writes.submit((user_id, language))

    async def _write_languages(self, languages: Sequence[tuple[int, str]]) -> list[None]:
        """Every language that arrived while the last batch was written, in one transaction: when
        registration opens, hundreds of members interact for the first time within seconds."""
        latest = dict(languages)  # a member's last one wins
        async with self.database.transaction() as db:
            await db.executemany(
                "INSERT INTO member_languages (user_id, language) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET language = excluded.language",
                list(latest.items()),
            )
        # Here, before anything else runs: a member forgotten meanwhile must not be taken as stored.
        for user_id, language in latest.items():
            if len(self._languages) >= LANGUAGES_CACHED:
                self._languages.pop(next(iter(self._languages)))
            self._languages[user_id] = language
        return [None] * len(languages)

    async def language_of(self, user_id: int) -> str | None:
        row = await self.database.fetch_one(
            "SELECT language FROM member_languages WHERE user_id = ?", (user_id,)
        )
        return str(row[0]) if row else None

    # ---- a member's data (agora/privacy.py) --------------------------------------------------------

    section = "events"
    member_columns: Mapping[str, tuple[str, ...]] = {
        "feedback_responses": ("user_id",),
        "feedback_invitations": ("user_id",),
        "event_interest": ("user_id",),
        "member_languages": ("user_id",),
        "feedback_optouts": ("user_id",),
    }
    # Forgetting keeps the opt-out: it is the member's own request not to be contacted, and deleting
    # it would start the DMs they refused again. It is exported; /feedback optin removes it.
    keeps = "privacy.kept.feedback_optout"

    async def export_member(self, user_id: int) -> Exported:
        def event(row: sqlite3.Row) -> dict[str, object]:
            return {"event_id": snowflake(row["event_id"]), "event": row["name"]}

        responses = await self.database.fetch_all(
            "SELECT r.event_id, e.name, r.rating, r.recommend, r.useful, r.improve, r.topics, "
            "r.submitted_at FROM feedback_responses r JOIN events e ON e.id = r.event_id "
            "WHERE r.user_id = ? ORDER BY r.submitted_at, r.event_id",
            (user_id,),
        )
        invitations = await self.database.fetch_all(
            "SELECT i.event_id, e.name, i.kind, i.sent_at FROM feedback_invitations i "
            "JOIN events e ON e.id = i.event_id WHERE i.user_id = ? ORDER BY i.sent_at, i.event_id",
            (user_id,),
        )
        interest = await self.database.fetch_all(
            "SELECT i.event_id, e.name FROM event_interest i JOIN events e ON e.id = i.event_id "
            "WHERE i.user_id = ? ORDER BY e.starts_at, i.event_id",
            (user_id,),
        )
        optout = await self.database.fetch_one(
            "SELECT opted_at FROM feedback_optouts WHERE user_id = ?", (user_id,)
        )
        return {
            "feedback": [
                {
                    **event(row),
                    "rating": row["rating"],
                    "recommend": row["recommend"],
                    "most_useful": row["useful"],
                    "to_improve": row["improve"],
                    "topics_wanted": [t for t in str(row["topics"]).split(",") if t],
                    "submitted_at": iso_time(row["submitted_at"]),
                }
                for row in responses
            ],
            "messages_asking_feedback": [
                {**event(row), "kind": row["kind"], "sent_at": iso_time(row["sent_at"])}
                for row in invitations
            ],
            "interested_in": [event(row) for row in interest],
            "language": await self.language_of(user_id),
            "feedback_dm_optout": {"since": iso_time(optout["opted_at"])} if optout else None,
        }

    async def forget_member(self, connection: aiosqlite.Connection, user_id: int) -> int:
        """Delete the member's answers, the record of DMs sent to them, their interest and their
        language; the opt-out stays (see `keeps`)."""
        changed = 0
        for statement in (
            "DELETE FROM feedback_responses WHERE user_id = ?",
            "DELETE FROM feedback_invitations WHERE user_id = ?",
            "DELETE FROM event_interest WHERE user_id = ?",
            "DELETE FROM member_languages WHERE user_id = ?",
        ):
            cursor = await connection.execute(statement, (user_id,))
            changed += cursor.rowcount
        return changed

    def member_forgotten(self, user_id: int) -> None:
        self._languages.pop(user_id, None)
