import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from agora.clock import epoch
from agora.database import Database
from cogs.announcements.store import DRAFT_LIFETIME, AnnouncementStore, Content

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=3)
PLAIN = Content(channel_id=2, title="Title", body="Body")


@pytest.fixture
async def store(tmp_path):
    async with Database(tmp_path / "agora.db") as database:
        await database.migrate()
        yield AnnouncementStore(database)


async def draft(store: AnnouncementStore, at: datetime = NOW, *, guild_id: int = 1, **changes: object):
    content = Content(**{**dict(channel_id=2, title="Title", body="Body"), **changes})
    return await store.create_draft(guild_id, 3, content, at, NOW, "fr")


async def scheduled(store: AnnouncementStore, at: datetime = LATER, **changes: object):
    made = await draft(store, at, **changes)
    assert await store.confirm(made.id, NOW) == "scheduled"
    return await store.get(made.id)


async def publishing(store: AnnouncementStore, **changes: object):
    made = await draft(store, NOW, **changes)
    assert await store.confirm(made.id, NOW) == "publishing"
    return await store.get(made.id)


async def status(store: AnnouncementStore, announcement_id: int) -> str:
    found = await store.get(announcement_id)
    assert found is not None
    return found.status


# ---- create_draft -------------------------------------------------------------------------------


async def test_a_draft_keeps_every_field_of_its_content(store):
    content = Content(
        channel_id=22,
        title="Soirée jeux",
        body="Vendredi **20 h**",
        image_url="https://example.org/a.png",
        footer="L'équipe",
        role_id=555,
        thread=True,
        silent=False,
        every="week",
    )
    made = await store.create_draft(1, 3, content, LATER, NOW, "fr")
    found = await store.get(made.id)
    assert found == made
    assert found.content == content
    assert (found.thread, found.silent) == (True, False)
    assert isinstance(found.thread, bool) and isinstance(found.silent, bool)
    assert (found.guild_id, found.author_id, found.language) == (1, 3, "fr")
    assert (found.status, found.published, found.message_id, found.failure) == ("draft", 0, None, None)
    assert (found.first_at, found.next_at) == (epoch(LATER), epoch(LATER))
    assert (found.created_at, found.updated_at) == (epoch(NOW), epoch(NOW))


async def test_a_bare_draft_keeps_its_nones_and_the_other_booleans(store):
    content = Content(channel_id=2, title="T", body="B", thread=False, silent=True)
    made = await store.create_draft(1, 3, content, NOW, NOW, "en")
    found = await store.get(made.id)
    assert found.content == content
    assert (found.image_url, found.footer, found.role_id, found.every) == (None, None, None, None)
    assert (found.thread, found.silent) == (False, True)
    assert found.language == "en"


async def test_an_unknown_announcement_is_none(store):
    assert await store.get(12345) is None


# ---- update ---------------------------------------------------------------------------------------


async def test_update_changes_the_content_of_a_draft_and_keeps_its_time(store):
    made = await draft(store, LATER)
    new = Content(channel_id=9, title="New", body="Other", footer="f", role_id=4, thread=True, every="day")
    assert await store.update(made.id, new, None, NOW + timedelta(minutes=5), statuses=("draft",))
    found = await store.get(made.id)
    assert found.content == new
    assert (found.first_at, found.next_at) == (epoch(LATER), epoch(LATER))
    assert found.updated_at == epoch(NOW + timedelta(minutes=5))
    assert found.status == "draft"


async def test_update_with_a_time_moves_it_and_restarts_the_count(store):
    made = await publishing(store, every="day")
    await store.record_published(made.id, 77, NOW + timedelta(days=1), NOW)
    assert (await store.get(made.id)).published == 1
    moved = NOW + timedelta(days=5)
    assert await store.update(made.id, PLAIN, moved, NOW, statuses=("scheduled",))
    found = await store.get(made.id)
    assert (found.first_at, found.next_at, found.published) == (epoch(moved), epoch(moved), 0)
    assert found.content == PLAIN
    assert found.status == "scheduled"


async def test_update_refuses_an_announcement_no_longer_in_the_statuses_and_changes_nothing(store):
    made = await publishing(store)
    await store.record_published(made.id, 77, None, NOW)
    before = await store.get(made.id)
    assert before.status == "done"
    changed = Content(channel_id=9, title="New", body="Other")
    assert not await store.update(made.id, changed, LATER, LATER, statuses=("draft", "scheduled"))
    assert await store.get(made.id) == before


async def test_update_of_an_unknown_announcement_is_false(store):
    assert not await store.update(999, PLAIN, None, NOW, statuses=("draft",))


# ---- confirm --------------------------------------------------------------------------------------


async def test_confirming_a_draft_due_now_claims_it_for_publishing(store):
    made = await draft(store, NOW)
    assert await store.confirm(made.id, NOW) == "publishing"
    assert await status(store, made.id) == "publishing"


async def test_confirming_a_draft_whose_time_has_passed_claims_it_for_publishing(store):
    made = await draft(store, NOW - timedelta(minutes=10))
    assert await store.confirm(made.id, NOW) == "publishing"


async def test_confirming_a_future_draft_schedules_it(store):
    made = await draft(store, LATER)
    assert await store.confirm(made.id, NOW + timedelta(minutes=1)) == "scheduled"
    found = await store.get(made.id)
    assert (found.status, found.next_at) == ("scheduled", epoch(LATER))
    assert found.updated_at == epoch(NOW + timedelta(minutes=1))


async def test_confirm_pressed_twice_is_none_the_second_time(store):
    made = await draft(store, LATER)
    assert await store.confirm(made.id, NOW) == "scheduled"
    assert await store.confirm(made.id, NOW) is None
    assert await status(store, made.id) == "scheduled"


async def test_confirming_a_cancelled_draft_is_none(store):
    made = await draft(store, NOW)
    assert await store.cancel(made.id, NOW, statuses=("draft",))
    assert await store.confirm(made.id, NOW) is None
    assert await status(store, made.id) == "cancelled"


async def test_confirming_an_unknown_announcement_is_none(store):
    assert await store.confirm(999, NOW) is None


# ---- claim_due, publishing ------------------------------------------------------------------------


async def test_claim_due_takes_only_scheduled_rows_that_are_due_and_each_once(store):
    due = await scheduled(store, NOW + timedelta(minutes=10))
    exactly = await scheduled(store, NOW + timedelta(minutes=20))
    future = await scheduled(store, NOW + timedelta(minutes=21))
    still_draft = await draft(store, NOW - timedelta(hours=1))
    cancelled = await scheduled(store, NOW + timedelta(minutes=5))
    assert await store.cancel(cancelled.id, NOW, statuses=("scheduled",))

    when = NOW + timedelta(minutes=20)
    claimed = await store.claim_due(when)
    assert sorted(a.id for a in claimed) == sorted([due.id, exactly.id])
    assert all(a.status == "publishing" and a.updated_at == epoch(when) for a in claimed)
    assert await store.claim_due(when) == []
    assert sorted(a.id for a in await store.publishing()) == sorted([due.id, exactly.id])
    assert await status(store, future.id) == "scheduled"
    assert await status(store, still_draft.id) == "draft"
    assert await status(store, cancelled.id) == "cancelled"


async def test_publishing_lists_a_draft_confirmed_for_now(store):
    made = await publishing(store)
    assert [a.id for a in await store.publishing()] == [made.id]
    assert await store.claim_due(NOW) == []  # already claimed by confirm


async def test_twenty_concurrent_claims_take_each_due_row_exactly_once(store):
    rows = [await scheduled(store, NOW + timedelta(minutes=n)) for n in range(1, 11)]
    not_due = await scheduled(store, NOW + timedelta(hours=2))
    when = NOW + timedelta(minutes=30)
    results = await asyncio.gather(*(store.claim_due(when) for _ in range(20)))
    claimed = [a.id for result in results for a in result]
    assert sorted(claimed) == sorted(r.id for r in rows)
    assert len(claimed) == len(set(claimed)) == 10
    assert await status(store, not_due.id) == "scheduled"
    assert len(await store.publishing()) == 10


# ---- record_published, record_failed --------------------------------------------------------------


async def test_record_published_without_a_next_time_is_done(store):
    made = await publishing(store)
    async with store.database.transaction() as db:  # a failure left from an earlier attempt
        await db.execute("UPDATE announcements SET failure = 'announce.failure.x' WHERE id = ?", (made.id,))
    await store.record_published(made.id, 4242, None, NOW + timedelta(seconds=3))
    found = await store.get(made.id)
    assert (found.status, found.published, found.message_id, found.failure) == ("done", 1, 4242, None)
    assert found.next_at == epoch(NOW)  # the last publication stays
    assert found.updated_at == epoch(NOW + timedelta(seconds=3))
    assert await store.publishing() == []


async def test_record_published_with_a_next_time_schedules_it_again(store):
    made = await publishing(store, every="week")
    following = NOW + timedelta(weeks=1)
    await store.record_published(made.id, 4242, following, NOW)
    found = await store.get(made.id)
    assert (found.status, found.published, found.message_id) == ("scheduled", 1, 4242)
    assert (found.next_at, found.first_at) == (epoch(following), epoch(NOW))
    assert await store.claim_due(following - timedelta(seconds=1)) == []
    [again] = await store.claim_due(following)
    await store.record_published(again.id, 4343, following + timedelta(weeks=1), following)
    found = await store.get(made.id)
    assert (found.status, found.published, found.message_id) == ("scheduled", 2, 4343)


async def test_record_published_only_applies_to_a_row_being_published(store):
    made = await scheduled(store)
    assert await store.cancel(made.id, NOW, statuses=("scheduled",))
    before = await store.get(made.id)
    await store.record_published(made.id, 4242, None, NOW)
    await store.record_published(made.id, 4242, LATER + timedelta(days=1), NOW)
    assert await store.get(made.id) == before
    assert before.status == "cancelled"


async def test_record_failed_keeps_the_reason(store):
    made = await publishing(store)
    await store.record_failed(made.id, "announce.failure.forbidden", NOW + timedelta(seconds=1))
    found = await store.get(made.id)
    assert (found.status, found.failure) == ("failed", "announce.failure.forbidden")
    assert (found.published, found.message_id) == (0, None)
    assert found.updated_at == epoch(NOW + timedelta(seconds=1))
    assert await store.publishing() == []


async def test_in_guild_lists_scheduled_and_failed_ones_of_that_guild_by_next_time(store):
    third = await scheduled(store, NOW + timedelta(hours=3))
    first = await scheduled(store, NOW + timedelta(hours=1))
    failed = await publishing(store)  # next_at = NOW: the earliest
    await store.record_failed(failed.id, "announce.failure.channel_gone", NOW)
    second = await scheduled(store, NOW + timedelta(hours=2))
    await draft(store, NOW + timedelta(minutes=1))
    done = await publishing(store)
    await store.record_published(done.id, 1, None, NOW)
    cancelled = await scheduled(store, NOW + timedelta(minutes=30))
    await store.cancel(cancelled.id, NOW, statuses=("scheduled",))
    await publishing(store)
    other_guild = await draft(store, NOW + timedelta(minutes=2), guild_id=8)
    assert await store.confirm(other_guild.id, NOW) == "scheduled"

    listed = await store.in_guild(1, ("scheduled", "failed"))
    assert [a.id for a in listed] == [failed.id, first.id, second.id, third.id]
    assert [a.id for a in await store.in_guild(1, ("scheduled", "failed"), limit=2)] == [failed.id, first.id]
    assert [a.id for a in await store.in_guild(1, ("scheduled",))] == [first.id, second.id, third.id]
    assert [a.id for a in await store.in_guild(8, ("scheduled", "failed"))] == [other_guild.id]
    assert await store.in_guild(99, ("scheduled", "failed")) == []


# ---- cancel ---------------------------------------------------------------------------------------


async def test_cancel_applies_only_from_the_given_statuses(store):
    pending = await scheduled(store)
    assert not await store.cancel(pending.id, NOW, statuses=("draft",))
    assert await status(store, pending.id) == "scheduled"
    assert await store.cancel(pending.id, LATER, statuses=("scheduled",))
    found = await store.get(pending.id)
    assert (found.status, found.updated_at) == ("cancelled", epoch(LATER))
    assert not await store.cancel(pending.id, LATER, statuses=("scheduled",))  # only once


async def test_cancel_refuses_a_row_being_published_or_done(store):
    claimed = await publishing(store)
    assert not await store.cancel(claimed.id, NOW, statuses=("draft", "scheduled"))
    assert await status(store, claimed.id) == "publishing"
    await store.record_published(claimed.id, 5, None, NOW)
    assert not await store.cancel(claimed.id, NOW, statuses=("draft", "scheduled"))
    assert await status(store, claimed.id) == "done"
    assert not await store.cancel(999, NOW, statuses=("draft",))


# ---- drop_old_drafts -----------------------------------------------------------------------------


async def test_old_drafts_are_dropped_and_everything_else_kept(store):
    old = await store.create_draft(1, 3, PLAIN, NOW, NOW - timedelta(hours=1), "fr")
    edge = await draft(store, NOW)
    edited = await draft(store, NOW)
    old_scheduled = await scheduled(store, LATER)
    old_published = await publishing(store)
    await store.record_published(old_published.id, 1, None, NOW)
    old_cancelled = await draft(store, NOW)
    await store.cancel(old_cancelled.id, NOW, statuses=("draft",))

    later = NOW + timedelta(seconds=DRAFT_LIFETIME)
    await store.update(edited.id, PLAIN, None, NOW + timedelta(hours=1), statuses=("draft",))
    await store.drop_old_drafts(later)
    assert await store.get(old.id) is None
    assert await status(store, edge.id) == "draft"  # exactly the lifetime: not older yet
    await store.drop_old_drafts(later + timedelta(seconds=1))
    assert await store.get(edge.id) is None
    assert await status(store, edited.id) == "draft"  # edited an hour later: still recent
    assert await status(store, old_scheduled.id) == "scheduled"
    assert await status(store, old_published.id) == "done"
    assert await status(store, old_cancelled.id) == "cancelled"


async def test_a_failure_is_recorded_only_on_a_publication_under_way(store):
    claimed = await publishing(store)
    waiting = await scheduled(store)
    await store.record_failed(claimed.id, "announce.failure.forbidden", NOW)
    await store.record_failed(waiting.id, "announce.failure.forbidden", NOW)
    assert (await status(store, claimed.id), await status(store, waiting.id)) == ("failed", "scheduled")


async def test_discarding_removes_only_a_draft(store):
    made = await draft(store)
    waiting = await scheduled(store)
    await store.discard_draft(made.id)
    await store.discard_draft(waiting.id)
    assert await store.get(made.id) is None and await status(store, waiting.id) == "scheduled"
