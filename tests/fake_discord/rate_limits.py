"""Discord's per-channel limit on a bot's new messages (POST /channels/{id}/messages), off by default.

Discord lets a bot create about 5 messages per 5 seconds in one channel. Each answer of that route
carries the bucket's state in ``X-RateLimit-*`` headers, which discord.py reads to wait before it
would overrun the bucket; a request over the limit is answered 429 with ``retry_after`` (discord.py
sleeps that long, in real time, then retries). The window is a fixed one, opened by the first post
after the previous window reset, as Discord's buckets are.

Interaction callbacks and interaction webhooks (follow-ups, edits of the original response) are not
under this limit: they are interaction endpoints, and never pass through here.

Time is real monotonic time because discord.py sleeps in real time; the selftests inject their own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from .http_common import ApiError
from .models import Json

# The bucket's opaque id, as Discord names one; discord.py keys its buckets by it (+ the channel id).
BUCKET = "f4c3d15c0rdc4a77e1me55a6e5"
# discord.py takes a 429 without a ``Via`` header for a Cloudflare ban and does not retry it.
VIA = "1.1 google"


class RateLimitedError(ApiError):
    """A 429 as Discord sends it for a per-route limit (body and headers)."""

    def __init__(self, retry_after: float, headers: dict[str, str]) -> None:
        super().__init__(429, 0, "You are being rate limited.")
        self.retry_after = retry_after
        self.headers = headers

    def body(self) -> Json:
        return {"message": self.message, "retry_after": self.retry_after, "global": False}


@dataclass
class _Window:
    resets_at: float  # monotonic
    used: int = 0


def _seconds(value: float) -> float:
    """Rounded up to the millisecond, as Discord writes them: never a wake-up before the reset."""
    return math.ceil(max(value, 0.0) * 1000) / 1000


class ChannelPostLimit:
    """``limit`` messages per ``per`` seconds per channel; ``limit=None`` turns it off."""

    def __init__(
        self,
        limit: int | None = None,
        per: float = 5.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.limit = limit
        self.per = per
        self.monotonic = monotonic
        self.wall = wall
        self._windows: dict[int, _Window] = {}
        self.accepted: list[int] = []  # channel ids of the posts counted, in order
        self.refused: list[int] = []  # channel ids of the posts answered 429, in order

    @property
    def enabled(self) -> bool:
        return self.limit is not None

    def enable(self, limit: int = 5, per: float = 5.0) -> None:
        self.limit, self.per = limit, per
        self._windows.clear()

    def disable(self) -> None:
        self.limit = None
        self._windows.clear()

    def _window(self, channel_id: int) -> _Window:
        now = self.monotonic()
        window = self._windows.get(channel_id)
        if window is None or now >= window.resets_at:
            window = self._windows[channel_id] = _Window(now + self.per)
        return window

    def _headers(self, window: _Window, limit: int) -> dict[str, str]:
        reset_after = _seconds(window.resets_at - self.monotonic())
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(limit - window.used, 0)),
            "X-RateLimit-Reset": f"{self.wall() + reset_after:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": BUCKET,
            "Via": VIA,
        }

    def take(self, channel_id: int) -> dict[str, str]:
        """Counts one new message in the channel and returns the headers of its answer.

        Raises ``RateLimitedError`` (a 429, not counted) when the channel's window is used up.
        Returns no headers while the limit is off.
        """
        if self.limit is None:
            return {}
        window = self._window(channel_id)
        if window.used >= self.limit:
            headers = self._headers(window, self.limit)
            retry_after = float(headers["X-RateLimit-Reset-After"])
            headers["Retry-After"] = str(math.ceil(retry_after))
            headers["X-RateLimit-Scope"] = "user"
            self.refused.append(channel_id)
            raise RateLimitedError(retry_after, headers)
        window.used += 1
        self.accepted.append(channel_id)
        return self._headers(window, self.limit)

    def saturate(self, channel_id: int) -> None:
        """Uses up the channel's current window, as posts this bot made just before would.

        Such as posts from before a restart: Discord still counts them while discord.py's buckets
        start empty, so the bot's next post there is answered 429.
        """
        if self.limit is None:
            raise RuntimeError("the channel post limit is off: enable it first")
        self._window(channel_id).used = self.limit

    def remaining(self, channel_id: int) -> int | None:
        """Posts the channel still takes in its current window (None while the limit is off)."""
        if self.limit is None:
            return None
        window = self._windows.get(channel_id)
        if window is None or self.monotonic() >= window.resets_at:
            return self.limit
        return max(self.limit - window.used, 0)
