"""A recurring event moving on to its next occurrence, and nowhere else that SQL: what the occurrence that
ended takes with it, and what the next one starts afresh with.

Discord keeps one scheduled event for the whole series and, when an occurrence ends, schedules the same
event again at the next date. Agora keeps the series on Discord's id (the buttons of its messages carry
it) and copies the occurrence that ended to a row of its own, so its feedback is asked like any other
event's. Everything that happened at that occurrence goes with the copy: the places and the waitlist,
who checked in or attended in voice (and the time counted there), wrong check-in codes, the check-in
message, the DMs already sent to members, and its programme (the sessions held that day, whose
ratings come after it ended: the next occurrence has a programme of its own). The series keeps what an
organiser set for all of it: its places, its channels and its registration message, which the board
redraws for the next occurrence (its `shown` is cleared, so the next pass sees it behind). It drops
what held for one occurrence only: when it was seen running, its last move, the code shown in the room,
a deadline now past.

Runs inside `EventStore.record`'s write transaction: the copy and every move happen together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import aiosqlite

    from agora.meetings import OccurrenceFollower

DISCORD_EPOCH_MS = 1_420_070_400_000

# Rows of one occurrence: they leave with the occurrence that ended.
_OCCURRENCE_TABLES = (
    "event_registrations",
    "event_attendance",
    "event_voice_presence",
    "event_checkin_failures",
    "event_checkin",
    "event_member_notices",
    "event_sessions",  # their ratings and reviews follow them by session id
)


def occurrence_id(event_id: int, at: int) -> int:
    """A snowflake of the moment it ended, with the event's low bits: no Discord id collides with it."""
    return ((at * 1000 - DISCORD_EPOCH_MS) << 22) | (event_id & 0x3FFFFF)


async def keep_occurrence(
    db: aiosqlite.Connection, event_id: int, at: int, followers: Sequence[OccurrenceFollower] = ()
) -> int:
    """Copies the occurrence of `event_id` that just ended (completed at `at`) to a row of its own, with
    its rows and the other features' (`followers`, agora/meetings.py: a Q&A held during it), and readies
    `event_id` for the next occurrence. Returns the copy's id."""
    kept = occurrence_id(event_id, at)
    await db.execute(
        "INSERT INTO events (id, discord_id, guild_id, name, description, location, channel_id, "
        "starts_at, ends_at, status, completed_at, language, created_by_agora, interested, "
        "voice_channel_id, started_at, calendar_sequence, calendar_moved_at, updated_at) "
        "SELECT ?, id, guild_id, name, description, location, channel_id, starts_at, ends_at, "
        "'completed', ?, language, created_by_agora, interested, voice_channel_id, started_at, "
        "calendar_sequence, calendar_moved_at, ? FROM events WHERE id = ?",
        (kept, at, at, event_id),
    )
    await db.execute(
        "INSERT INTO event_interest (event_id, user_id) SELECT ?, user_id FROM event_interest "
        "WHERE event_id = ?",
        (kept, event_id),
    )
    # Its places and deadline as they were, for the record; no message: the one showing the count
    # belongs to the series, and redrawing it for the occurrence that ended would undo the next one's.
    await db.execute(
        "INSERT INTO event_registration (event_id, places, deadline, checkin_code, closed_at, updated_at) "
        "SELECT ?, places, deadline, checkin_code, closed_at, ? FROM event_registration WHERE event_id = ?",
        (kept, at, event_id),
    )
    for table in _OCCURRENCE_TABLES:
        await db.execute(f"UPDATE {table} SET event_id = ? WHERE event_id = ?", (kept, event_id))  # noqa: S608 — table names from this module only
    for follower in followers:
        await follower.follow_occurrence(db, event_id, kept, at)
    # The next occurrence is not running yet and has not moved: its check-in opens on its own start.
    await db.execute(
        "UPDATE events SET started_at = NULL, calendar_moved_at = NULL WHERE id = ?", (event_id,)
    )
    # A deadline is a moment: one now past would close the next occurrence before it opens, so it is
    # back to the default (the start). A code was shown in last time's room: who saw it must not be
    # able to check in next time from home; the organisers set a new one as for any event.
    await db.execute(
        "UPDATE event_registration SET deadline = CASE WHEN deadline <= ? THEN NULL ELSE deadline END, "
        "checkin_code = NULL, shown = NULL, closed_at = NULL, updated_at = ? WHERE event_id = ?",
        (at, at, event_id),
    )
    return kept
