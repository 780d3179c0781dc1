"""Work that recurs: run a pass every `tick` seconds, or at once when woken.

Features with deadlines (feeds due, polls closing, reminders) compare the injected clock with what is
stored on each pass, so a pass after a restart catches up on everything that fell due meanwhile.
`run_now()` wakes the loop and waits for a pass that started after the call: commands use it to act
at once, tests to step the clock without sleeping.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Protocol, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class Recurring(Generic[T]):
    def __init__(self, name: str, work: Callable[[], Awaitable[T]], *, tick: float) -> None:
        self.name = name
        self.work = work
        self.tick = tick
        self.last_result: T | None = None
        self._wake = asyncio.Event()
        self._progress = asyncio.Condition()
        self._started = 0
        self._completed = 0

    async def run_forever(self) -> None:
        """Never stops on an error: it is logged, and the next pass comes as usual."""
        while True:
            self._started += 1
            try:
                self.last_result = await self.work()
            except Exception:
                log.exception("%s: a pass failed", self.name)
            async with self._progress:
                self._completed += 1
                self._progress.notify_all()
            # asyncio.timeout rather than wait_for: on 3.11, wait_for can swallow the cancellation
            # that stops this loop when it races with the event being set.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.tick):
                    await self._wake.wait()
            self._wake.clear()

    def wake(self) -> None:
        self._wake.set()

    async def run_now(self, within: float = 30) -> T | None:
        """Wake the loop and wait until a pass that started after this call has finished."""
        async with self._progress:
            target = self._started + 1
            self._wake.set()
            async with asyncio.timeout(within):
                await self._progress.wait_for(lambda: self._completed >= target)
        return self.last_result


class Ready(Protocol):
    async def wait_until_ready(self) -> None: ...


def start_when_ready(
    bot: Ready,
    recurring: Recurring[Any],
    *,
    first: Callable[[], Awaitable[None]] | None = None,
) -> asyncio.Task[None]:
    """A cog's background loop: once the bot is connected, `first` (a catch-up), then every pass."""

    async def run() -> None:
        await bot.wait_until_ready()
        if first is not None:
            await first()
        await recurring.run_forever()

    return asyncio.create_task(run(), name=recurring.name)


async def cancel_and_wait(task: asyncio.Task[object] | None) -> None:
    """Stop a cog's background task at unload, and wait until it has really stopped."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
