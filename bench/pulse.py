"""The community's pulse: counting messages beside a bare discord.py bot, a synthetic year of a large
community in SQLite, and the monthly engagement report and weekly digest built over it.

    .venv/bin/python bench/pulse.py [--quick] [--messages 20000] [--rounds 3] [--members 2000]
                                    [--report-runs 5] [--profile] [--keep FOLDER]

See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import logging
import math
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import discord  # noqa: E402

from bench import bots, pulse_messages, pulse_reports, pulse_year  # noqa: E402
from bench.bots import print_logged  # noqa: E402
from cogs.pulse.activity.cog import FLUSH_EVERY  # noqa: E402
from cogs.pulse.activity.sketch import REGISTERS  # noqa: E402

# ---- 1. message counting ---------------------------------------------------------------------------

MESSAGES_HEADER = (
    "round bot      messages seconds  msg/s  CPU: fakes  bot other  msg/CPU-s  µs/msg  RSS MiB: before   peak"
)


def message_row(number: int, row: pulse_messages.Round) -> str:
    fakes, bot, other = (f"{cpu / row.seconds:.0%}" for cpu in row.cpu)
    return (
        f"{number:5d} {row.bot:8} {row.messages:8d} {row.seconds:7.2f} {row.per_second:6.0f}"
        f" {fakes:>11} {bot:>4} {other:>5} {row.per_cpu_second:10.0f} {1e6 / row.per_cpu_second:7.1f}"
        f" {row.rss[0]:16.1f} {row.rss[1]:6.1f}"
    )


def report_messages(args: argparse.Namespace, outcome: pulse_messages.Outcome) -> None:
    print(f"""1. Message counting: {args.messages:,} MESSAGE_CREATE per round from {args.members:,} members \
in {len(outcome.names)} channels and threads, {args.rounds} round(s) per bot, alternating (after a \
warm-up of {pulse_messages.WARM_UP}). A round ends when the bot answered a click sent after its last message.
CPU: share of one core used by this process (both fakes), the bot's process and the rest of the machine.
msg/CPU-s: messages per second of the bot's own CPU time, the figure that stays meaningful on a busy
machine.
""")
    agora, bare = outcome.intents
    names = [name for name, on in discord.Intents._from_value(agora) if on]
    same = "the same" if agora == bare else f"NOT the same: the bare bot's are {bare}"
    print(f"Intents: Agora's {agora} ({', '.join(names)}), {same} for the bare bot.\n")
    print(MESSAGES_HEADER)
    for n, row in enumerate(outcome.rounds):
        print(message_row(n // 2 + 1, row))
    if busy := [
        f"{r.bot} round {n // 2 + 1}" for n, r in enumerate(outcome.rounds) if r.cpu[2] > 0.1 * r.seconds
    ]:
        print(f"WARNING: the rest of the machine was busy during {', '.join(busy)}: times are inflated")
    if saturated := [r for r in outcome.rounds if r.cpu[0] > 0.9 * r.seconds]:
        print(
            f"WARNING: the fakes used a whole core in {len(saturated)} round(s): they may have set the pace"
        )
    rows = {kind: [r for r in outcome.rounds if r.bot == kind] for kind in ("baseline", "agora")}
    wall = {kind: statistics.median([r.per_second for r in rs]) for kind, rs in rows.items()}
    cpu = {kind: statistics.median([r.per_cpu_second for r in rs]) for kind, rs in rows.items()}
    ratio, cpu_ratio = wall["agora"] / wall["baseline"], cpu["agora"] / cpu["baseline"]
    print(
        f"\nmedians: baseline {wall['baseline']:,.0f} msg/s ({cpu['baseline']:,.0f} per CPU-s),"
        f" agora {wall['agora']:,.0f} msg/s ({cpu['agora']:,.0f} per CPU-s);"
        f" agora / baseline {ratio:.2f}× in time, {cpu_ratio:.2f}× in CPU"
    )
    flushed = "never" if outcome.flushed_after is None else f"{outcome.flushed_after:.1f} s"
    measured = args.rounds * args.messages
    streamed, written = outcome.streamed, outcome.writes
    print(
        f"Agora's write transactions during the measured rounds: {streamed.counting} by the counting"
        f" (activity store), {streamed.others} by other features' periodic passes; until every message was"
        f" stored ({flushed} after the last sentinel): {written.counting} by the counting, {written.others}"
        f" others ({', '.join(f'{m} {n}' for m, n in (written.begun).most_common(4))}); {written.rows} row(s)"
        " changed in all"
    )
    lines = []
    for channel, expected in sorted(outcome.expected.items(), key=lambda item: -item[1]):
        truth, estimate = outcome.authors[channel], outcome.estimated.get(channel, 0)
        counted = outcome.counted.get(channel, 0)
        lines.append(
            f"  {outcome.names[channel][:38]:38} {expected:8,} sent {counted:8,} stored;"
            f" authors {truth:5} true {estimate:5} estimated"
        )
    print(
        "per channel (the whole run, warm-up included), read from Agora's file once it stopped:",
        *lines,
        sep="\n",
    )

    if not all(r.delivered for r in rows["agora"]):
        print("NOTE: Agora identified without the guild messages intent: the fake sent it no MESSAGE_CREATE")
    ok_counts = outcome.counted == outcome.expected
    errors = [abs(outcome.estimated.get(c, 0) - n) / n for c, n in outcome.authors.items()]
    worst = max(errors, default=0.0)
    unanswered = sum(not r.answered for r in outcome.rounds)
    late = f"; {unanswered} sentinel(s) unanswered" if unanswered else ""
    bots.verdict(
        ratio >= 0.8 and not unanswered and all(r.delivered for r in rows["agora"]),
        f"message throughput ≥ 0.80× the bare bot's → {wall['agora']:,.0f} vs {wall['baseline']:,.0f}"
        f" msg/s = {ratio:.2f}× (in CPU {cpu_ratio:.2f}×){late}",
    )
    per_write = measured / written.counting if written.counting else float("inf")
    flushes = math.ceil(outcome.elapsed / FLUSH_EVERY) + 1  # a flush every FLUSH_EVERY s, and a late one
    bots.verdict(
        ok_counts and outcome.flushed_after is not None and written.counting <= flushes,
        f"counting costs no write per message (≤ {flushes} transactions: one per {FLUSH_EVERY:.0f} s flush"
        f" over {outcome.elapsed:.0f} s) → {written.counting} for {measured:,} messages, {per_write:,.0f}"
        f" messages per transaction; every message counted: {sum(outcome.counted.values()):,} stored of"
        f" {outcome.sent:,} sent",
    )
    # The sketch's standard error (HyperLogLog: 1.04/√registers); a worst of a dozen channels may be 2σ off.
    sigma = 1.04 / math.sqrt(REGISTERS)
    mean = sum(errors) / len(errors) if errors else 0.0
    bots.verdict(
        worst <= 3 * sigma,
        f"distinct authors per channel within 3σ of the sketch (≤ {3 * sigma:.1%}) → worst {worst:.1%},"
        f" mean {mean:.1%} (σ {sigma:.1%})",
    )


# ---- 2. a year in SQLite, 3. the reports over it -----------------------------------------------------

MB = 1_000_000
TARGETS = {  # the figures, for the rows written
    "members": "member_counts",
    "registrations": "event_registrations",
    "feedback": "feedback_responses",
    "polls": "polls",
    "votes": "poll_votes",
    "articles": "feed_articles",
    "questions": "qa_questions",
    "question_votes": "qa_votes",
    "events": "events",
}


def report_year(sizes: pulse_year.Sizes, outcome: pulse_reports.Outcome) -> None:
    written = outcome.written
    seconds = written.seconds
    print(f"""
2. A synthetic year of a large community, through the migrations into a fresh SQLite file: written \
in {sum(seconds.values()):.1f} s (drawn {seconds["drawn"]:.1f} s, the features' tables \
{seconds["features"]:.1f} s, {written.messages:,} messages counted into activity_days through \
ActivityStore.add, {sizes.flushes} flushes a day, and the member counts: {seconds["activity"]:.1f} s).""")
    wanted = {table: getattr(sizes, name) for name, table in TARGETS.items()}
    wanted["member_counts"] = 365
    rows = [
        f"{table} {count:,}"
        + (f" (of {wanted[table]:,} asked)" if table in wanted and wanted[table] != count else "")
        for table, count in sorted(written.rows.items(), key=lambda item: -item[1])
    ]
    print("rows:", ", ".join(rows))
    print(
        f"members {sizes.members:,} (member_counts for each day), {written.activity_rows:,} rows of activity"
        f" (channels and threads × days)"
    )
    largest = ", ".join(f"{name} {size / MB:.1f}" for name, size in written.tables[:10])
    print(f"largest tables and indexes, MB: {largest}")
    print(
        f"file: {written.empty_bytes / MB:.2f} MB once migrated, {written.bytes / MB:.2f} MB after the year"
    )
    bots.verdict(
        written.growth < 50 * MB, f"the database grows by < 50 MB for the year → {written.growth / MB:.1f} MB"
    )


def report_reports(runs: int, outcome: pulse_reports.Outcome) -> None:
    report, digest = outcome.report, outcome.digest
    ms = lambda values: ", ".join(f"{v * 1000:.0f}" for v in values)  # noqa: E731
    print(f"""
3. The reports over that year: the real Agora (every cog) on the year's file, in this process, \
against a fake Discord, its clock at {pulse_reports.NOW:%Y-%m-%d %H:%M} ({pulse_reports.ZONE}); its \
startup passes over in {outcome.startup:.1f} s. {runs} runs of each; the first pays the charts' imports.
monthly report (Reporter.compose: the month's figures and the month before's, trend and funnel charts,
CSV, embeds):
  ms per run: {ms(report.seconds)}; CPU ms per run: {ms(report.cpu)}
  of which the figures (Measurer.measure, both months, the trend day by day): ms per run \
{ms(outcome.figures.seconds)}""")
    print(*(f"  {line}" for line in outcome.report_shape), sep="\n")
    print(f"""digest (Publisher.build: every feature's sections, fitted into embeds):
  ms per run: {ms(digest.seconds)}; CPU ms per run: {ms(digest.cpu)}""")
    print(*(f"  {line}" for line in outcome.digest_shape), sep="\n")
    before, peak = outcome.rss
    print(
        f"memory (this process: the fake Discord and the bot): RSS {before:.1f} MiB before the reports,"
        f" peak {peak:.1f} MiB during them (+{peak - before:.1f}), peak {outcome.digest_rss:.1f} MiB during"
        " the digests"
    )
    bots.verdict(
        report.median < 2,
        f"the monthly report (figures and charts) < 2 s → median {report.median:.2f} s"
        f" (first {report.seconds[0]:.2f} s)",
    )
    bots.verdict(
        digest.median < 0.2,
        f"the digest < 200 ms → median {digest.median * 1000:.0f} ms"
        f" (first {digest.seconds[0] * 1000:.0f} ms)",
    )
    for text in outcome.profiles:
        print(f"\n{text}")


async def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="agora-pulse-") as folder:
        work = args.keep or Path(folder)
        work.mkdir(parents=True, exist_ok=True)
        if "messages" in args.parts:
            outcome = await pulse_messages.measure(work, args)
            report_messages(args, outcome)
            bots.print_logged(["baseline", "agora"], outcome.logged)
            if outcome.profile:
                print("\nAgora's process during the measured rounds (under the profiler: slower than above)")
                print(outcome.profile)
        if "year" in args.parts:
            sizes = pulse_year.QUICK if args.quick else pulse_year.Sizes()
            logging.getLogger().addHandler(tally := bots.LogTally())
            reports = await pulse_reports.measure(work, sizes, args.report_runs, profile=args.profile)
            report_year(sizes, reports)
            report_reports(args.report_runs, reports)
            print_logged(
                ["the bot on the year (this process)"],
                [[f"{n}× {line}" for line, n in tally.kinds.most_common()]],
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--messages", type=int, help="messages per round (default 20,000; quick 2,000)")
    parser.add_argument("--rounds", type=int, help="rounds per bot (default 3; quick 1)")
    parser.add_argument("--members", type=int, help="members writing (default 2,000; quick 200)")
    parser.add_argument(
        "--flush-timeout", type=float, default=120, help="s to wait for Agora to store the counts"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile Agora's process during the rounds")
    parser.add_argument(
        "--report-runs", type=int, help="runs of the report and of the digest (default 5; quick 3)"
    )
    parser.add_argument("--parts", default="messages,year", help="messages, year, or both (the default)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep its databases")
    args = parser.parse_args()
    defaults = {"messages": (20_000, 2_000), "rounds": (3, 1), "members": (2_000, 200), "report_runs": (5, 3)}
    for name, (full, quick) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    bots.run_benchmark(run, args)


if __name__ == "__main__":
    main()
