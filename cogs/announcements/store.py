"""The announcements' SQL, and nowhere else. A publication is claimed ('publishing') in a write
transaction before it is posted, so two passes, or a pass after a restart, never post it twice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING

from agora.clock import epoch
from agora.database import Database
from agora.privacy import Exported, iso_time, snowflake

if TYPE_CHECKING:
    import aiosqlite

PENDING = ("scheduled",)  # waiting for their time
FAILED = ("failed",)  # refused by Discord, kept to be seen
# Drafts nobody published or cancelled are dropped after this long.
DRAFT_LIFETIME = 24 * 3600


@dataclass(frozen=True, slots=True)
class Content:
    """What the organiser wrote, and how it is to be posted."""

    channel_id: int
    title: str
    body: str
    image_url: str | None = None
    footer: str | None = None
    role_id: int | None = None
    thread: bool = False
    silent: bool = False
    every: str | None = None


@dataclass(frozen=True, slots=True)
class Announcement:
    id: int
    guild_id: int
    channel_id: int
    author_id: int | None
    title: str
    body: str
    image_url: str | None
    footer: str | None
    role_id: int | None
    thread: bool
    silent: bool
    every: str | None
    first_at: int
    next_at: int
    published: int
    status: str
    message_id: int | None
    failure: str | None
    language: str
    author_language: str | None
    created_at: int
    updated_at: int

    @property
    def content(self) -> Content:
        return Content(
            channel_id=self.channel_id,
            title=self.title,
            body=self.body,
            image_url=self.image_url,
            footer=self.footer,
            role_id=self.role_id,
            thread=self.thread,
            silent=self.silent,
            every=self.every,
        )


_COLUMNS = ", ".join(f.name for f in fields(Announcement))
_CONTENT = tuple(f.name for f in fields(Content))


def _announcement(row: Sequence[object]) -> Announcement:
    values = dict(zip((f.name for f in fields(Announcement)), row, strict=True))
    values["thread"], values["silent"] = bool(values["thread"]), bool(values["silent"])
    return Announcement(**values)  # type: ignore[arg-type]


def _content_values(content: Content) -> list[object]:
    return [int(v) if isinstance(v, bool) else v for v in (getattr(content, n) for n in _CONTENT)]


class AnnouncementStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def create_draft(
        self,
        guild_id: int,
        author_id: int,
        content: Content,
        at: datetime,
        now: datetime,
        language: str,
        author_language: str | None = None,
    ) -> Announcement:
        async with self.database.transaction() as db:
            cursor = await db.execute(
                f"INSERT INTO announcements (guild_id, author_id, {', '.join(_CONTENT)}, first_at, next_at, "  # noqa: S608 — column names, values bound
                f"status, language, author_language, created_at, updated_at) "
                f"VALUES (?, ?, {', '.join('?' * len(_CONTENT))}, ?, ?, 'draft', ?, ?, ?, ?)",
                (
                    guild_id,
                    author_id,
                    *_content_values(content),
                    epoch(at),
                    epoch(at),
                    language,
                    author_language,
                    epoch(now),
                    epoch(now),
                ),
            )
            new_id = cursor.lastrowid
        found = await self.get(int(new_id or 0))
        if found is None:
            raise LookupError("the new draft vanished")
        return found

    async def get(self, announcement_id: int) -> Announcement | None:
        row = await self.database.fetch_one(
            f"SELECT {_COLUMNS} FROM announcements WHERE id = ?",  # noqa: S608 — column names, values bound
            (announcement_id,),
        )
        return _announcement(row) if row else None

    async def update(
        self,
        announcement_id: int,
        content: Content,
        at: datetime | None,
        now: datetime,
        *,
        statuses: tuple[str, ...],
    ) -> bool:
        """Change a draft or a pending announcement (and its time when `at` is given); False when it is
        no longer in one of `statuses` (published, cancelled meanwhile)."""
        assignments = ", ".join(f"{name} = ?" for name in _CONTENT)
        timing = ", first_at = ?, next_at = ?, published = 0" if at is not None else ""
        values: list[object] = [*_content_values(content)]
        if at is not None:
            values += [epoch(at), epoch(at)]
        async with self.database.transaction() as db:
            cursor = await db.execute(
                f"UPDATE announcements SET {assignments}{timing}, updated_at = ? "  # noqa: S608 — column names, values bound
                f"WHERE id = ? AND status IN ({', '.join('?' * len(statuses))})",
                (*values, epoch(now), announcement_id, *statuses),
            )
            return cursor.rowcount > 0

    async def confirm(self, announcement_id: int, now: datetime) -> str | None:
        """Publish pressed on a draft: 'publishing' (claimed, to post at once) or 'scheduled'; None when
        it is not a draft any more (pressed twice, cancelled)."""
        at = epoch(now)
        async with self.database.transaction() as db:
            cursor = await db.execute(
                # Published at once: its time is now, not when the form was opened (it is not late).
                "UPDATE announcements SET updated_at = ?, "
                "status = CASE WHEN next_at <= ? THEN 'publishing' ELSE 'scheduled' END, "
                "first_at = MAX(first_at, ?), next_at = MAX(next_at, ?) "
                "WHERE id = ? AND status = 'draft' RETURNING status",
                (at, at, at, at, announcement_id),
            )
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def claim_due(self, now: datetime) -> list[Announcement]:
        at = epoch(now)
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "UPDATE announcements SET status = 'publishing', updated_at = ? "
                "WHERE status = 'scheduled' AND next_at <= ? RETURNING id",
                (at, at),
            )
            ids = [int(r[0]) for r in await cursor.fetchall()]
        return [a for a in [await self.get(i) for i in ids] if a is not None]

    async def publishing(self) -> list[Announcement]:
        """Claimed but not recorded: a restart came in between (or a post is under way)."""
        rows = await self.database.fetch_all(
            f"SELECT {_COLUMNS} FROM announcements WHERE status = 'publishing'"  # noqa: S608 — column names
        )
        return [_announcement(r) for r in rows]

    async def record_published(
        self, announcement_id: int, message_id: int, next_at: datetime | None, now: datetime
    ) -> None:
        """Posted; due again at `next_at` when it repeats, else done."""
        async with self.database.transaction() as db:
            await db.execute(
                "UPDATE announcements SET message_id = ?, published = published + 1, failure = NULL, "
                "status = CASE WHEN ? IS NULL THEN 'done' ELSE 'scheduled' END, "
                "next_at = COALESCE(?, next_at), updated_at = ? WHERE id = ? AND status = 'publishing'",
                (
                    message_id,
                    next_at and epoch(next_at),
                    next_at and epoch(next_at),
                    epoch(now),
                    announcement_id,
                ),
            )

    async def record_failed(self, announcement_id: int, failure: str, now: datetime) -> None:
        async with self.database.transaction() as db:
            await db.execute(
                "UPDATE announcements SET status = 'failed', failure = ?, updated_at = ? "
                "WHERE id = ? AND status = 'publishing'",
                (failure, epoch(now), announcement_id),
            )

    async def cancel(self, announcement_id: int, now: datetime, *, statuses: tuple[str, ...]) -> bool:
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "UPDATE announcements SET status = 'cancelled', updated_at = ? "  # noqa: S608 — placeholders
                f"WHERE id = ? AND status IN ({', '.join('?' * len(statuses))})",
                (epoch(now), announcement_id, *statuses),
            )
            return cursor.rowcount > 0

    async def in_guild(
        self, guild_id: int, statuses: tuple[str, ...], limit: int = 100
    ) -> list[Announcement]:
        rows = await self.database.fetch_all(
            f"SELECT {_COLUMNS} FROM announcements WHERE guild_id = ? "  # noqa: S608 — column names, placeholders
            f"AND status IN ({', '.join('?' * len(statuses))}) ORDER BY next_at LIMIT ?",
            (guild_id, *statuses, limit),
        )
        return [_announcement(r) for r in rows]

    async def discard_draft(self, announcement_id: int) -> None:
        async with self.database.transaction() as db:
            await db.execute(
                "DELETE FROM announcements WHERE id = ? AND status = 'draft'", (announcement_id,)
            )

    async def drop_old_drafts(self, now: datetime) -> None:
        async with self.database.transaction() as db:
            await db.execute(
                "DELETE FROM announcements WHERE status = 'draft' AND updated_at < ?",
                (epoch(now) - DRAFT_LIFETIME,),
            )

    # ---- a member's data (agora/privacy.py) --------------------------------------------------------

    section = "announcements"
    # author_language, the author's client language, is member data too: it goes with author_id.
    member_columns: Mapping[str, tuple[str, ...]] = {"announcements": ("author_id",)}
    keeps = None

    async def export_member(self, user_id: int) -> Exported:
        rows = await self.database.fetch_all(
            "SELECT id, channel_id, title, body, image_url, footer, every, status, first_at, published, "
            "author_language, created_at, updated_at FROM announcements WHERE author_id = ? "
            "ORDER BY created_at, id",
            (user_id,),
        )
        return {
            "written": [
                {
                    "announcement_id": snowflake(row["id"]),
                    "channel_id": snowflake(row["channel_id"]),
                    "title": row["title"],
                    "text": row["body"],
                    "image_url": row["image_url"],
                    "footer": row["footer"],
                    "repeats": row["every"],
                    "status": row["status"],
                    "first_publication": iso_time(row["first_at"]),
                    "publications": row["published"],
                    "your_language": row["author_language"],
                    "created_at": iso_time(row["created_at"]),
                    "updated_at": iso_time(row["updated_at"]),
                }
                for row in rows
            ]
        }

    async def forget_member(self, connection: aiosqlite.Connection, user_id: int) -> int:
        """A draft is only its author's (nobody else sees it): deleted. Anything published, scheduled,
        failed or cancelled belongs to the server: only who wrote it, and their language, are unlinked."""
        drafts = await connection.execute(
            "DELETE FROM announcements WHERE author_id = ? AND status = 'draft'", (user_id,)
        )
        unlinked = await connection.execute(
            "UPDATE announcements SET author_id = NULL, author_language = NULL WHERE author_id = ?",
            (user_id,),
        )
        return drafts.rowcount + unlinked.rowcount

    def member_forgotten(self, user_id: int) -> None:
        """Nothing cached about members."""
