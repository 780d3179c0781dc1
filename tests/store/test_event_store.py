import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from agora.clock import epoch
from agora.database import Database
from cogs.events.answer_store import AnswerStore
from cogs.events.model import DEFAULT_LENGTH, Answers, EventSnapshot
from cogs.events.store import EventStore

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
OFFSETS = (86400, 3600)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
MINUTE, SECOND = timedelta(minutes=1), timedelta(seconds=1)
DELAY, WINDOW = 15 * 60, 7 * 86400
GUILD, CHANNEL = 10, 50


@pytest.fixture
async def database(tmp_path):
    async with Database(tmp_path / "agora.db") as opened:
        await opened.migrate()
        yield opened


@pytest.fixture
def store(database):
    return EventStore(database)


@pytest.fixture
def answer_store(database):
    return AnswerStore(database)


def snapshot(
    event_id: int = 1,
    *,
    starts: datetime = NOW + 2 * DAY,
    ends: datetime | None = None,
    status: str = "scheduled",
    guild_id: int = GUILD,
    name: str = "Atelier",
    description: str | None = "Un atelier",
    location: str | None = "Salle 2",
) -> EventSnapshot:
    return EventSnapshot(
        id=event_id,
        guild_id=guild_id,
        name=name,
        description=description,
        location=location,
        starts_at=epoch(starts),
        ends_at=epoch(ends) if ends is not None else None,
        status=status,
    )


async def track(
    store: EventStore,
    snap: EventSnapshot,
    now: datetime = NOW,
    *,
    channel_id: int | None = CHANNEL,
    language: str = "fr",
    created_by_agora: bool = False,
):
    return await store.record(
        snap,
        now,
        channel_id=channel_id,
        language=language,
        reminder_offsets=OFFSETS,
        created_by_agora=created_by_agora,
    )


async def reminder_rows(store: EventStore, event_id: int) -> dict[int, str]:
    rows = await store.database.fetch_all(
        "SELECT offset_seconds, outcome FROM event_reminders WHERE event_id = ?", (event_id,)
    )
    return {int(r[0]): str(r[1]) for r in rows}


def answers(rating: int = 4, recommend: int = 9, topics: tuple[str, ...] = ("a", "b"), **changes: str):
    texts = {"useful": "the talks", "improve": "the coffee"}
    texts.update(changes)
    return Answers(rating=rating, recommend=recommend, topics=topics, **texts)


async def called(store: EventStore, event_id: int = 1, *, window: int = WINDOW, channel_id=CHANNEL):
    """An event that is over, its feedback call claimed at NOW."""
    await track(store, snapshot(event_id, starts=NOW - 2 * HOUR, status="completed"), channel_id=channel_id)
    [event] = [e for e in await store.claim_calls(NOW, delay=DELAY, window=window) if e.id == event_id]
    return event


# ---- record() -------------------------------------------------------------------------------------


async def test_record_inserts_an_event_then_updates_what_discord_says_of_it(store):
    event = await track(
        store, snapshot(ends=NOW + 2 * DAY + 2 * HOUR), channel_id=CHANNEL, created_by_agora=True
    )
    assert (event.id, event.guild_id, event.name, event.description, event.location) == (
        1,
        GUILD,
        "Atelier",
        "Un atelier",
        "Salle 2",
    )
    assert (event.starts_at, event.ends_at) == (epoch(NOW + 2 * DAY), epoch(NOW + 2 * DAY + 2 * HOUR))
    assert (event.status, event.completed_at, event.language) == ("scheduled", None, "fr")
    assert (event.channel_id, event.created_by_agora, event.updated_at) == (CHANNEL, True, epoch(NOW))
    assert event.call_at is None and event.interested == 0
    assert await store.get(1) == event

    later = NOW + HOUR
    updated = await track(
        store,
        snapshot(name="Atelier (complet)", description=None, location="Salle 3", status="active"),
        later,
        channel_id=999,
        language="en",
    )
    assert (updated.name, updated.description, updated.location) == ("Atelier (complet)", None, "Salle 3")
    assert (updated.ends_at, updated.status, updated.updated_at) == (None, "active", epoch(later))
    # What Agora decided at first sight is kept: the channel, the language, who created it.
    assert (updated.channel_id, updated.language, updated.created_by_agora) == (CHANNEL, "fr", True)
    assert await store.get(2) is None


async def test_agora_s_own_event_seen_first_from_discord_gets_its_channel(store):
    # Discord's create event can arrive before Agora records the event it created.
    first = await track(store, snapshot(), channel_id=None)
    assert first.channel_id is None
    assert first.created_by_agora is False
    mine = await track(store, snapshot(), NOW + SECOND, channel_id=CHANNEL, created_by_agora=True)
    assert mine.channel_id == CHANNEL
    assert mine.created_by_agora is True
    # A later update from Discord keeps both.
    again = await track(store, snapshot(name="Renamed"), NOW + HOUR, channel_id=None)
    assert (again.channel_id, again.created_by_agora, again.name) == (CHANNEL, True, "Renamed")


async def test_reminders_already_past_at_first_sight_are_recorded_as_skipped(store):
    await track(store, snapshot(1, starts=NOW + 2 * HOUR))  # 24h before is past, 1h is not
    await track(store, snapshot(2, starts=NOW + 30 * MINUTE))  # both past
    await track(store, snapshot(3, starts=NOW + 2 * DAY))  # neither
    assert await reminder_rows(store, 1) == {86400: "skipped"}
    assert await reminder_rows(store, 2) == {86400: "skipped", 3600: "skipped"}
    assert await reminder_rows(store, 3) == {}

    assert await store.claim_reminders(NOW, OFFSETS) == []
    assert await store.claim_reminders(NOW + 29 * MINUTE, OFFSETS) == []  # a minute before 2 starts
    claimed = await store.claim_reminders(NOW + HOUR, OFFSETS)  # 1h before 1 starts
    assert [(e.id, o) for e, o in claimed] == [(1, 3600)]
    assert await store.claim_reminders(NOW + HOUR + 59 * MINUTE, OFFSETS) == []
    assert await store.reminders_sent(1) == [3600]
    assert await store.reminders_sent(2) == []


async def test_moving_the_start_later_rearms_the_reminders_now_in_the_future(store):
    start = NOW + 2 * HOUR
    await track(store, snapshot(starts=start))  # 24h skipped
    assert [o for _, o in await store.claim_reminders(start - HOUR, OFFSETS)] == [3600]

    # Moved three days later: both reminders are in the future again.
    moved = start + 3 * DAY
    await track(store, snapshot(starts=moved), start - HOUR + MINUTE)
    assert await reminder_rows(store, 1) == {}
    assert await store.claim_reminders(moved - DAY - SECOND, OFFSETS) == []
    assert [o for _, o in await store.claim_reminders(moved - DAY, OFFSETS)] == [86400]
    assert [o for _, o in await store.claim_reminders(moved - HOUR, OFFSETS)] == [3600]
    assert await store.reminders_sent(1) == [86400, 3600]


async def test_moving_the_start_a_little_rearms_only_the_reminders_in_the_future(store):
    start = NOW + 3 * DAY
    await track(store, snapshot(starts=start))
    assert [o for _, o in await store.claim_reminders(start - DAY, OFFSETS)] == [86400]
    # 30 minutes later: the 24h reminder time is still past (it stays sent), the 1h one was not due yet.
    now = start - DAY + HOUR
    await track(store, snapshot(starts=start + 30 * MINUTE), now)
    assert await reminder_rows(store, 1) == {86400: "sent"}
    assert await store.claim_reminders(now, OFFSETS) == []
    assert [o for _, o in await store.claim_reminders(start - 30 * MINUTE, OFFSETS)] == [3600]


async def test_an_update_that_keeps_or_moves_the_start_earlier_rearms_nothing(store):
    start = NOW + 2 * DAY
    await track(store, snapshot(starts=start))
    assert [o for _, o in await store.claim_reminders(start - DAY, OFFSETS)] == [86400]
    await track(store, snapshot(starts=start, name="Renamed"), start - DAY + SECOND)
    await track(store, snapshot(starts=start - HOUR), start - DAY + 2 * SECOND)
    assert await reminder_rows(store, 1) == {86400: "sent"}
    assert await store.claim_reminders(start - DAY + 3 * SECOND, OFFSETS) == []


async def test_a_deleted_event_stays_deleted_on_a_later_update(store):
    await track(store, snapshot(1))
    await store.mark_missing(GUILD, present=lambda: (), now=NOW)
    assert (await store.get(1)).status == "deleted"
    again = await track(store, snapshot(1, name="Back?", status="scheduled"), NOW + HOUR)
    assert again.status == "deleted"
    assert again.name == "Back?"  # the rest is still kept up to date
    await store.mark_deleted(1, NOW + 2 * DAY)  # gone again, after its start: still not "completed"
    assert (await store.get(1)).status == "deleted"
    assert (await track(store, snapshot(1, status="completed"), NOW + 2 * HOUR)).completed_at is None


async def test_completed_at_is_set_once_when_the_event_is_first_completed(store):
    first = await track(store, snapshot(1, starts=NOW - HOUR, status="active"))
    assert first.completed_at is None
    done = await track(store, snapshot(1, starts=NOW - HOUR, status="completed"), NOW + HOUR)
    assert (done.status, done.completed_at) == ("completed", epoch(NOW + HOUR))
    again = await track(store, snapshot(1, starts=NOW - HOUR, status="completed"), NOW + 2 * HOUR)
    assert (again.completed_at, again.updated_at) == (epoch(NOW + HOUR), epoch(NOW + 2 * HOUR))
    await store.mark_deleted(1, NOW + 3 * HOUR)
    assert (await store.get(1)).completed_at == epoch(NOW + HOUR)

    # First seen completed: completed now.
    seen_done = await track(store, snapshot(2, starts=NOW - HOUR, status="completed"))
    assert seen_done.completed_at == epoch(NOW)
    # An active event Discord drops is completed the same way, once.
    await track(store, snapshot(3, starts=NOW - HOUR, status="active"))
    await store.mark_deleted(3, NOW + HOUR)
    await store.mark_deleted(3, NOW + 2 * HOUR)
    assert (await store.get(3)).completed_at == epoch(NOW + HOUR)


# ---- reminders ------------------------------------------------------------------------------------


async def test_the_24h_reminder_is_claimed_at_its_time_and_only_once(store):
    start = NOW + 2 * DAY
    await track(store, snapshot(starts=start))
    assert await store.claim_reminders(start - DAY - SECOND, OFFSETS) == []
    claimed = await store.claim_reminders(start - DAY, OFFSETS)
    assert [(e.id, o) for e, o in claimed] == [(1, 86400)]
    assert claimed[0][0].name == "Atelier"
    assert await store.claim_reminders(start - DAY, OFFSETS) == []
    assert await store.claim_reminders(start - 2 * HOUR, OFFSETS) == []
    assert await store.reminders_sent(1) == [86400]


async def test_when_both_reminders_are_due_at_once_only_the_nearest_is_sent(store):
    start = NOW + 2 * DAY
    await track(store, snapshot(starts=start))
    late = start - 30 * MINUTE  # the bot was down through both
    assert [(e.id, o) for e, o in await store.claim_reminders(late, OFFSETS)] == [(1, 3600)]
    assert await reminder_rows(store, 1) == {86400: "skipped", 3600: "sent"}
    assert await store.claim_reminders(late + MINUTE, OFFSETS) == []
    assert await store.reminders_sent(1) == [3600]


async def test_no_reminder_once_the_event_has_started(store):
    start = NOW + 2 * DAY
    await track(store, snapshot(starts=start))
    assert await store.claim_reminders(start, OFFSETS) == []
    assert await store.claim_reminders(start + HOUR, OFFSETS) == []
    assert await reminder_rows(store, 1) == {}


async def test_no_reminder_for_cancelled_or_deleted_events(store):
    start = NOW + 2 * DAY
    await track(store, snapshot(1, starts=start, status="cancelled"))
    await track(store, snapshot(2, starts=start))
    await store.mark_deleted(2, NOW)
    await track(store, snapshot(3, starts=start))
    claimed = await store.claim_reminders(start - HOUR, OFFSETS)
    assert [(e.id, o) for e, o in claimed] == [(3, 3600)]


async def test_no_reminder_once_the_call_is_claimed(store):
    # Discord said it was over (the call is claimed), then listed it as scheduled again.
    await track(store, snapshot(starts=NOW - HOUR, status="completed"))
    assert [e.id for e in await store.claim_calls(NOW, delay=DELAY, window=WINDOW)] == [1]
    start = NOW + 2 * DAY
    again = await track(store, snapshot(starts=start, status="scheduled"), NOW + SECOND)
    assert (again.status, again.call_at) == ("scheduled", epoch(NOW))
    assert await store.claim_reminders(start - DAY, OFFSETS) == []
    assert await store.claim_reminders(start - HOUR, OFFSETS) == []


async def test_no_offsets_claim_nothing(store):
    start = NOW + 2 * DAY
    await track(store, snapshot(starts=start))
    assert await store.claim_reminders(start - HOUR, ()) == []
    assert await reminder_rows(store, 1) == {}


async def test_reminders_of_several_events_are_claimed_together(store):
    await track(store, snapshot(1, starts=NOW + 2 * DAY))
    await track(store, snapshot(2, starts=NOW + 2 * DAY))
    await track(store, snapshot(3, starts=NOW + 3 * DAY))
    claimed = await store.claim_reminders(NOW + DAY, OFFSETS)
    assert sorted((e.id, o) for e, o in claimed) == [(1, 86400), (2, 86400)]


# ---- the feedback call ----------------------------------------------------------------------------


async def test_a_completed_event_is_called_at_once(store):
    await track(store, snapshot(starts=NOW - HOUR, ends=NOW + HOUR, status="completed"), channel_id=77)
    [event] = await store.claim_calls(NOW, delay=DELAY, window=WINDOW)
    assert (event.id, event.call_at, event.closes_at) == (1, epoch(NOW), epoch(NOW) + WINDOW)
    assert (event.call_channel_id, event.call_message_id) == (77, None)
    assert await store.get(1) == event
    assert await store.claim_calls(NOW + SECOND, delay=DELAY, window=WINDOW) == []
    assert await store.claim_calls(NOW + 30 * DAY, delay=DELAY, window=WINDOW) == []
    assert (await store.get(1)).call_at == epoch(NOW)


@pytest.mark.parametrize("status", ["scheduled", "active"])
async def test_an_unfinished_event_is_called_when_its_end_plus_the_delay_has_passed(store, status):
    end = NOW + 2 * HOUR
    await track(store, snapshot(starts=NOW - HOUR, ends=end, status=status))
    due = end + timedelta(seconds=DELAY)
    assert await store.claim_calls(due - SECOND, delay=DELAY, window=WINDOW) == []
    [event] = await store.claim_calls(due, delay=DELAY, window=WINDOW)
    assert (event.call_at, event.closes_at) == (epoch(due), epoch(due) + WINDOW)
    assert await store.claim_calls(due + HOUR, delay=DELAY, window=WINDOW) == []


async def test_an_event_without_an_end_is_taken_to_last_the_default_length(store):
    start = NOW + HOUR
    await track(store, snapshot(starts=start, ends=None, status="active"))
    due = start + timedelta(seconds=DEFAULT_LENGTH + DELAY)
    assert await store.claim_calls(due - SECOND, delay=DELAY, window=WINDOW) == []
    assert [e.id for e in await store.claim_calls(due, delay=DELAY, window=WINDOW)] == [1]
    assert (await store.get(1)).assumed_end == epoch(start) + DEFAULT_LENGTH


async def test_cancelled_and_deleted_events_are_never_called(store):
    await track(store, snapshot(1, starts=NOW - DAY, ends=NOW - DAY + HOUR, status="cancelled"))
    await track(store, snapshot(2, starts=NOW + HOUR, ends=NOW + 2 * HOUR))
    await store.mark_deleted(2, NOW)  # deleted before it started
    assert await store.claim_calls(NOW + 30 * DAY, delay=DELAY, window=WINDOW) == []
    assert (await store.get(1)).call_at is None and (await store.get(2)).call_at is None


async def test_calls_to_post_and_the_call_message(store):
    await called(store, 1, channel_id=CHANNEL)
    await called(store, 2, channel_id=None)  # no channel: DMs only from the start
    await called(store, 3, channel_id=CHANNEL)
    assert (await store.get(2)).call_channel_id is None
    assert sorted(e.id for e in await store.calls_to_post()) == [1, 3]

    await store.set_call_message(1, None)  # the channel is gone: DMs only
    one = await store.get(1)
    assert (one.call_channel_id, one.call_message_id, one.channel_id) == (None, None, CHANNEL)
    await store.set_call_message(3, 777)
    three = await store.get(3)
    assert (three.call_channel_id, three.call_message_id) == (CHANNEL, 777)
    assert await store.calls_to_post() == []


async def test_a_closed_call_is_no_longer_to_post(store):
    await called(store, 1, window=3600)
    assert [e.id for e in await store.calls_to_post()] == [1]
    await store.claim_closing(NOW + HOUR)
    assert await store.calls_to_post() == []


# ---- events Discord no longer lists ---------------------------------------------------------------


async def test_missing_events_are_completed_if_running_or_over_and_deleted_otherwise(store):
    await track(store, snapshot(1, starts=NOW - HOUR, status="active"))
    await track(store, snapshot(2, starts=NOW - 2 * HOUR, ends=NOW - MINUTE))  # over, never marked active
    await track(store, snapshot(3, starts=NOW + DAY))
    await track(store, snapshot(4, starts=NOW + DAY))  # still listed
    await track(store, snapshot(5, starts=NOW + DAY, status="cancelled"))
    await track(store, snapshot(6, starts=NOW + DAY, guild_id=GUILD + 1))  # another guild
    await track(store, snapshot(7, starts=NOW - HOUR, ends=NOW + HOUR))  # started, not over: cancelled
    await track(store, snapshot(8, starts=NOW - DEFAULT_LENGTH * SECOND))  # no end: over after the default

    await store.mark_missing(GUILD, present=lambda: {4}, now=NOW)
    statuses = {i: (await store.get(i)).status for i in range(1, 9)}
    assert statuses == {
        1: "completed",
        2: "completed",
        3: "deleted",
        4: "scheduled",
        5: "cancelled",
        6: "scheduled",
        7: "deleted",
        8: "completed",
    }
    assert (await store.get(1)).completed_at == epoch(NOW)
    assert (await store.get(3)).completed_at is None
    await store.mark_missing(GUILD, present=lambda: {4}, now=NOW + DAY)
    assert (await store.get(3)).status == "deleted"


async def test_a_delete_calls_off_an_event_unless_it_was_running(store):
    await track(store, snapshot(1, starts=NOW - HOUR, ends=NOW - MINUTE))  # never started in Discord
    await track(store, snapshot(2, starts=NOW - HOUR, status="active"))
    await store.mark_deleted(1, NOW)
    await store.mark_deleted(2, NOW)
    assert [(await store.get(i)).status for i in (1, 2)] == ["deleted", "completed"]


async def test_deleted_events_are_hidden_from_the_guild_listings(store):
    await track(store, snapshot(1, starts=NOW + DAY))
    await track(store, snapshot(2, starts=NOW + 2 * DAY))
    await track(store, snapshot(3, starts=NOW - DAY, status="completed"))
    await track(store, snapshot(4, starts=NOW + 3 * DAY))
    await store.mark_deleted(4, NOW)
    assert [e.id for e in await store.in_guild(GUILD, since=epoch(NOW))] == [1, 2]
    assert [e.id for e in await store.in_guild(GUILD, since=epoch(NOW), limit=1)] == [1]
    assert [e.id for e in await store.recent_first(GUILD)] == [2, 1, 3]
    assert await store.recent_first(GUILD + 1) == []


# ---- the window: DMs, halfway and closing --------------------------------------------------------------


async def test_the_call_dms_are_due_until_marked_sent_then_the_reminder_from_halfway(store):
    window = 10 * 86400
    await called(store, 1, window=window)
    halfway = NOW + timedelta(seconds=window // 2)
    due = await store.invitations_due(NOW)
    assert [(e.id, kind) for e, kind in due] == [(1, "call")]
    assert due[0][0] == await store.get(1)
    # Resumed after a restart until every call DM is sent, even past halfway.
    assert [kind for _, kind in await store.invitations_due(halfway)] == ["call"]
    await store.set_invitations_sent(1, "call", NOW + HOUR)
    assert (await store.get(1)).call_dms_at == epoch(NOW + HOUR)
    assert await store.invitations_due(NOW + HOUR) == []
    assert await store.invitations_due(halfway - SECOND) == []
    assert [(e.id, kind) for e, kind in await store.invitations_due(halfway)] == [(1, "reminder")]
    assert [kind for _, kind in await store.invitations_due(halfway + DAY)] == ["reminder"]
    await store.set_invitations_sent(1, "reminder", halfway)
    event = await store.get(1)
    assert (event.call_dms_at, event.reminder_dms_at) == (epoch(NOW + HOUR), epoch(halfway))
    assert await store.invitations_due(halfway + DAY) == []


async def test_no_dms_are_due_once_the_window_has_closed(store):
    window = 10 * 86400
    await called(store, 1, window=window)
    await called(store, 2, window=window)
    await store.set_invitations_sent(1, "call", NOW)
    await store.set_invitations_sent(2, "call", NOW)
    closes = NOW + timedelta(seconds=window)
    assert {e.id for e, _ in await store.invitations_due(closes - SECOND)} == {1, 2}
    assert await store.invitations_due(closes) == []  # too late, though not yet closed
    assert sorted(e.id for e in await store.claim_closing(closes)) == [1, 2]
    assert await store.invitations_due(closes - SECOND) == []  # both closed now
    assert (await store.get(1)).reminder_dms_at is None


async def test_the_window_is_closed_once_at_its_closing_time(store):
    await called(store, 1, window=WINDOW)
    closes = NOW + timedelta(seconds=WINDOW)
    event = await store.get(1)
    assert event.feedback_open_at(closes - SECOND)
    assert await store.claim_closing(closes - SECOND) == []
    [closed] = await store.claim_closing(closes)
    assert (closed.id, closed.closed_at) == (1, epoch(closes))
    assert not closed.feedback_open_at(closes - SECOND)
    assert await store.claim_closing(closes + DAY) == []
    assert (await store.get(1)).closed_at == epoch(closes)


async def test_an_event_not_called_is_neither_halfway_nor_closed(store):
    await track(store, snapshot(starts=NOW + DAY))
    assert await store.invitations_due(NOW + 30 * DAY) == []
    assert await store.claim_closing(NOW + 30 * DAY) == []
    assert not (await store.get(1)).feedback_open_at(NOW)


# ---- direct messages ------------------------------------------------------------------------------


async def test_invitations_skip_opted_out_and_already_invited_members(store, answer_store):
    await called(store, 1)
    await answer_store.set_opted_out(5, True, NOW)
    assert await answer_store.claim_invitations(1, "call", [9, 5, 3, 7, 3], NOW) == [3, 7, 9]
    assert await answer_store.invited(1, "call") == {3, 7, 9}
    assert await answer_store.claim_invitations(1, "call", [3, 4, 5, 9, 2], NOW) == [2, 4]
    assert await answer_store.claim_invitations(1, "call", [2, 3, 4], NOW) == []
    assert await answer_store.invited(1, "call") == {2, 3, 4, 7, 9}
    assert await answer_store.claim_invitations(1, "call", [], NOW) == []


async def test_invitations_are_kept_per_kind_and_per_event(store, answer_store):
    await called(store, 1)
    await called(store, 2)
    assert await answer_store.claim_invitations(1, "call", [1, 2], NOW) == [1, 2]
    assert await answer_store.claim_invitations(2, "call", [1, 2], NOW) == [1, 2]
    assert await answer_store.claim_invitations(1, "reminder", [1, 2], NOW) == [1, 2]
    assert await answer_store.invited(1, "reminder") == {1, 2}
    assert await answer_store.invited(2, "reminder") == set()


async def test_the_halfway_reminder_skips_members_who_answered(store, answer_store):
    await called(store, 1)
    await called(store, 2)
    await answer_store.claim_invitations(1, "call", [1, 2, 3], NOW)
    await answer_store.save_response(1, 2, answers(), NOW)
    await answer_store.save_response(2, 3, answers(), NOW)  # answered another event
    await answer_store.set_opted_out(1, True, NOW)
    assert await answer_store.claim_invitations(1, "reminder", [1, 2, 3, 4], NOW) == [3, 4]
    # The call itself does not look at answers.
    assert await answer_store.claim_invitations(2, "call", [3, 4], NOW) == [3, 4]


# ---- answers --------------------------------------------------------------------------------------


async def test_a_second_answer_replaces_the_first(store, answer_store):
    await called(store, 1)
    first = answers(rating=2, recommend=3, topics=("x",), useful="u1", improve="i1")
    assert await answer_store.save_response(1, 7, first, NOW) is False
    saved = await answer_store.response(1, 7)
    assert (saved.user_id, saved.rating, saved.recommend) == (7, 2, 3)
    assert (saved.useful, saved.improve, saved.topics, saved.submitted_at) == ("u1", "i1", ("x",), epoch(NOW))

    second = answers(rating=5, recommend=10, topics=("y", "z"), useful="u2", improve="i2")
    assert await answer_store.save_response(1, 7, second, NOW + HOUR) is True
    replaced = await answer_store.response(1, 7)
    assert (replaced.rating, replaced.recommend, replaced.useful, replaced.improve) == (5, 10, "u2", "i2")
    assert (replaced.topics, replaced.submitted_at) == (("y", "z"), epoch(NOW + HOUR))
    assert len(await answer_store.responses(1)) == 1
    assert await answer_store.response(1, 8) is None
    assert await answer_store.response(2, 7) is None


async def test_topics_round_trip_including_none(store, answer_store):
    await called(store, 1)
    await answer_store.save_response(1, 1, answers(topics=()), NOW)
    await answer_store.save_response(1, 2, answers(topics=("only",)), NOW)
    await answer_store.save_response(1, 3, answers(topics=("a", "b", "c")), NOW)
    assert [r.topics for r in await answer_store.responses(1)] == [(), ("only",), ("a", "b", "c")]
    assert (await answer_store.response(1, 1)).topics == ()


async def test_answers_come_oldest_first_then_by_member(store, answer_store):
    await called(store, 1)
    await answer_store.save_response(1, 30, answers(), NOW + 2 * HOUR)
    await answer_store.save_response(1, 20, answers(), NOW + HOUR)
    await answer_store.save_response(1, 40, answers(), NOW + HOUR)
    await answer_store.save_response(1, 10, answers(), NOW + 3 * HOUR)
    await answer_store.save_response(1, 40, answers(), NOW + 4 * HOUR)  # a change moves the answer last
    assert [r.user_id for r in await answer_store.responses(1)] == [20, 30, 10, 40]
    assert await answer_store.responses(2) == []


async def test_response_counts_per_event(store, answer_store):
    await called(store, 1)
    await called(store, 2)
    await called(store, 3)
    for user_id in (1, 2, 3):
        await answer_store.save_response(1, user_id, answers(), NOW)
    await answer_store.save_response(2, 1, answers(), NOW)
    await answer_store.save_response(2, 1, answers(rating=1), NOW)  # a replacement counts once
    assert await answer_store.response_counts([1, 2, 3]) == {1: 3, 2: 1}
    assert await answer_store.response_counts({2}) == {2: 1}
    assert await answer_store.response_counts([]) == {}


async def test_fifty_members_answering_at_once_all_land(store, answer_store):
    await called(store, 1)
    results = await asyncio.gather(
        *(
            answer_store.save_response(1, user_id, answers(rating=user_id % 5 + 1), NOW)
            for user_id in range(50)
        )
    )
    assert results == [False] * 50
    saved = await answer_store.responses(1)
    assert [r.user_id for r in saved] == list(range(50))
    assert [r.rating for r in saved] == [u % 5 + 1 for u in range(50)]
    assert await answer_store.response_counts([1]) == {1: 50}


# ---- members' choices -----------------------------------------------------------------------------


async def test_opting_out_and_back_in(store, answer_store):
    assert not await answer_store.is_opted_out(7)
    assert await answer_store.set_opted_out(7, True, NOW) is True
    assert await answer_store.is_opted_out(7)
    assert await answer_store.set_opted_out(7, True, NOW + HOUR) is False
    assert await answer_store.is_opted_out(7)
    assert not await answer_store.is_opted_out(8)
    assert await answer_store.set_opted_out(7, False, NOW) is True
    assert not await answer_store.is_opted_out(7)
    assert await answer_store.set_opted_out(7, False, NOW) is False
    assert await answer_store.set_opted_out(8, False, NOW) is False


async def test_forgetting_an_event_removes_its_reminders_invitations_and_answers(store, answer_store):
    await called(store, 1)
    await track(store, snapshot(2, starts=NOW + 2 * HOUR))  # a skipped reminder
    await answer_store.claim_invitations(1, "call", [7], NOW)
    await answer_store.save_response(1, 7, answers(), NOW)
    await store.forget_event(1)
    await store.forget_event(2)
    assert await store.get(1) is None and await store.get(2) is None
    assert await answer_store.responses(1) == []
    assert await answer_store.invited(1, "call") == set()
    assert await reminder_rows(store, 2) == {}


async def test_announcement_report_and_interested_are_stored(store):
    await called(store, 1)
    await store.set_announcement(1, 101)
    await store.set_report_done(1, 202, NOW)
    event = await store.get(1)
    assert (event.announcement_message_id, event.report_message_id, event.report_done_at) == (
        101,
        202,
        epoch(NOW),
    )
    assert event.link == f"https://discord.com/events/{GUILD}/1"


async def test_the_copy_of_interested_members_is_replaced_before_the_call_and_added_to_after(store):
    await track(store, snapshot(1, starts=NOW - 2 * HOUR, ends=NOW - HOUR))
    await store.set_interested(1, [9, 7, 8, 7])
    assert (await store.interested_members(1), (await store.get(1)).interested) == ([7, 8, 9], 3)
    await store.set_interested(1, [8, 6])
    assert await store.interested_members(1) == [6, 8]
    await store.claim_calls(NOW, delay=DELAY, window=WINDOW)
    await store.set_interested(1, [5])  # Discord's list of an ended event may come back partial
    assert (await store.interested_members(1), (await store.get(1)).interested) == ([5, 6, 8], 3)


async def test_a_closed_window_s_report_is_due_until_done(store):
    await called(store, 1)
    assert await store.reports_due() == []
    await store.claim_closing(NOW + 8 * DAY)
    assert [e.id for e in await store.reports_due()] == [1]
    await store.set_report_done(1, None, NOW + 8 * DAY)
    assert await store.reports_due() == []


async def test_a_recurring_event_moving_on_keeps_the_occurrence_that_ended(store):
    first = NOW - 2 * HOUR
    await track(store, snapshot(1, starts=first, ends=first + HOUR, status="active"))
    await store.set_interested(1, [7, 8])
    # Discord's update when an occurrence ends: scheduled again, a week later.
    nxt = await track(store, snapshot(1, starts=first + 7 * DAY, ends=first + 7 * DAY + HOUR))
    assert (nxt.status, nxt.starts_at, nxt.call_at) == ("scheduled", epoch(first + 7 * DAY), None)
    (called_now,) = await store.claim_calls(NOW, delay=DELAY, window=WINDOW)
    assert (called_now.discord_id, called_now.starts_at, called_now.status) == (1, epoch(first), "completed")
    assert called_now.id != 1 and called_now.link == f"https://discord.com/events/{GUILD}/1"
    assert await store.interested_members(called_now.id) == [7, 8]
    assert (await store.get(1)).call_at is None  # the next occurrence waits for its own end


async def test_a_non_recurring_reschedule_keeps_no_occurrence(store):
    await track(store, snapshot(1, starts=NOW + DAY))
    await track(store, snapshot(1, starts=NOW + 2 * DAY))
    assert [e.id for e in await store.recent_first(GUILD)] == [1]
