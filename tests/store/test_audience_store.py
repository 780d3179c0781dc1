"""Who an event concerns beyond Discord's interested list, on a real migrated file: the call's extra
recipients, the reminders due by DM to registered members (once, the nearest after a restart, not
before they registered, not after an opt-out), and the turnout read back in counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agora.clock import epoch
from agora.database import Database
from cogs.events.answer_store import AnswerStore
from cogs.events.attendance.store import AttendanceStore
from cogs.events.audience_store import AudienceStore, ReminderDue
from cogs.events.model import EventSnapshot
from cogs.events.registration.store import RegistrationStore
from cogs.events.store import EventStore

MOMENT = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
NOW = epoch(MOMENT)
HOUR, DAY = 3600, 86400
START = NOW + 3 * DAY
OFFSETS = (DAY, HOUR)
GUILD, OTHER_GUILD = 10, 20
ALICE, BOB, CHLOE, DAVE = 100, 200, 300, 400


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


@pytest.fixture
def audience(database):
    return AudienceStore(database)


def at(moment: int) -> datetime:
    return datetime.fromtimestamp(moment, UTC)


async def follow(database, event_id=1, *, starts=START, guild=GUILD):
    snapshot = EventSnapshot(
        event_id, guild, "Matinale", None, "Genève", starts, starts + 3 * HOUR, "scheduled"
    )
    await EventStore(database).record(
        snapshot, MOMENT, channel_id=50, language="fr", reminder_offsets=OFFSETS
    )


async def register(database, event_id, *members, places=None, now=NOW):
    store = RegistrationStore(database, hold_seconds=12 * HOUR)
    if places is not None:
        await store.configure(event_id, places=places, deadline=None, now=now)
    for member in members:
        await store.register(event_id, member, now=now)


async def check_in(database, event_id, *members, starts=START):
    store = AttendanceStore(database, opens=30 * 60, attended_after=600)
    for member in members:
        assert (await store.check_in(event_id, member, typed=None, now=starts)).outcome == "checked_in"


async def remind(database, moment):
    """The timeline's claim of the channel's reminders at `moment`."""
    return await EventStore(database).claim_reminders(at(moment), OFFSETS)


async def test_the_call_goes_to_members_present_or_holding_a_place_not_to_the_waitlist(database, audience):
    await follow(database)
    await register(database, 1, ALICE, BOB, CHLOE, places=2)  # chloe waits
    await check_in(database, 1, BOB, DAVE)  # dave came without a place
    assert await audience.attended_or_registered(1) == [ALICE, BOB, DAVE]


async def test_each_reminder_is_due_once_to_each_registered_member(database, audience):
    await follow(database)
    await register(database, 1, ALICE, BOB, places=1)  # bob waits
    assert await audience.reminders_due(NOW) == []  # no reminder went out yet
    await remind(database, START - DAY)
    due = await audience.reminders_due(START - DAY)
    assert due == [ReminderDue(1, ALICE, DAY)]
    assert await audience.claim_reminder(due[0], START - DAY)
    assert not await audience.claim_reminder(due[0], START - DAY)  # claimed already: never twice
    assert await audience.reminders_due(START - DAY + 60) == []
    await remind(database, START - HOUR)
    assert await audience.reminders_due(START - HOUR) == [ReminderDue(1, ALICE, HOUR)]
    assert await audience.reminders_due(START) == []  # none once the event started


async def test_after_a_restart_only_the_nearest_reminder_due_is_sent_and_never_the_farther_one(
    database, audience
):
    await follow(database)
    await register(database, 1, ALICE)
    await remind(database, START - DAY)
    await remind(database, START - HOUR)  # both went out in the channel; the DMs were never sent
    (due,) = await audience.reminders_due(START - HOUR)
    assert due == ReminderDue(1, ALICE, HOUR)
    assert await audience.claim_reminder(due, START - HOUR)
    assert await audience.reminders_due(START - HOUR + 60) == []


async def test_a_member_who_registers_after_a_reminder_waits_for_the_next(database, audience):
    await follow(database)
    await remind(database, START - DAY)
    await register(database, 1, ALICE, now=START - DAY + 60)
    assert await audience.reminders_due(START - DAY + 120) == []
    await remind(database, START - HOUR)
    assert await audience.reminders_due(START - HOUR) == [ReminderDue(1, ALICE, HOUR)]


async def test_an_opt_out_stops_the_reminder_even_between_reading_and_claiming(database, audience):
    await follow(database)
    await register(database, 1, ALICE, BOB)
    await remind(database, START - DAY)
    answers = AnswerStore(database)
    await answers.set_opted_out(BOB, True, at(NOW))
    due = await audience.reminders_due(START - DAY)
    assert due == [ReminderDue(1, ALICE, DAY)]
    await answers.set_opted_out(ALICE, True, at(NOW))
    assert not await audience.claim_reminder(due[0], START - DAY)


async def test_returning_attendees_came_to_an_earlier_event_of_the_same_server(database, audience):
    # Before: event 1 (this server) with alice, event 2 (another server) with bob. Event 3 then: alice,
    # bob and chloe present, dave registered and absent. Event 4, later, with chloe, changes nothing.
    for event_id, starts, guild in ((1, START - 7 * DAY, GUILD), (2, START - 7 * DAY, OTHER_GUILD)):
        await follow(database, event_id, starts=starts, guild=guild)
    await follow(database, 3)
    await follow(database, 4, starts=START + 7 * DAY)
    await check_in(database, 1, ALICE, starts=START - 7 * DAY)
    await check_in(database, 2, BOB, starts=START - 7 * DAY)
    await register(database, 3, ALICE, DAVE)
    await check_in(database, 3, ALICE, BOB, CHLOE)
    await check_in(database, 4, CHLOE, starts=START + 7 * DAY)
    turnout = await audience.turnout(3)
    # Registered alice and dave; present alice, bob, chloe: dave absent (1 / 2 = 50 %), bob and
    # chloe without a place; alice returning, bob (another server's) and chloe for the first time.
    assert (turnout.registered, turnout.attended, turnout.walk_ins) == (2, 3, 2)
    assert (turnout.no_shows, turnout.no_show_rate) == (1, 50.0)
    assert (turnout.first_time, turnout.returning) == (2, 1)
