"""The speakers' reviews on a real migrated file: claimed once per session after the report, the first
decision wins, a delivery is recorded once, and an organiser's data exported and unlinked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agora.clock import epoch
from agora.database import Database
from cogs.events.model import EventSnapshot
from cogs.events.speakers.store import SpeakerReviewStore
from cogs.events.store import EventStore

MOMENT = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
OLIVIA, ADAM = 100, 200


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


@pytest.fixture
def store(database):
    return SpeakerReviewStore(database)


async def event_with_sessions(database, event_id: int = 1, *, report_done: bool = True) -> list[int]:
    starts = epoch(MOMENT) - 4 * 3600
    snapshot = EventSnapshot(event_id, 10, "Matinale", None, "Genève", starts, starts + 3 * 3600, "completed")
    await EventStore(database).record(snapshot, MOMENT, channel_id=50, language="fr", reminder_offsets=())
    sessions = []
    async with database.transaction() as db:
        for hour, title in enumerate(("Ouverture", "Atelier")):
            cursor = await db.execute(
                "INSERT INTO event_sessions (event_id, title, speaker_id, speaker_name, starts_at, "
                "created_at, updated_at) VALUES (?, ?, NULL, 'Jeanne', ?, 0, 0)",
                (event_id, title, starts + hour * 3600),
            )
            sessions.append(int(cursor.lastrowid))
        done = epoch(MOMENT) if report_done else None
        await db.execute(
            "UPDATE events SET closed_at = ?, report_done_at = ? WHERE id = ?",
            (epoch(MOMENT), done, event_id),
        )
    return sessions


async def test_sessions_are_due_once_the_report_is_done_and_claimed_once(database, store):
    await event_with_sessions(database, 1, report_done=False)
    assert await store.sessions_due() == {}
    sessions = await event_with_sessions(database, 2)
    assert await store.sessions_due() == {2: sessions}
    assert await store.claim(2, sessions, MOMENT) == sessions
    assert await store.claim(2, sessions, MOMENT) == []
    assert await store.sessions_due() == {}
    assert [r.session_id for r in await store.to_post()] == sessions


async def test_a_session_of_another_event_is_not_claimed(database, store):
    first = await event_with_sessions(database, 1)
    await event_with_sessions(database, 2)
    assert await store.claim(2, first, MOMENT) == []


async def test_a_refused_post_is_not_tried_again(database, store):
    sessions = await event_with_sessions(database)
    await store.claim(1, sessions, MOMENT)
    await store.set_refused(sessions[0], 50, MOMENT)
    await store.set_posted(sessions[1], 50, 900)
    assert await store.to_post() == []


async def test_the_first_decision_wins_and_a_delivery_is_recorded_once(database, store):
    session, _ = await event_with_sessions(database)
    await store.claim(1, [session], MOMENT)
    won, _ = await store.decide(session, "send", OLIVIA, MOMENT)
    assert not won  # not posted yet: nothing to decide on
    await store.set_posted(session, 50, 900)
    won, review = await store.decide(session, "send", OLIVIA, MOMENT)
    assert won and review.decided_by == OLIVIA
    later, review = await store.decide(session, "withhold", ADAM, MOMENT + timedelta(minutes=1))
    assert not later and (review.decision, review.decided_by) == ("send", OLIVIA)
    assert [r.session_id for r in await store.to_deliver()] == [session]
    review = await store.set_delivered(session, "dm", MOMENT)
    again = await store.set_delivered(session, "unreachable", MOMENT + timedelta(minutes=5))
    assert again == review and review.delivery == "dm"
    assert await store.to_deliver() == []


async def test_an_organisers_decisions_are_exported_then_unlinked_from_their_name(database, store):
    sessions = await event_with_sessions(database)
    await store.claim(1, sessions, MOMENT)
    for session, who, decision in zip(sessions, (OLIVIA, ADAM), ("send", "withhold"), strict=True):
        await store.set_posted(session, 50, 900 + session)
        await store.decide(session, decision, who, MOMENT)
    exported = await store.export_member(OLIVIA)
    assert exported == {
        "decided": [
            {
                "session_id": str(sessions[0]),
                "session": "Ouverture",
                "event_id": "1",
                "event": "Matinale",
                "decision": "send",
                "decided_at": "2026-12-03T12:00:00Z",
            }
        ]
    }
    async with database.transaction() as db:
        assert await store.forget_member(db, OLIVIA) == 1
    assert (await store.get(sessions[0])).decided_by is None
    assert (await store.get(sessions[0])).decision == "send"
    assert (await store.get(sessions[1])).decided_by == ADAM
    assert await store.export_member(OLIVIA) == {"decided": []}
