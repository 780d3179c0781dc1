"""Plain data shared by the feeds' modules: how a feed delivers its articles, and an article that
reached members (the record the digest and the engagement report read)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol, get_args

# instant: posted as it comes; digest: only in the weekly digest; review: an organiser publishes or
# skips it first (migration 0012's CHECK holds the same three).
FeedMode = Literal["instant", "digest", "review"]
FEED_MODES: tuple[FeedMode, ...] = get_args(FeedMode)


@dataclass(frozen=True, slots=True)
class SharedArticle:
    """An article that reached members: posted (instant), published after review, or held for the
    digest (then `message_id` is None: there is no post; `channel_id` is still its feed's channel, whose
    readers are the members it is meant for).

    `blog` is the feed's display title when the article was shared, kept after the feed is removed.
    `shared_at` is in epoch seconds (UTC). `thread_id` is the thread opened on its post (a thread opened
    on a message has the message's id), None when none was opened."""

    guild_id: int
    feed_id: int | None
    entry_key: str
    blog: str
    title: str
    link: str | None
    mode: FeedMode
    shared_at: int
    channel_id: int | None = None
    message_id: int | None = None
    thread_id: int | None = None


class _FeedLike(Protocol):
    """What `shared_article` reads of a feed (cogs.feeds.store.Feed): no import of the store here."""

    id: int
    guild_id: int

    @property
    def display_name(self) -> str: ...


class _EntryLike(Protocol):
    """What `shared_article` reads of an entry (cogs.feeds.parse.FeedEntry)."""

    key: str
    title: str
    link: str | None


def shared_article(
    feed: _FeedLike,
    entry: _EntryLike,
    *,
    mode: FeedMode,
    shared_at: int,
    channel_id: int | None = None,
    message_id: int | None = None,
    thread_id: int | None = None,
) -> SharedArticle:
    """The record of `entry` of `feed` reaching members. An entry without a title (the feed gave none)
    is named by its link, else its key: the digest still has something to show."""
    title = " ".join(entry.title.split()) or entry.link or entry.key
    return SharedArticle(
        guild_id=feed.guild_id,
        feed_id=feed.id,
        entry_key=entry.key,
        blog=feed.display_name,
        title=title,
        link=entry.link,
        mode=mode,
        shared_at=shared_at,
        channel_id=channel_id,
        message_id=message_id,
        thread_id=thread_id,
    )
