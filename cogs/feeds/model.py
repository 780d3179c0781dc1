"""Plain data shared by the feeds' modules: how a feed delivers its articles, and an article that
reached members (the record the digest and the engagement report read)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

# instant: posted as it comes; digest: only in the weekly digest; review: an organiser publishes or
# skips it first (migration 0012's CHECK holds the same three).
FeedMode = Literal["instant", "digest", "review"]
FEED_MODES: tuple[FeedMode, ...] = get_args(FeedMode)


@dataclass(frozen=True, slots=True)
class SharedArticle:
    """An article that reached members: posted (instant), published after review, or held for the
    digest (then `channel_id` and `message_id` are None: there is no post).

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
