"""The feeds' SQL, and nowhere else. Returns frozen dataclasses, never rows."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from agora.clock import epoch
from agora.database import Database
from agora.privacy import Exported, iso_time, snowflake
from cogs.feeds.article_store import ArticleStore
from cogs.feeds.model import FeedMode, SharedArticle
from cogs.feeds.parse import FeedEntry

if TYPE_CHECKING:
    import aiosqlite

# Errors during a fetch are stored as a code plus JSON values, turned into words by the cog.
ErrorValues = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    guild_id: int
    url: str
    channel_id: int
    role_id: int | None
    include_keywords: str
    exclude_keywords: str
    open_thread: bool
    source: str
    added_by: int | None
    title: str
    site_url: str | None
    icon_url: str | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    next_fetch_at: int
    last_success_at: int | None
    failures: int
    failing_since: int | None
    last_error: str | None
    last_error_values: ErrorValues
    paused: bool
    mode: FeedMode = "instant"

    @property
    def display_name(self) -> str:
        return self.title or self.url


@dataclass(frozen=True, slots=True)
class NewFeed:
    guild_id: int
    url: str
    channel_id: int
    role_id: int | None = None
    include_keywords: str = ""
    exclude_keywords: str = ""
    open_thread: bool = False
    source: str = "command"
    added_by: int | None = None
    title: str = ""
    site_url: str | None = None
    icon_url: str | None = None
    mode: FeedMode = "instant"


@dataclass(frozen=True, slots=True)
class WaitingEntry:
    """An entry claimed for posting; `attempted` when a post may already have reached Discord."""

    feed_id: int
    entry: FeedEntry
    attempted: bool


class FeedAlreadyFollowed(Exception):
    """This server already follows this feed in this channel."""


def _feed(row: sqlite3.Row) -> Feed:
    values = dict(row)
    values["open_thread"] = bool(values["open_thread"])
    values["paused"] = bool(values["paused"])
    values["last_error_values"] = json.loads(values["last_error_values"] or "{}")
    return Feed(**values)


def entry_to_json(entry: FeedEntry) -> str:
    data = asdict(entry)
    data["published"] = entry.published.isoformat() if entry.published else None
    return json.dumps(data, ensure_ascii=False)


def entry_from_json(text: str) -> FeedEntry:
    data = json.loads(text)
    data["published"] = datetime.fromisoformat(data["published"]) if data["published"] else None
    data["tags"] = tuple(data["tags"])
    return FeedEntry(**data)


# Column names come from the dataclass itself, never from input.
_SELECT_FEEDS = "SELECT " + ", ".join(Feed.__slots__) + " FROM feeds"  # type: ignore[attr-defined]  # noqa: S608


class FeedStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def add(self, new: NewFeed, now: datetime, next_fetch_at: datetime) -> Feed:
        values = asdict(new)
        values.update(
            added_at=epoch(now), next_fetch_at=epoch(next_fetch_at), open_thread=int(new.open_thread)
        )
        columns = ", ".join(values)
        placeholders = ", ".join(f":{name}" for name in values)
        try:
            async with self.database.transaction() as connection:
                cursor = await connection.execute(
                    f"INSERT INTO feeds ({columns}) VALUES ({placeholders})",  # noqa: S608 — our own column names
                    values,
                )
                feed_id = cursor.lastrowid
        except sqlite3.IntegrityError as error:
            raise FeedAlreadyFollowed(new.url) from error
        feed = await self.get(feed_id or 0)
        assert feed is not None  # noqa: S101 — just inserted, on the same database
        return feed

    async def get(self, feed_id: int) -> Feed | None:
        row = await self.database.fetch_one(_SELECT_FEEDS + " WHERE id = ?", (feed_id,))
        return _feed(row) if row else None

    async def find(self, guild_id: int, url: str, channel_id: int) -> Feed | None:
        row = await self.database.fetch_one(
            _SELECT_FEEDS + " WHERE guild_id = ? AND url = ? AND channel_id = ?",
            (guild_id, url, channel_id),
        )
        return _feed(row) if row else None

    async def in_guild(self, guild_id: int) -> list[Feed]:
        rows = await self.database.fetch_all(
            _SELECT_FEEDS + " WHERE guild_id = ? ORDER BY title COLLATE NOCASE, url",
            (guild_id,),
        )
        return [_feed(row) for row in rows]

    async def due(self, now: datetime) -> list[Feed]:
        rows = await self.database.fetch_all(
            _SELECT_FEEDS + " WHERE paused = 0 AND next_fetch_at <= ? ORDER BY next_fetch_at",
            (epoch(now),),
        )
        return [_feed(row) for row in rows]

    async def remove(self, guild_id: int, feed_id: int) -> bool:
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "DELETE FROM feeds WHERE id = ? AND guild_id = ?", (feed_id, guild_id)
            )
            return cursor.rowcount > 0

    async def set_mode(self, guild_id: int, feed_id: int, mode: FeedMode) -> bool:
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE feeds SET mode = ? WHERE id = ? AND guild_id = ?", (mode, feed_id, guild_id)
            )
            return cursor.rowcount > 0

    async def resume(self, guild_id: int, feed_id: int, now: datetime) -> bool:
        async with self.database.transaction() as connection:
            cursor = await connection.execute(
                "UPDATE feeds SET paused = 0, failures = 0, failing_since = NULL, next_fetch_at = ? "
                "WHERE id = ? AND guild_id = ?",
                (epoch(now), feed_id, guild_id),
            )
            return cursor.rowcount > 0

    async def record_success(
        self,
        feed_id: int,
        *,
        now: datetime,
        next_fetch_at: datetime,
        etag: str | None,
        last_modified: str | None,
        body_hash: str | None,
        url: str | None = None,
        title: str | None = None,
        site_url: str | None = None,
        icon_url: str | None = None,
    ) -> None:
        """A fetch that worked (including 304): reset failures, keep caching validators and metadata."""
        async with self.database.transaction() as connection:
            await connection.execute(
                "UPDATE feeds SET next_fetch_at = ?, last_success_at = ?, failures = 0, "
                "failing_since = NULL, last_error = NULL, last_error_values = NULL, "
                "etag = ?, last_modified = ?, "
                "body_hash = coalesce(?, body_hash), title = coalesce(?, title), "
                "site_url = coalesce(?, site_url), icon_url = coalesce(?, icon_url) WHERE id = ?",
                (
                    epoch(next_fetch_at),
                    epoch(now),
                    etag,
                    last_modified,
                    body_hash,
                    title,
                    site_url,
                    icon_url,
                    feed_id,
                ),
            )
            if url is not None:
                # A permanent redirect: the new address is the feed's (unless it is already followed there).
                await connection.execute("UPDATE OR IGNORE feeds SET url = ? WHERE id = ?", (url, feed_id))

    async def record_failure(
        self,
        feed_id: int,
        *,
        now: datetime,
        next_fetch_at: datetime,
        code: str,
        values: ErrorValues,
        pause: bool,
    ) -> None:
        async with self.database.transaction() as connection:
            await connection.execute(
                "UPDATE feeds SET failures = failures + 1, failing_since = coalesce(failing_since, ?), "
                "last_error = ?, last_error_values = ?, next_fetch_at = ?, paused = max(paused, ?) "
                "WHERE id = ?",
                (
                    epoch(now),
                    code,
                    json.dumps(values, default=str),
                    epoch(next_fetch_at),
                    int(pause),
                    feed_id,
                ),
            )

    async def claim(
        self, feed_id: int, entries: Sequence[FeedEntry], now: datetime, *, post: set[str]
    ) -> list[str]:
        """Record entries not seen before; those in `post` wait to be posted, the rest are skipped.

        Returns the keys that were new. Entries already known are left as they are, so an entry whose
        date or comment count changed is never taken for a new one.
        """
        keys = [entry.key for entry in entries]
        async with self.database.transaction() as connection:
            # Two round trips whatever the feed's size: which keys are known, then the new ones at once.
            known = {
                row[0]
                for row in await connection.execute_fetchall(
                    "SELECT entry_key FROM feed_entries WHERE feed_id = ? AND entry_key IN "
                    "(SELECT value FROM json_each(?))",
                    (feed_id, json.dumps(keys)),
                )
            }
            fresh = [entry for entry in entries if entry.key not in known]
            await connection.executemany(
                "INSERT OR IGNORE INTO feed_entries "
                "(feed_id, entry_key, state, seen_at, published_at, link, payload) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        feed_id,
                        entry.key,
                        "pending" if entry.key in post else "skipped",
                        epoch(now),
                        epoch(entry.published) if entry.published else None,
                        entry.link,
                        entry_to_json(entry) if entry.key in post else None,
                    )
                    for entry in fresh
                ],
            )
        return [entry.key for entry in fresh]

    async def waiting(self, feed_id: int, limit: int) -> list[WaitingEntry]:
        """Entries to post, in the order they were claimed (oldest first)."""
        rows = await self.database.fetch_all(
            "SELECT feed_id, state, payload FROM feed_entries WHERE feed_id = ? "
            "AND state IN ('pending', 'posting') ORDER BY rowid LIMIT ?",
            (feed_id, limit),
        )
        return [
            WaitingEntry(row["feed_id"], entry_from_json(row["payload"]), row["state"] == "posting")
            for row in rows
        ]

    async def mark_attempt(self, feed_id: int, key: str) -> None:
        async with self.database.transaction() as connection:
            await connection.execute(
                "UPDATE feed_entries SET state = 'posting' WHERE feed_id = ? AND entry_key = ?",
                (feed_id, key),
            )

    async def mark_posted(
        self, feed_id: int, key: str, message_id: int | None, article: SharedArticle | None = None
    ) -> None:
        """The entry is done: posted (`message_id`), held for the digest or handed to the review queue
        (no message). `article`, when given, is recorded in the same transaction, so a crash leaves
        either both or neither."""
        async with self.database.transaction() as connection:
            await connection.execute(
                "UPDATE feed_entries SET state = 'posted', message_id = ?, payload = NULL "
                "WHERE feed_id = ? AND entry_key = ?",
                (message_id, feed_id, key),
            )
            if article is not None:
                await ArticleStore.record_in(connection, article)

    async def entry_states(self, feed_id: int) -> dict[str, str]:
        rows = await self.database.fetch_all(
            "SELECT entry_key, state FROM feed_entries WHERE feed_id = ?", (feed_id,)
        )
        return {row["entry_key"]: row["state"] for row in rows}

    # ---- a member's data (agora/privacy.py) --------------------------------------------------------

    section = "feeds"
    # The only member data here is who added a feed; the feed itself belongs to the server.
    member_columns: Mapping[str, tuple[str, ...]] = {"feeds": ("added_by",)}
    keeps = None

    async def export_member(self, user_id: int) -> Exported:
        rows = await self.database.fetch_all(
            "SELECT id, url, title, channel_id, added_at FROM feeds WHERE added_by = ? ORDER BY added_at, id",
            (user_id,),
        )
        return {
            "added": [
                {
                    "feed_id": snowflake(row["id"]),
                    "url": row["url"],
                    "title": row["title"],
                    "channel_id": snowflake(row["channel_id"]),
                    "added_at": iso_time(row["added_at"]),
                }
                for row in rows
            ]
        }

    async def forget_member(self, connection: aiosqlite.Connection, user_id: int) -> int:
        cursor = await connection.execute("UPDATE feeds SET added_by = NULL WHERE added_by = ?", (user_id,))
        return cursor.rowcount

    def member_forgotten(self, user_id: int) -> None:
        """Nothing cached about members."""
