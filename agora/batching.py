"""Requests written together: while one batch is being written, the requests that arrive wait, and the
next batch takes them all at once.

A burst of clicks then costs one write transaction per batch instead of one per click: each statement
on the writer connection is a hop to aiosqlite's thread, and on the event loop those hops, not SQLite,
are what a click costs. Each request still gets its own outcome: `write` returns one per request, in
order, a value or the exception to raise for that request alone. If `write` itself raises (a failed
statement, a failed commit), nothing of the batch was written and every request of it gets the error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

RequestT = TypeVar("RequestT")
ResultT = TypeVar("ResultT")

# Bounds one transaction (and the statements' parameter lists) however long the queue grew.
BATCH_LIMIT = 500


class Batcher(Generic[RequestT, ResultT]):
    def __init__(
        self,
        write: Callable[[Sequence[RequestT]], Awaitable[Sequence[ResultT | Exception]]],
        *,
        name: str,
        limit: int = BATCH_LIMIT,
    ) -> None:
        self._write = write
        self._name = name
        self._limit = limit
        self._queued: list[tuple[RequestT, asyncio.Future[ResultT]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def submit(self, request: RequestT) -> ResultT:
        """The request's outcome, once the batch holding it was written (or failed)."""
        future: asyncio.Future[ResultT] = asyncio.get_running_loop().create_future()
        self._queued.append((request, future))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain(), name=self._name)
        return await future

    async def _drain(self) -> None:
        batch: list[tuple[RequestT, asyncio.Future[ResultT]]] = []
        try:
            while self._queued:
                batch, self._queued = self._queued[: self._limit], self._queued[self._limit :]
                try:
                    outcomes = await self._write([request for request, _ in batch])
                except Exception as error:
                    log.warning("%s: a batch of %d failed (%r)", self._name, len(batch), error)
                    outcomes = [error] * len(batch)
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    if future.done():  # its caller stopped waiting
                        continue
                    if isinstance(outcome, Exception):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)
        except BaseException:
            # Cancelled (the bot stops) in the middle of a batch: no caller is left waiting forever.
            for _, future in [*batch, *self._queued]:
                future.cancel()
            self._queued = []
            raise
