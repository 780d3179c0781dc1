"""Registration opening: members click Register on one event through the real Agora, beside a bare
discord.py bot.

    .venv/bin/python bench/registrations.py [--members 1000] [--places 100] [--concurrency 200] [--profile]

An organiser runs `/event create … places:100`; then every member clicks the announcement's Register
button once, at most `--concurrency` clicks in flight, in a seeded random order. The fake Discord of
tests/ and the members run in this process; each bot runs in its own (spawned) process
(bench/bots.py). Latency is measured on this process's clock, from the fake dispatching
INTERACTION_CREATE to the bot's answer reaching it. The baseline is a bare `commands.Bot` whose
`DynamicItem` Register button only answers an ephemeral "ok". Agora's outcome is read from its SQLite
file (who is registered and waiting, in which order) and from the announcement as the fake holds it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import random
import re
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import discord  # noqa: E402

from agora.i18n import Catalogue  # noqa: E402
from bench import bots  # noqa: E402
from bench.measure import memory_mib, peak_rss_mib, reset_peak_rss  # noqa: E402
from tests.e2e.events_helpers import TITLE, create_event  # noqa: E402
from tests.fake_discord import FakeDiscord, FakeMember, FakeMessage, WaitTimeout  # noqa: E402

REGISTER = re.compile(r"event:register:(?P<id>\d+)")
ZONE = ZoneInfo("Europe/Zurich")  # Settings' default time zone: the one the bot reads times in


# ---- the baseline (each bot runs in its own process: bench/bots.py) -------------------------------


class AckButton(bots.Acknowledges, discord.ui.DynamicItem[discord.ui.Button[Any]], template=REGISTER.pattern):
    def __init__(self, event_id: int) -> None:
        super().__init__(discord.ui.Button(label="Je m'inscris", custom_id=f"event:register:{event_id}"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> AckButton:
        return cls(int(match["id"]))


class BareBot(bots.BareBot):
    button = AckButton

    def message(self) -> dict[str, Any]:
        view = discord.ui.View(timeout=None)  # sent as Agora sends its announcement
        view.add_item(AckButton(1))
        return {"content": "🎟️ **0 / 100** places", "embed": discord.Embed(title=TITLE), "view": view}


# ---- one bot against a fresh fake Discord ---------------------------------------------------------


@dataclass
class Run:
    bot: str
    clicks: int
    seconds: float = 0.0  # from the first click sent to the last one answered
    latencies: list[float] = field(default_factory=list)
    failed: int = 0  # not answered within Discord's 3 s
    order: list[int] = field(default_factory=list)  # member ids, in the order their clicks were dispatched
    cpu: tuple[float, ...] = (0.0, 0.0, 0.0)  # CPU s: this process (fake, members), the bot, others
    rss: tuple[float, float] = (0.0, 0.0)  # the bot's RSS before the clicks, its peak since (MiB)
    edits: list[float] = field(default_factory=list)  # when each PATCH of the announcement arrived
    settled: float | None = None  # s from the last answer to the announcement showing the final count
    shown: str = ""  # the announcement's content at the end
    stored: list[tuple[int, str]] = field(default_factory=list)  # Agora's rows (user, status) by queue
    logged: list[str] = field(default_factory=list)
    profile: str | None = None  # Agora's event loop during the clicks, with --profile

    def ms(self, q: float) -> float:
        return bots.percentile_ms(self.latencies, self.failed, q)

    @property
    def per_second(self) -> float:
        return self.clicks / self.seconds


def event_options(places: int) -> dict[str, object]:
    """A morning a week ahead (the bot refuses a start in the past), with its places."""
    day = datetime.now(ZONE).date() + timedelta(days=7)
    return {"start": f"{day:%Y-%m-%d} 08:30", "end": "11:30", "places": places}


def register_id(message: FakeMessage) -> str | None:
    ids = (c.get("custom_id") or "" for row in message.components for c in row.get("components", []))
    return next((i for i in ids if REGISTER.fullmatch(i)), None)


def final_count(args: argparse.Namespace) -> str:
    """The count the announcement must show once every click is in, as Agora words it (in French)."""
    words = Catalogue.load("fr").words("fr")
    registered, waiting = min(args.members, args.places), max(0, args.members - args.places)
    line = words("events.registration.count_limited", taken=registered, places=args.places)
    return line + (words("events.registration.waiting", waiting=waiting) if waiting else "")


async def click_all(
    fake: FakeDiscord, message: FakeMessage, run: Run, members: list[FakeMember], n: int
) -> None:
    """Each member clicks Register once, `n` clicks in flight: a member clicks as soon as another's
    click is answered."""
    custom_id, queue = register_id(message) or "", iter(members)
    dispatched: list[tuple[int, int]] = []  # (interaction id, member id): snowflakes grow in dispatch order

    async def worker() -> None:
        for member in queue:
            record = await fake.click(member, message, custom_id)
            dispatched.append((record.id, member.id))
            latency = await bots.answer_latency(fake, record)
            if latency is None:
                run.failed += 1
            else:
                run.latencies.append(latency)

    await asyncio.gather(*(worker() for _ in range(n)))
    run.order = [member for _, member in sorted(dispatched)]


async def measure(kind: str, args: argparse.Namespace, folder: Path) -> Run:
    run = Run(kind, args.members)
    async with FakeDiscord() as fake:
        # In the fake's world before the bot connects: no GUILD_MEMBER_ADD sent for each of them.
        members = [fake.world.add_member(f"membre{n}") for n in range(args.members)]
        random.Random(2025).shuffle(members)  # click order is not member-id order
        general, database = fake.channel("général"), folder / f"{kind}.db"
        async with bots.bot_process(kind, fake, database, BareBot) as bot:
            if kind == "agora":
                await create_event(fake, **event_options(args.places))
            message = await fake.wait_for_message(general, lambda m: register_id(m) is not None, timeout=30)
            requests, loop = bots.RequestTimes(fake), asyncio.get_running_loop()
            async with requests.watching():
                gc.collect()  # here only: see bots.run_benchmark
                reset_peak_rss(bot.pid)
                if profiling := args.profile and kind == "agora":
                    bot.conn.send("profile")
                rss, cpu, start = memory_mib(bot.pid)[0], bots.cpu_seconds(bot.pid), loop.time()
                await click_all(fake, message, run, members, args.concurrency)
                run.seconds = loop.time() - start
                if profiling:
                    bot.conn.send("report")
                    run.profile = await asyncio.to_thread(bot.conn.recv)
                if kind == "agora":  # the coalesced edit showing the last state, within its 2 s
                    expected = final_count(args)
                    with contextlib.suppress(WaitTimeout):
                        shows = lambda: expected in fake.message(message.id).content  # noqa: E731
                        await fake.wait_for(shows, timeout=10, what="the final count on the announcement")
                        run.settled = loop.time() - start - run.seconds
                run.cpu, run.rss = bots.cpu_used(bot.pid, cpu), (rss, peak_rss_mib(bot.pid))
                run.edits = requests.edits(message.id, start)
            run.shown = fake.message(message.id).content
    run.logged = bot.logged
    if kind == "agora":
        event_id = int(REGISTER.fullmatch(register_id(message) or "")["id"])  # type: ignore[index]
        with contextlib.closing(sqlite3.connect(database)) as db:
            sql = "SELECT user_id, status FROM event_registrations WHERE event_id = ? ORDER BY queue"
            run.stored = list(db.execute(sql, (event_id,)))
    return run


# ---- reporting ------------------------------------------------------------------------------------

HEADER = (
    "bot      clicks failed seconds clicks/s  p50 ms  p99 ms  max ms edits max/2s"
    "  CPU s: fake   bot other ms/click  RSS MiB: before   peak"
)


def row(run: Run) -> str:
    edits = f"{len(run.edits):5d} {bots.most_in_window(run.edits):6d}" if run.bot == "agora" else " " * 12
    fake, bot, other = run.cpu
    return (
        f"{run.bot:8} {run.clicks:6d} {run.failed:6d} {run.seconds:7.2f} {run.per_second:8.0f}"
        f" {run.ms(0.50):7.1f} {run.ms(0.99):7.1f} {run.ms(1.0):7.1f} {edits} {fake:12.2f} {bot:5.2f}"
        f" {other:5.2f} {bot / run.clicks * 1000:8.2f} {run.rss[0]:16.1f} {run.rss[1]:6.1f}"
    )


def order_text(stored: list[tuple[int, str]], order: list[int]) -> tuple[bool, str]:
    """Whether the stored queue is the click order, and where it first parts from it."""
    queue = [user for user, _ in stored]
    if queue == order:
        return True, f"all {len(order)} in click order"
    misplaced = [n for n, (a, b) in enumerate(zip(queue, order, strict=False)) if a != b]
    first = f", the first at #{misplaced[0] + 1}" if misplaced else ""
    return False, f"{len(misplaced)} of {len(order)} out of click order, {len(queue)} stored{first}"


def report(args: argparse.Namespace, base: Run, agora: Run) -> None:
    print(f"""registration opens: {args.members} members click Register for {args.places} places, \
{args.concurrency} clicks in flight.
Latency: INTERACTION_CREATE sent → the bot's answer received; an unanswered click counts as infinitely
late. CPU seconds from the first click to the last answer (Agora: until its announcement showed the
final count), of this process (the fake and its members), the bot's process and the rest of the
machine. RSS: the bot's process just before the first click, and its peak since.
""")
    print(HEADER, row(base), row(agora), sep="\n")
    if busy := [run.bot for run in (base, agora) if run.cpu[2] > 0.1 * run.seconds]:
        print(f"WARNING: the rest of the machine was busy during {', '.join(busy)}: times are inflated")
    ratio = agora.per_second / base.per_second
    settled = "never" if agora.settled is None else f"{agora.settled:.2f} s after the last answer"
    print(f"\nagora / baseline throughput: {ratio:.2f}×")
    print(f"announcement, final count shown {settled}: {agora.shown!r}\n")

    registered, waiting = min(args.members, args.places), max(0, args.members - args.places)
    statuses = [status for _, status in agora.stored]
    got = {s: statuses.count(s) for s in ("registered", "offered", "waiting")}
    in_order, where = order_text(agora.stored, agora.order)
    exact = statuses == ["registered"] * registered + ["waiting"] * waiting
    bots.verdict(
        exact and in_order,
        f"{got['registered']} registered, {got['offered']} offered, {got['waiting']} waiting"
        f" (exactly {registered} and {waiting}, in click order): {where}",
    )
    slowest = "" if agora.failed else f", the slowest answered in {agora.ms(1.0):.0f} ms"
    bots.verdict(
        not agora.failed, f"{agora.failed} click(s) unanswered within 3 s{slowest} (baseline {base.failed})"
    )
    bots.throughput_verdict(agora.per_second, base.per_second, "clicks")
    worst, spacing = bots.edits_spacing(agora.edits)
    bots.verdict(
        worst <= 1 and agora.settled is not None,
        f"{len(agora.edits)} edit(s), {spacing} (≤ 1); final count"
        f" {final_count(args)!r} {'shown' if agora.settled is not None else 'NOT shown'}",
    )
    bots.print_logged(["baseline", "agora"], [base.logged, agora.logged])
    if agora.profile:
        print("\nAgora's process during the clicks (under the profiler: slower than above)")
        print(agora.profile)


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="agora-registrations-") as folder:
        base = await measure("baseline", args, Path(folder))
        agora = await measure("agora", args, Path(folder))
    report(args, base, agora)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=1000, help="distinct members, each clicking once")
    parser.add_argument("--places", type=int, default=100, help="the event's places (1 to 10,000)")
    parser.add_argument("--concurrency", type=int, default=200, help="clicks in flight")
    parser.add_argument("--profile", action="store_true", help="cProfile Agora's process during the clicks")
    bots.run_benchmark(run, parser.parse_args())  # the fake's garbage collected before the clicks only


if __name__ == "__main__":
    main()
