"""Check-in and voice attendance on a real migrated file: the window, the code and its lockout, one
check-in per member whatever the concurrency, the check-in message claimed once, and time in a voice
channel added up only while the event runs."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from agora.clock import epoch
from agora.database import Database
from cogs.events.attendance.store import Attendance, AttendanceStore, CheckIn, CheckinMessage
from cogs.events.model import EventSnapshot
from cogs.events.store import EventStore

MOMENT = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
NOW = epoch(MOMENT)
MINUTE, HOUR = 60, 3600
OPENS = 30 * MINUTE
START = NOW + HOUR
END = START + 3 * HOUR
EVENT, OTHER_EVENT = 1, 2
VOCAL, TEXT = 900, 50
ME, YOU = 700000000000000007, 800000000000000008


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


@pytest.fixture
def store(database):
    return AttendanceStore(database, opens=OPENS, attended_after=10 * MINUTE)


async def follow(database, event_id=EVENT, *, starts=START, ends=END, status="scheduled", at=NOW):
    """The event as the events store records it from Discord."""
    snapshot = EventSnapshot(event_id, 10, "Matinale", None, "Genève", starts, ends, status)
    moment = datetime.fromtimestamp(at, UTC)
    await EventStore(database).record(snapshot, moment, channel_id=TEXT, language="fr", reminder_offsets=())


def present(*members: int):
    """Who the pass finds in the channel (read inside its transaction)."""
    return lambda: set(members)


@pytest.fixture
async def event(database, store):
    await follow(database)
    return EVENT


@pytest.fixture
async def voice_event(database, store):
    await follow(database)
    await store.set_voice_channel(EVENT, VOCAL)
    return EVENT


# ---- the window ---------------------------------------------------------------------------------


async def test_check_in_opens_thirty_minutes_before_the_start_and_says_when(store, event):
    early = await store.check_in(EVENT, ME, typed=None, now=START - OPENS - 1)
    assert early == CheckIn("before", until=START - OPENS)
    assert await store.check_in(EVENT, ME, typed=None, now=START - OPENS) == CheckIn("checked_in")
    assert await store.attendance(EVENT, ME) == Attendance(EVENT, ME, "checkin", START - OPENS)


async def test_check_in_closes_at_the_end(store, event):
    assert await store.check_in(EVENT, ME, typed=None, now=END) == CheckIn("closed")
    assert await store.attendance(EVENT, ME) is None


async def test_an_event_discord_started_early_is_open_at_once(database, store):
    await follow(database, status="active")
    assert await store.check_in(EVENT, ME, typed=None, now=NOW) == CheckIn("checked_in")


@pytest.mark.parametrize("status", ["cancelled", "completed"])
async def test_an_event_called_off_or_ended_by_discord_is_closed(database, store, status):
    await follow(database, status=status, at=START)
    assert await store.check_in(EVENT, ME, typed=None, now=START + MINUTE) == CheckIn("closed")


async def test_an_unknown_event_is_said_unknown(store):
    assert await store.check_in(EVENT, ME, typed=None, now=START) == CheckIn("unknown")


# ---- once per member ----------------------------------------------------------------------------


async def test_checking_in_twice_says_already(store, event):
    await store.check_in(EVENT, ME, typed=None, now=START)
    again = await store.check_in(EVENT, ME, typed=None, now=START + MINUTE)
    assert again == CheckIn("already", how="checkin")
    assert await store.attendees(EVENT) == [Attendance(EVENT, ME, "checkin", START)]


async def test_concurrent_clicks_check_a_member_in_once(store, event):
    results = await asyncio.gather(*(store.check_in(EVENT, ME, typed=None, now=START) for _ in range(10)))
    assert sorted(r.outcome for r in results) == ["already"] * 9 + ["checked_in"]
    assert len(await store.attendees(EVENT)) == 1


# ---- the code -----------------------------------------------------------------------------------


async def test_a_new_code_replaces_the_previous_one_and_says_so(store, event):
    assert await store.set_code(EVENT, "0427", NOW) is None
    assert await store.set_code(EVENT, "9051", NOW) == "0427"
    assert await store.code(EVENT) == "9051"
    assert await store.set_code(EVENT, None, NOW) == "9051"
    assert await store.code(EVENT) is None


async def test_with_a_code_a_click_alone_is_not_enough(store, event):
    await store.set_code(EVENT, "0427", NOW)
    assert await store.check_in(EVENT, ME, typed=None, now=START) == CheckIn("code_required")
    assert await store.check_in(EVENT, ME, typed=" 0427 ", now=START) == CheckIn("checked_in")


@pytest.mark.parametrize("typed", ["427", "04272", "04a7", "٠٤٢٧", ""])
async def test_a_malformed_code_is_refused_without_counting(store, event, typed):
    await store.set_code(EVENT, "0427", NOW)
    assert await store.check_in(EVENT, ME, typed=typed, now=START) == CheckIn("malformed")
    assert await store.blocked_until(EVENT, ME, START) is None
    for _ in range(5):
        await store.check_in(EVENT, ME, typed=typed, now=START)
    assert await store.check_in(EVENT, ME, typed="0427", now=START) == CheckIn("checked_in")


async def test_five_wrong_codes_in_ten_minutes_block_for_ten_minutes(store, event):
    await store.set_code(EVENT, "0427", NOW)
    outcomes = [
        (await store.check_in(EVENT, ME, typed="1111", now=START + i * MINUTE)).outcome for i in range(4)
    ]
    assert outcomes == ["wrong"] * 4
    fifth = START + 9 * MINUTE
    assert await store.check_in(EVENT, ME, typed="1111", now=fifth) == CheckIn(
        "blocked", until=fifth + 10 * MINUTE
    )
    # Blocked: even the right code is refused, and trying again does not extend the block.
    assert await store.check_in(EVENT, ME, typed="0427", now=fifth + 5 * MINUTE) == CheckIn(
        "blocked", until=fifth + 10 * MINUTE
    )
    assert await store.blocked_until(EVENT, ME, fifth + 10 * MINUTE - 1) == fifth + 10 * MINUTE
    assert await store.blocked_until(EVENT, ME, fifth + 10 * MINUTE) is None
    assert await store.check_in(EVENT, ME, typed="0427", now=fifth + 10 * MINUTE) == CheckIn("checked_in")


async def test_the_block_is_the_members_own_and_the_events_own(database, store, event):
    await follow(database, OTHER_EVENT)
    await store.set_code(EVENT, "0427", NOW)
    await store.set_code(OTHER_EVENT, "0427", NOW)
    for _ in range(5):
        await store.check_in(EVENT, ME, typed="1111", now=START)
    assert await store.check_in(EVENT, YOU, typed="0427", now=START) == CheckIn("checked_in")
    assert await store.check_in(OTHER_EVENT, ME, typed="0427", now=START) == CheckIn("checked_in")


async def test_wrong_codes_spread_over_more_than_ten_minutes_do_not_block(store, event):
    await store.set_code(EVENT, "0427", NOW)
    for i in range(4):
        await store.check_in(EVENT, ME, typed="1111", now=START - OPENS + i * MINUTE)
    later = START - OPENS + 11 * MINUTE
    assert await store.check_in(EVENT, ME, typed="1111", now=later) == CheckIn("wrong")
    assert await store.check_in(EVENT, ME, typed="0427", now=later) == CheckIn("checked_in")


async def test_concurrent_wrong_codes_never_count_past_the_block(database, store, event):
    await store.set_code(EVENT, "0427", NOW)
    results = await asyncio.gather(*(store.check_in(EVENT, ME, typed="1111", now=START) for _ in range(12)))
    assert sorted(r.outcome for r in results) == ["blocked"] * 8 + ["wrong"] * 4
    rows = await database.fetch_all("SELECT COUNT(*) FROM event_checkin_failures")
    assert rows[0][0] == 5


# ---- the check-in message -----------------------------------------------------------------------


async def test_the_message_is_claimed_once_when_the_window_opens(store, event):
    assert await store.claim_openings(START - OPENS - 1) == []
    assert await store.claim_openings(START - OPENS) == [EVENT]
    assert await store.claim_openings(START - OPENS + MINUTE) == []
    assert await store.to_post() == [CheckinMessage(EVENT, TEXT, None, None)]
    await store.set_message(EVENT, 1234)
    assert await store.to_post() == []
    assert await store.checkin_message(EVENT) == CheckinMessage(EVENT, TEXT, 1234, None)


async def test_a_message_refused_is_not_tried_again(store, event):
    await store.claim_openings(START)
    await store.set_message(EVENT, None)
    assert await store.to_post() == []


async def test_the_message_is_closed_once_at_the_end(store, event):
    await store.claim_openings(START)
    await store.set_message(EVENT, 1234)
    assert await store.claim_closings(END - 1) == []
    assert await store.claim_closings(END) == [CheckinMessage(EVENT, TEXT, 1234, END)]
    assert await store.claim_closings(END + MINUTE) == []


async def test_an_event_already_over_gets_no_message(store, event):
    assert await store.claim_openings(END) == []


# ---- time in the voice channel ------------------------------------------------------------------


async def test_only_voice_and_stage_events_are_followed(database, store, voice_event):
    await follow(database, OTHER_EVENT)
    assert await store.voice_channels(START) == {VOCAL: [EVENT]}
    assert await store.voice_channels(START - OPENS - 1) == {}


async def test_time_before_the_start_does_not_count(store, voice_event):
    await store.joined(VOCAL, [ME], START - 20 * MINUTE)
    await store.left(VOCAL, ME, START + 9 * MINUTE)
    assert await store.presence(EVENT, ME) == (9 * MINUTE, None)
    assert await store.attendance(EVENT, ME) is None


async def test_ten_minutes_across_a_leave_and_a_rejoin_count_as_attended(store, voice_event):
    await store.joined(VOCAL, [ME], START)
    assert await store.left(VOCAL, ME, START + 6 * MINUTE) == []
    await store.joined(VOCAL, [ME], START + 8 * MINUTE)
    assert await store.left(VOCAL, ME, START + 12 * MINUTE) == [EVENT]
    assert await store.attendance(EVENT, ME) == Attendance(EVENT, ME, "voice", START + 12 * MINUTE)


async def test_a_join_long_before_the_event_is_not_followed(store, voice_event):
    await store.joined(VOCAL, [ME], START - 2 * HOUR)
    assert await store.presence(EVENT, ME) is None


async def test_the_pass_follows_members_already_there_and_counts_those_who_stay(store, voice_event):
    assert await store.settle(EVENT, present(ME), START - 5 * MINUTE, watched_since=NOW) == 0
    assert await store.settle(EVENT, present(ME), START + 9 * MINUTE, watched_since=NOW) == 0
    assert await store.presence(EVENT, ME) == (9 * MINUTE, START + 9 * MINUTE)
    assert await store.settle(EVENT, present(ME), START + 10 * MINUTE, watched_since=NOW) == 1
    assert (await store.attendance(EVENT, ME)).how == "voice"


async def test_a_presence_left_while_agora_was_away_is_closed_where_it_was_last_counted(store, voice_event):
    await store.joined(VOCAL, [ME], START)
    await store.settle(EVENT, present(ME), START + 4 * MINUTE, watched_since=NOW)
    restarted = START + 30 * MINUTE
    await store.settle(EVENT, present(), restarted, watched_since=restarted)
    assert await store.presence(EVENT, ME) == (4 * MINUTE, None)


async def test_a_leave_seen_by_the_pass_first_is_closed_at_the_pass(store, voice_event):
    await store.joined(VOCAL, [ME], START)
    await store.settle(EVENT, present(ME), START + 4 * MINUTE, watched_since=NOW)
    await store.settle(EVENT, present(), START + 5 * MINUTE, watched_since=NOW)
    assert await store.left(VOCAL, ME, START + 5 * MINUTE) == []
    assert await store.presence(EVENT, ME) == (5 * MINUTE, None)


async def test_presences_are_closed_at_the_end_of_the_event(store, voice_event):
    await store.joined(VOCAL, [ME], END - 5 * MINUTE)
    await store.settle(EVENT, present(ME), END + HOUR, watched_since=NOW)
    assert await store.presence(EVENT, ME) == (5 * MINUTE, None)
    assert await store.voice_channels(END + HOUR) == {}


async def test_an_event_started_early_counts_from_when_discord_said_so(database, store, voice_event):
    await store.joined(VOCAL, [ME], START - 20 * MINUTE)
    await follow(database, status="active", at=START - 10 * MINUTE)
    await store.voice_channels(START - 10 * MINUTE)  # the pass notes it started
    await store.left(VOCAL, ME, START)
    assert await store.presence(EVENT, ME) == (10 * MINUTE, None)
    assert (await store.attendance(EVENT, ME)).how == "voice"


async def test_a_check_in_stays_a_check_in_after_time_in_voice(store, voice_event):
    await store.check_in(EVENT, ME, typed=None, now=START)
    await store.joined(VOCAL, [ME], START)
    await store.left(VOCAL, ME, START + HOUR)
    assert await store.attendance(EVENT, ME) == Attendance(EVENT, ME, "checkin", START)


async def test_another_channel_counts_for_nothing(store, voice_event):
    await store.joined(VOCAL + 1, [ME], START)
    await store.left(VOCAL + 1, ME, START + HOUR)
    assert await store.presence(EVENT, ME) is None


async def test_a_member_who_attended_in_voice_is_told_so_at_check_in(store, voice_event):
    await store.joined(VOCAL, [ME], START)
    await store.left(VOCAL, ME, START + HOUR)
    assert await store.check_in(EVENT, ME, typed=None, now=START + HOUR) == CheckIn("already", how="voice")


async def test_forgetting_a_member_deletes_their_attendance_rows(database, store, voice_event):
    from cogs.events.registration.store import RegistrationStore

    await store.set_code(EVENT, "0427", NOW)
    await store.check_in(EVENT, ME, typed="1111", now=START)
    await store.check_in(EVENT, ME, typed="0427", now=START)
    await store.joined(VOCAL, [ME], START)
    registrations = RegistrationStore(database, hold_seconds=HOUR)
    exported = await registrations.export_member(ME)
    assert [row["how"] for row in exported["attendance"]] == ["checkin"]
    assert len(exported["wrong_checkin_codes"]) == 1 and len(exported["voice_presence"]) == 1
    async with database.transaction() as db:
        assert await registrations.forget_member(db, ME) == 3
    assert await store.attendees(EVENT) == [] and await store.presence(EVENT, ME) is None
