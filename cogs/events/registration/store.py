"""Places at an event and their waitlist, and nowhere else their SQL.

Every change that can take or free a place runs in one write transaction (the database serialises
them) and reads what it decides on inside it, so there are never more members registered or holding an
offer than places, whatever the concurrency; Register clicks share theirs (registration/clicks_store.py).
A freed place goes to the first member waiting, as an offer held for `hold` seconds (never past the
start); the offer's DM is claimed before it is sent.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING

from agora.clock import Clock, SystemClock, epoch
from agora.privacy import Exported
from cogs.events.registration import data_store as member_data
from cogs.events.registration import waitlist_store as waitlist
from cogs.events.registration.clicks_store import Click, RegistrationClicks
from cogs.events.registration.model import (
    Change,
    Clicked,
    Counts,
    Offer,
    Place,
    RegistrationRefused,
    RegistrationSettings,
)

if TYPE_CHECKING:
    import aiosqlite

    from agora.database import Database

MAX_PLACES = 10_000
_COLUMNS = "event_id, user_id, status, queue, clicked_at, registered_at, offer_expires_at"
# An offer's DM is due unless a retry waits its turn (parameter: now), or its event was called off or
# is over (waitlist_store.ENDED, or registration closed).
_DM_DUE = (
    "(r.offer_dm_retry_at IS NULL OR r.offer_dm_retry_at <= ?) AND EXISTS (SELECT 1 FROM events e "
    "LEFT JOIN event_registration s ON s.event_id = e.id WHERE e.id = r.event_id "
    "AND e.status NOT IN ('completed', 'cancelled', 'deleted') AND s.closed_at IS NULL)"
)


def _place(row: sqlite3.Row, position: int | None = None) -> Place:
    return Place(
        event_id=int(row["event_id"]),
        user_id=int(row["user_id"]),
        status=str(row["status"]),
        position=position,
        clicked_at=int(row["clicked_at"]),
        offer_expires_at=row["offer_expires_at"],
    )


class RegistrationStore:
    """Registrations, attendance and member notices of events: the member data of the morning.

    Places are counted from `event_registration.places`; an event's start and status come from the
    `events` table (same feature). A place is offered only before the deadline (default: the start),
    and held until min(now + hold_seconds, start).
    """

    section = "registrations"
    member_columns: Mapping[str, tuple[str, ...]] = {
        "event_registrations": ("user_id",),
        "event_attendance": ("user_id",),
        "event_voice_presence": ("user_id",),
        "event_checkin_failures": ("user_id",),
        "event_member_notices": ("user_id",),
    }
    keeps: str | None = None

    def __init__(self, database: Database, *, hold_seconds: int, clock: Clock | None = None) -> None:
        self.database = database
        self.hold_seconds = hold_seconds
        self.clicks = RegistrationClicks(database)
        # Only forgetting a member reads it: the privacy registry passes no time, yet the place the
        # member leaves is offered to the next one, held from now.
        self.clock: Clock = clock or SystemClock()

    # ---- settings ---------------------------------------------------------------------------------

    async def settings(self, event_id: int) -> RegistrationSettings | None:
        row = await self.database.fetch_one(
            "SELECT event_id, places, deadline, checkin_code, channel_id, message_id, shown, closed_at "
            "FROM event_registration WHERE event_id = ?",
            (event_id,),
        )
        return RegistrationSettings(**dict(row)) if row else None

    async def configure(self, event_id: int, *, places: int | None, deadline: int | None, now: int) -> Change:
        """Set the places (None: no limit) and the deadline (None: the start). Refused below the places
        already taken (`events.places.error.below_taken`, taken=N). More places offer the freed ones to
        the first members waiting (while registration is open); `Change.place` is None."""
        if places is not None and not 1 <= places <= MAX_PLACES:
            raise ValueError(f"places must be between 1 and {MAX_PLACES}, not {places}")
        async with self.database.transaction() as db:
            if await waitlist.event_state(db, event_id) is None:
                raise LookupError(f"event {event_id} is not tracked")
            taken = (await self._counts(db, event_id, None)).taken
            if places is not None and places < taken:
                raise RegistrationRefused("events.places.error.below_taken", taken=taken)
            await db.execute(
                "INSERT INTO event_registration (event_id, places, deadline, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (event_id) DO UPDATE SET places = excluded.places, "
                "deadline = excluded.deadline, updated_at = excluded.updated_at",
                (event_id, places, deadline, now),
            )
            return Change(None, await self._offer_free(db, event_id, now))

    async def set_message(self, event_id: int, channel_id: int, message_id: int, now: int) -> None:
        async with self.database.transaction() as db:
            await db.execute(
                "INSERT INTO event_registration (event_id, channel_id, message_id, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET channel_id = excluded.channel_id, "
                "message_id = excluded.message_id, updated_at = excluded.updated_at",
                (event_id, channel_id, message_id, now),
            )

    async def set_shown(self, event_id: int, shown: str) -> None:
        """Remembers what the registration message shows; an event without a row has no message."""
        async with self.database.transaction() as db:
            await db.execute("UPDATE event_registration SET shown = ? WHERE event_id = ?", (shown, event_id))

    # ---- a member's place -------------------------------------------------------------------------

    async def register(self, event_id: int, user_id: int, *, now: int) -> Change:
        """Registered if a place is free and nobody waits, else waiting (with a position). Refused when
        closed (`events.register.error.closed`), or when the member has a row already
        (`events.register.error.already_registered`, `.already_offered`, `.already_waiting` position=N).
        Clicks arriving together are decided in click order and written in one transaction
        (registration/clicks_store.py); the outcome comes back once it is committed."""
        return (await self.clicks.register(Click(event_id, user_id, now, None))).change

    async def register_click(self, event_id: int, user_id: int, *, now: int, guild_id: int) -> Clicked:
        """`register` for a click on a server's button: an event of another server (or one not followed)
        is refused with `errors.stale_component`; with the event's name and start as read."""
        return await self.clicks.register(Click(event_id, user_id, now, guild_id))

    async def cancel(self, event_id: int, user_id: int, *, now: int) -> Change:
        """Deletes the member's row (registered, offered or waiting); a freed place is offered to the next.
        Refused without a row (`events.register.error.not_registered`)."""
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM event_registrations WHERE event_id = ? AND user_id = ? RETURNING status",
                (event_id, user_id),
            )
            deleted = await cursor.fetchone()
            await cursor.close()
            if deleted is None:
                raise RegistrationRefused("events.register.error.not_registered")
            if deleted["status"] == "waiting":
                return Change(None)
            return Change(None, await self._offer_free(db, event_id, now))

    async def confirm(self, event_id: int, user_id: int, *, now: int) -> Change:
        """An offer taken before it lapsed: registered. Refused otherwise (`events.offer.error.expired`);
        `events.register.error.closed` once the event is cancelled, deleted, over or started (a hold
        made before the event moved earlier may still run: the start ends it all the same)."""
        async with self.database.transaction() as db:
            event = await waitlist.event_state(db, event_id)
            if event is not None and (
                event.status in waitlist.ENDED or event.closed_at is not None or now >= event.starts_at
            ):
                raise RegistrationRefused("events.register.error.closed")
            cursor = await db.execute(
                "UPDATE event_registrations SET status = 'registered', registered_at = ?, "  # noqa: S608 — column names only
                "offer_expires_at = NULL WHERE event_id = ? AND user_id = ? AND status = 'offered' "
                f"AND offer_expires_at > ? RETURNING {_COLUMNS}",
                (now, event_id, user_id, now),
            )
            row = await cursor.fetchone()
            await cursor.close()
            if row is None:
                raise RegistrationRefused("events.offer.error.expired")
            return Change(_place(row))

    async def decline(self, event_id: int, user_id: int, *, now: int) -> Change:
        """An offer declined: the row goes, and the place is offered to the next member waiting.
        Refused without an offer (`events.offer.error.expired`)."""
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "DELETE FROM event_registrations WHERE event_id = ? AND user_id = ? AND status = 'offered' "
                "RETURNING status",
                (event_id, user_id),
            )
            deleted = await cursor.fetchone()
            await cursor.close()
            if deleted is None:
                raise RegistrationRefused("events.offer.error.expired")
            return Change(None, await self._offer_free(db, event_id, now))

    async def expire_offers(self, now: int) -> list[tuple[Place, tuple[Offer, ...]]]:
        """Offers whose hold ended: deleted, each place offered to the next (while open)."""
        expired: list[tuple[Place, tuple[Offer, ...]]] = []
        async with self.database.transaction() as db:
            lapsed = await waitlist.rows(
                db,
                f"SELECT {_COLUMNS} FROM event_registrations WHERE status = 'offered' "  # noqa: S608 — column names only
                "AND offer_expires_at <= ? ORDER BY offer_expires_at, event_id, queue",
                (now,),
            )
            for row in lapsed:
                await db.execute(
                    "DELETE FROM event_registrations WHERE event_id = ? AND user_id = ?",
                    (row["event_id"], row["user_id"]),
                )
                expired.append((_place(row), await self._offer_free(db, int(row["event_id"]), now)))
        return expired

    async def offers_to_send(self, now: int) -> list[Offer]:
        """Offers whose DM was not claimed yet (made, made before a restart, or whose DM failed and is
        due again), oldest first; none of an event called off or over (its closing DM tells them)."""
        rows = await self.database.fetch_all(
            "SELECT r.event_id, r.user_id, r.offer_expires_at FROM event_registrations r "  # noqa: S608 — a condition of this module
            f"WHERE r.status = 'offered' AND r.offer_sent_at IS NULL AND {_DM_DUE} "
            "ORDER BY r.offer_expires_at, r.event_id, r.queue",
            (now,),
        )
        return [Offer(int(r[0]), int(r[1]), int(r[2])) for r in rows]

    async def claim_offer_dm(self, event_id: int, user_id: int, now: int) -> bool:
        """True once per offer, while it holds and its event is neither called off nor over (nor a
        retry early): the caller sends its DM. False: sent, lapsed, gone, or nothing to offer any more."""
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "UPDATE event_registrations AS r SET offer_sent_at = ? WHERE r.event_id = ? "  # noqa: S608 — a condition of this module
                "AND r.user_id = ? AND r.status = 'offered' AND r.offer_sent_at IS NULL "
                f"AND r.offer_expires_at > ? AND {_DM_DUE}",
                (now, event_id, user_id, now, now),
            )
            return cursor.rowcount == 1

    async def offer_dm_failed(self, event_id: int, user_id: int, *, now: int, backoff: int) -> int | None:
        """The offer's DM failed for a passing reason: its claim is released, to be tried again `backoff`
        seconds from `now`, twice that after a second failure, and so on. Returns how many times it
        failed so far; None when the offer is gone meanwhile."""
        async with self.database.transaction() as db:
            found = await waitlist.row(
                db,
                "UPDATE event_registrations SET offer_sent_at = NULL, "
                "offer_dm_retry_at = ? + (? << offer_dm_failures), offer_dm_failures = offer_dm_failures + 1 "
                "WHERE event_id = ? AND user_id = ? AND status = 'offered' RETURNING offer_dm_failures",
                (now, backoff, event_id, user_id),
            )
            return int(found[0]) if found else None

    async def clamp_offers(self) -> int:
        """Holds that run past their event's start (it moved earlier) end at the start; returns how many."""
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "UPDATE event_registrations AS r SET offer_expires_at = e.starts_at FROM events e "
                "WHERE e.id = r.event_id AND r.status = 'offered' AND r.offer_expires_at > e.starts_at"
            )
            return cursor.rowcount

    # ---- reading ----------------------------------------------------------------------------------

    async def counts(self, event_id: int) -> Counts:
        row = await self.database.fetch_one(
            "SELECT places FROM event_registration WHERE event_id = ?", (event_id,)
        )
        return await self._counts(self.database.reader, event_id, row[0] if row else None)

    async def places_of(self, event_id: int) -> list[Place]:
        """Registered (in order of registration), then offered, then waiting (in click order)."""
        rows = await self.database.fetch_all(
            f"SELECT {_COLUMNS} FROM event_registrations WHERE event_id = ? "  # noqa: S608 — column names only
            "ORDER BY CASE status WHEN 'registered' THEN 0 WHEN 'offered' THEN 1 ELSE 2 END, "
            "CASE status WHEN 'registered' THEN registered_at END, queue",
            (event_id,),
        )
        first_waiting = next((i for i, r in enumerate(rows) if r["status"] == "waiting"), len(rows))
        return [
            _place(r, i - first_waiting + 1 if r["status"] == "waiting" else None) for i, r in enumerate(rows)
        ]

    async def member_places(self, user_id: int) -> list[Place]:
        """The member's rows, soonest event first, each waiting one with its position."""
        rows = await self.database.fetch_all(
            "SELECT r.event_id, r.user_id, r.status, r.queue, r.clicked_at, r.registered_at, "
            "r.offer_expires_at, CASE r.status WHEN 'waiting' THEN (SELECT COUNT(*) FROM "
            "event_registrations w WHERE w.event_id = r.event_id AND w.status = 'waiting' "
            "AND w.queue <= r.queue) END AS position FROM event_registrations r "
            "JOIN events e ON e.id = r.event_id WHERE r.user_id = ? ORDER BY e.starts_at, r.event_id",
            (user_id,),
        )
        return [_place(r, r["position"]) for r in rows]

    async def close(self, event_id: int, now: int) -> list[Place]:
        """Registration closes (event cancelled or deleted): once; returns the rows to tell by DM.
        The rows stay, for the report and the member's export."""
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO event_registration (event_id, closed_at, updated_at) SELECT id, ?, ? "
                "FROM events WHERE id = ? ON CONFLICT (event_id) DO UPDATE SET "
                "closed_at = excluded.closed_at, updated_at = excluded.updated_at WHERE closed_at IS NULL",
                (now, now, event_id),
            )
            if cursor.rowcount == 0:
                return []
        return await self.places_of(event_id)

    # ---- member data (agora/privacy.py) -----------------------------------------------------------

    async def export_member(self, user_id: int) -> Exported:
        return await member_data.export(self.database, user_id)

    async def forget_member(self, connection: aiosqlite.Connection, user_id: int) -> int:
        """Delete every row of the member; a place they held or were offered goes to the next member
        waiting (while open), whose DM `offers_to_send()` then gives. Returns the member's rows deleted."""
        return await member_data.forget(
            connection,
            user_id,
            self.member_columns,
            now=epoch(self.clock.now()),
            hold_seconds=self.hold_seconds,
        )

    def member_forgotten(self, user_id: int) -> None:
        return None

    async def _counts(self, db: aiosqlite.Connection, event_id: int, places: int | None) -> Counts:
        counts = await waitlist.status_counts(db, event_id)
        return Counts(places, counts.get("registered", 0), counts.get("offered", 0), counts.get("waiting", 0))

    async def _offer_free(self, db: aiosqlite.Connection, event_id: int, now: int) -> tuple[Offer, ...]:
        offered = await waitlist.offer_free(db, event_id, now, self.hold_seconds)
        return tuple(Offer(event_id, user_id, expires) for user_id, expires in offered)
