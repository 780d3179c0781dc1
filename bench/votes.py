"""Poll voting: a burst of clicks on one poll through the real Agora, against a bare discord.py bot.

    .venv/bin/python bench/votes.py [--votes 5000] [--members 2000] [--concurrency 200] [--rate 200]
                                    [--paced-votes 2000] [--profile]

The fake Discord of tests/ and the clicking members run in this process; each bot runs in its own
(spawned) process, so the bot's CPU time and its profile are its own, apart from the fake's.
Latency is measured on this process's clock, from the fake dispatching INTERACTION_CREATE to the
bot's interaction callback reaching it. Both bots get the same clicks, in the same order: a burst as
fast as `--concurrency` members in flight allow, then `--paced-votes` clicks at `--rate` per second.
The baseline is a bare `commands.Bot` whose `DynamicItem` button only answers an ephemeral "ok".
"""

from __future__ import annotations

import argparse
import contextlib
import random
import re
import sqlite3
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import discord  # noqa: E402

from bench import bots  # noqa: E402
from bench.bots import Clickers, Phase, bot_process, print_logged, verdict  # noqa: E402
from tests.e2e.polls_helpers import counts, create_poll, custom_ids, poll_id  # noqa: E402
from tests.fake_discord import FakeDiscord, FakeMember, FakeMessage  # noqa: E402

QUESTION = "Quel réseau pour la communauté ?"
OPTIONS = ("LinkedIn", "Slack", "Teams", "Discord")
POPULARITY = (4, 3, 2, 1)  # weights of the options a member moves to
WITHDRAW = 0.15  # chance that a member's next click is on the option they hold, withdrawing it
Click = tuple[int, int]  # (member index, option position)


# ---- the baseline (each bot runs in its own process: bench/bots.py) -------------------------------


class AckButton(
    bots.Acknowledges,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"poll:(?P<poll>\d+):(?P<pos>\d+)",
):
    def __init__(self, poll: int, position: int) -> None:
        super().__init__(discord.ui.Button(label=OPTIONS[position], custom_id=f"poll:{poll}:{position}"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> AckButton:
        return cls(int(match["poll"]), int(match["pos"]))


class BareBot(bots.BareBot):
    button = AckButton

    def message(self) -> dict[str, Any]:
        view = discord.ui.View(timeout=None)  # sent as Agora sends its poll
        for position in range(len(OPTIONS)):
            view.add_item(AckButton(1, position))
        lines = "\n".join(f"{name}\n`{'░' * 20}` 0 · 0 %" for name in OPTIONS)
        return {"embed": discord.Embed(title=QUESTION, description=lines), "view": view}


# ---- the members: the plan of clicks, and clicking -------------------------------------------------


def plan(votes: int, members: int, rng: random.Random, held: dict[int, int | None]) -> list[Click]:
    """`votes` clicks: each member once, the rest spread at random; in rounds (first clicks first)."""
    extra = rng.choices(range(members), k=max(0, votes - members))
    per_member = Counter([*range(min(votes, members)), *extra])
    clicks: list[Click] = []
    for round_ in range(max(per_member.values(), default=0)):
        voters = [member for member, n in per_member.items() if n > round_]
        for member in rng.sample(voters, len(voters)):
            current = held.get(member)
            others = [p for p in range(len(OPTIONS)) if p != current]
            position = rng.choices(others, weights=[POPULARITY[p] for p in others])[0]
            if current is not None and rng.random() < WITHDRAW:
                position = current
            held[member] = None if position == current else position
            clicks.append((member, position))
    return clicks


class Members(Clickers):
    """Members clicking the buttons of one message."""

    def __init__(self, fake: FakeDiscord, message: FakeMessage, members: list[FakeMember]) -> None:
        super().__init__(fake, members)
        self.message = message
        self.ids = custom_ids(message)
        self.ballots: dict[int, int | None] = {}  # from the clicks, in the order they were answered

    async def vote(self, click: Click) -> float | None:
        member, position = click
        latency = await self.click(member, self.message, self.ids[position])
        held = self.ballots.get(member)
        self.ballots[member] = None if held == position else position
        return latency

    def expected(self) -> list[int]:
        held = Counter(p for p in self.ballots.values() if p is not None)
        return [held[p] for p in range(len(OPTIONS))]

    def edits(self, since: float) -> list[float]:
        return self.requests.edits(self.message.id, since)


# ---- one bot against a fresh fake Discord ---------------------------------------------------------


@dataclass
class Outcome:
    logged: list[str] = field(default_factory=list)  # the bot's warnings and errors, by kind
    tallies: list[list[int]] = field(default_factory=list)  # Agora's: expected, stored, shown
    profile: str | None = None  # Agora's, during the burst


async def measure(kind: str, args: argparse.Namespace, phases: list[Phase], folder: Path) -> Outcome:
    outcome = Outcome()
    async with FakeDiscord() as fake:
        # In the fake's world before the bot connects: no GUILD_MEMBER_ADD sent for each of them.
        members = [fake.world.add_member(f"membre{n}") for n in range(args.members)]
        general, database = fake.channel("général"), folder / f"{kind}.db"
        async with bot_process(kind, fake, database, BareBot) as bot:
            if kind == "agora":
                await create_poll(fake, question=QUESTION, options="; ".join(OPTIONS))
            message = await fake.wait_for_message(general, lambda m: bool(m.components), timeout=30)
            voters = Members(fake, message, members)
            async with voters.requests.watching():
                for phase in phases:
                    profiled = bot if args.profile and kind == "agora" and phase.pace is None else None
                    since = voters.loop.time()
                    profile = await bots.drive(
                        phase, voters.vote, bot.pid, args.concurrency, profiled=profiled
                    )
                    outcome.profile = profile or outcome.profile
                    if kind == "agora":  # the coalesced edit showing the last state, within its 2 s
                        shows = lambda: counts(fake.message(message.id)) == voters.expected()  # noqa: E731
                        await fake.wait_for(shows, timeout=10, what="the poll message to show every vote")
                    phase.edits = voters.edits(since)
            shown = counts(fake.message(message.id)) if kind == "agora" else []
    outcome.logged = bot.logged
    if kind == "agora":
        with contextlib.closing(sqlite3.connect(database)) as db:
            sql = "SELECT position, count(*) FROM poll_votes WHERE poll_id = ? GROUP BY position"
            stored = dict(db.execute(sql, (poll_id(message),)))
        outcome.tallies = [voters.expected(), [stored.get(p, 0) for p in range(len(OPTIONS))], shown]
    return outcome


# ---- reporting ------------------------------------------------------------------------------------

HEADER = (
    "bot       phase  votes failed seconds votes/s  p50 ms  p99 ms edits max/2s  CPU: fake bot other ms/vote"
)


def row(phase: Phase) -> str:
    edits = f"{len(phase.edits):5d} {phase.max_edits_in_2s:6d}" if phase.bot == "agora" else " " * 12
    fake, bot, other = (f"{cpu / phase.seconds:.0%}" for cpu in phase.cpu)
    return (
        f"{phase.bot:9} {phase.name:5} {len(phase.clicks):6d} {phase.failed:6d} {phase.seconds:7.2f}"
        f" {phase.per_second:7.0f} {phase.ms(0.50):7.1f} {phase.ms(0.99):7.1f} {edits} {fake:>9}"
        f" {bot:>4} {other:>5} {phase.cpu[1] / len(phase.clicks) * 1000:7.2f}"
    )


def report(args: argparse.Namespace, phases: list[Phase], outcomes: list[Outcome]) -> None:
    print(f"""burst: {args.votes} votes from {args.members} members, {args.concurrency} in flight; \
paced: {args.paced_votes} votes at {args.rate:g}/s. Latency: click sent → callback received.
CPU: share of one core used by the fake (this process), the bot (its process) and the rest of the
machine; the bot's CPU time per vote in ms.
""")
    print(HEADER, *map(row, phases), sep="\n")
    if busy := [f"{p.bot} {p.name}" for p in phases if p.cpu[2] > 0.1 * p.seconds]:
        print(f"WARNING: the rest of the machine was busy during {', '.join(busy)}: times are inflated")
    base, _, burst, paced = phases
    ratio = burst.per_second / base.per_second
    print(f"\nagora / baseline throughput (burst): {ratio:.2f}×\n")
    bots.throughput_verdict(burst.per_second, base.per_second, "votes")
    p99 = paced.ms(0.99)
    verdict(p99 < 100, f"p99 {p99:.1f} ms at {paced.per_second:.0f} votes/s (< 100 ms at {args.rate:g}/s)")
    worst, spacing = bots.edits_spacing(paced.edits)
    verdict(worst <= 1, f"{spacing} (≤ 1 at {args.rate:g}/s)")
    expected, stored, shown = outcomes[1].tallies
    verdict(stored == expected == shown, f"exact: stored {stored}, shown {shown}, expected {expected}")
    failed = sum(phase.failed for phase in phases)
    verdict(not failed, f"{failed} click(s) unanswered within the 3 s deadline")
    print_logged(["baseline", "agora"], [outcome.logged for outcome in outcomes])
    if outcomes[1].profile:
        print("\nAgora's process during the burst (under the profiler: slower than above)")
        print(outcomes[1].profile)


async def run(args: argparse.Namespace) -> None:
    rng, held = random.Random(2025), {}
    clicks = [plan(args.votes, args.members, rng, held), plan(args.paced_votes, args.members, rng, held)]
    ours = lambda kind, phases, folder: measure(kind, args, phases, folder)  # noqa: E731
    report(args, *await bots.burst_then_paced(ours, clicks, args.rate))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--votes", type=int, default=5000, help="clicks in the burst")
    parser.add_argument("--members", type=int, default=2000, help="distinct members clicking")
    parser.add_argument("--concurrency", type=int, default=200, help="clicks in flight in the burst")
    parser.add_argument("--rate", type=float, default=200, help="clicks per second in the paced run")
    parser.add_argument("--paced-votes", type=int, default=2000, help="clicks in the paced run")
    parser.add_argument("--profile", action="store_true", help="cProfile Agora's process in the burst")
    bots.run_benchmark(run, parser.parse_args())  # the fake's garbage collected between phases only


if __name__ == "__main__":
    main()
