"""Check-in and attendance at events, and nowhere else their SQL: the check-in code, who checked in or
attended in the voice channel, time spent there, wrong codes and the lockout they lead to, and each
event's check-in message.

Every decision that must hold whatever the concurrency (one check-in per member, five wrong codes and
no more, a message posted once) is taken inside one write transaction, with the window read by the
same rules as the desk (attendance/rules.py). A member's rows are exported and forgotten by
`RegistrationStore` (registration/data_store.py), which declares these tables.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cogs.events.attendance.rules import (
    LOCKOUT_FAILURES,
    LOCKOUT_SECONDS,
    LOCKOUT_WINDOW,
    EventTimes,
    well_formed,
)
from cogs.events.model import DEFAULT_LENGTH

if TYPE_CHECKING:
    import aiosqlite

    from agora.database import Database

_TIMES = "starts_at, ends_at, status, completed_at, updated_at, started_at"
# Events whose check-in window or voice channel may matter now: not called off, not long gone.
_LIVE = "status IN ('scheduled', 'active')"


@dataclass(frozen=True, slots=True)
class Attendance:
    event_id: int
    user_id: int
    how: str  # 'checkin' or 'voice'
    at: int


@dataclass(frozen=True, slots=True)
class CheckIn:
    """What a click or a form came to. `outcome`: 'checked_in'; or a refusal: 'before' (`until`: when
    it opens), 'closed', 'already' (`how`), 'blocked' (`until`: the block ends then), 'code_required'
    (no code was typed), 'malformed', 'wrong' (counted towards the lockout); 'unknown': no such event."""

    outcome: str
    until: int | None = None
    how: str | None = None


@dataclass(frozen=True, slots=True)
class CheckinMessage:
    event_id: int
    channel_id: int | None
    message_id: int | None
    closed_at: int | None


def _times(row: sqlite3.Row) -> EventTimes:
    return EventTimes(**{key: row[key] for key in EventTimes.__slots__})  # type: ignore[attr-defined]


async def _rows(db: aiosqlite.Connection, sql: str, parameters: Sequence[Any] = ()) -> list[sqlite3.Row]:
    return list(await db.execute_fetchall(sql, parameters))


class AttendanceStore:
    def __init__(self, database: Database, *, opens: int, attended_after: int) -> None:
        """`opens`: seconds before the start that check-in opens (and presence in voice is followed);
        `attended_after`: seconds in the voice channel that count as attended."""
        self.database = database
        self.opens = opens
        self.attended_after = attended_after

    async def times(self, event_id: int) -> EventTimes | None:
        row = await self.database.fetch_one(f"SELECT {_TIMES} FROM events WHERE id = ?", (event_id,))  # noqa: S608 — column names only
        return _times(row) if row else None

    # ---- the code ---------------------------------------------------------------------------------

    async def code(self, event_id: int) -> str | None:
        row = await self.database.fetch_one(
            "SELECT checkin_code FROM event_registration WHERE event_id = ?", (event_id,)
        )
        return row[0] if row else None

    async def set_code(self, event_id: int, code: str | None, now: int) -> str | None:
        """Sets (or with None removes) the event's code; returns the one it replaces."""
        async with self.database.transaction() as db:
            found = await _rows(
                db, "SELECT checkin_code FROM event_registration WHERE event_id = ?", (event_id,)
            )
            await db.execute(
                "INSERT INTO event_registration (event_id, checkin_code, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (event_id) DO UPDATE SET checkin_code = excluded.checkin_code, "
                "updated_at = excluded.updated_at",
                (event_id, code, now),
            )
        return found[0][0] if found else None

    # ---- checking in ------------------------------------------------------------------------------

    async def attendance(self, event_id: int, user_id: int) -> Attendance | None:
        row = await self.database.fetch_one(
            "SELECT event_id, user_id, how, at FROM event_attendance WHERE event_id = ? AND user_id = ?",
            (event_id, user_id),
        )
        return Attendance(*row) if row else None

    async def attendees(self, event_id: int) -> list[Attendance]:
        rows = await self.database.fetch_all(
            "SELECT event_id, user_id, how, at FROM event_attendance WHERE event_id = ? ORDER BY at, user_id",
            (event_id,),
        )
        return [Attendance(*row) for row in rows]

    async def blocked_until(self, event_id: int, user_id: int, now: int) -> int | None:
        return await self._blocked_until(self.database.reader, event_id, user_id, now)

    async def check_in(self, event_id: int, user_id: int, *, typed: str | None, now: int) -> CheckIn:
        """Checks the member in, or says why not. `typed`: the code from the form (None: a click)."""
        async with self.database.transaction() as db:
            found = await _rows(db, f"SELECT {_TIMES} FROM events WHERE id = ?", (event_id,))  # noqa: S608 — column names only
            if not found:
                return CheckIn("unknown")
            times = _times(found[0])
            state = times.checkin_state(now, self.opens)
            if state != "open":
                return CheckIn(state, until=times.checkin_opens(self.opens) if state == "before" else None)
            known = await _rows(
                db, "SELECT how FROM event_attendance WHERE event_id = ? AND user_id = ?", (event_id, user_id)
            )
            if known:
                return CheckIn("already", how=known[0][0])
            until = await self._blocked_until(db, event_id, user_id, now)
            if until is not None:
                return CheckIn("blocked", until=until)
            code = await _rows(
                db, "SELECT checkin_code FROM event_registration WHERE event_id = ?", (event_id,)
            )
            expected = code[0][0] if code else None
            if expected is not None:  # a code removed while the form was open lets the member in
                if typed is None:
                    return CheckIn("code_required")
                if not well_formed(typed):
                    return CheckIn("malformed")
                if not secrets.compare_digest(typed.strip(), expected):
                    await db.execute(
                        "INSERT INTO event_checkin_failures (event_id, user_id, at) VALUES (?, ?, ?)",
                        (event_id, user_id, now),
                    )
                    until = await self._blocked_until(db, event_id, user_id, now)
                    return CheckIn("wrong") if until is None else CheckIn("blocked", until=until)
            await db.execute(
                "INSERT INTO event_attendance (event_id, user_id, how, at) VALUES (?, ?, 'checkin', ?)",
                (event_id, user_id, now),
            )
            return CheckIn("checked_in")

    @staticmethod
    async def _blocked_until(db: aiosqlite.Connection, event_id: int, user_id: int, now: int) -> int | None:
        """The end of the member's block: ten minutes after a wrong code that made five within ten
        minutes. While blocked nothing is counted, so a block is never extended by trying again."""
        found = await _rows(
            db,
            "SELECT MAX(f.at) FROM event_checkin_failures f WHERE f.event_id = ? AND f.user_id = ? "
            "AND f.at > ? AND (SELECT COUNT(*) FROM event_checkin_failures g WHERE g.event_id = f.event_id "
            "AND g.user_id = f.user_id AND g.at > f.at - ? AND g.at <= f.at) >= ?",
            (event_id, user_id, now - LOCKOUT_SECONDS, LOCKOUT_WINDOW, LOCKOUT_FAILURES),
        )
        last = found[0][0] if found else None
        return int(last) + LOCKOUT_SECONDS if last is not None else None

    # ---- the check-in message ---------------------------------------------------------------------

    async def claim_openings(self, now: int) -> list[int]:
        """Events whose check-in window is open and whose message was never claimed: claimed now, in
        the event's channel (none without one). Returns their ids."""
        claimed = []
        async with self.database.transaction() as db:
            candidates = await _rows(
                db,
                f"SELECT id, channel_id, {_TIMES} FROM events e WHERE {_LIVE} AND channel_id IS NOT NULL "  # noqa: S608 — fixed clauses, values bound
                "AND (status = 'active' OR starts_at - ? <= ?) "
                "AND NOT EXISTS (SELECT 1 FROM event_checkin c WHERE c.event_id = e.id)",
                (self.opens, now),
            )
            for row in candidates:
                if _times(row).checkin_state(now, self.opens) != "open":
                    continue
                await db.execute(
                    "INSERT INTO event_checkin (event_id, channel_id, opened_at) VALUES (?, ?, ?)",
                    (row["id"], row["channel_id"], now),
                )
                claimed.append(int(row["id"]))
        return claimed

    async def to_post(self) -> list[CheckinMessage]:
        """Claimed and still open, not posted yet (just claimed, or a crash came between)."""
        rows = await self.database.fetch_all(
            "SELECT event_id, channel_id, message_id, closed_at FROM event_checkin "
            "WHERE message_id IS NULL AND channel_id IS NOT NULL AND closed_at IS NULL ORDER BY event_id"
        )
        return [CheckinMessage(*row) for row in rows]

    async def set_message(self, event_id: int, message_id: int | None) -> None:
        """The message posted; None: it cannot be (the channel is gone or refused), not tried again."""
        async with self.database.transaction() as db:
            if message_id is None:
                await db.execute("UPDATE event_checkin SET channel_id = NULL WHERE event_id = ?", (event_id,))
            else:
                await db.execute(
                    "UPDATE event_checkin SET message_id = ? WHERE event_id = ?", (message_id, event_id)
                )

    async def claim_closings(self, now: int) -> list[CheckinMessage]:
        """Open check-in messages whose window closed: claimed closed now (shown closed once)."""
        closing = []
        async with self.database.transaction() as db:
            rows = await _rows(
                db,
                f"SELECT c.event_id, c.channel_id, c.message_id, {_TIMES} FROM event_checkin c "  # noqa: S608 — column names only
                "JOIN events e ON e.id = c.event_id WHERE c.closed_at IS NULL",
            )
            for row in rows:
                if _times(row).checkin_state(now, self.opens) != "closed":
                    continue
                await db.execute("UPDATE event_checkin SET closed_at = ? WHERE event_id = ?", (now, row[0]))
                closing.append(CheckinMessage(row[0], row[1], row[2], now))
        return closing

    async def checkin_message(self, event_id: int) -> CheckinMessage | None:
        row = await self.database.fetch_one(
            "SELECT event_id, channel_id, message_id, closed_at FROM event_checkin WHERE event_id = ?",
            (event_id,),
        )
        return CheckinMessage(*row) if row else None

    # ---- time in the voice channel ----------------------------------------------------------------

    async def set_voice_channel(self, event_id: int, channel_id: int | None) -> None:
        """Where the event is held, as Discord says (None: not in a voice or stage channel)."""
        async with self.database.transaction() as db:
            await db.execute(
                "UPDATE events SET voice_channel_id = ? WHERE id = ? AND voice_channel_id IS NOT ?",
                (channel_id, event_id, channel_id),
            )

    async def voice_channels(self, now: int) -> dict[int, list[int]]:
        """Voice channels followed now (event ids by channel): events soon to start or running, and
        those with presences still open (ended or called off: closed at the next pass). Marks events
        Discord says are running as started, if not seen before."""
        async with self.database.transaction() as db:
            await db.execute(
                "UPDATE events SET started_at = ? WHERE status = 'active' AND started_at IS NULL", (now,)
            )
            rows = await _rows(
                db,
                f"SELECT id, voice_channel_id, {_TIMES} FROM events e WHERE voice_channel_id IS NOT NULL "  # noqa: S608 — fixed clauses, values bound
                f"AND (({_LIVE} AND starts_at - ? <= ? AND COALESCE(ends_at, starts_at + ?) > ?) OR EXISTS "
                "(SELECT 1 FROM event_voice_presence p WHERE p.event_id = e.id AND p.since IS NOT NULL))",
                (self.opens, now, DEFAULT_LENGTH, now),
            )
        followed: dict[int, list[int]] = {}
        for row in rows:
            followed.setdefault(int(row["voice_channel_id"]), []).append(int(row["id"]))
        return followed

    def _follows(self, times: EventTimes, now: int) -> bool:
        return times.status in ("scheduled", "active") and times.checkin_state(now, self.opens) == "open"

    async def joined(self, channel_id: int, user_ids: Collection[int], now: int) -> None:
        """Members who came into the channel: their time counts from now while the event runs."""
        async with self.database.transaction() as db:
            for event_id, times in await self._events_in(db, channel_id):
                if not self._follows(times, now):
                    continue
                await db.executemany(
                    "INSERT INTO event_voice_presence (event_id, user_id, since) VALUES (?, ?, ?) "
                    "ON CONFLICT (event_id, user_id) DO UPDATE SET since = COALESCE(since, excluded.since)",
                    [(event_id, user_id, now) for user_id in user_ids],
                )

    async def left(self, channel_id: int, user_id: int, now: int) -> list[int]:
        """A member left the channel: their time there is added up. Returns the events they now
        attended (enough time in the channel)."""
        async with self.database.transaction() as db:
            attended = []
            for event_id, times in await self._events_in(db, channel_id):
                if await self._add_up(db, event_id, times, [user_id], until=now, now=now, close=True):
                    attended.append(event_id)
            return attended

    async def settle(
        self, event_id: int, present: Callable[[], Collection[int]], now: int, *, watched_since: int
    ) -> int:
        """The pass's view of one followed event, against the members in its channel (`present()`, read
        inside the transaction: a join or leave being recorded is seen both there and here, or in
        neither). The time of members still there is added up to now; members there without an open
        presence (there when Agora started, or before the window opened) are followed from now. An
        open presence of a member no longer there is closed now when Agora was watching since it was
        last counted (their leave is being recorded, or was missed), else where it was last counted
        (they left while Agora was away, before `watched_since`). Once the event is over, every
        presence is closed. Returns how many members this made attend."""
        async with self.database.transaction() as db:
            found = await _rows(db, f"SELECT {_TIMES} FROM events WHERE id = ?", (event_id,))  # noqa: S608 — column names only
            if not found:
                return 0
            times = _times(found[0])
            # Presences opened after `now` (a join recorded while this pass ran) are the next pass's.
            open_rows = await _rows(
                db,
                "SELECT user_id, since FROM event_voice_presence WHERE event_id = ? AND since <= ?",
                (event_id, now),
            )
            following = {int(r["user_id"]): int(r["since"]) for r in open_rows}
            members = set(present())
            live = self._follows(times, now)
            attended = 0
            for user_id, since in following.items():
                if live and user_id in members:
                    continue
                until = now if user_id in members or since >= watched_since else since
                attended += await self._add_up(
                    db, event_id, times, [user_id], until=until, now=now, close=True
                )
            if live:
                staying = [u for u in following if u in members]
                attended += await self._add_up(db, event_id, times, staying, until=now, now=now, close=False)
                await db.executemany(
                    "INSERT INTO event_voice_presence (event_id, user_id, since) VALUES (?, ?, ?) "
                    "ON CONFLICT (event_id, user_id) DO UPDATE SET since = COALESCE(since, excluded.since)",
                    [(event_id, user_id, now) for user_id in members if user_id not in following],
                )
            return attended

    async def presence(self, event_id: int, user_id: int) -> tuple[int, int | None] | None:
        """(seconds counted, open since) of a member's time in the event's channel."""
        row = await self.database.fetch_one(
            "SELECT seconds, since FROM event_voice_presence WHERE event_id = ? AND user_id = ?",
            (event_id, user_id),
        )
        return (int(row[0]), row[1]) if row else None

    @staticmethod
    async def _events_in(db: aiosqlite.Connection, channel_id: int) -> list[tuple[int, EventTimes]]:
        rows = await _rows(
            db,
            f"SELECT id, {_TIMES} FROM events WHERE voice_channel_id = ? AND status != 'deleted'",  # noqa: S608 — column names only
            (channel_id,),
        )
        return [(int(row["id"]), _times(row)) for row in rows]

    async def _add_up(
        self,
        db: aiosqlite.Connection,
        event_id: int,
        times: EventTimes,
        user_ids: Sequence[int],
        *,
        until: int,
        now: int,
        close: bool,
    ) -> int:
        """Adds each member's open presence up to `until` (within the event's run); closes it, or keeps
        it open from `until`. Members reaching the threshold are marked attended (a check-in stays)."""
        attended = 0
        for user_id in user_ids:
            found = await _rows(
                db,
                "SELECT seconds, since FROM event_voice_presence WHERE event_id = ? AND user_id = ? "
                "AND since IS NOT NULL",
                (event_id, user_id),
            )
            if not found:
                continue
            seconds = int(found[0]["seconds"]) + times.counted(int(found[0]["since"]), until)
            await db.execute(
                "UPDATE event_voice_presence SET seconds = ?, since = ? WHERE event_id = ? AND user_id = ?",
                (seconds, None if close else until, event_id, user_id),
            )
            if seconds >= self.attended_after:
                cursor = await db.execute(
                    "INSERT INTO event_attendance (event_id, user_id, how, at) VALUES (?, ?, 'voice', ?) "
                    "ON CONFLICT (event_id, user_id) DO NOTHING",
                    (event_id, user_id, min(now, times.ends)),
                )
                attended += cursor.rowcount
        return attended
