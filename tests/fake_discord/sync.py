"""Race-free waiting: every state change bumps a notifier; waiters re-check a predicate."""

# The public API deliberately takes ``timeout=`` arguments (readable tests).
# ruff: noqa: ASYNC109

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class WaitTimeout(AssertionError, TimeoutError):
    """Raised when something the test waits for does not happen in time.

    It is both an ``AssertionError`` (pytest shows it as a test failure with its message)
    and a ``TimeoutError`` (so ``pytest.raises(TimeoutError)`` works for "nothing happens").
    """


class Notifier:
    """A version counter plus an event that is replaced on each change.

    ``changed()`` is synchronous, so model code can call it anywhere; ``wait_for`` evaluates the
    predicate before each sleep, so a change that happened before the wait started is never missed.
    """

    def __init__(self) -> None:
        self.version = 0
        self._event: asyncio.Event | None = None

    def changed(self) -> None:
        self.version += 1
        if self._event is not None:
            self._event.set()
            self._event = None

    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float,
        describe: Callable[[], str] | str = "condition",
        poll: float | None = None,
    ) -> T:
        """Returns the first truthy value of ``predicate()``; raises WaitTimeout after ``timeout`` s.

        The predicate is re-evaluated on every change of the fake; ``poll`` adds a periodic re-check
        for predicates over state the fake cannot see change (e.g. the bot's own objects).
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                text = describe() if callable(describe) else describe
                raise WaitTimeout(f"timed out after {timeout}s waiting for {text}")
            if self._event is None:
                self._event = asyncio.Event()
            try:
                await asyncio.wait_for(self._event.wait(), min(remaining, poll) if poll else remaining)
            except TimeoutError:
                continue
