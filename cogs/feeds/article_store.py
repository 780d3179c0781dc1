"""The record of the articles that reached members (table feed_articles), and nowhere else its SQL.

Written once per article, whoever shares it (the poller for instant and digest feeds, the review queue
when an organiser publishes); read by the weekly digest and the engagement report."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from agora.database import Database
from agora.pulse import Span
from cogs.feeds.model import SharedArticle

if TYPE_CHECKING:
    import aiosqlite

# Column names come from the dataclass itself, never from input.
_COLUMNS = SharedArticle.__slots__  # type: ignore[attr-defined]
_INSERT = (
    # OR IGNORE: a retry after a crash (the same feed and entry) records the article once. The unique
    # index is partial (feed_id IS NOT NULL), so OR IGNORE rather than an upsert naming it.
    f"INSERT OR IGNORE INTO feed_articles ({', '.join(_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join(':' + name for name in _COLUMNS)})"
)
_SELECT = "SELECT " + ", ".join(_COLUMNS) + " FROM feed_articles"  # noqa: S608


def _article(row: sqlite3.Row) -> SharedArticle:
    return SharedArticle(**{name: row[name] for name in _COLUMNS})


def _values(article: SharedArticle) -> dict[str, object]:
    return {name: getattr(article, name) for name in _COLUMNS}


class ArticleStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def record(self, article: SharedArticle) -> bool:
        """Record an article that reached members; False when it was already recorded (then the first
        record stands, unchanged)."""
        async with self.database.transaction() as connection:
            return await self.record_in(connection, article)

    @staticmethod
    async def record_in(connection: aiosqlite.Connection, article: SharedArticle) -> bool:
        """The same, inside a transaction the caller already holds (to record it together with the
        change that shared it)."""
        cursor = await connection.execute(_INSERT, _values(article))
        return cursor.rowcount > 0

    async def find(self, feed_id: int, entry_key: str) -> SharedArticle | None:
        row = await self.database.fetch_one(
            _SELECT + " WHERE feed_id = ? AND entry_key = ?", (feed_id, entry_key)
        )
        return _article(row) if row else None

    async def shared_in(self, guild_id: int, span: Span) -> list[SharedArticle]:
        """The articles shared in `span`, by blog (case-insensitive) then oldest first."""
        rows = await self.database.fetch_all(
            _SELECT + " WHERE guild_id = ? AND shared_at >= ? AND shared_at < ? "
            "ORDER BY blog COLLATE NOCASE, blog, shared_at, id",
            (guild_id, span.start, span.end),
        )
        return [_article(row) for row in rows]

    async def count_shared(self, guild_id: int, span: Span) -> int:
        row = await self.database.fetch_one(
            "SELECT count(*) FROM feed_articles WHERE guild_id = ? AND shared_at >= ? AND shared_at < ?",
            (guild_id, span.start, span.end),
        )
        return int(row[0]) if row else 0
