"""Coalesced message edits: at most one per `interval` for each key (a poll, an event, a Q&A board), and
the last state always lands.

Discord throttles a message edited more than about five times in five seconds; a burst of votes must
not turn into a burst of edits. Each edit renders the state at that moment, so coalescing never loses
a vote, only intermediate pictures of it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class CoalescingEditor:
    def __init__(
        self, apply: Callable[[int], Awaitable[None]], *, interval: float = 2.0, what: str = "message"
    ) -> None:
        self.apply = apply
        self.interval = interval
        self.what = what  # names a key in the logs: "poll 12", "Q&A board 3"
        self._dirty: set[int] = set()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._last_edit: dict[int, float] = {}

    def request(self, key: int) -> None:
        self._dirty.add(key)
        if key not in self._tasks:
            self._tasks[key] = asyncio.create_task(self._run(key), name=f"coalesced-edit-{key}")

    async def _run(self, key: int) -> None:
        loop = asyncio.get_running_loop()
        try:
            while key in self._dirty:
                wait = self._last_edit.get(key, float("-inf")) + self.interval - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)  # rate limiting, not synchronisation
                self._dirty.discard(key)
                try:
                    await self.apply(key)
                except Exception:
                    log.exception("could not refresh %s %s", self.what, key)
                # Spaced from when the edit reached Discord, not from when it was started.
                self._last_edit[key] = loop.time()
        finally:
            self._tasks.pop(key, None)

    async def flush(self) -> None:
        """Apply what is pending now (at shutdown): the last state is never dropped."""
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        pending, self._dirty = set(self._dirty), set()
        for key in pending:
            try:
                await self.apply(key)
            except Exception:
                log.exception("could not refresh %s %s at shutdown", self.what, key)
