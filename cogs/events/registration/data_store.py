"""A member's data of the conference mornings (agora/privacy.py), and nowhere else its SQL: their places
and waitlist rows, attendance, time in voice channels, wrong check-in codes and the DMs sent about
events. `RegistrationStore` declares these tables and delegates here.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

from agora.privacy import Exported, iso_time, snowflake
from cogs.events.registration import waitlist_store as waitlist

if TYPE_CHECKING:
    import aiosqlite

    from agora.database import Database


async def export(database: Database, user_id: int) -> Exported:
    """Each row of the member, with the event's id (a string) and name; times in ISO-8601 UTC."""

    def event(row: sqlite3.Row) -> dict[str, object]:
        return {"event_id": snowflake(row["event_id"]), "event": row["name"]}

    async def rows(table: str, columns: str, order: str) -> list[sqlite3.Row]:
        return await database.fetch_all(
            f"SELECT t.event_id, e.name, {columns} FROM {table} t JOIN events e ON e.id = t.event_id "  # noqa: S608 — names from this module only
            f"WHERE t.user_id = ? ORDER BY {order}, t.event_id",
            (user_id,),
        )

    registrations = await rows(
        "event_registrations",
        "t.status, t.clicked_at, t.registered_at, t.offer_expires_at, t.offer_sent_at, "
        "CASE t.status WHEN 'waiting' THEN (SELECT COUNT(*) FROM event_registrations w "
        "WHERE w.event_id = t.event_id AND w.status = 'waiting' AND w.queue <= t.queue) END AS position",
        "t.clicked_at",
    )
    attendance = await rows("event_attendance", "t.how, t.at", "t.at")
    presence = await rows("event_voice_presence", "t.seconds, t.since", "e.starts_at")
    failures = await rows("event_checkin_failures", "t.at", "t.at")
    notices = await rows("event_member_notices", "t.kind, t.version, t.sent_at", "t.sent_at")
    return {
        "registrations": [
            {
                **event(r),
                "status": r["status"],
                "waitlist_position": r["position"],
                "clicked_at": iso_time(r["clicked_at"]),
                "registered_at": iso_time(r["registered_at"]),
                "offer_expires_at": iso_time(r["offer_expires_at"]),
                "offer_sent_at": iso_time(r["offer_sent_at"]),
            }
            for r in registrations
        ],
        "attendance": [{**event(r), "how": r["how"], "at": iso_time(r["at"])} for r in attendance],
        "voice_presence": [
            {**event(r), "seconds": r["seconds"], "present_since": iso_time(r["since"])} for r in presence
        ],
        "wrong_checkin_codes": [{**event(r), "at": iso_time(r["at"])} for r in failures],
        "messages_about_events": [
            {**event(r), "kind": r["kind"], "version": r["version"], "sent_at": iso_time(r["sent_at"])}
            for r in notices
        ],
    }


async def forget(
    connection: aiosqlite.Connection, user_id: int, tables: Iterable[str], *, now: int, hold_seconds: int
) -> int:
    """Delete the member's rows in `tables` inside the caller's transaction; returns how many. A place
    they held or were offered is offered to the next member waiting (while open): losing it to a
    member's departure would leave it empty. Its DM goes out later, from `offers_to_send()`."""
    held = await waitlist.rows(
        connection,
        "SELECT event_id FROM event_registrations WHERE user_id = ? AND status != 'waiting' "
        "ORDER BY event_id",
        (user_id,),
    )
    changed = 0
    for table in tables:
        cursor = await connection.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))  # noqa: S608 — the store's own table names
        changed += cursor.rowcount
    for row in held:
        await waitlist.offer_free(connection, int(row[0]), now, hold_seconds)
    return changed
