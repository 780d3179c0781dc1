"""Footprint: memory, idle CPU and time to first answer of `python bot.py`, beside a bare discord.py bot.

    .venv/bin/python bench/footprint.py [--idle 20] [--feeds 5] [--quiet-timeout 120] [--env NAME=VALUE]

Each bot is started as a member's host would start it, `python <script>` in a process of its own
with its settings in the environment, against a fresh fake Discord of tests/ (in this process, with
the feed server, so neither is counted). Measured from /proc over the bot's whole process tree: the
RSS and PSS of every process, the CPU used while nothing happens, and the time from starting the
process to the answer of the first `/about`. See bench/README.md for the rows and targets.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.measure import command_line, cpu_seconds, descendants, memory_mib  # noqa: E402
from tests.e2e.process_helpers import bot_env  # noqa: E402
from tests.fake_discord import FakeDiscord  # noqa: E402
from tests.feed_server import FeedServer, Item, rss  # noqa: E402

SCRIPTS = {"bare": ROOT / "bench" / "bare_bot.py", "agora": ROOT / "bot.py"}
RSS_TARGET = 1.5  # Agora's idle RSS, all its processes, at most this many times the bare bot's


@dataclass
class Process:
    pid: int
    role: str
    rss: float  # MiB
    pss: float | None  # MiB


@dataclass
class Row:
    name: str
    processes: list[Process] = field(default_factory=list)
    idle_cpu: float | None = None  # CPU seconds over the idle window, every process of the bot
    idle_seconds: float = 0.0
    ready: float | None = None  # seconds from start to the gateway session being ready
    first_answer: float | None = None  # seconds from start to the first /about being answered
    note: str = ""

    @property
    def rss(self) -> float:
        return sum(process.rss for process in self.processes)

    @property
    def pss(self) -> float | None:
        values = [process.pss for process in self.processes]
        return None if None in values else sum(v for v in values if v is not None)


def _role(pid: int, root: int) -> str:
    """What a process of the bot's tree is, from its command line."""
    words = command_line(pid)
    if pid == root:
        return "the bot: " + " ".join(Path(word).name for word in words.split()[1:])
    if "parse_worker" in words:
        return "feed parser worker"
    if "multiprocessing" in words:
        return "multiprocessing: " + ("resource tracker" if "resource_tracker" in words else "helper")
    return words[:60]


def snapshot(root: int) -> list[Process]:
    pids = [root, *descendants(root)]
    return [Process(pid, _role(pid, root), *memory_mib(pid)) for pid in pids]


async def idle(row: Row, root: int, seconds: float) -> None:
    """CPU used over `seconds` of nothing happening (background loops only), then memory."""
    before = {pid: cpu_seconds([pid]) for pid in [root, *descendants(root)]}
    await asyncio.sleep(seconds)  # the idle window is a duration, not a wait for an event
    # A process that ended meanwhile reads as 0: its CPU in the window is lost, never negative.
    after = {pid: cpu_seconds([pid]) for pid in [root, *descendants(root)]}
    row.idle_cpu = sum(max(0.0, used - before.get(pid, 0.0)) for pid, used in after.items())
    row.idle_seconds = seconds
    row.processes = snapshot(root)


Stage = Callable[[FakeDiscord, int], Awaitable[None]]


async def run_bot(
    kind: str, args: argparse.Namespace, extra: dict[str, str], stages: list[tuple[Row, Stage | None]]
) -> None:
    """Start one bot, time its first answer, then for each row: its stage, then an idle window."""
    with tempfile.TemporaryDirectory(prefix=f"agora-footprint-{kind}-") as name:
        folder = Path(name)
        async with FakeDiscord() as fake:
            with (folder / "bot.log").open("ab") as log:
                start = time.monotonic()
                process = await asyncio.create_subprocess_exec(
                    sys.executable,
                    str(SCRIPTS[kind]),
                    cwd=folder,  # no .env there: the environment is the whole configuration
                    env=bot_env(fake, folder, **({**extra, **args.env} if kind == "agora" else extra)),
                    stdin=asyncio.subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                )
            try:
                first = stages[0][0]
                await fake.wait_until_ready(timeout=60)
                first.ready = time.monotonic() - start
                await fake.wait_for_commands(timeout=60)
                asked = await fake.run_command("olivia", "about")
                await asked.response(timeout=30)
                first.first_answer = time.monotonic() - start
                await asyncio.sleep(args.settle)  # startup's own background work, out of the window
                for row, stage in stages:
                    if stage is not None:
                        await stage(fake, process.pid)
                    await idle(row, process.pid, args.idle)
            except Exception:
                print((folder / "bot.log").read_text(errors="replace")[-3000:], file=sys.stderr)
                raise
            finally:
                await stop(process)


async def stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        process.send_signal(signal.SIGTERM)  # a graceful close, as a host stops the bot
        try:
            await asyncio.wait_for(process.wait(), 30)
        except TimeoutError:
            process.kill()
            await process.wait()


async def feeds_rows(args: argparse.Namespace) -> list[Row]:
    cycle = Row(f"agora, {args.feeds} feeds, after a cycle")
    quiet = Row(f"agora, {args.feeds} feeds, after the quiet period")
    now = datetime.now(UTC)
    async with FeedServer() as server:
        for i in range(args.feeds):
            items = [
                Item(
                    f"Article {n} du blog {i}",
                    link=f"https://blog{i}.example.ch/{n}",
                    published=now - timedelta(hours=n),
                )
                for n in range(20)
            ]
            server.set_feed(f"/feed/{i}", rss(items, title=f"Blog {i}"))
        declared = ";".join(f"{server.url(f'/feed/{i}')} #général" for i in range(args.feeds))

        async def first_cycle(fake: FakeDiscord, pid: int) -> None:
            # The first fetch of each declared feed posts its newest entry: every feed was parsed.
            def posted() -> bool:
                return len([m for m in fake.messages("général") if m.author_id == fake.bot.id]) >= args.feeds

            await fake.wait_for(posted, timeout=120, what=f"{args.feeds} first posts")

        async def quiet_period(fake: FakeDiscord, pid: int) -> None:
            deadline = time.monotonic() + args.quiet_timeout
            while descendants(pid) and time.monotonic() < deadline:  # noqa: ASYNC110
                await asyncio.sleep(0.5)  # polling /proc: a process ending sends no event here
            if descendants(pid):
                quiet.note = f"workers still running {args.quiet_timeout:g} s after the cycle"

        extra = {"AGORA_FEEDS": declared, "AGORA_FEED_ALLOW_PRIVATE": "1"}
        await run_bot("agora", args, extra, [(cycle, first_cycle), (quiet, quiet_period)])
    return [cycle, quiet]


# ---- reporting ------------------------------------------------------------------------------------


def _cell(value: float | None, pattern: str) -> str:
    return format(value, pattern) if value is not None else " " * len(format(0, pattern))


COLUMNS = (("procs", "5d"), ("RSS MiB", "8.1f"), ("PSS MiB", "8.1f"), ("idle CPU ms", "11.0f"))
COLUMNS += (("% core", "6.2f"), ("ready s", "7.2f"), ("answer s", "8.2f"))


def print_table(args: argparse.Namespace, rows: list[Row]) -> None:
    print(
        f"\nidle window {args.idle:g} s, {args.settle:g} s after the first answer; {os.cpu_count()} CPUs,",
        end="",
    )
    print(f" load average {os.getloadavg()[0]:.2f}")
    print(f"{'':44}" + " ".join(f"{name:>{len(format(0, pattern))}}" for name, pattern in COLUMNS))
    for row in rows:
        share = (
            row.idle_cpu / row.idle_seconds * 100 if row.idle_cpu is not None and row.idle_seconds else None
        )
        cpu_ms = row.idle_cpu * 1000 if row.idle_cpu is not None else None
        values = (len(row.processes), row.rss, row.pss, cpu_ms, share, row.ready, row.first_answer)
        cells = " ".join(_cell(value, pattern) for value, (_, pattern) in zip(values, COLUMNS, strict=True))
        print(f"{row.name:44}{cells}{'  ' + row.note if row.note else ''}")
    print("\nEvery process (RSS counts shared pages in each process; PSS shares them out, so it adds up):")
    for row in rows:
        print(f"  {row.name}")
        for process in row.processes:
            memory = f"RSS {process.rss:6.1f}  PSS {_cell(process.pss, '6.1f')}"
            print(f"    {process.pid:>7} {process.role:44} {memory}")


def verdict(ok: bool, text: str) -> None:
    print(f"{'PASS' if ok else 'FAIL'}  {text}")


def print_targets(rows: list[Row]) -> None:
    bare, agora, *feeds = rows
    ratio = agora.rss / bare.rss
    print("\nTargets (a benchmark: exit status 0 either way)")
    verdict(
        ratio <= RSS_TARGET,
        f"idle RSS without feeds: Agora {agora.rss:.1f} MiB in {len(agora.processes)} process(es) = "
        f"{ratio:.2f}× the bare bot's {bare.rss:.1f} MiB, ≤ {RSS_TARGET}×",
    )
    verdict(
        len(agora.processes) == 1, f"without feeds, no parser process: {len(agora.processes) - 1} running"
    )
    if feeds:
        cycle, quiet = feeds
        verdict(len(cycle.processes) > 1, f"with feeds, parser processes started: {len(cycle.processes) - 1}")
        verdict(
            len(quiet.processes) == 1,
            f"after the quiet period, parser processes stopped: {len(quiet.processes) - 1} running",
        )


async def run(args: argparse.Namespace) -> list[Row]:
    rows = [Row("bare discord.py bot"), Row("agora, no feeds")]
    await run_bot("bare", args, {}, [(rows[0], None)])
    await run_bot("agora", args, {}, [(rows[1], None)])
    if args.feeds:
        rows += await feeds_rows(args)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--idle", type=float, default=20, help="seconds of the idle window (20)")
    parser.add_argument(
        "--settle", type=float, default=3, help="seconds after the first answer, before it (3)"
    )
    parser.add_argument(
        "--feeds", type=int, default=5, help="feeds declared in the feeds rows; 0: no such rows"
    )
    parser.add_argument(
        "--quiet-timeout", type=float, default=120, help="seconds to wait for the workers to stop (120)"
    )
    parser.add_argument(
        "--env", action="append", default=[], metavar="NAME=VALUE", help="more settings, for Agora's runs"
    )
    args = parser.parse_args()
    args.env = dict(item.split("=", 1) for item in args.env)
    rows = asyncio.run(run(args))
    print_table(args, rows)
    print_targets(rows)


if __name__ == "__main__":
    main()
