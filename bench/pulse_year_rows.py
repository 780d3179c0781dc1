"""The synthetic year's rows in the features' own tables (events and the live Q&A: in
bench/pulse_year_events.py): polls and their votes, feeds with their entries, articles and review queue,
announcements, members' languages, and the pulse's own posts; and what those modules share.

Shaped as a year of the bot running leaves them: every past event completed, called, closed and
reported; every past poll closed with its message showing its last tally; every article posted (or
held for the digest, or reviewed); each week's digest and each month's report recorded as posted. So
the real bot started on the file has nothing to catch up on, and the reports read what they would.
Who takes part is drawn with a long tail: a few hundred members do most of it, most never do.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

DISCORD_EPOCH_MS = 1_420_070_400_000
DAY, HOUR = 86_400, 3_600
BLOGS = ("Relation client", "Marque employeur", "Intelligence collective", "Social ROI", "Économie sociale")
WORDS = (
    "réseaux", "sociaux", "entreprise", "marque", "employeur", "client", "expérience", "communauté",
    "événement", "économie", "solidaire", "innovation", "Genève", "Lausanne", "stratégie", "engagement",
    "collaborateurs", "numérique", "durable", "impact", "coopérative",
)  # fmt: skip


class Ids:
    """Discord snowflakes: the moment in the top bits, a counter in the low ones (8-byte integers, as
    the real ids are in SQLite)."""

    def __init__(self) -> None:
        self.count = 0

    def at(self, moment: int) -> int:
        self.count += 1
        return ((moment * 1000 - DISCORD_EPOCH_MS) << 22) | (self.count & 0x3FFFFF)


@dataclass(frozen=True)
class Year:
    now: int  # epoch seconds: the moment the year ends, when the bot is started on it
    zone: ZoneInfo
    days: tuple[date, ...]  # the local days of the year, oldest first

    @classmethod
    def ending(cls, now: datetime, zone: ZoneInfo, length: int = 365) -> Year:
        today = now.astimezone(zone).date()
        return cls(int(now.timestamp()), zone, tuple(today - timedelta(days=n) for n in range(length, 0, -1)))

    def at(self, day: date, hour: int = 0, minute: int = 0) -> int:
        return int(datetime.combine(day, time(hour, minute), tzinfo=self.zone).timestamp())

    @property
    def start(self) -> int:
        return self.at(self.days[0])

    def day_of(self, moment: int) -> date:
        return datetime.fromtimestamp(moment, UTC).astimezone(self.zone).date()


@dataclass(frozen=True)
class Community:
    """Where things happen: the fake Discord's guild and channels, so names and links resolve."""

    guild_id: int
    general: int
    discussions: int
    events: int
    articles: int
    organisers: int
    announcements: int


@dataclass
class People:
    """The members and how likely each is to take part in anything (a long tail)."""

    ids: np.ndarray
    p: np.ndarray
    organisers: tuple[int, ...] = ()

    @classmethod
    def draw(cls, rng: np.random.Generator, count: int, year: Year, ids: Ids) -> People:
        joined = np.sort(rng.integers(year.start - 4 * 365 * DAY, year.now, size=count))
        members = np.array([ids.at(int(moment)) for moment in joined], dtype=np.int64)
        weight = 1 / (np.arange(count) + 10.0) ** 0.9
        rng.shuffle(weight)
        return cls(members, weight / weight.sum(), tuple(int(m) for m in members[:5]))

    def pick(self, rng: np.random.Generator, k: int, among: np.ndarray | None = None) -> list[int]:
        """`k` distinct members, the more active likelier (among the indices `among`, when given)."""
        pool = np.arange(len(self.ids)) if among is None else among
        p = self.p[pool] / self.p[pool].sum()
        chosen = rng.choice(pool, size=min(k, len(pool)), replace=False, p=p)
        return [int(self.ids[i]) for i in chosen]


@dataclass
class Tables:
    """Rows per table and set of columns, in the order of their first rows (parents before children)."""

    rows: dict[tuple[str, str], list[tuple[Any, ...]]] = field(default_factory=dict)

    def add(self, table: str, columns: str, *rows: tuple[Any, ...]) -> None:
        self.rows.setdefault((table, columns), []).extend(rows)

    def statements(self) -> Iterator[tuple[str, str, list[tuple[Any, ...]]]]:
        for (table, columns), rows in self.rows.items():
            marks = ", ".join("?" * len(columns.split(",")))
            yield table, f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows  # noqa: S608 — ours


def prose(rng: np.random.Generator, words: int) -> str:
    if words <= 0:
        return ""
    text = " ".join(rng.choice(WORDS, size=words))
    return text[0].upper() + text[1:] + "."


def split(
    rng: np.random.Generator, total: int, parts: int, sigma: float = 0.6, cap: int | None = None
) -> list[int]:
    """`total` split into `parts` uneven shares (lognormal weights) that add up exactly, none above `cap`
    (the excess goes to the others; `total` must fit)."""
    weights = rng.lognormal(0, sigma, parts)
    shares = rng.multinomial(total, weights / weights.sum())
    while cap is not None and (over := shares > cap).any():
        excess = int((shares[over] - cap).sum())
        shares[over] = cap
        shares += np.bincount(rng.choice(np.flatnonzero(shares < cap), excess), minlength=parts)
    return [int(n) for n in shares]


# Rows are written as the schema reads, a table per statement; the formatter would give each value a line.
# fmt: off


# ---- polls --------------------------------------------------------------------------------------


def polls(t: Tables, rng: np.random.Generator, year: Year, c: Community, people: People, ids: Ids, *,
          count: int, votes: int) -> None:
    """`count` polls over the year (the last four still open), `votes` single-choice votes in all; each
    poll's message showing its last tally, as the bot records it."""
    created = sorted(int(x) for x in rng.integers(year.start, year.now - 5 * DAY, size=count - 4))
    created += [year.now - DAY * n for n in (4, 3, 2, 1)]
    turnout = split(rng, votes, count, 1.0, cap=len(people.ids) // 3)
    for n, (at, voters) in enumerate(zip(created, turnout, strict=True)):
        poll, options = ids.at(at), int(rng.integers(2, 7))
        closes = at + int(rng.integers(3, 8)) * DAY
        closed = closes if closes <= year.now else None
        channel = c.organisers if n % 20 == 7 else (c.general if n % 2 else c.discussions)
        chosen = people.pick(rng, voters)
        positions = rng.choice(options, size=len(chosen), p=rng.dirichlet(np.ones(options) * 2))
        counts = ",".join(map(str, np.bincount(positions, minlength=options)))
        t.add("polls", "id, guild_id, channel_id, message_id, author_id, question, anonymous, topic_id, "
              "language, created_at, closes_at, closed_at, results_message_id, shown",
              (poll, c.guild_id, channel, ids.at(at), people.organisers[n % 5], prose(rng, 12) + " ?",
               int(n % 7 != 0), f"topic-{n % 42}" if n % 3 == 0 else None, "fr", at, closes, closed,
               ids.at(closed) if closed else None,
               f"{'closed' if closed else 'open'} {counts}/{len(chosen)}"))
        t.add("poll_options", "poll_id, position, label", *((poll, p, prose(rng, 3)) for p in range(options)))
        t.add("poll_votes", "poll_id, position, user_id, voted_at",
              *((poll, int(p), m, min(closes - 1, at + int(rng.exponential(10 * HOUR))))
                for p, m in zip(positions, chosen, strict=True)))


# ---- feeds and their articles -------------------------------------------------------------------


def feeds(t: Tables, rng: np.random.Generator, year: Year, c: Community, people: People, ids: Ids, *,
          count: int, articles: int) -> list[tuple[int, int, int]]:
    """`count` blogs followed in every mode and `articles` articles shared (in review mode, a third more
    reviewed and skipped or left to expire; in digest mode, held for the digest: their feed's channel
    recorded, no post); the threads opened on them: (thread id, the channel it is in, shared at)."""
    threads: list[tuple[int, int, int]] = []
    added = year.start - 30 * DAY
    modes = ["instant"] * round(count * 0.6) + ["digest"] * round(count * 0.25)
    modes += ["review"] * (count - len(modes))
    for feed, (mode, share) in enumerate(zip(modes, split(rng, articles, count, 0.7), strict=True), start=1):
        site, thread = f"https://blog{feed}.example.ch", mode == "instant" and feed % 2 == 0
        blog = f"Blog {feed} – {BLOGS[feed % len(BLOGS)]}"
        t.add("feeds", "id, guild_id, url, channel_id, open_thread, source, added_by, added_at, title, "
              "site_url, etag, body_hash, next_fetch_at, last_success_at, mode",
              (feed, c.guild_id, f"{site}/feed/", c.articles, int(thread), "command", people.organisers[0],
               added, blog, site, f'"{feed:08x}"', f"{feed:064x}", year.now + 3600 + feed, year.now - 300,
               mode))
        t.add("feed_entries", "feed_id, entry_key, state, seen_at, link",
              *((feed, f"{site}/?p={k}", "skipped", added, f"{site}/old-{k}/") for k in range(20)))
        extra = share // 3 if mode == "review" else 0
        moments = sorted(int(x) for x in rng.integers(year.start, year.now, size=share))
        moments += sorted(int(x) for x in rng.integers(year.start, year.now, size=extra))
        for k, at in enumerate(moments):
            key, link, title, shared = (
                f"{site}/?p={1000 + k}",
                f"{site}/2025/article-{k}/",
                prose(rng, 7),
                k < share,
            )
            message = ids.at(at) if shared and mode != "digest" else None
            t.add("feed_entries", "feed_id, entry_key, state, seen_at, published_at, link, message_id",
                  (feed, key, "posted" if shared else "skipped", at, at - 1800, link, message))
            if mode == "review":
                state = "published" if shared else ("skipped" if k % 2 else "expired")
                entry = {"title": title, "link": link, "summary": prose(rng, 60), "author": "Claire Dubois",
                         "published": at - 1800, "image": f"{site}/wp-content/uploads/photo-{k}.jpg"}
                t.add("feed_reviews", "guild_id, feed_id, entry_key, blog, payload, state, "
                      "review_channel_id, review_message_id, created_at, expires_at, decided_at",
                      (c.guild_id, feed, key, blog, json.dumps(entry, ensure_ascii=False), state,
                       c.organisers, ids.at(at - HOUR), at - HOUR, at - HOUR + 7 * DAY,
                       at if state != "expired" else at - HOUR + 7 * DAY))
            if not shared:
                continue
            opened = ids.at(at + 5) if thread else None
            if opened:
                threads.append((opened, c.articles, at))
            t.add("feed_articles", "guild_id, feed_id, entry_key, blog, title, link, mode, shared_at, "
                  "channel_id, message_id, thread_id",
                  (c.guild_id, feed, key, blog, title, link, mode, at, c.articles, message, opened))
    return threads


# ---- the rest: announcements, languages, the pulse's own posts -----------------------------------


def the_rest(t: Tables, rng: np.random.Generator, year: Year, c: Community, people: People, ids: Ids) -> None:
    """An announcement every third day; the language of half the members; each Monday's digest and
    each month's report, posted."""
    for n, day in enumerate(year.days[::3]):
        at = year.at(day, 9)
        t.add("announcements", "guild_id, channel_id, author_id, title, body, first_at, next_at, published, "
              "status, message_id, language, created_at, updated_at",
              (c.guild_id, c.announcements, people.organisers[n % 5], prose(rng, 6), prose(rng, 90), at, at,
               1, "done", ids.at(at), "fr", at - DAY, at))
    speakers = people.pick(rng, len(people.ids) // 2)
    t.add("member_languages", "user_id, language", *((m, "en" if m % 7 == 0 else "fr") for m in speakers))
    for day in (*year.days[1:], year.days[-1] + timedelta(days=1)):
        if day.weekday() == 0:
            due = year.at(day, 8)
            t.add("pulse_posts", "guild_id, kind, period, state, channel_id, message_id, at, until",
                  (c.guild_id, "digest", day.isoformat(), "posted", c.general, ids.at(due), due, due))
        if day.day == 1:
            at = year.at(day, 0, 10)
            t.add("pulse_posts", "guild_id, kind, period, state, channel_id, message_id, at",
                  (c.guild_id, "engagement", f"{day - timedelta(days=1):%Y-%m}", "posted", c.organisers,
                   ids.at(at), at))
# fmt: on
