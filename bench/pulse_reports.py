"""The pulse benchmark's last two parts: the synthetic year written (bench/pulse_year.py), then the real
Agora started on that file, in this process, against a fake Discord whose guild holds the year's
channels and upcoming events, its clock at the year's end. Once its startup passes went quiet, the
engagement cog's `Reporter.compose` (the monthly report: figures, charts, CSV, embeds) and the digest
cog's `Publisher.build` (every feature's sections, fitted into embeds) are timed, several runs each,
as /engagement report and the digest call them.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import io
import os
import pstats
import statistics
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from agora.pulse import Span
from agora.settings import Settings
from bench.measure import peak_rss_mib, reset_peak_rss
from bench.pulse_year import Sizes, Written, write_year
from bench.pulse_year_events import Upcoming
from bench.pulse_year_rows import Community, Year
from bot import open_agora
from tests.clocks import FakeClock
from tests.fake_discord import FakeDiscord
from tests.fake_discord.models import FakeScheduledEvent

ZONE = ZoneInfo("Europe/Zurich")
# The year ends on a Monday morning: the December report is the last complete month, and the digest
# due at 08:00 that day covers the year's last week.
NOW = datetime(2026, 1, 5, 9, 0, tzinfo=ZONE)
QUIET = 1.0  # s without a request to the fake: the bot's startup passes are done
LOOP_ONLY = (
    "the event loop's thread, by own time (SQL runs in aiosqlite's threads and the charts in a worker"
    " thread: the loop waiting for them shows as select.epoll's poll)"
)


@dataclass
class Timed:
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, seconds: float, cpu: float) -> None:
        self.seconds.append(seconds)
        self.cpu.append(cpu)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass
class Outcome:
    written: Written
    startup: float = 0.0  # s from starting the bot to its startup passes going quiet
    report: Timed = field(default_factory=Timed)
    figures: Timed = field(default_factory=Timed)  # the report's measuring alone: both months' figures
    digest: Timed = field(default_factory=Timed)
    rss: tuple[float, float] = (0.0, 0.0)  # this process: before the first report, peak over them all
    digest_rss: float = 0.0  # this process's peak over the digests
    report_shape: list[str] = field(default_factory=list)  # what the last report held
    digest_shape: list[str] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)
    logged: list[str] = field(default_factory=list)


def community(fake: FakeDiscord, upcoming: list[Upcoming] | None = None) -> Community:
    """The year's channels in the fake's world (created the first time), and its upcoming events."""
    world = fake.world
    names = [channel.name for channel in world.channels.values()]
    for name in ("discussions", "evenements", "veille"):
        if name not in names:
            world.add_channel(name)
    for event in upcoming or ():
        world.events[event.id] = FakeScheduledEvent(
            event.id,
            world.guild_id,
            event.name,
            iso(event.starts_at),
            world.member("olivia").id,
            scheduled_end_time=iso(event.ends_at),
            location=event.location,
        )
    return Community(
        guild_id=world.guild_id,
        general=world.channel("général").id,
        discussions=world.channel("discussions").id,
        events=world.channel("evenements").id,
        articles=world.channel("veille").id,
        organisers=world.channel("organisateurs").id,
        announcements=world.channel("annonces").id,
    )


def iso(moment: int) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat()


async def quiet(fake: FakeDiscord, within: float = 60) -> None:
    """Until no request reached the fake for QUIET seconds (at most `within` s): the bot's catch-up at
    startup is over."""
    loop = asyncio.get_running_loop()
    deadline, seen, since = loop.time() + within, -1, loop.time()
    while loop.time() < deadline:
        if len(fake.requests) != seen:
            seen, since = len(fake.requests), loop.time()
        elif loop.time() - since >= QUIET:
            return
        await asyncio.sleep(0.1)  # nothing to wait on: the absence of requests is what is awaited


def profiled(profile: cProfile.Profile, title: str) -> str:
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(20)
    return f"{title}\n" + out.getvalue().split("   ncalls", 1)[-1].join(("   ncalls", ""))


async def timed(call: Any, into: Timed) -> Any:
    start, cpu = time.perf_counter(), time.process_time()
    result = await call()
    into.add(time.perf_counter() - start, time.process_time() - cpu)
    return result


async def measure(folder: Path, sizes: Sizes, runs: int, *, profile: bool = False) -> Outcome:
    clock = FakeClock(NOW.astimezone(UTC))
    year = Year.ending(NOW, ZONE)
    database = fresh(folder / "year.db")
    async with FakeDiscord(now=clock.now) as fake:
        written = await write_year(database, year, community(fake), sizes)
        outcome = Outcome(written)
        community(fake, written.upcoming)
        settings = Settings(
            fake.token,
            fake.guild.id,
            database,
            organiser_role="Organisateurs",
            discord_api_url=fake.api_url,
            discord_gateway_url=fake.gateway_url,
            backup_interval_seconds=None,
            backup_dir=folder / "backups",
        )
        start = time.perf_counter()
        async with open_agora(settings, clock=clock, guild_ready_timeout=0.05) as bot, fake.run_bot(bot):
            await quiet(fake)
            outcome.startup = time.perf_counter() - start
            guild = bot.get_guild(fake.guild.id)
            engagement, digest = bot.get_cog("EngagementCog"), bot.get_cog("DigestCog")
            if guild is None or engagement is None or digest is None:
                raise RuntimeError("the guild, the engagement cog or the digest cog is missing")
            from cogs.pulse.digest import schedule  # the bot loaded it: no import cost here
            from cogs.pulse.engagement.periods import last_complete

            period = last_complete("month", clock.now(), ZONE)
            reset_peak_rss(os.getpid())
            outcome.rss = (rss_mib(), 0.0)
            for _ in range(runs):
                composed = await timed(
                    lambda: engagement.reporter.compose(guild, period, settings.locale), outcome.report
                )
            outcome.rss = (outcome.rss[0], peak_rss_mib(os.getpid()))
            measurer, words = engagement.reporter.measurer, bot.catalogue.words(settings.locale)

            async def figures() -> None:
                await measurer.measure(guild.id, period, words, str)

            for _ in range(runs):
                await timed(figures, outcome.figures)
            files = ", ".join(f"{name} ({len(data):,} B)" for name, data in composed.attachments)
            outcome.report_shape = [
                f"{len(composed.embeds)} embed(s), {sum(len(e) for e in composed.embeds):,} characters;"
                f" files: {files or 'none'}",
                *_csv_head(composed.attachments),
            ]
            due = schedule.latest_due(settings.digest_at, ZONE, clock.now())  # type: ignore[arg-type]
            week = Span(int((due - timedelta(days=7)).timestamp()), int(due.timestamp()))
            reset_peak_rss(os.getpid())
            for _ in range(runs):
                embeds = await timed(lambda: digest.publisher.build(guild.id, week), outcome.digest)
            outcome.digest_rss = peak_rss_mib(os.getpid())
            outcome.digest_shape = [
                f"{len(embeds)} embed(s), {sum(len(e) for e in embeds):,} characters",
                *(
                    f"{field.name}: {len(field.value.splitlines())} line(s)"
                    for e in embeds
                    for field in e.fields
                ),
            ]
            if profile:
                for title, call in (
                    (
                        "the monthly report",
                        lambda: engagement.reporter.compose(guild, period, settings.locale),
                    ),
                    ("the digest", lambda: digest.publisher.build(guild.id, week)),
                ):
                    profiler = cProfile.Profile()
                    profiler.enable()
                    await call()
                    profiler.disable()
                    outcome.profiles.append(
                        profiled(profiler, f"{title}, one run under cProfile: {LOOP_ONLY}")
                    )
    return outcome


def fresh(database: Path) -> Path:
    """`database`, and what SQLite keeps beside it, removed: a kept folder's last run is not reused."""
    for suffix in ("", "-wal", "-shm", ".activity-key"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    return database


def rss_mib() -> float:
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _csv_head(attachments: list[tuple[str, bytes]]) -> list[str]:
    """The CSV's first rows: the figures, read back as an organiser's spreadsheet would."""
    for name, data in attachments:
        if name.endswith(".csv"):
            lines = data.decode("utf-8-sig").splitlines()
            return [f"  {line}" for line in lines[:12]] + (
                [f"  … {len(lines) - 12} more rows"] if len(lines) > 12 else []
            )
    return []
