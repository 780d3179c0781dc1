"""The review before a speaker hears what the room said, and nowhere else its SQL.

One row per session of an event whose feedback window closed and whose report is done. Each step is
claimed in a write transaction before it is done, so a restart neither repeats nor loses it:

- the review's post: the row is claimed (`claimed_at`) before the message is posted, and the message
  recorded after. A claimed row without a message is posted at the next pass, after looking for it in
  the channel (a post Discord accepted just before a crash is found, not posted twice). A channel that
  refuses it for good marks the row `refused_at`: it is not tried again.
- the decision: the first organiser's click wins (`decision IS NULL` in the update's condition).
- the delivery: a decision 'send' is the delivery's claim; `delivered_at` records it done. One without
  `delivered_at` is finished at the next pass (the speaker's DMs are searched first, see the desk).

`decided_by` names a member: this store is their data (agora/privacy.py). Forgetting them unlinks the
decision from their name; the review stays with the server, its message redrawn without the name.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from agora.clock import epoch
from agora.privacy import Exported, iso_time, snowflake

if TYPE_CHECKING:
    import aiosqlite

    from agora.database import Database

SEND = "send"
WITHHOLD = "withhold"
DECISIONS = (SEND, WITHHOLD)
DELIVERIES = ("dm", "unreachable", "file")

_COLUMNS = (
    "session_id, event_id, claimed_at, channel_id, message_id, decision, decided_by, decided_at, "
    "delivered_at, delivery"
)


@dataclass(frozen=True, slots=True)
class SpeakerReview:
    session_id: int
    event_id: int
    claimed_at: int
    channel_id: int | None
    message_id: int | None  # the review message, once posted
    decision: str | None  # 'send', 'withhold', or None while undecided
    decided_by: int | None  # the organiser; None once forgotten
    decided_at: int | None
    delivered_at: int | None
    delivery: str | None  # 'dm', 'unreachable' (DMs closed) or 'file' (a guest's, given to the organiser)

    @property
    def posted(self) -> bool:
        return self.message_id is not None

    @property
    def to_deliver(self) -> bool:
        return self.decision == SEND and self.delivered_at is None


def _review(row: Sequence[object]) -> SpeakerReview:
    return SpeakerReview(*row)  # type: ignore[arg-type]


class SpeakerReviewStore:
    def __init__(self, database: Database) -> None:
        self.database = database
        # Told, once a member's forgetting is committed, which posted reviews showed them as the one
        # who decided (their messages are redrawn without the name).
        self.on_unlinked: Callable[[list[int]], None] | None = None
        self._unlinked: dict[int, list[int]] = {}  # member → sessions, from forget to its commit

    async def get(self, session_id: int) -> SpeakerReview | None:
        row = await self.database.fetch_one(
            f"SELECT {_COLUMNS} FROM speaker_reviews WHERE session_id = ?",  # noqa: S608 — column names only
            (session_id,),
        )
        return _review(row) if row else None

    async def sessions_due(self) -> dict[int, list[int]]:
        """Sessions without a review yet, of events whose window closed and whose report is done
        (posted or given up): {event id: [session ids by start time]}."""
        rows = await self.database.fetch_all(
            "SELECT s.event_id, s.id FROM event_sessions s JOIN events e ON e.id = s.event_id "
            "WHERE e.closed_at IS NOT NULL AND e.report_done_at IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM speaker_reviews r WHERE r.session_id = s.id) "
            "ORDER BY s.event_id, s.starts_at, s.id"
        )
        due: dict[int, list[int]] = {}
        for event_id, session_id in rows:
            due.setdefault(int(event_id), []).append(int(session_id))
        return due

    async def claim(self, event_id: int, session_ids: Collection[int], now: datetime) -> list[int]:
        """Claim the reviews' posts; returns the sessions claimed now (not those claimed before)."""
        claimed = []
        async with self.database.transaction() as db:
            for session_id in session_ids:
                cursor = await db.execute(
                    "INSERT OR IGNORE INTO speaker_reviews (session_id, event_id, claimed_at) "
                    "SELECT id, event_id, ? FROM event_sessions WHERE id = ? AND event_id = ?",
                    (epoch(now), session_id, event_id),
                )
                if cursor.rowcount:
                    claimed.append(session_id)
        return claimed

    async def to_post(self) -> list[SpeakerReview]:
        """Claimed reviews not posted yet (nor refused for good), oldest claim first."""
        rows = await self.database.fetch_all(
            f"SELECT {_COLUMNS} FROM speaker_reviews WHERE message_id IS NULL AND refused_at IS NULL "  # noqa: S608 — column names only
            "ORDER BY claimed_at, event_id, session_id"
        )
        return [_review(row) for row in rows]

    async def set_posted(self, session_id: int, channel_id: int, message_id: int) -> None:
        """The review's message."""
        async with self.database.transaction() as db:
            await db.execute(
                "UPDATE speaker_reviews SET channel_id = ?, message_id = ? WHERE session_id = ?",
                (channel_id, message_id, session_id),
            )

    async def set_refused(self, session_id: int, channel_id: int, now: datetime) -> None:
        """The channel refused the review for good (a 403 or a 404): it is not tried again."""
        async with self.database.transaction() as db:
            await db.execute(
                "UPDATE speaker_reviews SET channel_id = ?, refused_at = ? WHERE session_id = ?",
                (channel_id, epoch(now), session_id),
            )

    async def decide(
        self, session_id: int, decision: str, by: int, now: datetime
    ) -> tuple[bool, SpeakerReview | None]:
        """Record the decision unless one was made already: (whether this one won, the review after)."""
        if decision not in DECISIONS:
            raise ValueError(f"a decision is one of {DECISIONS}, not {decision!r}")
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "UPDATE speaker_reviews SET decision = ?, decided_by = ?, decided_at = ? "
                "WHERE session_id = ? AND decision IS NULL AND message_id IS NOT NULL",
                (decision, by, epoch(now), session_id),
            )
            won = cursor.rowcount == 1
        return won, await self.get(session_id)

    async def to_deliver(self) -> list[SpeakerReview]:
        """Decisions 'send' not delivered yet: finished at the next pass."""
        rows = await self.database.fetch_all(
            f"SELECT {_COLUMNS} FROM speaker_reviews WHERE decision = 'send' AND delivered_at IS NULL "  # noqa: S608 — column names only
            "ORDER BY decided_at, session_id"
        )
        return [_review(row) for row in rows]

    async def set_delivered(self, session_id: int, delivery: str, now: datetime) -> SpeakerReview | None:
        if delivery not in DELIVERIES:
            raise ValueError(f"a delivery is one of {DELIVERIES}, not {delivery!r}")
        async with self.database.transaction() as db:
            await db.execute(
                "UPDATE speaker_reviews SET delivered_at = ?, delivery = ? "
                "WHERE session_id = ? AND decision = 'send' AND delivered_at IS NULL",
                (epoch(now), delivery, session_id),
            )
        return await self.get(session_id)

    # ---- a member's data (agora/privacy.py) --------------------------------------------------------

    section = "speaker_reviews"
    member_columns: Mapping[str, tuple[str, ...]] = {"speaker_reviews": ("decided_by",)}
    keeps: str | None = None

    async def export_member(self, user_id: int) -> Exported:
        """The reviews the member decided, as an organiser: which session, whether it was sent, when."""
        rows = await self.database.fetch_all(
            "SELECT r.session_id, s.title, r.event_id, e.name, r.decision, r.decided_at "
            "FROM speaker_reviews r JOIN event_sessions s ON s.id = r.session_id "
            "JOIN events e ON e.id = r.event_id WHERE r.decided_by = ? ORDER BY r.decided_at, r.session_id",
            (user_id,),
        )
        return {
            "decided": [
                {
                    "session_id": snowflake(row["session_id"]),
                    "session": row["title"],
                    "event_id": snowflake(row["event_id"]),
                    "event": row["name"],
                    "decision": row["decision"],
                    "decided_at": iso_time(row["decided_at"]),
                }
                for row in rows
            ]
        }

    async def forget_member(self, connection: aiosqlite.Connection, user_id: int) -> int:
        """The decisions stay with the server (a speaker may have been sent their summary), without the
        member's name."""
        cursor = await connection.execute(
            "SELECT session_id FROM speaker_reviews WHERE decided_by = ? AND message_id IS NOT NULL "
            "ORDER BY session_id",
            (user_id,),
        )
        shown = [int(row[0]) for row in await cursor.fetchall()]
        cursor = await connection.execute(
            "UPDATE speaker_reviews SET decided_by = NULL WHERE decided_by = ?", (user_id,)
        )
        if shown:
            self._unlinked[user_id] = shown
        return cursor.rowcount

    def member_forgotten(self, user_id: int) -> None:
        sessions = self._unlinked.pop(user_id, [])
        if sessions and self.on_unlinked is not None:
            self.on_unlinked(sessions)
