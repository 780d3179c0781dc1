"""The activity store on a real, migrated database: flushes add up, reads merge sketches over any span
and any channels, member counts are kept per day."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agora.database import Database
from cogs.pulse.activity.activity_store import ActivityStore, ChannelActivity, DayTally
from cogs.pulse.activity.sketch import AuthorKey, AuthorSketch

GUILD, OTHER_GUILD = 1, 2
GENERAL, THREAD, NEWS = 10, 11, 12
ALICE, BOB, OLIVIA, ADAM = 101, 102, 103, 104
KEY = AuthorKey(bytes(range(AuthorKey.SIZE)))  # fixed: the same estimates on every run


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[ActivityStore]:
    async with Database(tmp_path / "agora.db") as database:
        await database.migrate()
        yield ActivityStore(database)


def tally(
    channel: int, day: str, messages: int, *authors: int, guild: int = GUILD, parent: int | None = None
) -> DayTally:
    sketch = AuthorSketch()
    sketch.add(authors, KEY)
    return DayTally(guild, channel, day, messages, sketch, parent)


async def test_flushes_of_one_day_add_messages_and_merge_authors(store):
    await store.add([tally(GENERAL, "2026-11-28", 3, ALICE, BOB)])
    await store.add([tally(GENERAL, "2026-11-28", 2, BOB, OLIVIA), tally(GENERAL, "2026-11-28", 1, ALICE)])

    assert await store.channel_totals(GUILD, "2026-11-28", "2026-11-28") == [ChannelActivity(GENERAL, 6, 3)]
    row = await store.database.fetch_one("SELECT messages, authors FROM activity_days")
    assert (row["messages"], row["authors"]) == (6, 3)


async def test_channel_totals_count_each_author_once_over_the_span_busiest_first(store):
    await store.add(
        [
            tally(GENERAL, "2026-11-27", 2, ALICE),
            tally(GENERAL, "2026-11-28", 3, ALICE, BOB),
            tally(THREAD, "2026-11-28", 4, OLIVIA),
            tally(NEWS, "2026-11-29", 1, ADAM),
        ]
    )

    assert await store.channel_totals(GUILD, "2026-11-27", "2026-11-29") == [
        ChannelActivity(GENERAL, 5, 2),
        ChannelActivity(THREAD, 4, 1),
        ChannelActivity(NEWS, 1, 1),
    ]
    # Inclusive bounds: the last day is in, the day after is not.
    assert await store.channel_totals(GUILD, "2026-11-28", "2026-11-28") == [
        ChannelActivity(THREAD, 4, 1),
        ChannelActivity(GENERAL, 3, 2),
    ]


async def test_a_channels_threads_are_folded_into_its_row_each_author_counted_once(store):
    first, second = 20, 21  # two threads opened in #général
    await store.add(
        [
            tally(GENERAL, "2026-11-27", 2, ALICE),
            tally(first, "2026-11-27", 3, ALICE, BOB, parent=GENERAL),
            tally(second, "2026-11-28", 4, OLIVIA, parent=GENERAL),
            tally(NEWS, "2026-11-28", 5, ADAM),
        ]
    )

    assert await store.channel_totals(GUILD, "2026-11-27", "2026-11-28") == [
        ChannelActivity(GENERAL, 2 + 3 + 4, 3),  # Alice wrote in #général and in a thread: once
        ChannelActivity(NEWS, 5, 1),
    ]
    # Each thread is still counted on its own for the articles' replies.
    assert await store.messages_in(GUILD, [first, second], "2026-11-27", "2026-11-28") == {
        first: 3,
        second: 4,
    }


async def test_a_threads_parent_is_kept_across_flushes(store):
    await store.add([tally(THREAD, "2026-11-28", 1, ALICE, parent=GENERAL)])
    await store.add([tally(THREAD, "2026-11-28", 2, BOB, parent=GENERAL)])

    row = await store.database.fetch_one("SELECT channel_id, parent_id, messages FROM activity_days")
    assert tuple(row) == (THREAD, GENERAL, 3)
    assert await store.channel_totals(GUILD, "2026-11-28", "2026-11-28") == [ChannelActivity(GENERAL, 3, 2)]


async def test_a_thread_whose_channel_has_no_messages_of_its_own_counts_under_that_channel(store):
    # Its channel may have been deleted since: the id it was recorded with still groups it.
    gone = 30
    await store.add(
        [tally(THREAD, "2026-11-28", 2, ALICE, parent=gone), tally(GENERAL, "2026-11-28", 1, BOB)]
    )

    assert await store.channel_totals(GUILD, "2026-11-28", "2026-11-28") == [
        ChannelActivity(gone, 2, 1),
        ChannelActivity(GENERAL, 1, 1),
    ]


async def test_threads_left_out_count_in_no_channel(store):
    article = 40  # a thread opened on an article, in #annonces
    await store.add(
        [
            tally(NEWS, "2026-11-28", 1, ADAM),
            tally(article, "2026-11-28", 6, ALICE, BOB, parent=NEWS),
            tally(THREAD, "2026-11-28", 2, OLIVIA, parent=NEWS),
        ]
    )

    totals = await store.channel_totals(GUILD, "2026-11-28", "2026-11-28", leave_out={article})
    assert totals == [ChannelActivity(NEWS, 1 + 2, 2)]


async def test_daily_merges_every_channel_of_each_day_in_order(store):
    await store.add(
        [
            tally(THREAD, "2026-11-29", 1, ALICE),
            tally(GENERAL, "2026-11-28", 3, ALICE, BOB),
            tally(THREAD, "2026-11-28", 2, BOB),
        ]
    )

    assert await store.daily(GUILD, "2026-11-01", "2026-11-30") == [
        ("2026-11-28", 5, 2),
        ("2026-11-29", 1, 1),
    ]


async def test_authors_are_distinct_over_every_channel_and_day(store):
    await store.add(
        [
            tally(GENERAL, "2026-11-28", 3, ALICE, BOB),
            tally(THREAD, "2026-11-29", 2, BOB, OLIVIA),
            tally(NEWS, "2026-12-01", 1, ADAM),
        ]
    )

    assert await store.authors(GUILD, "2026-11-01", "2026-11-30") == 3
    assert await store.authors(GUILD, "2026-11-01", "2026-12-31") == 4
    assert await store.authors(GUILD, "2027-01-01", "2027-01-31") == 0


async def test_messages_in_given_channels_over_the_span_zero_when_none(store):
    await store.add(
        [
            tally(THREAD, "2026-11-28", 2, ALICE),
            tally(THREAD, "2026-11-29", 3, BOB),
            tally(THREAD, "2026-12-02", 7, BOB),
            tally(GENERAL, "2026-11-28", 5, ALICE),
        ]
    )

    assert await store.messages_in(GUILD, [THREAD, NEWS], "2026-11-01", "2026-11-30") == {THREAD: 5, NEWS: 0}
    assert await store.messages_in(GUILD, [], "2026-11-01", "2026-11-30") == {}


async def test_messages_in_many_channels_at_once(store):
    threads = list(range(1_000, 2_200))
    await store.add([tally(thread, "2026-11-28", 1, ALICE) for thread in threads])

    counted = await store.messages_in(GUILD, threads, "2026-11-28", "2026-11-28")
    assert counted == dict.fromkeys(threads, 1)


async def test_another_servers_activity_is_kept_apart(store):
    await store.add(
        [tally(GENERAL, "2026-11-28", 3, ALICE), tally(GENERAL, "2026-11-28", 9, BOB, guild=OTHER_GUILD)]
    )

    assert await store.channel_totals(GUILD, "2026-11-28", "2026-11-28") == [ChannelActivity(GENERAL, 3, 1)]
    assert await store.daily(OTHER_GUILD, "2026-11-28", "2026-11-28") == [("2026-11-28", 9, 1)]


async def test_a_flush_with_nothing_counted_writes_nothing(store):
    await store.add([])

    assert await store.daily(GUILD, "2000-01-01", "2100-01-01") == []


async def test_the_last_member_count_read_each_day_is_kept(store):
    await store.record_member_count(GUILD, "2026-11-28", 120)
    await store.record_member_count(GUILD, "2026-11-28", 121)
    await store.record_member_count(GUILD, "2026-11-29", 125)
    await store.record_member_count(OTHER_GUILD, "2026-11-29", 9)

    assert await store.member_counts(GUILD, "2026-11-01", "2026-11-30") == [
        ("2026-11-28", 121),
        ("2026-11-29", 125),
    ]
    assert await store.member_counts(GUILD, "2026-11-29", "2026-11-29") == [("2026-11-29", 125)]
