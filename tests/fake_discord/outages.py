"""Discord's passing trouble, for tests of what a bot does about it: requests answered 503, and
requests (or their answers) held until the test lets them go.

    fake.outages.fail("POST", rf"/channels/{thread.id}/messages$", times=1)   # the next one: 503
    held = fake.outages.hold("GET", rf"/channels/{thread.id}$")    # such requests wait, unapplied
    held = fake.outages.hold("POST", r"/messages$", applied=True)  # applied and published first:
                                                                   # only the answer is on its way
    await fake.wait_for(lambda: held.waiting >= 1)                 # one has reached the hold
    held.release()                                                 # they go on, and later ones pass

Paths are regexes searched in the path after /api/v10, as in ``fake.find_requests``. 503 rather than
500/502/504: discord.py retries those itself (sleeping in real time) and raises
``DiscordServerError`` for a 503 at once. An answer held after its request was applied is what a
member sees when Discord's gateway event (the message appears, a member clicks it) outruns the
bot's own REST answer.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from .http_common import API_PREFIX, ApiError
from .sync import Notifier

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Failure:
    method: str
    path: str
    times: int

    def matches(self, method: str, path: str) -> bool:
        return self.times > 0 and method == self.method and re.search(self.path, path) is not None


@dataclass
class Hold:
    method: str
    path: str
    applied: bool
    waiting: int = 0  # requests that reached the hold so far
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    def matches(self, method: str, path: str) -> bool:
        if self._released.is_set() or method != self.method:
            return False
        return re.search(self.path, path) is not None

    def release(self) -> None:
        self._released.set()

    async def wait(self, notifier: Notifier) -> None:
        self.waiting += 1
        notifier.changed()
        await self._released.wait()


class Outages:
    def __init__(self, notifier: Notifier) -> None:
        self.notifier = notifier
        self._failures: list[Failure] = []
        self._holds: list[Hold] = []

    def fail(self, method: str, path: str, *, times: int = 1) -> None:
        """The next ``times`` requests matching ``method`` and ``path`` are answered 503, unapplied."""
        self._failures.append(Failure(method.upper(), path, times))

    def hold(self, method: str, path: str, *, applied: bool = False) -> Hold:
        """Requests matching wait until ``release()``: before anything is applied, or (``applied``) once
        applied, with only their answer held back."""
        hold = Hold(method.upper(), path, applied)
        self._holds.append(hold)
        return hold

    def release_all(self) -> None:
        for hold in self._holds:
            hold.release()

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        path = request.path[len(API_PREFIX) :]
        failure = next((f for f in self._failures if f.matches(request.method, path)), None)
        if failure is not None:
            failure.times -= 1
            raise ApiError(503, 0, "upstream connect error or disconnect/reset before headers")
        holds = [h for h in self._holds if h.matches(request.method, path)]
        for hold in holds:
            if not hold.applied:
                await hold.wait(self.notifier)
        response = await handler(request)
        for hold in holds:
            if hold.applied:
                await hold.wait(self.notifier)
        return response
