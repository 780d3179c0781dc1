"""The events' SQL, and nowhere else: what Discord says of each event, and what Agora did about it
(members' answers are in `answers.py`).

Every step that must happen once (a reminder, the feedback call, a DM, the halfway reminder, closing
the window) is claimed in a write transaction before it is done: after a crash it is not done again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from agora.clock import epoch
from agora.database import Database
from agora.meetings import Meetings
from cogs.events.model import DEFAULT_LENGTH, EventSnapshot, TrackedEvent
from cogs.events.occurrence_store import keep_occurrence

_COLUMNS = ", ".join(TrackedEvent.__slots__)  # type: ignore[attr-defined]


def _event(row: Sequence[object]) -> TrackedEvent:
    values = dict(zip(TrackedEvent.__slots__, row, strict=True))  # type: ignore[attr-defined]
    values["created_by_agora"] = bool(values["created_by_agora"])
    return TrackedEvent(**values)  # type: ignore[arg-type]


class EventStore:
    def __init__(self, database: Database, meetings: Meetings | None = None) -> None:
        self.database = database
        # Other features' rows that follow an occurrence of a recurring event when it ends.
        self.meetings = meetings

    # ---- what Discord says ------------------------------------------------------------------------

    async def record(
        self,
        snapshot: EventSnapshot,
        now: datetime,
        *,
        channel_id: int | None,
        language: str,
        reminder_offsets: Sequence[int],
        created_by_agora: bool = False,
    ) -> TrackedEvent:
        """Insert or update an event. Reminders already past when it is first seen are skipped; when its
        start moves, reminders that fall in the future again are re-armed."""
        at = epoch(now)
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "SELECT starts_at, status, call_at, ends_at, location FROM events WHERE id = ?",
                (snapshot.id,),
            )
            known = await cursor.fetchone()
            if known is None:
                await db.execute(
                    "INSERT INTO events (id, guild_id, name, description, location, channel_id, starts_at, "
                    "ends_at, status, completed_at, language, created_by_agora, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        snapshot.id,
                        snapshot.guild_id,
                        snapshot.name,
                        snapshot.description,
                        snapshot.location,
                        channel_id,
                        snapshot.starts_at,
                        snapshot.ends_at,
                        snapshot.status,
                        at if snapshot.status == "completed" else None,
                        language,
                        int(created_by_agora),
                        at,
                    ),
                )
                await db.executemany(
                    "INSERT INTO event_reminders (event_id, offset_seconds, handled_at, outcome) "
                    "VALUES (?, ?, ?, 'skipped')",
                    [(snapshot.id, o, at) for o in reminder_offsets if snapshot.starts_at - o <= at],
                )
            else:
                previous_start, previous_status, call_at, previous_end, previous_location = known
                next_occurrence = (previous_status, snapshot.status) == ("active", "scheduled")
                if next_occurrence and call_at is None:
                    # A recurring event moved on to its next occurrence: the one that just ended keeps
                    # its own row, completed, with its places and attendance (occurrence_store.py), so
                    # its feedback is asked like any other event's and the next one starts afresh.
                    followers = self.meetings.followers if self.meetings is not None else ()
                    await keep_occurrence(db, snapshot.id, at, followers)
                # Once deleted it stays so; a late update must not bring it back.
                status = "deleted" if previous_status == "deleted" else snapshot.status
                await db.execute(
                    "UPDATE events SET name = ?, description = ?, location = ?, starts_at = ?, ends_at = ?, "
                    "status = ?, completed_at = CASE WHEN ? = 'completed' AND completed_at IS NULL THEN ? "
                    "ELSE completed_at END, updated_at = ? WHERE id = ?",
                    (
                        snapshot.name,
                        snapshot.description,
                        snapshot.location,
                        snapshot.starts_at,
                        snapshot.ends_at,
                        status,
                        status,
                        at,
                        at,
                        snapshot.id,
                    ),
                )
                if created_by_agora:  # Discord's own event may have been recorded first, without the channel
                    await db.execute(
                        "UPDATE events SET channel_id = ?, created_by_agora = 1 WHERE id = ?",
                        (channel_id, snapshot.id),
                    )
                if snapshot.starts_at != previous_start:
                    await db.execute(
                        "DELETE FROM event_reminders WHERE event_id = ? AND ? - offset_seconds > ?",
                        (snapshot.id, snapshot.starts_at, at),
                    )
                if (snapshot.starts_at, snapshot.ends_at, snapshot.location) != (
                    previous_start,
                    previous_end,
                    previous_location,
                ):
                    # Calendars replace the copy they hold only for a higher SEQUENCE. The time of the
                    # move tells who held the old version (members told by DM); a recurring event moving
                    # on to its next occurrence is a new version of its file, not a move to tell of.
                    await db.execute(
                        "UPDATE events SET calendar_sequence = calendar_sequence + 1, calendar_moved_at = "
                        "CASE WHEN ? THEN calendar_moved_at ELSE ? END WHERE id = ?",
                        (next_occurrence, at, snapshot.id),
                    )
        found = await self.get(snapshot.id)
        if found is None:
            raise LookupError(f"event {snapshot.id} vanished while being recorded")
        return found

    async def mark_deleted(self, event_id: int, now: datetime) -> None:
        """Discord deleted the event. Its client's "Cancel event" is a delete, so one that had not
        started is called off; one running when deleted had taken place, and its feedback is asked."""
        await self._end([event_id], now, ended_by=None)

    async def mark_missing(
        self, guild_id: int, present: Callable[[], Collection[int]], now: datetime
    ) -> None:
        """At startup: events Discord no longer lists went while the bot was away. Discord drops ended
        events from its list, so one that was running or whose end has passed took place; the others
        were called off. `present()` is Discord's list, asked once the stored events are read: an event
        created meanwhile is listed by then (discord.py caches it before its creation is handled), so it
        is never taken for one that went."""
        rows = await self.database.fetch_all(
            "SELECT id FROM events WHERE guild_id = ? AND status IN ('scheduled', 'active')", (guild_id,)
        )
        listed = present()
        missing = [int(row[0]) for row in rows if int(row[0]) not in listed]
        await self._end(missing, now, ended_by=epoch(now))

    async def _end(self, event_ids: Sequence[int], now: datetime, *, ended_by: int | None) -> None:
        """Running events, and with `ended_by` those whose end came by then, are completed; the rest
        are deleted."""
        took_place = "(status = 'active' OR COALESCE(ends_at, starts_at + ?) <= ?)"
        at, ended = epoch(now), ended_by if ended_by is not None else -1
        async with self.database.transaction() as db:
            await db.executemany(
                f"UPDATE events SET status = CASE WHEN {took_place} THEN 'completed' ELSE 'deleted' END, "  # noqa: S608 — a fixed condition, values bound
                f"completed_at = CASE WHEN {took_place} THEN COALESCE(completed_at, ?) END, updated_at = ? "
                "WHERE id = ? AND status IN ('scheduled', 'active')",
                [(DEFAULT_LENGTH, ended, DEFAULT_LENGTH, ended, at, at, i) for i in event_ids],
            )

    async def get(self, event_id: int) -> TrackedEvent | None:
        row = await self.database.fetch_one(f"SELECT {_COLUMNS} FROM events WHERE id = ?", (event_id,))  # noqa: S608 — column names and placeholders, no values
        return _event(row) if row else None

    async def in_guild(self, guild_id: int, *, since: int, limit: int = 100) -> list[TrackedEvent]:
        """Events starting from `since` on, soonest first."""
        rows = await self.database.fetch_all(
            f"SELECT {_COLUMNS} FROM events WHERE guild_id = ? AND starts_at >= ? AND status != 'deleted' "  # noqa: S608 — column names and placeholders, no values
            "ORDER BY starts_at LIMIT ?",
            (guild_id, since, limit),
        )
        return [_event(r) for r in rows]

    async def recent_first(self, guild_id: int, limit: int = 100) -> list[TrackedEvent]:
        rows = await self.database.fetch_all(
            f"SELECT {_COLUMNS} FROM events WHERE guild_id = ? AND status != 'deleted' "  # noqa: S608 — column names and placeholders, no values
            "ORDER BY starts_at DESC LIMIT ?",
            (guild_id, limit),
        )
        return [_event(r) for r in rows]

    async def set_announcement(self, event_id: int, message_id: int) -> None:
        async with self.database.transaction() as db:
            await db.execute(
                "UPDATE events SET announcement_message_id = ? WHERE id = ?", (message_id, event_id)
            )

    async def forget_event(self, event_id: int) -> None:
        async with self.database.transaction() as db:
            await db.execute("DELETE FROM events WHERE id = ?", (event_id,))

    # ---- reminders --------------------------------------------------------------------------------

    async def claim_reminders(self, now: datetime, offsets: Sequence[int]) -> list[tuple[TrackedEvent, int]]:
        """Reminders due before events that have not started. When several are due at once (the bot
        was down), only the one nearest the start is sent; the others are skipped."""
        if not offsets:
            return []
        at = epoch(now)
        claimed: list[tuple[TrackedEvent, int]] = []
        async with self.database.transaction() as db:
            cursor = await db.execute(
                f"SELECT {_COLUMNS} FROM events WHERE status = 'scheduled' AND call_at IS NULL "  # noqa: S608 — column names and placeholders, no values
                "AND starts_at > ? AND starts_at - ? <= ?",
                (at, max(offsets), at),
            )
            for event in [_event(r) for r in await cursor.fetchall()]:
                cursor = await db.execute(
                    "SELECT offset_seconds FROM event_reminders WHERE event_id = ?", (event.id,)
                )
                handled = {int(r[0]) for r in await cursor.fetchall()}
                # Never one farther from the start than one already handled (offsets added since).
                nearest = min(handled, default=max(offsets) + 1)
                due = sorted(o for o in offsets if event.starts_at - o <= at and o < nearest)
                if not due:
                    continue
                await db.executemany(
                    "INSERT INTO event_reminders (event_id, offset_seconds, handled_at, outcome) "
                    "VALUES (?, ?, ?, ?)",
                    [(event.id, o, at, "sent" if o == due[0] else "skipped") for o in due],
                )
                claimed.append((event, due[0]))
        return claimed

    async def reminders_sent(self, event_id: int) -> list[int]:
        rows = await self.database.fetch_all(
            "SELECT offset_seconds FROM event_reminders WHERE event_id = ? AND outcome = 'sent' "
            "ORDER BY offset_seconds DESC",
            (event_id,),
        )
        return [int(r[0]) for r in rows]

    # ---- the feedback call and its window ---------------------------------------------------------

    async def claim_calls(self, now: datetime, *, delay: int, window: int) -> list[TrackedEvent]:
        """Events that are over (Discord said so, or their end plus `delay` has passed): the call is
        claimed, and the window opens now."""
        at = epoch(now)
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "SELECT id FROM events WHERE call_at IS NULL "
                "AND status IN ('scheduled', 'active', 'completed') "
                "AND (status = 'completed' OR COALESCE(ends_at, starts_at + ?) + ? <= ?)",
                (DEFAULT_LENGTH, delay, at),
            )
            ids = [int(r[0]) for r in await cursor.fetchall()]
            await db.executemany(
                "UPDATE events SET call_at = ?, closes_at = ?, call_channel_id = channel_id WHERE id = ?",
                [(at, at + window, event_id) for event_id in ids],
            )
        return [e for e in [await self.get(i) for i in ids] if e is not None]

    async def calls_to_post(self) -> list[TrackedEvent]:
        rows = await self.database.fetch_all(
            f"SELECT {_COLUMNS} FROM events WHERE call_at IS NOT NULL AND closed_at IS NULL "  # noqa: S608 — column names and placeholders, no values
            "AND call_channel_id IS NOT NULL AND call_message_id IS NULL"
        )
        return [_event(r) for r in rows]

    async def set_call_message(self, event_id: int, message_id: int | None) -> None:
        """The call's post; None when it cannot be posted (the channel is gone): DMs only."""
        async with self.database.transaction() as db:
            if message_id is None:
                await db.execute("UPDATE events SET call_channel_id = NULL WHERE id = ?", (event_id,))
            else:
                await db.execute("UPDATE events SET call_message_id = ? WHERE id = ?", (message_id, event_id))

    async def set_interested(self, event_id: int, user_ids: Collection[int]) -> None:
        """The members Discord lists as interested now. Before the call they replace the copy kept;
        from the call on they are added to it, since Discord may serve an ended event's list partly."""
        async with self.database.transaction() as db:
            await db.execute(
                "DELETE FROM event_interest WHERE event_id = ? "
                "AND (SELECT call_at FROM events WHERE id = ?) IS NULL",
                (event_id, event_id),
            )
            await db.executemany(
                "INSERT OR IGNORE INTO event_interest (event_id, user_id) VALUES (?, ?)",
                [(event_id, user_id) for user_id in set(user_ids)],
            )
            await db.execute(
                "UPDATE events SET interested = (SELECT COUNT(*) FROM event_interest WHERE event_id = ?) "
                "WHERE id = ?",
                (event_id, event_id),
            )

    async def interested_members(self, event_id: int) -> list[int]:
        rows = await self.database.fetch_all(
            "SELECT user_id FROM event_interest WHERE event_id = ? ORDER BY user_id", (event_id,)
        )
        return [int(r[0]) for r in rows]

    async def invitations_due(self, now: datetime) -> list[tuple[TrackedEvent, str]]:
        """Open calls whose DMs are not all sent: the call's, then the halfway reminder's. Resumed
        after a restart; `claim_invitations` keeps anyone from getting one twice."""
        at = epoch(now)
        rows = await self.database.fetch_all(
            f"SELECT {_COLUMNS}, CASE WHEN call_dms_at IS NULL THEN 'call' ELSE 'reminder' END FROM events "  # noqa: S608 — column names and placeholders, no values
            "WHERE call_at IS NOT NULL AND closed_at IS NULL AND closes_at > ? AND (call_dms_at IS NULL "
            "OR (reminder_dms_at IS NULL AND call_at + (closes_at - call_at) / 2 <= ?))",
            (at, at),
        )
        return [(_event(tuple(r)[:-1]), str(r[-1])) for r in rows]

    async def set_invitations_sent(self, event_id: int, kind: str, now: datetime) -> None:
        column = "call_dms_at" if kind == "call" else "reminder_dms_at"
        async with self.database.transaction() as db:
            await db.execute(f"UPDATE events SET {column} = ? WHERE id = ?", (epoch(now), event_id))  # noqa: S608

    async def claim_closing(self, now: datetime) -> list[TrackedEvent]:
        at = epoch(now)
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "SELECT id FROM events WHERE call_at IS NOT NULL AND closed_at IS NULL AND closes_at <= ?",
                (at,),
            )
            ids = [int(r[0]) for r in await cursor.fetchall()]
            await db.executemany("UPDATE events SET closed_at = ? WHERE id = ?", [(at, i) for i in ids])
        return [e for e in [await self.get(i) for i in ids] if e is not None]

    async def reports_due(self) -> list[TrackedEvent]:
        rows = await self.database.fetch_all(
            f"SELECT {_COLUMNS} FROM events WHERE closed_at IS NOT NULL AND report_done_at IS NULL"  # noqa: S608 — column names, no values
        )
        return [_event(r) for r in rows]

    async def set_report_done(self, event_id: int, message_id: int | None, now: datetime) -> None:
        """The report was posted (`message_id`), or cannot be: it is not tried again."""
        async with self.database.transaction() as db:
            await db.execute(
                "UPDATE events SET report_message_id = ?, report_done_at = ? WHERE id = ?",
                (message_id, epoch(now), event_id),
            )
