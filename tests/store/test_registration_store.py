"""Places and their waitlist on a real migrated file: who gets a place, who waits and in what order,
offers held and passed on, the deadline, bad requests refused with the key that says why, a burst of
concurrent clicks, and a member's data exported and forgotten without losing their place."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest

from agora.clock import epoch
from agora.database import Database, load_migrations
from cogs.events.model import EventSnapshot
from cogs.events.notice_store import NoticeStore
from cogs.events.registration.store import Counts, Offer, Place, RegistrationRefused, RegistrationStore
from cogs.events.store import EventStore
from tests.clocks import FakeClock

MOMENT = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
NOW = epoch(MOMENT)
HOUR, DAY = 3600, 86400
HOLD = 12 * HOUR
START = NOW + 2 * DAY
EVENT = 1
ME, OTHER = 700000000000000007, 800000000000000008


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


@pytest.fixture
def store(database):
    return RegistrationStore(database, hold_seconds=HOLD, clock=FakeClock(MOMENT))


async def follow(
    database: Database, event_id: int = EVENT, *, starts: int = START, status: str = "scheduled"
):
    """The event as the events store records it from Discord."""
    snapshot = EventSnapshot(event_id, 10, "Matinale", None, "Genève", starts, None, status)
    await EventStore(database).record(snapshot, MOMENT, channel_id=50, language="fr", reminder_offsets=())


@pytest.fixture
async def full(database, store):
    """Three places taken by members 1-3; members 4 and 5 wait."""
    await follow(database)
    await store.configure(EVENT, places=3, deadline=None, now=NOW)
    for member in range(1, 6):
        await store.register(EVENT, member, now=NOW + member)
    return store


async def refused(call) -> RegistrationRefused:
    with pytest.raises(RegistrationRefused) as caught:
        await call
    return caught.value


def statuses(places: list[Place]) -> list[tuple[int, str, int | None]]:
    return [(p.user_id, p.status, p.position) for p in places]


# ---- taking a place or waiting ----------------------------------------------------------------


async def test_members_register_until_full_then_wait_in_click_order(full):
    places = await full.places_of(EVENT)
    assert statuses(places) == [
        (1, "registered", None),
        (2, "registered", None),
        (3, "registered", None),
        (4, "waiting", 1),
        (5, "waiting", 2),
    ]
    assert await full.counts(EVENT) == Counts(places=3, registered=3, offered=0, waiting=2)
    change = await full.register(EVENT, 6, now=NOW + 10)
    assert change.place == Place(EVENT, 6, "waiting", 3, NOW + 10, None) and change.offers == ()
    assert statuses(await full.member_places(5)) == [(5, "waiting", 2)]


async def test_without_places_registration_has_no_limit(database, store):
    await follow(database)
    for member in range(1, 51):
        change = await store.register(EVENT, member, now=NOW)
        assert change.place is not None and change.place.status == "registered"
    assert await store.counts(EVENT) == Counts(places=None, registered=50, offered=0, waiting=0)
    assert await store.settings(EVENT) is None


async def test_three_hundred_concurrent_clicks_for_forty_places(database, store):
    await follow(database)
    await store.configure(EVENT, places=40, deadline=None, now=NOW)
    changes = await asyncio.gather(*(store.register(EVENT, member, now=NOW) for member in range(1, 301)))
    assert [c.place.status for c in changes if c.place] == ["registered"] * 40 + ["waiting"] * 260
    assert await store.counts(EVENT) == Counts(places=40, registered=40, offered=0, waiting=260)
    waiting = [p for p in await store.places_of(EVENT) if p.status == "waiting"]
    assert [(p.user_id, p.position) for p in waiting] == [(m, m - 40) for m in range(41, 301)]


# ---- offers --------------------------------------------------------------------------------------


async def test_a_cancellation_offers_the_place_to_the_first_waiting_for_the_hold(full):
    change = await full.cancel(EVENT, 2, now=NOW + HOUR)
    assert change.place is None
    assert change.offers == (Offer(EVENT, 4, NOW + HOUR + HOLD),)
    assert await full.counts(EVENT) == Counts(places=3, registered=2, offered=1, waiting=1)
    # The offered place is taken: a new click waits behind member 5.
    late = await full.register(EVENT, 6, now=NOW + HOUR)
    assert late.place is not None and (late.place.status, late.place.position) == ("waiting", 2)


async def test_an_offer_is_never_held_past_the_start(database, full):
    await follow(database, starts=NOW + 2 * HOUR)
    change = await full.cancel(EVENT, 1, now=NOW + HOUR)
    assert change.offers == (Offer(EVENT, 4, NOW + 2 * HOUR),)


async def test_cancelling_a_waiting_row_offers_nothing(full):
    assert (await full.cancel(EVENT, 4, now=NOW)).offers == ()
    assert statuses(await full.member_places(5)) == [(5, "waiting", 1)]


async def test_a_confirmed_offer_is_a_registration(full):
    await full.cancel(EVENT, 2, now=NOW)
    change = await full.confirm(EVENT, 4, now=NOW + HOLD - 1)
    assert change.place == Place(EVENT, 4, "registered", None, NOW + 4, None)
    assert await full.counts(EVENT) == Counts(places=3, registered=3, offered=0, waiting=1)
    assert [p.user_id for p in await full.places_of(EVENT)][:3] == [1, 3, 4]


async def test_a_declined_offer_goes_to_the_next_waiting(full):
    await full.cancel(EVENT, 2, now=NOW)
    change = await full.decline(EVENT, 4, now=NOW + HOUR)
    assert change.place is None and change.offers == (Offer(EVENT, 5, NOW + HOUR + HOLD),)
    assert await full.member_places(4) == []


async def test_a_lapsed_offer_goes_to_the_next_waiting(full):
    await full.cancel(EVENT, 2, now=NOW)
    assert await full.expire_offers(NOW + HOLD - 1) == []
    [(lapsed, offers)] = await full.expire_offers(NOW + HOLD)
    assert (lapsed.user_id, lapsed.status, lapsed.offer_expires_at) == (4, "offered", NOW + HOLD)
    assert offers == (Offer(EVENT, 5, NOW + 2 * HOLD),)
    assert await full.member_places(4) == []


async def test_an_offer_made_before_a_restart_is_confirmed_after_it(tmp_path):
    path = tmp_path / "agora.db"
    async with Database(path) as database:
        await database.migrate()
        await follow(database)
        before = RegistrationStore(database, hold_seconds=HOLD)
        await before.configure(EVENT, places=1, deadline=None, now=NOW)
        await before.register(EVENT, 1, now=NOW)
        await before.register(EVENT, 2, now=NOW)
        await before.cancel(EVENT, 1, now=NOW)
    async with Database(path) as database:
        after = RegistrationStore(database, hold_seconds=HOLD)
        assert await after.offers_to_send(NOW) == [Offer(EVENT, 2, NOW + HOLD)]
        assert (await after.confirm(EVENT, 2, now=NOW + HOUR)).place.status == "registered"


async def test_an_offer_s_dm_is_claimed_once_while_it_holds(full):
    await full.cancel(EVENT, 1, now=NOW)
    await full.cancel(EVENT, 2, now=NOW)
    assert await full.offers_to_send(NOW) == [Offer(EVENT, 4, NOW + HOLD), Offer(EVENT, 5, NOW + HOLD)]
    assert await full.claim_offer_dm(EVENT, 4, NOW) is True
    assert await full.claim_offer_dm(EVENT, 4, NOW) is False
    assert await full.claim_offer_dm(EVENT, 5, NOW + HOLD) is False  # lapsed
    assert await full.claim_offer_dm(EVENT, 3, NOW) is False  # registered, no offer
    assert await full.offers_to_send(NOW) == [Offer(EVENT, 5, NOW + HOLD)]


async def test_an_offer_s_dm_that_failed_is_due_again_after_a_growing_wait(full):
    await full.cancel(EVENT, 1, now=NOW)
    assert await full.claim_offer_dm(EVENT, 4, NOW) is True
    assert await full.offer_dm_failed(EVENT, 4, now=NOW, backoff=60) == 1
    assert (
        await full.offers_to_send(NOW + 59) == [] and await full.claim_offer_dm(EVENT, 4, NOW + 59) is False
    )
    assert await full.offers_to_send(NOW + 60) == [Offer(EVENT, 4, NOW + HOLD)]  # the hold is unchanged
    assert await full.claim_offer_dm(EVENT, 4, NOW + 60) is True
    assert await full.offer_dm_failed(EVENT, 4, now=NOW + 60, backoff=60) == 2
    assert await full.offers_to_send(NOW + 179) == [] and len(await full.offers_to_send(NOW + 180)) == 1
    await full.decline(EVENT, 4, now=NOW + 180)
    assert await full.offer_dm_failed(EVENT, 4, now=NOW + 180, backoff=60) is None  # gone meanwhile


async def test_no_offer_s_dm_goes_out_for_an_event_called_off(database, full):
    await full.cancel(EVENT, 1, now=NOW)
    await follow(database, status="cancelled")  # before the DM went out: Agora was down
    assert await full.offers_to_send(NOW) == []
    assert await full.claim_offer_dm(EVENT, 4, NOW) is False


async def test_holds_end_at_the_start_of_an_event_moved_earlier(database, full):
    await full.cancel(EVENT, 1, now=NOW)  # member 4 is offered the place until NOW + HOLD
    await follow(database, starts=NOW + HOUR)
    assert await full.clamp_offers() == 1 and await full.clamp_offers() == 0
    assert await full.offers_to_send(NOW) == [Offer(EVENT, 4, NOW + HOUR)]


async def test_an_offer_is_not_confirmed_once_its_event_started_whatever_its_hold(database, full):
    await full.cancel(EVENT, 1, now=NOW)
    await follow(database, starts=NOW + HOUR)  # moved earlier; the hold not clamped yet
    error = await refused(full.confirm(EVENT, 4, now=NOW + HOUR))
    assert error.key == "events.register.error.closed"
    assert (await full.confirm(EVENT, 4, now=NOW + HOUR - 1)).place.status == "registered"


async def test_removing_the_limit_offers_a_place_to_everyone_waiting(full):
    change = await full.configure(EVENT, places=None, deadline=None, now=NOW + HOUR)
    assert change.offers == (Offer(EVENT, 4, NOW + HOUR + HOLD), Offer(EVENT, 5, NOW + HOUR + HOLD))
    assert await full.counts(EVENT) == Counts(places=None, registered=3, offered=2, waiting=0)


async def test_the_registration_dm_is_claimed_once_per_version_for_members_still_registered(database, full):
    notices = NoticeStore(database)
    assert sorted(await notices.claim_registered(EVENT, [1, 2, 4, 99], 0, NOW)) == [1, 2]
    assert await notices.claim_registered(EVENT, [1, 2], 0, NOW) == []
    assert await notices.claim_registered(EVENT, [1], 1, NOW) == [1]  # the event moved since


# ---- places and the deadline ---------------------------------------------------------------------


async def test_raising_the_places_offers_every_freed_place_in_click_order(full):
    await full.register(EVENT, 6, now=NOW + 10)
    change = await full.configure(EVENT, places=5, deadline=None, now=NOW + HOUR)
    assert change.place is None
    assert change.offers == (Offer(EVENT, 4, NOW + HOUR + HOLD), Offer(EVENT, 5, NOW + HOUR + HOLD))
    assert statuses(await full.member_places(6)) == [(6, "waiting", 1)]


async def test_lowering_the_places_below_those_taken_is_refused(full):
    await full.cancel(EVENT, 1, now=NOW)  # two registered, one offered: three taken
    error = await refused(full.configure(EVENT, places=2, deadline=None, now=NOW))
    assert (error.key, error.values) == ("events.places.error.below_taken", {"taken": 3})
    assert (await full.settings(EVENT)).places == 3
    assert (await full.configure(EVENT, places=3, deadline=NOW + DAY, now=NOW)).offers == ()


async def test_after_the_deadline_no_one_is_promoted_and_registering_is_refused(full):
    await full.configure(EVENT, places=3, deadline=NOW + DAY, now=NOW)
    error = await refused(full.register(EVENT, 6, now=NOW + DAY))
    assert error.key == "events.register.error.closed"
    assert (await full.cancel(EVENT, 1, now=NOW + DAY)).offers == ()
    assert (await full.configure(EVENT, places=10, deadline=NOW + DAY, now=NOW + DAY)).offers == ()
    assert await full.counts(EVENT) == Counts(places=10, registered=2, offered=0, waiting=2)


async def test_an_offer_lapsing_after_the_deadline_passes_to_no_one(full):
    await full.configure(EVENT, places=3, deadline=NOW + HOUR, now=NOW)
    await full.cancel(EVENT, 1, now=NOW)
    [(_, offers)] = await full.expire_offers(NOW + HOLD)
    assert offers == ()
    assert await full.counts(EVENT) == Counts(places=3, registered=2, offered=0, waiting=1)


async def test_a_cancelled_event_closes_registration_once(database, full):
    await follow(database, status="cancelled")
    assert (await refused(full.register(EVENT, 6, now=NOW))).key == "events.register.error.closed"
    told = await full.close(EVENT, NOW)
    assert [p.user_id for p in told] == [1, 2, 3, 4, 5]
    assert (await full.settings(EVENT)).closed_at == NOW
    assert await full.close(EVENT, NOW + 1) == []


# ---- refusals ------------------------------------------------------------------------------------


async def test_registering_twice_is_refused_with_the_row_the_member_has(full):
    assert (await refused(full.register(EVENT, 1, now=NOW))).key == "events.register.error.already_registered"
    error = await refused(full.register(EVENT, 5, now=NOW))
    assert (error.key, error.values) == ("events.register.error.already_waiting", {"position": 2})
    await full.cancel(EVENT, 1, now=NOW)
    assert (await refused(full.register(EVENT, 4, now=NOW))).key == "events.register.error.already_offered"
    assert await full.counts(EVENT) == Counts(places=3, registered=2, offered=1, waiting=1)


async def test_cancelling_without_a_row_is_refused(full):
    error = await refused(full.cancel(EVENT, 99, now=NOW))
    assert error.key == "events.register.error.not_registered"
    assert await full.counts(EVENT) == Counts(places=3, registered=3, offered=0, waiting=2)


async def test_confirming_a_lapsed_offer_is_refused(full):
    await full.cancel(EVENT, 1, now=NOW)
    assert (await refused(full.confirm(EVENT, 4, now=NOW + HOLD))).key == "events.offer.error.expired"
    assert await full.counts(EVENT) == Counts(places=3, registered=2, offered=1, waiting=1)


async def test_confirming_or_declining_someone_else_s_offer_is_refused(full):
    await full.cancel(EVENT, 1, now=NOW)  # member 4 holds the offer
    for member in (5, 2, 99):  # waiting, registered, no row at all
        assert (await refused(full.confirm(EVENT, member, now=NOW))).key == "events.offer.error.expired"
        assert (await refused(full.decline(EVENT, member, now=NOW))).key == "events.offer.error.expired"
    assert await full.offers_to_send(NOW) == [Offer(EVENT, 4, NOW + HOLD)]


# ---- a member's data -----------------------------------------------------------------------------


async def test_export_gives_every_row_of_the_member_with_its_event(database, store):
    await follow(database)
    await store.configure(EVENT, places=1, deadline=None, now=NOW)
    await store.register(EVENT, OTHER, now=NOW)
    await store.register(EVENT, ME, now=NOW + 60)
    async with database.transaction() as db:
        await db.execute("INSERT INTO event_attendance VALUES (?, ?, 'checkin', ?)", (EVENT, ME, NOW))
        await db.execute("INSERT INTO event_voice_presence VALUES (?, ?, 600, NULL)", (EVENT, ME))
        await db.execute("INSERT INTO event_checkin_failures VALUES (?, ?, ?)", (EVENT, ME, NOW))
        await db.execute("INSERT INTO event_member_notices VALUES (?, ?, 'changed', 1, ?)", (EVENT, ME, NOW))
    exported = await store.export_member(ME)
    event = {"event_id": "1", "event": "Matinale"}
    assert exported == {
        "registrations": [
            {
                **event,
                "status": "waiting",
                "waitlist_position": 1,
                "clicked_at": "2026-11-28T09:01:00Z",
                "registered_at": None,
                "offer_expires_at": None,
                "offer_sent_at": None,
            }
        ],
        "attendance": [{**event, "how": "checkin", "at": "2026-11-28T09:00:00Z"}],
        "voice_presence": [{**event, "seconds": 600, "present_since": None}],
        "wrong_checkin_codes": [{**event, "at": "2026-11-28T09:00:00Z"}],
        "messages_about_events": [
            {**event, "kind": "changed", "version": 1, "sent_at": "2026-11-28T09:00:00Z"}
        ],
    }
    assert json.loads(json.dumps(exported)) == exported
    assert all(v == [] for v in (await store.export_member(12345)).values())


async def test_forgetting_a_member_passes_their_place_to_the_next_waiting(database, store):
    await follow(database)
    await store.configure(EVENT, places=1, deadline=None, now=NOW)
    await store.register(EVENT, ME, now=NOW)
    await store.register(EVENT, OTHER, now=NOW)
    async with database.transaction() as db:
        await db.execute("INSERT INTO event_attendance VALUES (?, ?, 'voice', ?)", (EVENT, ME, NOW))
        await db.execute("INSERT INTO event_member_notices VALUES (?, ?, 'reminder', 0, ?)", (EVENT, ME, NOW))
        changed = await store.forget_member(db, ME)
    store.member_forgotten(ME)
    assert changed == 3
    assert await store.member_places(ME) == [] and all(
        v == [] for v in (await store.export_member(ME)).values()
    )
    # The store's clock says when the hold starts: the registry gives no time.
    assert await store.offers_to_send(NOW) == [Offer(EVENT, OTHER, NOW + HOLD)]
    assert await store.counts(EVENT) == Counts(places=1, registered=0, offered=1, waiting=0)


async def test_the_migration_adding_the_registration_dm_keeps_every_notice(tmp_path):
    async with Database(tmp_path / "agora.db") as database:
        shipped = load_migrations()
        await database.migrate([m for m in shipped if m.version < 10])
        await follow(database)
        async with database.transaction() as db:
            await db.execute(
                "INSERT INTO event_member_notices VALUES (?, ?, 'changed', 2, ?)", (EVENT, ME, NOW)
            )
            await db.execute(
                "INSERT INTO event_member_notices VALUES (?, ?, 'closed', 0, ?)", (EVENT, ME, NOW)
            )
        assert await database.migrate(shipped) == [m.version for m in shipped if m.version >= 10]
        rows = await database.fetch_all("SELECT * FROM event_member_notices ORDER BY kind")
        assert [tuple(r) for r in rows] == [(EVENT, ME, "changed", 2, NOW), (EVENT, ME, "closed", 0, NOW)]
        assert await NoticeStore(database).claim_registered(EVENT, [ME], 0, NOW) == []  # not registered
