"""A recurring event moving on to its next occurrence, on a real migrated file: the occurrence that ended
takes its places, attendance, time in voice, wrong codes, check-in message and DMs to its own row; the
next one keeps the series' places and registration message, and starts with nobody registered, nobody
checked in, and a check-in window of its own."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest

from agora.clock import epoch
from agora.database import Database
from agora.meetings import Meetings
from cogs.events.attendance.store import Attendance, AttendanceStore, CheckIn
from cogs.events.audience_store import AudienceStore
from cogs.events.model import EventSnapshot
from cogs.events.notice_store import NoticeStore
from cogs.events.occurrence_store import occurrence_id
from cogs.events.programme.store import ProgrammeStore
from cogs.events.registration.store import RegistrationRefused, RegistrationStore
from cogs.events.store import EventStore
from cogs.questions.store import BoardStore

NOW = epoch(datetime(2026, 11, 28, 9, 0, tzinfo=UTC))
MINUTE, HOUR, DAY = 60, 3600, 86400
WEEK = 7 * DAY
OPENS = 30 * MINUTE
START, END = NOW + HOUR, NOW + 3 * HOUR
MOVED_AT = END + MINUTE  # Discord reports the occurrence over, and the series a week later
EVENT, GUILD, TEXT, VOCAL, BOARD = 1, 10, 50, 900, 4242
ALICE, BOB, CAROL, DAN = 101, 102, 103, 104
OCCURRENCE_TABLES = (
    "event_registrations",
    "event_attendance",
    "event_voice_presence",
    "event_checkin_failures",
    "event_checkin",
    "event_member_notices",
    "event_sessions",
)


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


@pytest.fixture
def registrations(database):
    return RegistrationStore(database, hold_seconds=12 * HOUR)


@pytest.fixture
def attendance(database):
    return AttendanceStore(database, opens=OPENS, attended_after=10 * MINUTE)


async def record(database, *, starts: int, status: str, at: int) -> None:
    """What Discord says of the series, as the cog records it."""
    snapshot = EventSnapshot(EVENT, GUILD, "Hebdo", None, "Genève", starts, starts + 2 * HOUR, status)
    moment = datetime.fromtimestamp(at, UTC)
    await EventStore(database).record(snapshot, moment, channel_id=TEXT, language="fr", reminder_offsets=())


async def morning(database, registrations, attendance) -> None:
    """One occurrence of a weekly morning: two places with a deadline, a message showing them, a code;
    alice and bob registered, carol waiting, dan in the voice channel; alice checks in, bob types a
    wrong code, alice was reminded by DM. It was moved an hour later the day before; it runs, then ends."""
    await record(database, starts=START - HOUR, status="scheduled", at=NOW - DAY)
    await record(database, starts=START, status="scheduled", at=NOW)
    await registrations.configure(EVENT, places=2, deadline=START - 10 * MINUTE, now=NOW)
    await registrations.set_message(EVENT, TEXT, BOARD, NOW)
    await registrations.set_shown(EVENT, "2/0/1/2/…/open")
    for member in (ALICE, BOB, CAROL):
        await registrations.register(EVENT, member, now=NOW)
    await attendance.set_code(EVENT, "1234", NOW)
    await attendance.set_voice_channel(EVENT, VOCAL)
    await NoticeStore(database).claim(EVENT, ALICE, "reminder", HOUR, NOW)
    async with database.transaction() as db:  # the day's programme: one talk
        await db.execute(
            "INSERT INTO event_sessions (event_id, title, speaker_id, starts_at, created_at, updated_at) "
            "VALUES (?, 'Marque employeur', ?, ?, ?, ?)",
            (EVENT, BOB, START, NOW, NOW),
        )
    await record(database, starts=START, status="active", at=START)
    await attendance.voice_channels(START)  # seen running
    assert await attendance.claim_openings(START) == [EVENT]
    await attendance.set_message(EVENT, 5555)
    await attendance.joined(VOCAL, [DAN], START)
    assert await attendance.check_in(EVENT, ALICE, typed="1234", now=START + MINUTE) == CheckIn("checked_in")
    assert await attendance.check_in(EVENT, BOB, typed="0000", now=START + MINUTE) == CheckIn("wrong")


async def move_on(database) -> int:
    """Discord's update at the end of an occurrence: scheduled again, a week later. Returns the id of
    the occurrence that ended."""
    await record(database, starts=START + WEEK, status="scheduled", at=MOVED_AT)
    return occurrence_id(EVENT, MOVED_AT)


@pytest.fixture
async def ended(database, registrations, attendance) -> int:
    """The id of the occurrence that ended, once the series moved on."""
    await morning(database, registrations, attendance)
    return await move_on(database)


async def rows_in(database, table: str, event_id: int) -> int:
    row = await database.fetch_one(f"SELECT COUNT(*) FROM {table} WHERE event_id = ?", (event_id,))  # noqa: S608 — table names from this test
    return int(row[0])


async def test_the_occurrence_that_ended_takes_its_rows_with_it(database, registrations, attendance, ended):
    kept = await EventStore(database).get(ended)
    assert (kept.discord_id, kept.starts_at, kept.status) == (EVENT, START, "completed")
    assert kept.completed_at == MOVED_AT
    assert [(p.user_id, p.status) for p in await registrations.places_of(ended)] == [
        (ALICE, "registered"),
        (BOB, "registered"),
        (CAROL, "waiting"),
    ]
    assert await attendance.attendees(ended) == [Attendance(ended, ALICE, "checkin", START + MINUTE)]
    assert await attendance.presence(ended, DAN) == (0, START)
    assert (await attendance.checkin_message(ended)).message_id == 5555
    for table in OCCURRENCE_TABLES:
        assert await rows_in(database, table, EVENT) == 0, table
        assert await rows_in(database, table, ended) > 0, table


async def test_the_programme_goes_with_the_occurrence_that_ended(database, ended):
    # Its sessions are rated after it ended, under its own id; the next occurrence has a programme of
    # its own, on another day.
    programme = ProgrammeStore(database)
    assert [(s.title, s.speaker_id, s.starts_at) for s in await programme.sessions(ended)] == [
        ("Marque employeur", BOB, START)
    ]
    assert await programme.sessions(EVENT) == []


async def test_the_occurrence_that_ended_keeps_its_settings_but_not_the_series_message(registrations, ended):
    settings = await registrations.settings(ended)
    assert (settings.places, settings.deadline, settings.checkin_code) == (2, START - 10 * MINUTE, "1234")
    # Redrawing the series' message for the occurrence that ended would show last week's count on it.
    assert (settings.channel_id, settings.message_id, settings.shown) == (None, None, None)


async def test_the_occurrence_that_ended_has_its_turnout_and_its_audience(database, ended):
    audience = AudienceStore(database)
    turnout = await audience.turnout(ended)
    assert (turnout.registered, turnout.waitlisted, turnout.attended, turnout.no_shows) == (2, 1, 1, 1)
    assert await audience.attended_or_registered(ended) == [ALICE, BOB]
    assert not (await audience.turnout(EVENT)).anything


async def test_time_in_voice_until_the_end_counts_for_the_occurrence_that_ended(attendance, ended):
    later = MOVED_AT + MINUTE
    assert await attendance.voice_channels(later) == {VOCAL: [ended]}
    assert await attendance.settle(ended, lambda: {DAN}, later, watched_since=START) == 1
    assert await attendance.attendance(ended, DAN) == Attendance(ended, DAN, "voice", END)
    assert await attendance.presence(ended, DAN) == (END - START, None)


async def test_the_next_occurrence_keeps_the_places_and_starts_with_nobody(registrations, ended):
    counts = await registrations.counts(EVENT)
    assert (counts.places, counts.registered, counts.waiting) == (2, 0, 0)
    settings = await registrations.settings(EVENT)
    # Last week's deadline is past: the next one closes at its start. The message stays the series'
    # (its buttons carry the series' id) and is drawn again; the code shown last week no longer works.
    assert (settings.deadline, settings.checkin_code, settings.closed_at) == (None, None, None)
    assert (settings.channel_id, settings.message_id, settings.shown) == (TEXT, BOARD, None)
    assert await registrations.places_of(EVENT) == []


async def test_last_weeks_members_register_again_for_the_next_occurrence(registrations, ended):
    for member in (ALICE, CAROL):
        change = await registrations.register(EVENT, member, now=MOVED_AT + HOUR)
        assert change.place.status == "registered"
    with pytest.raises(RegistrationRefused):
        await registrations.register(EVENT, ALICE, now=MOVED_AT + HOUR)


async def test_check_in_for_the_next_occurrence_opens_before_its_own_start(attendance, ended):
    next_start = START + WEEK
    assert await attendance.check_in(EVENT, ALICE, typed=None, now=START + DAY) == CheckIn(
        "before", until=next_start - OPENS
    )
    assert await attendance.claim_openings(START + DAY) == []
    assert await attendance.claim_openings(next_start - OPENS) == [EVENT]
    # Without the code shown last week, and once more for alice.
    opened = await attendance.check_in(EVENT, ALICE, typed=None, now=next_start - OPENS)
    assert opened == CheckIn("checked_in")


async def test_the_next_occurrence_has_not_run_or_moved(database, attendance, ended):
    times = await attendance.times(EVENT)
    assert (times.status, times.starts_at, times.started_at) == ("scheduled", START + WEEK, None)
    moved = "SELECT calendar_moved_at FROM events WHERE id = ?"
    assert (await database.fetch_one(moved, (EVENT,)))[0] is None
    assert (await database.fetch_one(moved, (ended,)))[0] == NOW  # the move of the day before


async def test_a_reminder_by_dm_goes_again_for_the_next_occurrence(database, ended):
    assert await NoticeStore(database).claim(EVENT, ALICE, "reminder", HOUR, MOVED_AT + DAY)


async def test_a_move_that_cannot_keep_the_occurrence_moves_nothing(database, registrations, attendance):
    await morning(database, registrations, attendance)
    # A row already holding the occurrence's id makes the copy fail: nothing of the move may stay.
    async with database.transaction() as db:
        await db.execute(
            "INSERT INTO events (id, guild_id, name, starts_at, language, updated_at) "
            "VALUES (?, ?, 'x', 0, 'fr', 0)",
            (occurrence_id(EVENT, MOVED_AT), GUILD),
        )
    with pytest.raises(sqlite3.IntegrityError):
        await move_on(database)

    assert len(await registrations.places_of(EVENT)) == 3
    assert len(await attendance.attendees(EVENT)) == 1
    assert (await attendance.times(EVENT)).starts_at == START


async def test_a_q_and_a_held_during_the_occurrence_goes_with_it(database, registrations, attendance):
    # The Q&A feature follows occurrences through agora/meetings.py: its boards name the series while
    # the occurrence runs, and move with it when it ends, in the same transaction.
    meetings = Meetings()
    meetings.follow_occurrences(BoardStore(database))
    await morning(database, registrations, attendance)
    board = (
        "INSERT INTO qa_boards (guild_id, event_id, channel_id, language, started_at) "
        "VALUES (?, ?, ?, 'fr', ?)"
    )
    async with database.transaction() as db:
        await db.execute(board, (GUILD, EVENT, TEXT, START + MINUTE))
    snapshot = EventSnapshot(
        EVENT, GUILD, "Hebdo", None, "Genève", START + WEEK, START + WEEK + 2 * HOUR, "scheduled"
    )
    moment = datetime.fromtimestamp(MOVED_AT, UTC)
    await EventStore(database, meetings).record(
        snapshot, moment, channel_id=TEXT, language="fr", reminder_offsets=()
    )
    async with database.transaction() as db:  # next week's Q&A, opened a week later
        await db.execute(board, (GUILD, EVENT, TEXT, START + WEEK))
    held = "SELECT event_id FROM qa_boards ORDER BY started_at"
    assert [row[0] for row in await database.fetch_all(held, ())] == [occurrence_id(EVENT, MOVED_AT), EVENT]
