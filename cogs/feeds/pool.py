"""`FeedParserPool`: `parse_feed` in worker processes, started on first need, stopped when quiet.

feedparser is pure Python, so threads would share one core; processes use them all and keep the
event loop free. The workers are plain child processes (`python -m cogs.feeds.parse_worker`), not
multiprocessing's: a multiprocessing worker holds copies of its own queues' write ends and of the
resource tracker's pipe, so after a SIGKILL of the bot the workers, the forkserver and the resource
tracker all waited forever for each other (four orphans per crash). `PR_SET_PDEATHSIG` would not
have helped the forkserver's children, whose parent is the forkserver. Here a worker's stdin pipe
is both its request channel and its lifeline, and only the bot holds its write end (subprocesses
inherit no other descriptor): when the bot dies the worker reads end-of-file and exits.

Nothing runs until a feed has to be parsed, and the workers stop after `quiet_period` seconds
without a parse; the next parse starts them again.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import pickle
import sys
from collections.abc import Coroutine, Mapping
from pathlib import Path
from typing import Any

from cogs.feeds.parse import MAX_ENTRIES, ParsedFeed, ParseError
from cogs.feeds.parse_worker import HEADER, frame

log = logging.getLogger(__name__)

# Parsing comes in bursts: a poll cycle (its feeds fall due within the poller's one-minute tick) or
# an organiser's few commands. A minute without a parse bridges the gaps inside a burst; between
# bursts (15 minutes by default) an idle bot keeps no worker (≈30 MiB each). Starting one again
# costs about 0.2 s of CPU.
QUIET_PERIOD = 60.0
STOP_TIMEOUT = 5.0
_ROOT = Path(__file__).resolve().parents[2]  # where `python -m cogs.feeds.parse_worker` is found


class WorkerGone(Exception):
    """The worker ended (crashed, killed, or stopped) before it answered."""


class _AnswerUnpickler(pickle.Unpickler):
    """Rebuilds only what a worker's answer is made of.

    A worker reads documents from anywhere; should one ever be subverted by a hostile feed, its
    answer must not be a way to run code in the bot, which holds the token.
    """

    ALLOWED = frozenset(
        {
            ("cogs.feeds.parse", "ParsedFeed"),
            ("cogs.feeds.parse", "FeedEntry"),
            ("cogs.feeds.parse", "ParseError"),
            ("cogs.feeds.failure", "_rebuild"),
            ("datetime", "datetime"),
            ("datetime", "timezone"),
            ("datetime", "timedelta"),
        }
    )

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED:
            raise pickle.UnpicklingError(f"a parser worker answered with {module}.{name}")
        return super().find_class(module, name)


def read_answer(payload: bytes) -> tuple[str, object]:
    try:
        answer = _AnswerUnpickler(io.BytesIO(payload)).load()
    except Exception as error:  # any malformed answer counts as a worker gone wrong
        raise WorkerGone("unreadable answer") from error
    if not (isinstance(answer, tuple) and len(answer) == 2 and isinstance(answer[0], str)):
        raise WorkerGone("unreadable answer")
    return answer


class _Worker:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    @classmethod
    async def start(cls, environment: Mapping[str, str]) -> _Worker:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "cogs.feeds.parse_worker",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            cwd=_ROOT,
            # Only what Python needs to start (see Settings.child_environment): neither the token
            # nor the rest of the bot's settings reach a process that reads hostile documents.
            env=dict(environment),
        )
        return cls(process)

    @property
    def pid(self) -> int:
        return self.process.pid

    async def ask(self, request: tuple[bytes, str, str | None, int]) -> tuple[str, object]:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None  # noqa: S101 — both are pipes, see start()
        try:
            stdin.write(frame(pickle.dumps(request, pickle.HIGHEST_PROTOCOL)))
            await stdin.drain()
            (size,) = HEADER.unpack(await stdout.readexactly(HEADER.size))
            payload = await stdout.readexactly(size)
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            raise WorkerGone(self.pid) from error
        return read_answer(payload)

    async def stop(self) -> None:
        """Close its lifeline (it exits on end-of-file); kill it if it does not."""
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            async with asyncio.timeout(STOP_TIMEOUT):
                await self.process.wait()
        except TimeoutError:
            log.warning("feed parser worker %s did not stop; killing it", self.pid)
            with contextlib.suppress(ProcessLookupError):
                self.process.kill()
            await self.process.wait()


class FeedParserPool:
    """Up to `workers` processes, each parsing one body at a time."""

    def __init__(
        self,
        workers: int = 2,
        *,
        environment: Mapping[str, str],
        max_entries: int = MAX_ENTRIES,
        quiet_period: float = QUIET_PERIOD,
    ) -> None:
        self.workers = workers
        self.environment = dict(environment)
        self.max_entries = max_entries
        self.quiet_period = quiet_period
        self._slots = asyncio.Semaphore(workers)
        self._running: set[_Worker] = set()
        self._idle: list[_Worker] = []
        self._in_use = 0
        self._quiet: asyncio.TimerHandle | None = None
        self._stopping: set[asyncio.Task[None]] = set()

    @property
    def pids(self) -> list[int]:
        """The workers running now (for tests and benchmarks)."""
        return sorted(worker.pid for worker in self._running)

    async def parse(self, body: bytes, url: str, content_type: str | None = None) -> ParsedFeed:
        async with self._slots:
            self._in_use += 1
            self._cancel_quiet()
            try:
                kind, value = await self._ask((body, url, content_type, self.max_entries), url)
            finally:
                self._in_use -= 1
                if not self._in_use and self._running:
                    self._quiet = asyncio.get_running_loop().call_later(self.quiet_period, self._when_quiet)
        if kind == "ok":
            assert isinstance(value, ParsedFeed)  # noqa: S101 — the worker's protocol
            return value
        if kind == "refused":
            assert isinstance(value, ParseError)  # noqa: S101 — the worker's protocol
            raise value
        log.error("feed parser failed on %s:\n%s", url, value)
        raise ParseError("malformed", truncated=False)

    async def _ask(self, request: tuple[bytes, str, str | None, int], url: str) -> tuple[str, object]:
        worker = self._idle.pop() if self._idle else await self._start()
        try:
            answer = await worker.ask(request)
        except BaseException as error:
            # Cancelled or gone: an answer may still be on its way, so it never gets another request.
            self._discard(worker)
            if isinstance(error, WorkerGone):
                log.error("feed parser worker %s died while parsing %s", worker.pid, url)
                raise ParseError("parser_crashed") from error
            raise
        if worker in self._running:
            self._idle.append(worker)
        else:
            # Stopped while it parsed (the pool was closed): it must not take another request.
            self._track(worker.stop())
        return answer

    async def _start(self) -> _Worker:
        try:
            worker = await _Worker.start(self.environment)
        except OSError as error:
            log.exception("could not start a feed parser worker")
            raise ParseError("parser_crashed") from error
        self._running.add(worker)
        log.debug("feed parser worker %s started", worker.pid)
        return worker

    def _discard(self, worker: _Worker) -> None:
        self._running.discard(worker)
        with contextlib.suppress(ValueError):
            self._idle.remove(worker)
        with contextlib.suppress(ProcessLookupError):
            worker.process.kill()
        self._track(worker.stop())

    def _when_quiet(self) -> None:
        self._quiet = None
        # Only the idle workers, taken now: a parse starting before the stop task runs gets a
        # fresh worker instead of one whose lifeline is about to be cut.
        idle, self._idle = self._idle, []
        if idle:
            log.debug("no feed parsed for %s s: stopping the parser's workers", self.quiet_period)
            self._running.difference_update(idle)
            for worker in idle:
                self._track(worker.stop())

    def _cancel_quiet(self) -> None:
        if self._quiet is not None:
            self._quiet.cancel()
            self._quiet = None

    def _track(self, stopping: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(stopping, name="feed-parser-stop")
        self._stopping.add(task)
        task.add_done_callback(self._stopping.discard)

    async def _stop_all(self) -> None:
        workers, self._running, self._idle = list(self._running), set(), []
        await asyncio.gather(*(worker.stop() for worker in workers))

    async def close(self) -> None:
        self._cancel_quiet()
        await self._stop_all()
        await asyncio.gather(*self._stopping, return_exceptions=True)
