"""Live Q&A: members click ▲ on the questions of one board through the real Agora, beside a bare
discord.py bot.

    .venv/bin/python bench/questions.py [--members 300] [--questions 50] [--clicks 5000]
                                        [--paced-clicks 5000] [--rate 100] [--concurrency 200] [--profile]

An organiser runs `/qa start`; `--questions` members each ask a question through the board's *Ask a
question* button and its modal; then members click the questions' ▲ buttons: a burst of `--clicks`
as fast as `--concurrency` members in flight allow, then `--paced-clicks` at `--rate` per second.
The fake Discord of tests/ and the members run in this process; each bot runs in its own (spawned)
process (bench/bots.py), and both get the same clicks in the same order. Latency is measured on this
process's clock, from the fake dispatching INTERACTION_CREATE to the bot's answer reaching it. The
baseline is a bare `commands.Bot` whose `DynamicItem` ▲ button only answers an ephemeral "ok".
Agora's outcome is read from its SQLite file (qa_votes), from the question messages and from the
board as the fake holds them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
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
from bench.bots import Clickers, Phase  # noqa: E402
from tests.e2e.questions_helpers import (  # noqa: E402
    ask,
    board_message,
    question_id,
    start_qa,
    thread_of,
    votes_shown,
)
from tests.e2e.questions_helpers import questions as asked_in  # noqa: E402
from tests.fake_discord import FakeDiscord, FakeMember, FakeMessage, WaitTimeout  # noqa: E402

WITHDRAW = 0.15  # chance that a member's next click is on a question they voted for, withdrawing it
BOARD_SIZE = 10  # the board shows the top 10
# A line of the board: "**1.** `▲ 12` the question [↗](https://discord.com/channels/guild/thread/message)".
RANKED = re.compile(r"^\*\*\d+\.\*\* `▲ (?P<votes>\d+)` .*/(?P<message>\d+)\)$", re.MULTILINE)
Click = tuple[int, int]  # (member index, question index)


# ---- the baseline (each bot runs in its own process: bench/bots.py) -------------------------------


class AckButton(
    bots.Acknowledges,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"qa:(?:vote|answered|hide):\d+",
):
    pass


class BareBot(bots.BareBot):
    """Posts a board, then one message per question with ▲, Answered and Hide, as Agora lays them out
    (in #général: Agora's are in the board's thread, which changes nothing to a click)."""

    button = AckButton

    def __init__(self, *args: Any, questions: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions

    def messages(self) -> list[dict[str, Any]]:
        lines = (f"**{n}.** `▲ 0` {question_text(n - 1)} [↗](https://discord.com/)" for n in range(1, 11))
        board = discord.Embed(title="❓ Questions", description="**Les plus demandées**\n" + "\n".join(lines))
        view = discord.ui.View(timeout=None)
        view.add_item(discord.ui.Button(label="Poser une question", emoji="❓", custom_id="qa:ask:1"))
        return [{"embed": board, "view": view}, *map(self.question, range(1, self.questions + 1))]

    def question(self, number: int) -> dict[str, Any]:
        view = discord.ui.View(timeout=None)
        for label, action in (("▲ 0", "vote"), ("Répondue", "answered"), ("Masquer", "hide")):
            view.add_item(AckButton(discord.ui.Button(label=label, custom_id=f"qa:{action}:{number}")))
        text = f"**❓ Question**\n> {question_text(number - 1)}\n— posée par <@{number}>"
        return {"content": text, "view": view}


# ---- the members: the plan of clicks -----------------------------------------------------------


def question_text(n: int) -> str:
    return f"Question n° {n + 1} : comment la communauté choisit-elle ses intervenants ?"


def plan(
    clicks: int, members: int, popularity: list[float], rng: random.Random, held: dict[int, set[int]]
) -> list[Click]:
    """`clicks` clicks of members drawn at random: a ▲ on a question they have not voted for (drawn by
    its popularity), or, once in a while, again on one they voted for, withdrawing it."""
    plan: list[Click] = []
    for member in rng.choices(range(members), k=clicks):
        mine = held.setdefault(member, set())
        others = [q for q in range(len(popularity)) if q not in mine]
        if not others or (mine and rng.random() < WITHDRAW):
            question = rng.choice(sorted(mine))
        else:
            question = rng.choices(others, weights=[popularity[q] for q in others])[0]
        mine ^= {question}
        plan.append((member, question))
    return plan


class Voters(Clickers):
    """Members clicking the ▲ of the questions, and the votes their answered clicks leave."""

    def __init__(self, fake: FakeDiscord, questions: list[FakeMessage], members: list[FakeMember]) -> None:
        super().__init__(fake, members)
        self.questions = questions
        self.ids = [f"qa:vote:{question_id(message)}" for message in questions]
        self.by_id = {message.id: n for n, message in enumerate(questions)}
        self.ballots: dict[int, set[int]] = {}  # member → questions, from the clicks in the order answered

    async def vote(self, click: Click) -> float | None:
        member, question = click
        latency = await self.click(member, self.questions[question], self.ids[question])
        self.ballots.setdefault(member, set()).symmetric_difference_update({question})
        return latency

    def expected(self) -> list[int]:
        held = Counter(q for questions in self.ballots.values() for q in questions)
        return [held[q] for q in range(len(self.questions))]


# ---- the board: Agora's through /qa start and the modal, the baseline's as it posts it ------------


async def agora_board(
    fake: FakeDiscord, members: list[FakeMember], questions: int
) -> tuple[FakeMessage, list[FakeMessage]]:
    """/qa start as an organiser in #général, then the questions asked through the board's button and
    form, one after the other, each by the next member (one may ask 5 in 10 minutes)."""
    await start_qa(fake)
    board = board_message(fake)
    for n in range(questions):
        await ask(fake, members[n % len(members)], board, question_text(n))
    asked = sorted(asked_in(fake, thread_of(fake, fake.message(board.id))), key=lambda m: m.id)
    if len(asked) != questions:
        raise RuntimeError(f"{len(asked)} questions posted of the {questions} asked")
    return board, asked


def board_ranking(board: FakeMessage) -> list[tuple[int, int]]:
    """The board's top as shown: (the question's message id, its votes), from its lines and links."""
    return [(int(m["message"]), int(m["votes"])) for m in RANKED.finditer(board.embeds[0]["description"])]


async def bare_board(fake: FakeDiscord, questions: int) -> tuple[FakeMessage, list[FakeMessage]]:
    """The baseline's board and question messages, once it posted them all."""
    general = fake.channel("général")

    def posted() -> list[FakeMessage] | None:
        mine = [m for m in fake.messages(general) if m.author_id == fake.bot.id]
        return mine if len(mine) == questions + 1 else None

    board, *asked = await fake.wait_for(posted, timeout=60, what="the baseline's board and questions")
    return board, asked


# ---- one bot against a fresh fake Discord ---------------------------------------------------------


@dataclass
class Outcome:
    logged: list[str] = field(default_factory=list)  # the bot's warnings and errors, by kind
    asking: float = 0.0  # s for the members to ask the questions (Agora: through the modal)
    settled: list[float | None] = field(default_factory=list)  # s from the last answer to all shown
    tallies: list[list[int]] = field(default_factory=list)  # Agora's: expected, stored, shown
    boards: list[list[tuple[int, int]]] = field(default_factory=list)  # Agora's: from SQLite, shown
    board_edits: list[float] = field(default_factory=list)  # from the first question asked to the end
    redrawn: list[int] = field(default_factory=list)  # edits of question messages (not answers), per phase
    profile: str | None = None  # Agora's, during the burst


async def measure(kind: str, phases: list[Phase], folder: Path, *, args: argparse.Namespace) -> Outcome:
    outcome = Outcome()
    async with FakeDiscord() as fake:
        # In the fake's world before the bot connects: no GUILD_MEMBER_ADD sent for each of them.
        members = [fake.world.add_member(f"membre{n}") for n in range(args.members)]
        bare, database = functools.partial(BareBot, questions=args.questions), folder / f"{kind}.db"
        requests, loop = bots.RequestTimes(fake), asyncio.get_running_loop()
        async with (
            bots.bot_process(kind, fake, database, bare) as bot,
            requests.watching(),
        ):
            start = loop.time()
            if kind == "agora":
                board, questions = await agora_board(fake, members, args.questions)
            else:
                board, questions = await bare_board(fake, args.questions)
            outcome.asking = loop.time() - start
            voters = Voters(fake, questions, members)
            for phase in phases:
                profiled = bot if args.profile and kind == "agora" and phase.pace is None else None
                since = loop.time()
                profile = await bots.drive(phase, voters.vote, bot.pid, args.concurrency, profiled=profiled)
                outcome.profile = profile or outcome.profile
                if kind == "agora":  # the coalesced edits showing the last state, within their 2 s
                    outcome.settled.append(await settled(fake, board, voters))
                patched = requests.patches(since)
                phase.edits = [t for message, t in patched if message == board.id]
                outcome.redrawn.append(sum(message in voters.by_id for message, _ in patched))
            outcome.board_edits = requests.edits(board.id, start)
            if kind == "agora":
                shown = [votes_shown(fake.message(m.id)) for m in questions]
                outcome.boards = [[], board_ranking(fake.message(board.id))]
    outcome.logged = bot.logged
    if kind == "agora":
        with contextlib.closing(sqlite3.connect(database)) as db:
            sql = (
                "SELECT q.message_id, count(v.user_id) FROM qa_questions q LEFT JOIN qa_votes v"
                " ON v.question_id = q.id GROUP BY q.id"
            )
            stored = dict(db.execute(sql))
        outcome.tallies = [voters.expected(), [stored.get(m.id, 0) for m in questions], shown]
        outcome.boards[0] = top(outcome.tallies[1], questions)  # the board the database implies
    return outcome


def top(counts: list[int], questions: list[FakeMessage]) -> list[tuple[int, int]]:
    """The board for these counts: (message id, votes) of the most voted, ties oldest (first asked) first."""
    ranked = sorted(range(len(counts)), key=lambda q: (-counts[q], q))[:BOARD_SIZE]
    return [(questions[q].id, counts[q]) for q in ranked]


async def settled(fake: FakeDiscord, board: FakeMessage, voters: Voters) -> float | None:
    """Seconds until every question message and the board show the votes the clicks left; None if
    they still did not 10 s after the last answer."""
    expected, loop = voters.expected(), asyncio.get_running_loop()
    ranked = top(expected, voters.questions)
    start = loop.time()

    def shows() -> bool:
        counts = [votes_shown(fake.message(m.id)) for m in voters.questions]
        return counts == expected and board_ranking(fake.message(board.id)) == ranked

    with contextlib.suppress(WaitTimeout):
        await fake.wait_for(shows, timeout=10, what="the questions and the board to show every vote")
        return loop.time() - start
    return None


# ---- reporting ------------------------------------------------------------------------------------

HEADER = (
    "bot      phase clicks failed seconds clicks/s  p50 ms  p99 ms  max ms edits max/2s closest s"
    "  CPU: fake  bot other ms/click  RSS MiB: before   peak"
)


def row(phase: Phase) -> str:
    gaps = [b - a for a, b in itertools.pairwise(phase.edits)]
    closest = f"{min(gaps):9.3f}" if gaps else " " * 9
    edits = (
        f"{len(phase.edits):5d} {phase.max_edits_in_2s:6d} {closest}" if phase.bot == "agora" else " " * 22
    )
    fake, bot, other = (f"{cpu / phase.seconds:.0%}" for cpu in phase.cpu)
    return (
        f"{phase.bot:8} {phase.name:5} {len(phase.clicks):6d} {phase.failed:6d} {phase.seconds:7.2f}"
        f" {phase.per_second:8.0f} {phase.ms(0.50):7.1f} {phase.ms(0.99):7.1f} {phase.ms(1.0):7.1f} {edits}"
        f" {fake:>10} {bot:>4} {other:>5} {phase.cpu[1] / len(phase.clicks) * 1000:8.2f}"
        f" {phase.rss[0]:16.1f} {phase.rss[1]:6.1f}"
    )


def report(args: argparse.Namespace, phases: list[Phase], outcomes: list[Outcome]) -> None:
    base, agora = outcomes
    print(f"""live Q&A: {args.members} members, {args.questions} questions (asked in {agora.asking:.1f} s \
through the board's modal); burst: {args.clicks} ▲ clicks, {args.concurrency} in flight; paced: \
{args.paced_clicks} clicks at {args.rate:g}/s.
Latency: INTERACTION_CREATE sent → the bot's answer received; an unanswered click counts as infinitely
late. Edits: PATCHes of the board message. CPU: share of one core used by this process (the fake and
its members), the bot's process and the rest of the machine; the bot's CPU time per click. RSS: the
bot's process just before the phase, and its peak during it.
""")
    print(HEADER, *map(row, phases), sep="\n")
    if busy := [f"{p.bot} {p.name}" for p in phases if p.cpu[2] > 0.1 * p.seconds]:
        print(f"WARNING: the rest of the machine was busy during {', '.join(busy)}: times are inflated")
    base_burst, base_paced, burst, paced = phases
    print(
        f"\nagora / baseline: throughput (burst) {burst.per_second / base_burst.per_second:.2f}×, peak RSS"
        f" {max(burst.rss[1], paced.rss[1]) / max(base_burst.rss[1], base_paced.rss[1]):.2f}×"
    )
    settled = ", ".join("never" if s is None else f"{s:.2f} s" for s in agora.settled)
    print(f"every vote shown on the questions and the board, after the last answer: {settled}")
    redrawn = ", ".join(map(str, agora.redrawn))
    print(f"question messages edited apart from the clicks' own answers: {redrawn}\n")

    bots.throughput_verdict(burst.per_second, base_burst.per_second, "clicks")
    p99 = paced.ms(0.99)
    bots.verdict(
        p99 < 100, f"p99 {p99:.1f} ms at {paced.per_second:.0f} clicks/s (< 100 ms at {args.rate:g}/s)"
    )
    # The whole run's edits: the gaps between phases count too. No tolerance: each PATCH is stamped
    # before its answer leaves the fake (bots.RequestTimes), so edits spaced 2 s from when the previous
    # one came back (agora/coalescing.py) are stamped more than 2 s apart, whatever delays this process.
    edits = agora.board_edits
    closest = min((b - a for a, b in itertools.pairwise(edits)), default=float("inf"))
    bots.verdict(
        closest >= 2, f"{len(edits)} edits of the board, the closest two {closest:.3f} s apart (≥ 2 s)"
    )
    expected, stored, shown = agora.tallies
    wrong = [q for q, counts in enumerate(zip(*agora.tallies, strict=True)) if len(set(counts)) > 1][:5]
    ours = "".join(f"; #{q + 1}: {expected[q]} expected, {stored[q]} stored, {shown[q]} shown" for q in wrong)
    bots.verdict(
        not wrong, f"exact: {sum(expected)} votes on {len(expected)} questions, stored and shown{ours}"
    )
    ranked, board = agora.boards
    late = "" if None not in agora.settled else "; NOT every vote shown within 10 s of a phase's last answer"
    bots.verdict(
        board == ranked and not late,
        f"the board's last state: the top {BOARD_SIZE} as stored, {[n for _, n in board]} votes{late}",
    )
    failed = sum(phase.failed for phase in phases)
    bots.verdict(not failed, f"{failed} click(s) unanswered within the 3 s deadline")
    bots.print_logged(["baseline", "agora"], [base.logged, agora.logged])
    if agora.profile:
        print("\nAgora's process during the burst (under the profiler: slower than above)")
        print(agora.profile)


async def run(args: argparse.Namespace) -> None:
    rng, held = random.Random(2025), {}
    popularity = [1 / (rank + 1) for rank in range(args.questions)]  # a few questions draw most votes
    rng.shuffle(popularity)  # and not the oldest ones
    clicks = [plan(n, args.members, popularity, rng, held) for n in (args.clicks, args.paced_clicks)]
    report(args, *await bots.burst_then_paced(functools.partial(measure, args=args), clicks, args.rate))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=300, help="distinct members clicking")
    parser.add_argument("--questions", type=int, default=50, help="questions asked, each by another member")
    parser.add_argument("--clicks", type=int, default=5000, help="▲ clicks in the burst")
    parser.add_argument("--paced-clicks", type=int, help="▲ clicks in the paced run (default: --clicks)")
    parser.add_argument("--rate", type=float, default=100, help="clicks per second in the paced run")
    parser.add_argument("--concurrency", type=int, default=200, help="clicks in flight in the burst")
    parser.add_argument("--profile", action="store_true", help="cProfile Agora's process in the burst")
    args = parser.parse_args()
    if args.paced_clicks is None:
        args.paced_clicks = args.clicks
    bots.run_benchmark(run, args)  # the fake's garbage collected between phases only


if __name__ == "__main__":
    main()
