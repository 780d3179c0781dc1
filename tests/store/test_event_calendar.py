"""The calendar's versions on a real file: SEQUENCE raised when an event moves (start, end or place) and
only then, the members to tell of a move, and the upcoming events of a server."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from agora.clock import epoch
from agora.database import Database
from cogs.events.calendar.store import CalendarStore, Move
from cogs.events.model import EventSnapshot
from cogs.events.notice_store import NoticeStore
from cogs.events.registration.store import RegistrationStore
from cogs.events.store import EventStore

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
HOUR, DAY = timedelta(hours=1), timedelta(days=1)
GUILD = 10
ALICE, BOB, CHLOE = 700000000000000007, 800000000000000008, 900000000000000009


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


@pytest.fixture
def store(database):
    return EventStore(database)


@pytest.fixture
def calendars(database):
    return CalendarStore(database)


def snapshot(event_id: int = 1, *, starts: datetime = NOW + 2 * DAY, **changes: object) -> EventSnapshot:
    base = EventSnapshot(
        id=event_id,
        guild_id=GUILD,
        name="Matinée",
        description="La marque employeur",
        location="Genève",
        starts_at=epoch(starts),
        ends_at=epoch(starts + 3 * HOUR),
        status="scheduled",
    )
    return replace(base, **changes)


async def track(store: EventStore, snap: EventSnapshot, now: datetime = NOW):
    return await store.record(snap, now, channel_id=50, language="fr", reminder_offsets=(86400, 3600))


async def moved_at(store: EventStore, event_id: int = 1) -> int | None:
    row = await store.database.fetch_one("SELECT calendar_moved_at FROM events WHERE id = ?", (event_id,))
    return row[0]


async def test_a_move_of_the_start_the_end_or_the_place_raises_the_sequence(store, calendars):
    first = snapshot()
    await track(store, first)
    assert await calendars.sequence(1) == 0
    later = NOW + HOUR
    moves = [
        replace(first, starts_at=first.starts_at + 3600, ends_at=first.ends_at + 3600),  # start and end: one
        replace(first, starts_at=first.starts_at + 3600, ends_at=first.ends_at + 7200),  # the end alone
        replace(first, starts_at=first.starts_at + 3600, ends_at=first.ends_at + 7200, location="Lausanne"),
    ]
    for expected, moved in enumerate(moves, start=1):
        tracked = await track(store, moved, later)
        assert await calendars.sequence(1) == expected
        assert tracked.updated_at == epoch(later) and await moved_at(store) == epoch(later)
        later += HOUR


async def test_other_changes_leave_the_sequence_alone(store, calendars):
    first = snapshot()
    await track(store, first)
    for changed in (
        first,  # the same event reported again (a restart's catch-up)
        replace(first, name="Matinée RH", description="Autre chose"),
        replace(first, name="Matinée RH", description="Autre chose", status="active"),
    ):
        await track(store, changed, NOW + HOUR)
    assert await calendars.sequence(1) == 0 and await moved_at(store) is None


async def test_a_recurring_event_moving_on_raises_the_sequence_without_a_move_to_tell(store, calendars):
    await track(store, snapshot(status="active"))
    following = snapshot(starts=NOW + 9 * DAY)
    await track(store, following, NOW + 3 * HOUR)
    assert await calendars.sequence(1) == 1 and await moved_at(store) is None


async def test_members_placed_before_a_move_are_told_once_per_version(database, store, calendars):
    registrations = RegistrationStore(database, hold_seconds=3600)
    notices = NoticeStore(database)
    first = snapshot()
    await track(store, first)
    await registrations.configure(1, places=1, deadline=None, now=epoch(NOW))
    await registrations.register(1, ALICE, now=epoch(NOW))
    await registrations.register(1, BOB, now=epoch(NOW))  # waiting
    assert await calendars.moves_due() == []  # never moved

    moved = replace(first, location="Lausanne")
    await track(store, moved, NOW + HOUR)
    await registrations.register(1, CHLOE, now=epoch(NOW + 2 * HOUR))  # after the move: had the file then
    assert await calendars.moves_due() == [Move(1, ALICE, 1), Move(1, BOB, 1)]
    assert await notices.claim(1, ALICE, "changed", 1, epoch(NOW + 2 * HOUR))
    assert await calendars.moves_due() == [Move(1, BOB, 1)]

    await track(store, replace(moved, location="Berne"), NOW + 3 * HOUR)
    assert await calendars.moves_due() == [Move(1, ALICE, 2), Move(1, BOB, 2), Move(1, CHLOE, 2)]
    await track(store, replace(moved, location="Berne", status="cancelled"), NOW + 4 * HOUR)
    assert await calendars.moves_due() == []  # told by the closing DM instead


async def test_the_upcoming_events_are_neither_called_off_nor_over(store, calendars):
    await track(store, snapshot(1, starts=NOW + 2 * DAY))
    await track(store, snapshot(2, starts=NOW + DAY, status="cancelled"))
    await track(store, snapshot(3, starts=NOW - HOUR, status="active"))  # running: still useful
    await track(store, snapshot(4, starts=NOW - 4 * HOUR))  # ended an hour ago
    await track(store, snapshot(5, starts=NOW + DAY))
    await track(store, snapshot(6, starts=NOW + 3 * DAY, guild_id=GUILD + 1))
    await track(store, replace(snapshot(5, starts=NOW + DAY), location="Lausanne"))
    await store.mark_deleted(1, NOW)
    upcoming = await calendars.upcoming(GUILD, epoch(NOW))
    assert [(event.id, sequence) for event, sequence in upcoming] == [(3, 0), (5, 1)]
