"""Register clicks decided together and written in one transaction, on a real migrated file: clicks
that arrive together share a transaction; a failed commit fails every click of its batch and leaves
nothing behind, while clicks arriving meanwhile and a retry go through; clicks interleaved with
cancellations and confirmations keep the places exact; a new store on the same file sees exactly what
members were told."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from agora.clock import epoch
from agora.database import Database
from cogs.events.model import EventSnapshot
from cogs.events.registration.store import Counts, Place, RegistrationRefused, RegistrationStore
from cogs.events.store import EventStore
from tests.clocks import FakeClock

MOMENT = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
NOW = epoch(MOMENT)
HOUR, DAY = 3600, 86400
HOLD = 12 * HOUR
START = NOW + 2 * DAY
EVENT, GUILD = 1, 10


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


async def follow(database: Database, *, name: str = "Matinale", starts: int = START) -> None:
    snapshot = EventSnapshot(EVENT, GUILD, name, None, "Genève", starts, None, "scheduled")
    await EventStore(database).record(snapshot, MOMENT, channel_id=50, language="fr", reminder_offsets=())


@pytest.fixture
async def store(database):
    await follow(database)
    opened = RegistrationStore(database, hold_seconds=HOLD, clock=FakeClock(MOMENT))
    await opened.configure(EVENT, places=3, deadline=None, now=NOW)
    return opened


class FailingCommit:
    """The writer's next commit fails (a full disk, say), once `release` is set; SQLite keeps the
    transaction open and `Database.transaction` rolls it back."""

    def __init__(self, database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
        self.committing = asyncio.Event()
        self.release = asyncio.Event()
        commit = database.writer.commit

        async def failing() -> None:
            monkeypatch.setattr(database.writer, "commit", commit)  # once
            self.committing.set()
            await self.release.wait()
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(database.writer, "commit", failing)


@asynccontextmanager
async def counting_transactions(database: Database, monkeypatch: pytest.MonkeyPatch):
    begun: list[int] = []
    transaction = database.transaction

    @asynccontextmanager
    async def counted():
        begun.append(1)
        async with transaction() as connection:
            yield connection

    monkeypatch.setattr(database, "transaction", counted)
    yield begun
    monkeypatch.setattr(database, "transaction", transaction)


async def outcome(store: RegistrationStore, member: int, now: int = NOW) -> tuple[str, int | None] | str:
    """What the member is told: (status, position), or the refusal's key, or the error's text."""
    try:
        place = (await store.register(EVENT, member, now=now)).place
    except RegistrationRefused as refusal:
        return refusal.key
    except sqlite3.Error as error:
        return str(error)
    assert place is not None
    return place.status, place.position


def rows(places: list[Place]) -> list[tuple[int, str, int | None]]:
    return [(p.user_id, p.status, p.position) for p in places]


async def test_clicks_arriving_together_share_one_transaction_and_keep_click_order(
    database, store, monkeypatch
):
    async with counting_transactions(database, monkeypatch) as begun:
        told = await asyncio.gather(*(outcome(store, member) for member in range(1, 101)))
    assert len(begun) == 1
    assert told == [("registered", None)] * 3 + [("waiting", n) for n in range(1, 98)]
    assert await store.counts(EVENT) == Counts(places=3, registered=3, offered=0, waiting=97)


async def test_a_batch_refuses_a_second_click_of_the_same_member_with_the_first_one_s_outcome(store):
    await store.register(EVENT, 1, now=NOW)
    told = await asyncio.gather(*(outcome(store, member) for member in (1, 2, 3, 4, 2, 4, 5)))
    assert told == [
        "events.register.error.already_registered",
        ("registered", None),
        ("registered", None),
        ("waiting", 1),
        "events.register.error.already_registered",
        "events.register.error.already_waiting",
        ("waiting", 2),
    ]


async def test_a_failed_commit_fails_its_whole_batch_and_the_next_batch_and_a_retry_go_through(
    database, store, monkeypatch
):
    await store.register(EVENT, 1, now=NOW)
    failing = FailingCommit(database, monkeypatch)
    doomed = [asyncio.create_task(outcome(store, member)) for member in (2, 3, 4, 1)]
    await failing.committing.wait()
    # Clicked while the doomed batch is being committed: the next batch.
    meanwhile = [asyncio.create_task(outcome(store, member)) for member in (5, 6, 3)]
    failing.release.set()
    assert await asyncio.gather(*doomed) == ["database or disk is full"] * 4
    # Decided on what is stored, not on what the failed batch had decided: 5 and 6 take 2 and 3's places.
    assert await asyncio.gather(*meanwhile) == [("registered", None), ("registered", None), ("waiting", 1)]
    assert await store.counts(EVENT) == Counts(places=3, registered=3, offered=0, waiting=1)
    retried = await asyncio.gather(*(outcome(store, member) for member in (2, 3, 4)))
    assert retried == [("waiting", 2), "events.register.error.already_waiting", ("waiting", 3)]
    assert rows(await store.places_of(EVENT)) == [
        (1, "registered", None),
        (5, "registered", None),
        (6, "registered", None),
        (3, "waiting", 1),
        (2, "waiting", 2),
        (4, "waiting", 3),
    ]


async def test_clicks_interleaved_with_cancellations_and_confirmations_keep_the_places_exact(store):
    told: dict[int, tuple[str, int | None] | str] = {}

    async def click(member: int) -> None:
        told[member] = await outcome(store, member)

    async def leave(member: int) -> None:
        await store.cancel(EVENT, member, now=NOW)  # clicked in the round before: stored

    async def take_offers() -> None:
        for place in await store.places_of(EVENT):
            if place.status == "offered":
                await store.confirm(EVENT, place.user_id, now=NOW)

    members = iter(range(1, 61))
    for round_ in range(10):
        clicking = [next(members) for _ in range(6)]
        # Cancellations of rows of every kind (and of none) and confirmations, among the clicks.
        work = [click(m) for m in clicking[:3]]
        work += [leave(round_ * 6 - 5), leave(round_ * 6 - 2), take_offers()] if round_ else []
        work += [click(m) for m in clicking[3:]]
        await asyncio.gather(*work)
        counts = await store.counts(EVENT)
        places = await store.places_of(EVENT)
        assert counts.taken == 3  # never more than the places, and a freed one always offered on
        assert counts.registered + counts.offered + counts.waiting == len(places)
        waiting = [p.position for p in places if p.status == "waiting"]
        assert waiting == list(range(1, len(waiting) + 1))
    assert all(isinstance(t, tuple) for t in told.values()), told  # every click was taken
    stored = {p.user_id for p in await store.places_of(EVENT)}
    left = {round_ * 6 - 5 for round_ in range(1, 10)} | {round_ * 6 - 2 for round_ in range(1, 10)}
    assert stored == set(range(1, 61)) - left


async def test_a_new_store_on_the_same_file_sees_exactly_what_members_were_told(tmp_path, monkeypatch):
    path = tmp_path / "agora.db"
    told: list[tuple[int, tuple[str, int | None] | str]] = []
    async with Database(path) as database:
        await database.migrate()
        await follow(database)
        before = RegistrationStore(database, hold_seconds=HOLD)
        await before.configure(EVENT, places=2, deadline=None, now=NOW)

        async def click(member: int) -> None:
            told.append((member, await outcome(before, member)))

        first = [asyncio.create_task(click(m)) for m in (1, 2, 3)]
        await asyncio.gather(*first)
        failing = FailingCommit(database, monkeypatch)
        doomed = [asyncio.create_task(click(m)) for m in (4, 5, 1)]
        await failing.committing.wait()
        meanwhile = [asyncio.create_task(click(m)) for m in (6, 7)]
        failing.release.set()
        await asyncio.gather(*doomed, *meanwhile)
    full = "database or disk is full"
    assert told == [
        (1, ("registered", None)),
        (2, ("registered", None)),
        (3, ("waiting", 1)),
        (4, full),
        (5, full),
        (1, full),
        (6, ("waiting", 2)),
        (7, ("waiting", 3)),
    ]
    async with Database(path) as database:
        after = RegistrationStore(database, hold_seconds=HOLD)
        acknowledged = [(m, *t) for m, t in told if isinstance(t, tuple)]
        assert rows(await after.places_of(EVENT)) == acknowledged
        assert await outcome(after, 4) == ("waiting", 4)


async def test_a_click_tells_the_event_s_name_and_start_as_its_transaction_read_them(database, store):
    clicked = await store.register_click(EVENT, 1, now=NOW, guild_id=GUILD)
    assert (clicked.name, clicked.starts_at, clicked.change.place.status) == ("Matinale", START, "registered")
    await follow(database, name="Matinale RH", starts=START + HOUR)
    clicked = await store.register_click(EVENT, 2, now=NOW, guild_id=GUILD)
    assert (clicked.name, clicked.starts_at) == ("Matinale RH", START + HOUR)


async def test_a_click_from_another_server_or_on_an_event_not_followed_is_stale(store):
    stale = "errors.stale_component"
    for event_id, guild_id in ((EVENT, GUILD + 1), (EVENT + 1, GUILD)):
        with pytest.raises(RegistrationRefused) as refused:
            await store.register_click(event_id, 1, now=NOW, guild_id=guild_id)
        assert refused.value.key == stale
    assert await store.counts(EVENT) == Counts(places=3, registered=0, offered=0, waiting=0)
