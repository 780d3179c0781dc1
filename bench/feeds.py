"""Feed polling: cycles of the real poller over N local feeds, against bare aiohttp + feedparser.

    .venv/bin/python bench/feeds.py [--feeds 500] [--entries 20] [--concurrency 16] [--scaling]

Three processes keep the figures the bot's own: a "world" process serves the N feeds (one lean
aiohttp app on `--hosts` ports) and runs the fake Discord of tests/; the baseline runs in a fresh
process; the real Agora (`bot.open_agora`, every cog, SQLite in a temporary folder) runs in this
one and is driven with `poller.cycle_now()`. See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
import feedparser  # noqa: E402
from aiohttp import web  # noqa: E402

from bench.measure import COUNTS, Probe, Row  # noqa: E402

REPORT = ("fetched", "not_modified", "unchanged", "parsed", "failed", "posted")
VOCABULARY = (
    "réseaux sociaux entreprise marque employeur client expérience communauté événement économie "
    "solidaire innovation Genève Lausanne stratégie engagement collaborateurs numérique durable impact "
    "coopérative bénévoles financement société intérêt général matinée atelier témoignage équipe"
)
WORDS = VOCABULARY.split()
AUTHORS = ("Claire Dubois", "Léa Favre", "Étienne Rochat", "Noémie Perret", "Cédric Müller")
CATEGORIES = ("Relation client", "Événements", "Marque employeur", "Réseaux sociaux", "Économie sociale")


# ---- the world: N feeds and the fake Discord, in their own process --------------------------------


def _prose(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choices(WORDS, k=words)).replace(" entreprise", " l&rsquo;entreprise")
    return (text[0].upper() + text[1:]).replace(" société", " soci&eacute;t&eacute;")


def _item(feed: int, post: int) -> str:
    rng = random.Random(feed * 100_003 + post)
    site = f"https://blog{feed}.example.ch"
    link = f"{site}/2025/10/{post % 28 + 1:02d}/article-{post}/"
    # Numeric entities in titles, as WordPress writes them: a named one outside CDATA is not XML
    # and would send feedparser to its much slower loose parser.
    title = _prose(rng, 4).replace("&rsquo;", "&#8217;").replace("&eacute;", "é")
    date = format_datetime(datetime(2025, 1, 1, tzinfo=UTC) + timedelta(hours=post), usegmt=True)
    paragraphs = "\n".join(f"<p>{_prose(rng, 8)} &#8230;</p>" for _ in range(2))
    return f"""<item>
<title>{title} : l&#8217;étape {post}</title>
<link>{link}</link>
<comments>{link}#respond</comments>
<dc:creator><![CDATA[{rng.choice(AUTHORS)}]]></dc:creator>
<pubDate>{date}</pubDate>
<category><![CDATA[{rng.choice(CATEGORIES)}]]></category>
<guid isPermaLink="false">{site}/?p={post}</guid>
<description><![CDATA[<p>{_prose(rng, 7)}&#8230;</p>]]></description>
<content:encoded><![CDATA[<figure class="wp-block-image"><img decoding="async" width="1024" height="576" \
src="{site}/wp-content/uploads/2025/10/photo-{post}-1024x576.jpg" alt="Photo" /></figure>
{paragraphs}
<p>Voir <a href="{site}/agenda/">l&rsquo;agenda</a> &laquo;&nbsp;{_prose(rng, 3)}&nbsp;&raquo;.</p>
]]></content:encoded>
<slash:comments>{post % 7}</slash:comments>
</item>
"""


def feed_body(feed: int, newest: int, entries: int) -> bytes:
    """A French WordPress RSS 2.0 feed (~1.2 KiB per entry), newest entry first, distinct per feed."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/">\n'
        f"<channel><title>Blog {feed} &#8211; Social Business Romandie</title>"
        f"<link>https://blog{feed}.example.ch</link><description>Économie sociale</description>"
        "<language>fr-FR</language><generator>https://wordpress.org/?v=6.8.3</generator>\n"
    )
    items = "".join(_item(feed, post) for post in range(newest, newest - entries, -1))
    return (head + items + "</channel></rss>\n").encode()


class Feeds:
    """/feeds/<i>: an ETag and 304 for a matching If-None-Match, or plain 200s when validators are off."""

    def __init__(self, count: int, entries: int) -> None:
        self.entries = entries
        self.newest = [entries] * count
        self.bodies = [feed_body(i, entries, entries) for i in range(count)]
        self.validators = True

    def bump(self) -> None:
        """A new entry on top of every feed, the oldest one dropped."""
        for i in range(len(self.bodies)):
            self.newest[i] += 1
            self.bodies[i] = feed_body(i, self.newest[i], self.entries)

    async def serve(self, request: web.Request) -> web.Response:
        i = int(request.match_info["i"])
        headers = {"Content-Type": "application/rss+xml; charset=UTF-8"}
        if self.validators:
            headers["ETag"] = f'"{i}-{self.newest[i]}"'
            if request.headers.get("If-None-Match") == headers["ETag"]:
                return web.Response(status=304, headers={"ETag": headers["ETag"]})
        return web.Response(body=self.bodies[i], headers=headers)


async def _world(count: int, entries: int, hosts: int, conn: Connection) -> None:
    from tests.fake_discord import FakeDiscord

    feeds = Feeds(count, entries)
    app = web.Application()
    app.router.add_get("/feeds/{i}", feeds.serve)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    for _ in range(hosts):
        await web.TCPSite(runner, "127.0.0.1", 0).start()
    ports = [address[1] for address in runner.addresses]
    async with FakeDiscord() as fake:
        world = {"token": fake.token, "guild_id": fake.guild.id, "channel_id": fake.channel("général").id}
        world |= {"api_url": fake.api_url, "gateway_url": fake.gateway_url}
        world["urls"] = [f"http://127.0.0.1:{ports[i % hosts]}/feeds/{i}" for i in range(count)]
        conn.send(world | {"body_bytes": sum(map(len, feeds.bodies))})
        while (command := await asyncio.to_thread(conn.recv)) != "stop":
            if command == "bump":
                feeds.bump()
            elif command.startswith("validators"):
                feeds.validators = command == "validators on"
            conn.send(len(fake.messages("général")))  # every command answers with the posts so far
    await runner.cleanup()


def world_main(count: int, entries: int, hosts: int, conn: Connection) -> None:
    asyncio.run(_world(count, entries, hosts, conn))


# ---- measuring ------------------------------------------------------------------------------------


async def _baseline(urls: list[str], concurrency: int, world: int) -> list[Row]:
    """Bare aiohttp at the same concurrency, then feedparser on each body, one after the other."""
    gate = asyncio.Semaphore(concurrency)
    with Probe(world) as total:
        async with aiohttp.ClientSession() as session:

            async def get(url: str) -> bytes:
                async with gate, session.get(url) as response:
                    return await response.read()

            bodies = await asyncio.gather(*(get(url) for url in urls))
            fetched, fetch_cpu = time.perf_counter(), time.process_time()
        for body in bodies:
            feedparser.parse(io.BytesIO(body))
    fetch = Row("baseline: fetch (aiohttp)", fetched - total.start, fetch_cpu - total.start_cpu)
    parse = Row("baseline: parse (serial)", total.seconds - fetch.seconds, total.cpu - fetch.cpu)
    return [fetch, parse, total.row("baseline: total")]


def baseline_main(urls: list[str], concurrency: int, world: int) -> list[Row]:
    return asyncio.run(_baseline(urls, concurrency, world))


CYCLES = (  # name, what the world changes first
    ("cycle: full, cold", ()),
    ("cycle: all 304", ()),
    ("cycle: all 200, same body", ("validators off",)),
    ("cycle: full, warm", ("bump", "validators on")),
)


async def _bot(
    world: dict[str, Any], call: Callable[[str], int], args: argparse.Namespace, world_pid: int
) -> list[Row]:
    from agora.settings import Settings
    from bot import open_agora
    from cogs.feeds.store import NewFeed
    from tests.clocks import FakeClock

    clock = FakeClock()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            discord_token=world["token"],
            guild_id=world["guild_id"],
            database_path=Path(folder) / "agora.db",
            backup_dir=Path(folder) / "backups",  # as deployed, but beside the run's database
            discord_api_url=world["api_url"],
            discord_gateway_url=world["gateway_url"],
            feed_allow_private=True,
        )
        async with open_agora(settings, clock=clock, extensions=None, guild_ready_timeout=0.05) as bot:
            startup = Probe(world_pid).__enter__()
            running = asyncio.create_task(bot.start(settings.discord_token))
            try:
                await asyncio.wait_for(bot.wait_until_ready(), 30)
                cog = bot.get_cog("FeedsCog")
                cog.poller.concurrency = args.concurrency
                # Past the loop's startup cycle (no feed yet: whatever the cog starts before it is in
                # the startup row; the parser's workers start on first need, in the first full cycle,
                # and stop after a minute without a parse), the feeds are stored not yet due,
                # then the clock is moved: whatever the loop does meanwhile, the first timed cycle is
                # the one, and the only one, that fetches them all: a first fetch, as after /feed
                # add (every entry claimed, the newest posted).
                await cog.poller.cycle_now(within=60)
                startup.__exit__()
                rows = [startup.row("bot startup, 1st cycle")]
                for url in world["urls"]:
                    new = NewFeed(guild_id=world["guild_id"], url=url, channel_id=world["channel_id"])
                    await cog.store.add(new, clock.now(), next_fetch_at=clock.now() + timedelta(seconds=1))
                profiler = cProfile.Profile()
                for name, commands in CYCLES:
                    for command in commands:
                        await asyncio.to_thread(call, command)
                    posts_before = await asyncio.to_thread(call, "posts")
                    clock.advance(seconds=settings.feed_interval_seconds + 60)  # every feed due again
                    with Probe(world_pid) as probe, profiler if args.profile else contextlib.nullcontext():
                        report = await cog.poller.cycle_now(within=600)
                    seen = await asyncio.to_thread(call, "posts") - posts_before
                    counts = {key: getattr(report, key) for key in REPORT}
                    rows.append(probe.row(name, **counts, seen=seen))
                if args.profile:
                    profiler.dump_stats(args.profile)
                return rows
            finally:
                await bot.close()
                await running


def run(args: argparse.Namespace) -> tuple[dict[str, Any], list[Row]]:
    spawn = multiprocessing.get_context("spawn")
    ours, theirs = spawn.Pipe()
    world = spawn.Process(target=world_main, args=(args.feeds, args.entries, args.hosts, theirs), daemon=True)
    world.start()
    try:
        info: dict[str, Any] = ours.recv() | {"load": os.getloadavg()[0]}

        def call(command: str) -> int:
            ours.send(command)
            return ours.recv()

        with ProcessPoolExecutor(1, mp_context=spawn) as pool:
            rows = pool.submit(baseline_main, info["urls"], args.concurrency, world.pid).result()
        rows += asyncio.run(_bot(info, call, args, world.pid or 0))
        ours.send("stop")
    finally:
        world.join(15)
    return info, rows


# ---- reporting ------------------------------------------------------------------------------------

COLUMNS = ("time s", "feeds/s", "bot", "workers", "server", "others", "+growth", "peak", "workers")
PATTERNS = ("7.2f", "8.0f", "7.2f", "8.2f", "7.2f", "7.2f", "+8.1f", "7.1f", "8.1f")
HEADER = f"""\
{"":42}{" CPU s ":-^28} {" RSS MiB ":-^22}
{"":26}{"".join(f"{name:>{len(format(0, p))}}" for name, p in zip(COLUMNS, PATTERNS, strict=True))}\
  fetched 304 same parsed failed posted seen"""
LEGEND = """\
bot: this process (the bot, or the baseline's), all threads · workers: the parser's processes ·
server: the world process (feed server, fake Discord) · others: the rest of the machine (should be
~0) · +growth: the bot's peak RSS during the row minus its RSS before · RSS workers: sum of each
child process's peak · seen: posts Discord received"""


def _cell(value: float | None, pattern: str) -> str:
    return format(value, pattern) if value is not None else " " * len(format(0, pattern))


def print_table(args: argparse.Namespace, info: dict[str, Any], rows: list[Row]) -> None:
    n, size = args.feeds, info["body_bytes"]
    print(f"\n{n} feeds × {args.entries} entries, {size / n / 1024:.1f} KiB per body, concurrency", end=" ")
    print(f"{args.concurrency}, {args.hosts} ports, {os.cpu_count()} CPUs, load average {info['load']:.2f}")
    print(HEADER)
    for row in rows:
        rate = None if row.name.startswith("bot startup") else n / row.seconds
        values = (row.seconds, rate, row.cpu, row.workers_cpu, row.server_cpu, row.others_cpu)
        values += (row.growth_mib, row.peak_mib, row.workers_mib)
        cells = map(_cell, values, PATTERNS)
        counts = (f"{row.report[key]:>{w}}" for key, w in zip(COUNTS, (7, 3, 4, 6, 6, 6, 4), strict=True))
        print(f"{row.name:26}{''.join(cells)}  {' '.join(counts) if row.report else ''}".rstrip())
    print(LEGEND)


def verdict(ok: bool, text: str) -> None:
    print(f"{'PASS' if ok else 'FAIL'}  {text}")


CPU_TARGET = 1.2  # a full cycle's CPU, bot and workers, at most this many times the baseline's


def print_targets(n: int, rows: list[Row]) -> None:
    parse, baseline, cycles = rows[1], rows[2], rows[-4:]
    cold, not_modified, same, warm = cycles
    print("\nTargets (a benchmark: exit status 0 either way)")
    for row in (cold, warm):
        verdict(
            row.seconds <= baseline.seconds,
            f"{row.name}: {row.seconds / baseline.seconds:.2f}× baseline, ≤ 1×",
        )
    for row in (cold, warm):
        # The CPU stays meaningful on a busy machine, where the times do not.
        workers = row.workers_cpu or 0.0
        ours = row.cpu + workers
        verdict(
            ours <= CPU_TARGET * baseline.cpu,
            f"{row.name}: CPU bot {row.cpu:.2f} + workers {workers:.2f} = {ours:.2f} s, "
            f"{ours / baseline.cpu:.2f}× the baseline's {baseline.cpu:.2f} s, ≤ {CPU_TARGET}×",
        )
        print(
            f"      its parsing alone: workers {workers:.2f} s = {workers / parse.cpu:.2f}× the "
            f"baseline's serial feedparser.parse, {parse.cpu:.2f} s"
        )
    for row in (not_modified, same):
        ratio, parsed = row.seconds / warm.seconds, row.report["parsed"]
        verdict(parsed == 0 and ratio < 0.1, f"{row.name}: parsed {parsed}, {ratio:.3f}× full warm, < 0.1×")
    for row in (baseline, *cycles):
        if (row.others_cpu or 0) > 0.1 * row.seconds + 0.05:  # 0.05: /proc counts in 10 ms ticks
            print(
                f"WARNING {row.name}: other processes took {row.others_cpu:.1f} CPU s, the time is inflated"
            )
    for row in cycles:
        fetched, failed, posted, seen = (row.report[key] for key in ("fetched", "failed", "posted", "seen"))
        if fetched != n or failed:
            print(f"WARNING {row.name}: {fetched} of {n} feeds fetched, {failed} failed")
        if posted != seen:
            print(f"WARNING {row.name}: CycleReport.posted is {posted}, Discord received {seen} posts")


def scaling(args: argparse.Namespace) -> None:
    """Each N in a fresh process: memory freed by one run would otherwise hide the next one's growth."""
    cycles: dict[int, list[Row]] = {}
    for n in (100, 1000):
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            options = {"--feeds": n, "--entries": args.entries, "--concurrency": args.concurrency}
            options |= {"--hosts": args.hosts, "--json": out.name}
            command = [sys.executable, __file__, *(str(word) for pair in options.items() for word in pair)]
            subprocess.run(command, check=True)  # noqa: S603 — this very script
            cycles[n] = [Row(**row) for row in json.loads(Path(out.name).read_text())][-4:]
    print("\nMemory as N grows (MiB): the bot's RSS growth during each cycle | peak RSS of the bot, workers")
    for n, rows in cycles.items():
        growths = ", ".join(f"{row.name.removeprefix('cycle: ')} {row.growth_mib:+.1f}" for row in rows)
        peaks = [max(getattr(row, key) or 0 for row in rows) for key in ("peak_mib", "workers_mib")]
        print(f"N={n:<5} {growths} | {peaks[0]:.1f}, {peaks[1]:.1f}")
    small, large = (max(row.growth_mib or 0 for row in cycles[n]) for n in (100, 1000))
    slope = (large - small) * 1024 / 900
    text = f"largest growth {large:.1f} MiB at N=1000, {small:.1f} at N=100 ({slope:+.1f} KiB per extra feed)"
    verdict(large <= 2 * small + 8, text + ": ≤ 2× + 8 MiB (linear growth would be 10×)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=500, help="how many feeds (500)")
    parser.add_argument("--entries", type=int, default=20, help="entries per feed (20)")
    parser.add_argument("--concurrency", type=int, default=16, help="fetches at once, both sides (16)")
    parser.add_argument("--scaling", action="store_true", help="N=100 then N=1000, compare memory")
    # Real feeds live on as many hosts as there are blogs, and the fetcher opens at most 2
    # connections per host: one port for all would throttle the bot, not the baseline.
    parser.add_argument("--hosts", type=int, default=64, help="ports the feeds are spread over (64)")
    parser.add_argument("--profile", metavar="FILE", help="cProfile the bot's event loop during the cycles")
    parser.add_argument("--json", help=argparse.SUPPRESS)  # where --scaling collects a run's rows
    args = parser.parse_args()
    if args.scaling:
        scaling(args)
        return
    info, rows = run(args)
    print_table(args, info, rows)
    print_targets(args.feeds, rows)
    if args.json:
        Path(args.json).write_text(json.dumps([asdict(row) for row in rows]))


if __name__ == "__main__":
    main()
