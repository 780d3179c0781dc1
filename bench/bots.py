"""What the click benchmarks (bench/votes.py, bench/registrations.py, bench/questions.py) share: each
bot in a process of its own against the fake Discord of tests/, clicks timed on the fake's side, a
burst or a paced run of them, and the figures drawn from them.

The fake and its members run in the benchmark's process; the bot is spawned, so its CPU time, its
memory and its profile are its own. Its warnings and errors come back counted by kind.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import gc
import io
import itertools
import logging
import multiprocessing
import os
import pstats
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

import discord
from discord.ext import commands

from agora.settings import Settings
from bench.measure import count_transactions, memory_mib, peak_rss_mib, reset_peak_rss
from bot import open_agora, point_discord_at
from tests.fake_discord import FakeDiscord, FakeMember, FakeMessage, WaitTimeout
from tests.fake_discord.interactions import InteractionRecord

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
OutcomeT = TypeVar("OutcomeT")
PATCHED = re.compile(r"^/channels/\d+/messages/(\d+)$")  # a message edited through the channel


# ---- the baseline -------------------------------------------------------------------------------


class Acknowledges:
    """First base of a baseline's `DynamicItem`: a click gets an ephemeral "ok", and nothing else."""

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> Any:
        return cls(item)  # the clicked button as it came: a baseline has nothing to look up

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.send_message("ok", ephemeral=True)


class BareBot(commands.Bot):
    """The baseline: discord.py's own cost of receiving a click and answering it, nothing else. A
    benchmark's subclass names its `button` (a DynamicItem) and the `message` it posts in #général once
    connected, laid out as Agora's own (or its `messages`, when Agora posts several)."""

    button: type[discord.ui.DynamicItem[Any]]

    async def setup_hook(self) -> None:
        self.add_dynamic_items(self.button)

    async def on_ready(self) -> None:
        channel = discord.utils.get(self.get_all_channels(), name="général")
        assert isinstance(channel, discord.TextChannel)
        for message in self.messages():
            await channel.send(**message)

    def messages(self) -> list[dict[str, Any]]:
        return [self.message()]

    def message(self) -> dict[str, Any]:
        raise NotImplementedError


# ---- the bot's process ----------------------------------------------------------------------------


class LogTally(logging.Handler):
    """The bot's warnings and errors, counted by kind: an overloaded bot logs hundreds of the same."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.kinds: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        error = f" ({record.exc_info[1]!r})" if record.exc_info else ""
        self.kinds[f"{record.levelname} {record.name}: {record.msg}{error}"] += 1


def profile_text(profiler: cProfile.Profile) -> str:
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    # Agora's own modules and discord.py; asyncio, aiohttp and aiosqlite's plumbing are left out.
    stats.print_stats(rf"^{re.escape(str(ROOT))}/(?!\.venv)|/discord/", 15)
    return out.getvalue().split("   ncalls", 1)[-1].join(("   ncalls", ""))


async def _serve(kind: str, settings: Settings, conn: Connection, bare: Callable[..., commands.Bot]) -> None:
    async with contextlib.AsyncExitStack() as stack:
        begun: Counter[str] = Counter()
        if kind == "agora":
            client = await stack.enter_async_context(open_agora(settings, guild_ready_timeout=0.05))
            begun = count_transactions(client)
        else:
            point_discord_at(settings)
            intents = discord.Intents.default()
            baseline = bare(commands.when_mentioned, intents=intents, guild_ready_timeout=0.05)
            client = await stack.enter_async_context(baseline)
        running = asyncio.create_task(client.start(settings.discord_token))
        profiler = cProfile.Profile()  # enabled from this (the event loop's) thread, it profiles the loop
        while (command := await asyncio.to_thread(conn.recv)) != "stop":
            if command == "profile":
                profiler.enable()
            elif command == "report":
                profiler.disable()
                conn.send(profile_text(profiler))
            elif command == "writes":  # transactions begun by module, rows SQLite changed (Agora's writer)
                changes = client.database.writer.total_changes if kind == "agora" else 0
                conn.send((dict(begun), changes))
        await client.close()
        await running


def bot_main(kind: str, settings: Settings, conn: Connection, bare: Callable[..., commands.Bot]) -> None:
    """A spawned process's target: Agora (`kind` "agora") or the `bare` baseline, until told "stop"."""
    logging.getLogger().addHandler(log := LogTally())
    logging.getLogger("discord.client").setLevel(logging.ERROR)  # no voice here: no PyNaCl warning
    asyncio.run(_serve(kind, settings, conn, bare))
    conn.send([f"{n}× {line}" for line, n in log.kinds.most_common()])


@dataclass
class BotProcess:
    pid: int
    conn: Connection  # "profile", then "report" → the profile's text; "writes": see _serve
    logged: list[str] = field(default_factory=list)  # filled once the process ended


@contextlib.asynccontextmanager
async def bot_process(
    kind: str, fake: FakeDiscord, database: Path, bare: Callable[..., commands.Bot]
) -> AsyncIterator[BotProcess]:
    """The bot connected to `fake` (Agora's commands synced), its SQLite file `database`; stopped on exit."""
    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe()
    settings = Settings(
        fake.token, fake.guild.id, database, organiser_role="Organisateurs",
        discord_api_url=fake.api_url, discord_gateway_url=fake.gateway_url,
        backup_dir=database.parent / "backups",  # as deployed, but beside the run's database
    )  # fmt: skip
    process = spawn.Process(target=bot_main, args=(kind, settings, theirs, bare), daemon=True)
    process.start()
    handle = BotProcess(process.pid or 0, ours)
    try:
        await fake.wait_until_ready(timeout=60)
        if kind == "agora":
            await fake.wait_for_commands(timeout=30)
        yield handle
    finally:
        ours.send("stop")
        await asyncio.to_thread(process.join, 30)
        handle.logged = ours.recv() if ours.poll() else ["the bot's process ended without its log"]


# ---- measuring from outside -----------------------------------------------------------------------


def cpu_seconds(pid: int) -> tuple[float, ...]:
    """CPU seconds so far: this process, the bot's (both: utime + stime, every thread), the machine's."""
    mine, bot = (Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split() for p in ("self", pid))
    machine = [int(n) for n in Path("/proc/stat").read_text().split(maxsplit=9)[1:9]]
    busy = sum(machine) - machine[3] - machine[4]  # all but idle and iowait
    return tuple(n / TICK for n in (int(mine[11]) + int(mine[12]), int(bot[11]) + int(bot[12]), busy))


def cpu_used(pid: int, before: tuple[float, ...]) -> tuple[float, float, float]:
    """CPU seconds since `before` (a `cpu_seconds`): this process, the bot, the rest of the machine."""
    mine, bot, machine = (after - start for after, start in zip(cpu_seconds(pid), before, strict=True))
    return mine, bot, max(0.0, machine - mine - bot)


async def answer_latency(fake: FakeDiscord, record: InteractionRecord) -> float | None:
    """Seconds from the fake dispatching the interaction to the bot's answer reaching it, on this
    process's clock; None when it was not answered within Discord's deadline (3 s)."""
    # record.response() would wait its whole timeout for an answer refused as too late (10062).
    answered = lambda: record.callback or record.rejections  # noqa: E731
    with contextlib.suppress(WaitTimeout):
        await fake.notifier.wait_for(answered, 10, f"an answer to {record!r}")
    return None if record.callback is None else asyncio.get_running_loop().time() - record.created_at


def percentile_ms(latencies: list[float], failed: int, q: float) -> float:
    """The q-quantile in ms; an unanswered interaction counts as infinitely late."""
    ordered = sorted(latencies) + [float("inf")] * failed or [float("nan")]
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def most_in_window(times: list[float], seconds: float = 2.0) -> int:
    """The most of `times` within any window of `seconds`."""
    return max((sum(t <= u < t + seconds for u in times) for t in times), default=0)


class RequestTimes:
    """When each request the bot made reached the fake (its log has no times): while `watching`, every
    change the fake notifies stamps the requests logged since. Its middleware notifies once a request
    was handled and before the answer goes back, so a request is stamped before the bot can know it
    was answered: an edit the bot makes 2 s after the previous one came back is stamped > 2 s after it,
    however busy this process's loop was."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.loop = asyncio.get_running_loop()
        self.seen: list[float] = []

    def stamp(self) -> None:
        self.seen.extend([self.loop.time()] * (len(self.fake.requests) - len(self.seen)))

    @contextlib.asynccontextmanager
    async def watching(self) -> AsyncIterator[RequestTimes]:
        self.stamp()  # the requests made before watching: not inside the stretch being timed
        notifier = self.fake.notifier
        changed = notifier.changed

        def stamped() -> None:
            self.stamp()
            changed()

        notifier.changed = stamped  # type: ignore[method-assign]  # the fake's own, plus the stamp
        try:
            yield self
        finally:
            notifier.changed = changed  # type: ignore[method-assign]

    def edits(self, message_id: int, since: float) -> list[float]:
        """When each PATCH of the message since `since` arrived."""
        return [t for edited, t in self.patches(since) if edited == message_id]

    def patches(self, since: float) -> list[tuple[int, float]]:
        """Each PATCH of a channel's message since `since`: the message's id, and when it arrived."""
        self.stamp()
        requests = zip(self.fake.requests, self.seen, strict=False)
        found = ((PATCHED.match(r.path), t) for r, t in requests if t >= since and r.method == "PATCH")
        return [(int(match[1]), t) for match, t in found if match]


def verdict(ok: bool, text: str) -> None:
    print(f"{'PASS' if ok else 'FAIL'}  {text}")


def throughput_verdict(ours: float, baseline: float, unit: str) -> None:
    ratio = ours / baseline
    verdict(ratio >= 0.7, f"throughput {ours:.0f} {unit}/s = {ratio:.2f}× the baseline (≥ 0.70×)")


def edits_spacing(edits: list[float]) -> tuple[int, str]:
    """The most edits in any 2 s window, and a phrase saying so with the closest two."""
    gaps = [b - a for a, b in itertools.pairwise(edits)]
    closest = f", the closest two {min(gaps):.3f} s apart" if gaps else ""
    worst = most_in_window(edits)
    return worst, f"at most {worst} edit(s) in any 2 s window{closest}"


# ---- members clicking: a burst, or a paced run ---------------------------------------------------


@dataclass
class Phase:
    """One bot's run of `clicks`: a burst (`pace` None), or `pace` clicks per second."""

    bot: str
    name: str
    clicks: list[Any]  # what each click is, as the benchmark's own `click` takes it
    pace: float | None
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    failed: int = 0  # not answered within Discord's 3 s
    cpu: tuple[float, ...] = (0.0, 0.0, 0.0)  # CPU s: this process (fake, members), the bot, others
    rss: tuple[float, float] = (0.0, 0.0)  # the bot's RSS before the phase and its peak during it (MiB)
    edits: list[float] = field(default_factory=list)  # when each PATCH of the watched message arrived

    def ms(self, q: float) -> float:  # an unanswered click counts as infinitely late
        return percentile_ms(self.latencies, self.failed, q)

    @property
    def per_second(self) -> float:
        return len(self.clicks) / self.seconds

    @property
    def max_edits_in_2s(self) -> int:
        return most_in_window(self.edits)


class Clickers:
    """Members clicking, one click of a member at a time and in the order asked (the lock is FIFO), so
    the outcome of a member's clicks is defined; and the times of the requests the bot makes."""

    def __init__(self, fake: FakeDiscord, members: list[FakeMember]) -> None:
        self.fake, self.members = fake, members
        self.loop = asyncio.get_running_loop()
        self.locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self.requests = RequestTimes(fake)

    async def click(self, member: int, message: FakeMessage, custom_id: str) -> float | None:
        """The answer's latency (`answer_latency`) of member number `member`'s click."""
        async with self.locks[member]:
            record = await self.fake.click(self.members[member], message, custom_id)
            return await answer_latency(self.fake, record)


async def drive(
    phase: Phase,
    click: Callable[[Any], Awaitable[float | None]],
    pid: int,
    workers: int,
    *,
    profiled: BotProcess | None = None,
) -> str | None:
    """Runs `click` on each of the phase's clicks and fills in its figures. A burst keeps `workers`
    clicks in flight, each worker sending its next as soon as one is answered; a paced run sends click
    n at start + n / pace, answered or not the ones before. With `profiled`, that bot's event loop is
    profiled during the phase, and the profile's text returned."""
    if profiled is not None:
        profiled.conn.send("profile")
    await _drive(phase, click, pid, workers)
    if profiled is None:
        return None
    profiled.conn.send("report")
    return await asyncio.to_thread(profiled.conn.recv)


async def _drive(
    phase: Phase, click: Callable[[Any], Awaitable[float | None]], pid: int, workers: int
) -> None:
    gc.collect()  # between phases only: see run_benchmark
    reset_peak_rss(pid)
    loop = asyncio.get_running_loop()
    rss, cpu, start = memory_mib(pid)[0], cpu_seconds(pid), loop.time()

    async def one(item: Any) -> None:
        latency = await click(item)
        if latency is None:  # unanswered, or answered after the 3 s deadline
            phase.failed += 1
        else:
            phase.latencies.append(latency)

    if phase.pace is None:
        queue: Iterator[Any] = iter(phase.clicks)

        async def worker() -> None:
            for item in queue:
                await one(item)

        await asyncio.gather(*(worker() for _ in range(workers)))
    else:
        tasks = []
        for n, item in enumerate(phase.clicks):
            await asyncio.sleep(max(0.0, start + n / phase.pace - loop.time()))
            tasks.append(asyncio.create_task(one(item)))
        await asyncio.gather(*tasks)
    phase.seconds = loop.time() - start
    phase.cpu, phase.rss = cpu_used(pid, cpu), (rss, peak_rss_mib(pid))


async def burst_then_paced(
    measure: Callable[[str, list[Phase], Path], Awaitable[OutcomeT]], clicks: list[list[Any]], rate: float
) -> tuple[list[Phase], list[OutcomeT]]:
    """The baseline's phases, then Agora's: `measure(kind, phases, folder)` runs both of a bot, a burst
    of `clicks[0]` then `clicks[1]` at `rate` per second, its database in a temporary `folder`."""
    phases: list[Phase] = []
    outcomes: list[OutcomeT] = []
    with tempfile.TemporaryDirectory(prefix="agora-bench-") as folder:
        for kind in ("baseline", "agora"):
            ours = [Phase(kind, "burst", clicks[0], None), Phase(kind, "paced", clicks[1], rate)]
            outcomes.append(await measure(kind, ours, Path(folder)))
            phases += ours
    return phases, outcomes


def run_benchmark(run: Callable[[Any], Coroutine[Any, Any, None]], args: Any) -> None:
    """Runs `run(args)` in this process: the fake Discord and its members."""
    # This process is not what is measured. Its heap grows with every request and message the fake
    # records; its full collections (up to 0.7 s seen) would stall the clicks and count as the bot's
    # latency. So: collected only where the benchmark says, between phases.
    gc.disable()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    asyncio.run(run(args))


def print_logged(kinds: list[str], logs: list[list[str]]) -> None:
    for kind, logged in zip(kinds, logs, strict=True):
        print(f"\n{kind} logged:", *logged or ["nothing"], sep="\n  ")
