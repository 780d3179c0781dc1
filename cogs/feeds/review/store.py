"""The review queue's SQL (table feed_reviews), and nowhere else.

Each step is claimed in one write transaction before it is done, so a restart neither repeats nor
loses it, and two organisers clicking at once never both publish:

- an article is stored first (pending, idempotent on its feed and entry key), its review post sent
  after and recorded; one stored without its post is posted at the next pass (after looking for it);
- publishing is claimed (`pending` → `publishing`, one UPDATE whose condition only one click meets);
  the article's record and the state `published` are written together, the comment cleared (it then
  lives in the post). Only a refusal Discord answered, or a failure before anything was sent, puts it
  back to `pending` with the reason (`last_error`). Once the post may have gone out (a crash, a 5xx, a
  lost answer) it stays `publishing` (`unconfirmed` notes why) until the pass has looked for the post;
- `skipped` and `expired` are decided the same way, from `pending` only: never while the article may
  be in the channel unrecorded. Publishing and skipping are claimed only before the review's time
  (`expires_at`, on the injected clock): a click after it never publishes, even before the pass
  (minutes apart) marks the review expired;
- `drawn_state` is the state the review post last showed: a decided review whose redraw was lost is
  redrawn by the pass.

No member id is stored: not who decided, not who commented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from agora.clock import epoch
from cogs.feeds.article_store import ArticleStore
from cogs.feeds.model import SharedArticle

if TYPE_CHECKING:
    import sqlite3

    from agora.database import Database

PENDING, PUBLISHING, PUBLISHED, SKIPPED, EXPIRED = "pending", "publishing", "published", "skipped", "expired"
OPEN = (PENDING, PUBLISHING)
FEED_REMOVED = "feed_removed"  # last_error of a review closed because its feed was removed

_COLUMNS = (
    "id, guild_id, feed_id, entry_key, blog, payload, state, comment, review_channel_id, "
    "review_message_id, created_at, expires_at, decided_at, last_error, drawn_state"
)
_SELECT = f"SELECT {_COLUMNS} FROM feed_reviews"  # noqa: S608 — column names only
_EXPIRE = (
    "UPDATE feed_reviews SET state = 'expired', comment = NULL, decided_at = :now "  # noqa: S608 — column names only
    f"WHERE state = 'pending' AND expires_at <= :now RETURNING {_COLUMNS}"
)


@dataclass(frozen=True, slots=True)
class Review:
    id: int
    guild_id: int
    feed_id: int | None  # None once the feed was removed
    entry_key: str
    blog: str
    payload: str  # the entry, as feeds' store writes it (entry_to_json)
    state: str
    comment: str | None  # the organiser's, while publishing (kept after a failure, for the form)
    review_channel_id: int | None
    review_message_id: int | None  # the review post in the organisers' channel, once sent
    created_at: int
    expires_at: int
    decided_at: int | None
    last_error: str | None  # why the last publishing failed, or FEED_REMOVED
    drawn_state: str | None  # the state its post last showed (None: never drawn)

    @property
    def feed_removed(self) -> bool:
        return self.feed_id is None or self.last_error == FEED_REMOVED


def _review(row: sqlite3.Row) -> Review:
    return Review(*row)


class ReviewStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def get(self, review_id: int) -> Review | None:
        row = await self.database.fetch_one(_SELECT + " WHERE id = ?", (review_id,))
        return _review(row) if row else None

    async def add(
        self,
        guild_id: int,
        feed_id: int,
        entry_key: str,
        blog: str,
        payload: str,
        now: datetime,
        keep: timedelta,
    ) -> Review:
        """The article, pending until `now + keep`; the same article again returns the first review."""
        async with self.database.transaction() as db:
            await db.execute(
                "INSERT OR IGNORE INTO feed_reviews (guild_id, feed_id, entry_key, blog, payload, state, "
                "created_at, expires_at) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
                (guild_id, feed_id, entry_key, blog, payload, epoch(now), epoch(now + keep)),
            )
            cursor = await db.execute(_SELECT + " WHERE feed_id = ? AND entry_key = ?", (feed_id, entry_key))
            row = await cursor.fetchone()
        assert row is not None  # noqa: S101 — inserted or found in this very transaction
        return _review(row)

    async def unposted(self) -> list[Review]:
        """Open reviews whose post was never sent (no organisers' channel then, a crash, Discord down)."""
        rows = await self.database.fetch_all(
            _SELECT + " WHERE state IN ('pending', 'publishing') AND review_message_id IS NULL ORDER BY id"
        )
        return [_review(row) for row in rows]

    async def set_posted(self, review_id: int, channel_id: int, message_id: int, drawn: str) -> None:
        """The review post sent (or found), showing the state `drawn`."""
        async with self.database.transaction() as db:
            await db.execute(
                "UPDATE feed_reviews SET review_channel_id = ?, review_message_id = ?, drawn_state = ? "
                "WHERE id = ?",
                (channel_id, message_id, drawn, review_id),
            )

    async def set_drawn(self, review_id: int, drawn: str) -> None:
        """The review post now shows the state `drawn`."""
        async with self.database.transaction() as db:
            await db.execute("UPDATE feed_reviews SET drawn_state = ? WHERE id = ?", (drawn, review_id))

    async def undrawn(self) -> list[Review]:
        """Decided reviews whose post still shows something else: its redraw was lost (a stalled edit, a
        restart). Only decided ones: a decision is final, so redrawing it can never show a stale state."""
        rows = await self.database.fetch_all(
            _SELECT + " WHERE state IN ('published', 'skipped', 'expired') AND review_message_id IS NOT NULL "
            "AND drawn_state IS NOT state ORDER BY id"
        )
        return [_review(row) for row in rows]

    async def claim(self, review_id: int, comment: str | None, now: datetime) -> Review | None:
        """Publishing claimed for one click: the review after the claim, or None when another click (or
        the feed's removal, or its expiry) got there first. Past its time it is expired, whether or not
        the pass (minutes apart) has marked it yet. The last failure's reason is cleared: while
        publishing, a reason says the post was not confirmed (`unconfirmed`)."""
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "UPDATE feed_reviews SET state = 'publishing', comment = ?, last_error = NULL "
                "WHERE id = ? AND state = 'pending' AND feed_id IS NOT NULL AND expires_at > ?",
                (comment, review_id, epoch(now)),
            )
            if cursor.rowcount != 1:
                return None
            cursor = await db.execute(_SELECT + " WHERE id = ?", (review_id,))
            row = await cursor.fetchone()
        return _review(row) if row else None

    async def publishing(self) -> list[Review]:
        """Reviews left `publishing` (a crash, a post Discord did not confirm, or a click still at work:
        the queue's lock tells)."""
        rows = await self.database.fetch_all(_SELECT + " WHERE state = 'publishing' ORDER BY id")
        return [_review(row) for row in rows]

    async def published(self, review_id: int, article: SharedArticle, now: datetime) -> bool:
        """The article recorded and the review published, together; its comment cleared."""
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "UPDATE feed_reviews SET state = 'published', comment = NULL, last_error = NULL, "
                "decided_at = ? WHERE id = ? AND state = 'publishing'",
                (epoch(now), review_id),
            )
            if cursor.rowcount != 1:
                return False
            await ArticleStore.record_in(db, article)
        return True

    async def release(self, review_id: int, error: str) -> None:
        """Publishing failed with nothing posted (Discord refused it, or nothing was sent): back in the
        queue with the reason. The comment stays, offered again in the form (it is cleared at
        publication, skip or expiry)."""
        async with self.database.transaction() as db:
            await db.execute(
                "UPDATE feed_reviews SET state = 'pending', last_error = ? "
                "WHERE id = ? AND state = 'publishing'",
                (error, review_id),
            )

    async def unconfirmed(self, review_id: int, error: str) -> None:
        """Publishing failed after the post may have reached Discord: still `publishing` (neither
        skipped nor expired) until the pass has looked for the post; `error` says why."""
        async with self.database.transaction() as db:
            await db.execute(
                "UPDATE feed_reviews SET last_error = ? WHERE id = ? AND state = 'publishing'",
                (error, review_id),
            )

    async def skip(self, review_id: int, now: datetime) -> bool:
        """An organiser's *Skip*: whether this click decided it (the review was still pending, and not
        past its time)."""
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "UPDATE feed_reviews SET state = 'skipped', comment = NULL, decided_at = :now "
                "WHERE id = :id AND state = 'pending' AND expires_at > :now",
                {"now": epoch(now), "id": review_id},
            )
            return cursor.rowcount == 1

    async def close_removed(self, review_id: int, now: datetime) -> bool:
        """Its feed was removed: nothing can be published any more; closed, saying why."""
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "UPDATE feed_reviews SET state = 'skipped', comment = NULL, decided_at = ?, last_error = ? "
                "WHERE id = ? AND state IN ('pending', 'publishing') AND feed_id IS NULL",
                (epoch(now), FEED_REMOVED, review_id),
            )
            return cursor.rowcount == 1

    async def expire(self, now: datetime) -> list[Review]:
        """Pending reviews past their time become expired; returns them, as they are now."""
        async with self.database.transaction() as db:
            cursor = await db.execute(
                _EXPIRE,
                {"now": epoch(now)},
            )
            rows = await cursor.fetchall()
        return sorted((_review(row) for row in rows), key=lambda review: review.id)

    async def queue(
        self, guild_id: int, now: datetime, since: timedelta
    ) -> tuple[list[Review], list[Review]]:
        """What `/feed queue` shows: the open reviews (soonest to expire first), and those expired since
        `now - since` (latest first). A pending review past its time is expired, whether or not the
        pass (minutes apart) has marked it yet: it shows with the expired ones, at its expiry time."""
        values = {"guild": guild_id, "now": epoch(now), "since": epoch(now - since)}
        rows = await self.database.fetch_all(
            _SELECT + " WHERE guild_id = :guild AND (state = 'publishing' OR "
            "(state = 'pending' AND expires_at > :now)) ORDER BY expires_at, id",
            values,
        )
        expired = await self.database.fetch_all(
            _SELECT + " WHERE guild_id = :guild AND (state = 'expired' OR "
            "(state = 'pending' AND expires_at <= :now)) AND COALESCE(decided_at, expires_at) >= :since "
            "ORDER BY COALESCE(decided_at, expires_at) DESC, id DESC",
            values,
        )
        return [_review(row) for row in rows], [_review(row) for row in expired]
