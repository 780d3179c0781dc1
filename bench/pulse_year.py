"""A synthetic year of a large community, written into a real SQLite file through Agora's migrations.

The features' tables are filled with `executemany` inside transactions (bench/pulse_year_rows.py). The
activity goes through the activity part's own store, `ActivityStore.add`, as the bot's flushes write
it: for each local day, `flushes` flushes, each adding a tally per channel (messages and a sketch of
their authors, drawn from the members who write, a long tail); the member count of each day through
`ActivityStore.record_member_count`. Two million messages are never sent as events: they are counted
here into the aggregates the bot would have written.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from agora.database import Database
from bench.pulse_year_events import Upcoming, events
from bench.pulse_year_rows import Community, Ids, People, Tables, Year, feeds, polls, the_rest
from cogs.pulse.activity.activity_store import ActivityStore, DayTally
from cogs.pulse.activity.key_file import key_path, load_or_create
from cogs.pulse.activity.sketch import AuthorKey, AuthorSketch


@dataclass(frozen=True)
class Sizes:
    members: int = 10_000
    events: int = 50
    registrations: int = 5_000
    feedback: int = 2_000
    polls: int = 200
    votes: int = 100_000
    articles: int = 5_000
    feeds: int = 25
    messages: int = 2_000_000
    questions: int = 400
    question_votes: int = 6_000
    flushes: int = 4  # activity flushes per day (the bot's come every minute; the rows end the same)


QUICK = Sizes(
    members=1_000,
    events=10,
    registrations=500,
    feedback=200,
    polls=20,
    votes=5_000,
    articles=300,
    feeds=5,
    messages=100_000,
    questions=40,
    question_votes=400,
    flushes=2,
)
WRITERS = 0.35  # the share of members who ever write a message
THREADED = 0.45  # the share of articles with a thread that draw replies


@dataclass
class Written:
    """What was written, how long it took, and what it weighs."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    empty_bytes: int = 0  # the file once migrated, before the year
    bytes: int = 0  # the file after the year, checkpointed
    tables: list[tuple[str, int]] = field(default_factory=list)  # bytes per table and index, largest first
    upcoming: list[Upcoming] = field(default_factory=list)
    messages: int = 0
    activity_rows: int = 0

    @property
    def growth(self) -> int:
        return self.bytes - self.empty_bytes


# ---- activity: messages per channel and day, and their authors ----------------------------------------


def day_weights(rng: np.random.Generator, year: Year, event_days: set[date]) -> np.ndarray:
    """How busy each day is: weekdays more than weekends, summer and the holidays quieter, a community
    growing over the year, event days busier, and some noise."""
    weights = []
    for n, day in enumerate(year.days):
        weight = (1.0, 1.0, 1.05, 1.1, 0.95, 0.45, 0.35)[day.weekday()]
        weight *= 0.6 if day.month in (7, 8) else 0.5 if (day.month, day.day) >= (12, 22) else 1.0
        weight *= 0.8 + 0.4 * n / len(year.days)
        weight *= 1.5 if day in event_days else 1.0
        weights.append(weight * rng.lognormal(0, 0.15))
    return np.array(weights)


def thread_replies(
    rng: np.random.Generator, year: Year, threads: list[tuple[int, int, int]]
) -> dict[date, dict[int, int]]:
    """Replies in the articles' threads: some draw none, most a few, some a real discussion, over the
    three days after the article was shared."""
    replies: dict[date, dict[int, int]] = defaultdict(dict)
    for thread, _, shared in threads:
        if rng.random() >= THREADED:
            continue
        total, first = int(min(80, 1 + rng.geometric(0.15))), year.day_of(shared)
        for offset, count in enumerate(rng.multinomial(total, [0.6, 0.25, 0.1, 0.05])):
            day = first + timedelta(days=offset)
            if count and day <= year.days[-1]:
                replies[day][thread] = int(count)
    return replies


class Authors:
    """Who writes: a share of the members, a few of them most of the messages."""

    def __init__(self, rng: np.random.Generator, people: People) -> None:
        count = int(len(people.ids) * WRITERS)
        self.ids = rng.choice(people.ids, size=count, replace=False)
        weight = 1 / (np.arange(count) + 3.0) ** 1.1
        self.p = weight / weight.sum()
        self.rng = rng

    def of(self, messages: int) -> np.ndarray:
        """The author of each of `messages` messages, in the order written."""
        return self.rng.choice(self.ids, size=messages, p=self.p)


def day_tallies(
    guild: int,
    day: str,
    counts: dict[int, int],
    parents: dict[int, int],
    authors: Authors,
    flushes: int,
    key: AuthorKey,
) -> list[list[DayTally]]:
    """Each flush's tallies for one day: each channel's messages cut into `flushes` stretches, each with
    its count and the sketch of its authors; a thread's with the channel it is in (`parents`), as the
    bot records it."""
    batches: list[list[DayTally]] = [[] for _ in range(flushes)]
    for channel, messages in counts.items():
        for batch, written in zip(batches, np.array_split(authors.of(messages), flushes), strict=True):
            if len(written):
                sketch = AuthorSketch()
                sketch.add((int(author) for author in np.unique(written)), key)
                batch.append(DayTally(guild, channel, day, len(written), sketch, parents.get(channel)))
    return batches


async def activity(
    db: Database,
    rng: np.random.Generator,
    year: Year,
    c: Community,
    people: People,
    threads: list[tuple[int, int, int]],
    event_days: set[date],
    sizes: Sizes,
) -> tuple[int, int]:
    """The year's messages into activity_days through the activity store; (messages, rows)."""
    store, authors = ActivityStore(db), Authors(rng, people)
    key = load_or_create(key_path(db.path))  # the key the bot reads beside the database, made now
    channels = {c.general: 30, c.discussions: 20, c.events: 10, c.articles: 8, c.announcements: 2}
    # Channels the fake Discord does not list: work, introductions, help… (the report names them unknown).
    channels |= {900_000_000_000_000_000 + n: weight for n, weight in enumerate((8, 6, 5, 4, 3))}
    replies = thread_replies(rng, year, threads)
    parents = {thread: channel for thread, channel, _ in threads}
    threaded = sum(sum(day.values()) for day in replies.values())
    totals = rng.multinomial(sizes.messages - threaded, (w := day_weights(rng, year, event_days)) / w.sum())
    shares = np.array(list(channels.values()), dtype=float)
    written = rows = 0
    for day, total in zip(year.days, totals, strict=True):
        weights = shares * rng.lognormal(0, 0.2, len(shares))
        if day in event_days:
            weights[2] *= 4  # the events channel, on the morning itself
        counts = dict(
            zip(channels, (int(n) for n in rng.multinomial(int(total), weights / weights.sum())), strict=True)
        )
        counts |= replies.get(day, {})
        counts = {channel: n for channel, n in counts.items() if n}
        for batch in day_tallies(c.guild_id, day.isoformat(), counts, parents, authors, sizes.flushes, key):
            await store.add(batch)
        written, rows = written + sum(counts.values()), rows + len(counts)
    return written, rows


async def member_counts(
    db: Database, rng: np.random.Generator, year: Year, c: Community, sizes: Sizes
) -> None:
    """Growing to `sizes.members` by the year's end, a few leaving each day."""
    store, count = ActivityStore(db), int(sizes.members * 0.74)
    joins = rng.poisson((sizes.members - count) / len(year.days) * 1.15, len(year.days))
    leaves = rng.poisson((sizes.members - count) / len(year.days) * 0.15, len(year.days))
    for day, (joined, left) in enumerate(zip(joins, leaves, strict=True)):
        count = sizes.members if day == len(year.days) - 1 else count + int(joined) - int(left)
        await store.record_member_count(c.guild_id, year.days[day].isoformat(), count)


# ---- the whole year ---------------------------------------------------------------------------------


def file_bytes(path: Path) -> int:
    return sum(
        os.path.getsize(f"{path}{suffix}") for suffix in ("", "-wal") if os.path.exists(f"{path}{suffix}")
    )


def table_sizes(path: Path) -> list[tuple[str, int]]:
    """Bytes of each table and index (SQLite's dbstat), largest first."""
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC").fetchall()
    db.close()
    return [(str(name), int(size)) for name, size in rows]


async def write_year(path: Path, year: Year, c: Community, sizes: Sizes, *, seed: int = 2025) -> Written:
    """The year into a new SQLite file at `path`, migrated first; closed when done."""
    out, rng, ids = Written(), np.random.default_rng(seed), Ids()
    db = Database(path)
    await db.open()
    try:
        await db.migrate()
        await db.writer.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        out.empty_bytes = file_bytes(path)

        start = time.perf_counter()
        people, tables = People.draw(rng, sizes.members, year, ids), Tables()
        out.upcoming = events(
            tables,
            rng,
            year,
            c,
            people,
            ids,
            count=sizes.events,
            registrations=sizes.registrations,
            feedback=sizes.feedback,
            questions=sizes.questions,
            question_votes=sizes.question_votes,
        )
        polls(tables, rng, year, c, people, ids, count=sizes.polls, votes=sizes.votes)
        threads = feeds(tables, rng, year, c, people, ids, count=sizes.feeds, articles=sizes.articles)
        the_rest(tables, rng, year, c, people, ids)
        out.seconds["drawn"] = time.perf_counter() - start

        start = time.perf_counter()
        for table, sql, rows in tables.statements():
            async with db.transaction() as connection:
                await connection.executemany(sql, rows)
            out.rows[table] = out.rows.get(table, 0) + len(rows)
        out.seconds["features"] = time.perf_counter() - start

        start = time.perf_counter()
        event_days = {year.day_of(row[0]) for row in await db.fetch_all("SELECT starts_at FROM events")}
        out.messages, out.activity_rows = await activity(db, rng, year, c, people, threads, event_days, sizes)
        await member_counts(db, rng, year, c, sizes)
        out.seconds["activity"] = time.perf_counter() - start
        out.rows["activity_days"], out.rows["member_counts"] = out.activity_rows, len(year.days)
    finally:
        await db.close()  # the last connection to close checkpoints the WAL into the file
    out.bytes, out.tables = file_bytes(path), table_sizes(path)
    return out
