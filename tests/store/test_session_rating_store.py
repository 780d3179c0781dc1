"""Session ratings on a real migrated file: each write checks the event's own session, a feedback answer
and the window at the given time; a rating and a comment live side by side; a member's ratings exported
and forgotten."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agora.clock import epoch
from agora.database import Database
from cogs.events.answer_store import AnswerStore
from cogs.events.model import Answers, EventSnapshot
from cogs.events.sessions.store import RatingRefused, SessionRatingStore
from cogs.events.store import EventStore

MOMENT = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
CLOSES = MOMENT + timedelta(days=7)
ALICE, BOB = 100, 200


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


@pytest.fixture
def store(database):
    return SessionRatingStore(database)


async def open_event(database, event_id: int = 1, *, answered=(ALICE,)) -> list[int]:
    """A finished event whose feedback window is open until CLOSES, with two sessions."""
    starts = epoch(MOMENT) - 4 * 3600
    snapshot = EventSnapshot(
        event_id, 10, f"Matinale {event_id}", None, None, starts, starts + 10800, "completed"
    )
    await EventStore(database).record(snapshot, MOMENT, channel_id=50, language="fr", reminder_offsets=())
    sessions = []
    async with database.transaction() as db:
        await db.execute(
            "UPDATE events SET call_at = ?, closes_at = ? WHERE id = ?",
            (epoch(MOMENT), epoch(CLOSES), event_id),
        )
        for n, title in enumerate(("Ouverture", "Atelier")):
            cursor = await db.execute(
                "INSERT INTO event_sessions (event_id, title, speaker_name, starts_at, created_at, "
                "updated_at) VALUES (?, ?, 'Jeanne', ?, 0, 0)",
                (event_id, title, starts + n * 3600),
            )
            sessions.append(int(cursor.lastrowid))
    for member in answered:
        await AnswerStore(database).save_response(event_id, member, Answers(4, 9, "", "", ()), MOMENT)
    return sessions


async def test_a_rating_replaces_the_previous_one_and_a_comment_stays_beside_it(database, store):
    first, second = await open_event(database)
    await store.save_rating(1, first, ALICE, rating=5, missed=False, now=MOMENT)
    await store.save_comments(1, ALICE, {first: " Bravo ", second: "Un peu court"}, now=MOMENT)
    await store.save_rating(1, first, ALICE, rating=None, missed=True, now=MOMENT + timedelta(minutes=1))
    answers = await store.answers_of(1, ALICE)
    assert (answers[first].rating, answers[first].missed, answers[first].comment) == (None, True, "Bravo")
    assert (answers[second].rating, answers[second].comment) == (None, "Un peu court")


async def test_clearing_a_rating_without_a_comment_leaves_no_row(database, store):
    first, second = await open_event(database)
    await store.save_rating(1, first, ALICE, rating=3, missed=False, now=MOMENT)
    await store.save_comments(1, ALICE, {second: "Merci"}, now=MOMENT)
    await store.save_rating(1, first, ALICE, rating=None, missed=False, now=MOMENT)
    await store.save_comments(1, ALICE, {second: ""}, now=MOMENT)
    assert await store.of_event(1) == []


async def test_a_comment_sent_again_unchanged_keeps_its_time(database, store):
    first, _ = await open_event(database)
    await store.save_comments(1, ALICE, {first: "Merci"}, now=MOMENT)
    await store.save_comments(1, ALICE, {first: "Merci"}, now=MOMENT + timedelta(hours=1))
    (kept,) = await store.of_event(1)
    assert kept.updated_at == epoch(MOMENT)


async def test_another_event_s_session_is_refused_and_nothing_is_stored(database, store):
    first, _ = await open_event(database, 1)
    foreign, _ = await open_event(database, 2)
    with pytest.raises(RatingRefused) as refused:
        await store.save_rating(1, foreign, ALICE, rating=4, missed=False, now=MOMENT)
    assert refused.value.reason == "unknown_session"
    with pytest.raises(RatingRefused):
        await store.save_comments(1, ALICE, {first: "Bien", foreign: "Bien"}, now=MOMENT)
    assert await store.of_event(1) == [] and await store.of_event(2) == []


async def test_a_member_without_a_feedback_answer_is_refused(database, store):
    first, _ = await open_event(database)
    with pytest.raises(RatingRefused) as refused:
        await store.save_rating(1, first, BOB, rating=4, missed=False, now=MOMENT)
    assert refused.value.reason == "not_answered"


async def test_nothing_is_stored_once_the_window_ends_or_is_closed(database, store):
    first, _ = await open_event(database)
    for moment in (CLOSES, CLOSES + timedelta(days=1)):
        with pytest.raises(RatingRefused) as refused:
            await store.save_rating(1, first, ALICE, rating=4, missed=False, now=moment)
        assert refused.value.reason == "closed"
    async with database.transaction() as db:
        await db.execute("UPDATE events SET closed_at = ? WHERE id = 1", (epoch(MOMENT),))
    with pytest.raises(RatingRefused):
        await store.save_comments(1, ALICE, {first: "Trop tard"}, now=MOMENT)
    assert await store.of_event(1) == []


async def test_impossible_values_never_reach_the_table(database, store):
    first, _ = await open_event(database)
    for rating, missed in ((6, False), (0, False), (3, True)):
        with pytest.raises(ValueError):
            await store.save_rating(1, first, ALICE, rating=rating, missed=missed, now=MOMENT)
    with pytest.raises(ValueError):
        await store.save_comments(1, ALICE, {first: "x" * 501}, now=MOMENT)


async def test_a_member_s_ratings_are_exported_and_forgotten(database, store):
    first, second = await open_event(database, answered=(ALICE, BOB))
    await store.save_rating(1, first, ALICE, rating=5, missed=False, now=MOMENT)
    await store.save_comments(1, ALICE, {second: "Merci"}, now=MOMENT)
    await store.save_rating(1, first, BOB, rating=2, missed=False, now=MOMENT)
    exported = await store.export_member(ALICE)
    assert exported == {
        "session_ratings": [
            {
                "event_id": "1",
                "event": "Matinale 1",
                "session_id": str(first),
                "session": "Ouverture",
                "rating": 5,
                "missed": False,
                "word_for_the_speaker": "",
                "updated_at": "2026-12-03T12:00:00Z",
            },
            {
                "event_id": "1",
                "event": "Matinale 1",
                "session_id": str(second),
                "session": "Atelier",
                "rating": None,
                "missed": False,
                "word_for_the_speaker": "Merci",
                "updated_at": "2026-12-03T12:00:00Z",
            },
        ]
    }
    async with database.transaction() as db:
        assert await store.forget_member(db, ALICE) == 2
    assert [r.user_id for r in await store.of_event(1)] == [BOB]
    assert await store.export_member(ALICE) == {"session_ratings": []}
