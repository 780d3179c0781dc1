"""Message edits that never reach Discord, for tests of what a bot does after it crashed mid-edit.

    fake.stalled_edits.stall(message)     # PATCHes of that message are recorded, then hang
    ...                                   # kill the bot: its pending edit is lost
    fake.stalled_edits.release()          # later edits go through; the stalled ones are dropped

A stalled edit is never applied (the message keeps what it showed), as when the request dies with
the process that was sending it. When released, a stalled request is answered 418 (the fake's
"never retried" status), which only matters to a bot still alive to read it.
"""

from __future__ import annotations

import asyncio

from .http_common import ApiError


class StalledEdits:
    def __init__(self) -> None:
        self._messages: set[int] = set()
        self._released = asyncio.Event()
        self.stalled = 0  # edits held so far

    def stall(self, message: object) -> None:
        self._messages.add(int(getattr(message, "id", message)))  # type: ignore[call-overload]

    def release(self) -> None:
        self._messages.clear()
        self._released.set()
        self._released = asyncio.Event()

    async def hold(self, message_id: int) -> None:
        """Called by the edit route before it applies anything: hangs, then refuses, if stalled."""
        if message_id not in self._messages:
            return
        self.stalled += 1
        await self._released.wait()
        raise ApiError(418, 0, "fake_discord: edit dropped (stalled by the test)")
