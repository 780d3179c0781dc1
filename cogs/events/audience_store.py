"""Who an event concerns beyond Discord's "interested" list, and nowhere else that SQL: the members
registered for it or who attended it (checked in, or long enough in its voice channel), to whom the
feedback call's DMs go too; the reminders sent by DM to registered members; and the event's turnout
in counts for the report and the season.

It reads tables other stores write and declare as member data (registrations, attendance and member
notices: registration/store.py; opt-outs: answer_store.py); it keeps nothing of its own but each
reminder DM's claim, an `event_member_notices` row exported and forgotten with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cogs.events.figures import Turnout, turnout

if TYPE_CHECKING:
    from agora.database import Database

REMINDER_NOTICE = "reminder"

# A reminder DM is due to a registered member when the event's reminder at that offset was sent (the
# channel's), the member was registered by then (one who registers later waits for the next offset),
# the event has not started, and neither this reminder nor a nearer one was claimed for them: after a
# restart only the nearest reminder due goes out, as in the channel.
_REMINDERS_DUE = (
    # From the events still to come (CROSS JOIN keeps that order): the pass never reads past ones' rows.
    "SELECT r.event_id, r.user_id, MIN(m.offset_seconds) FROM events e "
    "CROSS JOIN event_reminders m ON m.event_id = e.id AND m.outcome = 'sent' "
    "CROSS JOIN event_registrations r ON r.event_id = e.id AND r.status = 'registered' "
    "AND r.registered_at <= m.handled_at "
    "WHERE e.call_at IS NULL AND e.starts_at > ? AND e.status = 'scheduled' "
    "AND NOT EXISTS (SELECT 1 FROM feedback_optouts o WHERE o.user_id = r.user_id) "
    "AND NOT EXISTS (SELECT 1 FROM event_member_notices n WHERE n.event_id = r.event_id "
    "AND n.user_id = r.user_id AND n.kind = 'reminder' AND n.version <= m.offset_seconds) "
    "GROUP BY r.event_id, r.user_id ORDER BY e.starts_at, r.event_id, r.user_id"
)


@dataclass(frozen=True, slots=True)
class ReminderDue:
    event_id: int
    user_id: int
    offset: int  # seconds before the start: the reminder's


class AudienceStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def attended_or_registered(self, event_id: int) -> list[int]:
        """Members who checked in or attended, and those holding a confirmed place (not the waitlist)."""
        rows = await self.database.fetch_all(
            "SELECT user_id FROM event_attendance WHERE event_id = ? UNION "
            "SELECT user_id FROM event_registrations WHERE event_id = ? AND status = 'registered' "
            "ORDER BY user_id",
            (event_id, event_id),
        )
        return [int(r[0]) for r in rows]

    # ---- reminders by DM --------------------------------------------------------------------------

    async def reminders_due(self, now: int) -> list[ReminderDue]:
        """One reminder per registered member and event at most: the nearest the start among those due."""
        rows = await self.database.fetch_all(_REMINDERS_DUE, (now,))
        return [ReminderDue(int(r[0]), int(r[1]), int(r[2])) for r in rows]

    async def claim_reminder(self, due: ReminderDue, now: int) -> bool:
        """True once per member, event and offset, while the member is still registered and has not
        opted out (read in the same transaction): the caller sends that DM."""
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "INSERT OR IGNORE INTO event_member_notices (event_id, user_id, kind, version, sent_at) "
                "SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM event_registrations "
                "WHERE event_id = ? AND user_id = ? AND status = 'registered') "
                "AND NOT EXISTS (SELECT 1 FROM feedback_optouts WHERE user_id = ?)",
                (
                    due.event_id,
                    due.user_id,
                    REMINDER_NOTICE,
                    due.offset,
                    now,
                    due.event_id,
                    due.user_id,
                    due.user_id,
                ),
            )
            return cursor.rowcount == 1

    # ---- turnout ----------------------------------------------------------------------------------

    async def turnout(self, event_id: int) -> Turnout:
        """The event's turnout as it stands: registration rows stay once it closes, so after the event
        this is the count at the close of registration (less members who cancelled or were forgotten)."""
        registered = await self.database.fetch_all(
            "SELECT user_id FROM event_registrations WHERE event_id = ? AND status = 'registered'",
            (event_id,),
        )
        waiting = await self.database.fetch_one(
            "SELECT COUNT(*) FROM event_registrations WHERE event_id = ? "
            "AND status IN ('waiting', 'offered')",
            (event_id,),
        )
        attendees = await self.database.fetch_all(
            "SELECT user_id, how FROM event_attendance WHERE event_id = ?", (event_id,)
        )
        # Returning: attended an event of the same server that started earlier.
        returning = await self.database.fetch_all(
            "SELECT DISTINCT a.user_id FROM event_attendance a JOIN events e ON e.id = a.event_id "
            "JOIN events earlier ON earlier.guild_id = e.guild_id AND earlier.starts_at < e.starts_at "
            "JOIN event_attendance b ON b.event_id = earlier.id AND b.user_id = a.user_id "
            "WHERE a.event_id = ?",
            (event_id,),
        )
        return turnout(
            registered=[int(r[0]) for r in registered],
            waitlisted=int(waiting[0]) if waiting else 0,
            attendees={int(r[0]): str(r[1]) for r in attendees},
            returning=[int(r[0]) for r in returning],
        )
