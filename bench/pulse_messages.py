"""The pulse benchmark's first part: the same stream of MESSAGE_CREATE events to Agora (every cog) and
to a bare discord.py bot with Agora's intents whose `on_message` does nothing.

Each bot runs in a process of its own (bench/bots.py) against a fake Discord of its own, both in this
process; the two fakes' worlds are built alike (same guild, channel and member ids), so one list of
payloads, built before anything is timed, is what both bots receive. A round sends the whole stream as
fast as the bot's websocket takes it, then a sentinel: a click the bot answers (the bare bot through a
`DynamicItem`, Agora as "no longer valid"). The gateway delivers events in order, so once the click is
answered every message before it was received, parsed and handed to the bot's listeners. The rounds
alternate between the bots, so a machine that gets busier midway slows both.

Agora's writes are counted inside its process (`database.transaction()` calls and SQLite's
`total_changes`, bench/bots.py "writes"), from the first measured round until every message of the run
is in activity_days, read from its SQLite file by this process.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import random
import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
from discord.ext import commands

from bench import bots
from bench.measure import memory_mib, peak_rss_mib, reset_peak_rss
from tests.fake_discord import FakeChannel, FakeDiscord, FakeMember
from tests.fake_discord.messages import hide_content
from tests.fake_discord.models import PUBLIC_THREAD, Json

# Channels added to the fake's world, and how busy each is (général exists already).
CHANNELS = (
    ("général", 30),
    ("discussions", 20),
    ("evenements", 10),
    ("emploi", 8),
    ("veille", 6),
    ("presentations", 6),
)
# Threads: four opened on articles in #veille, two conversations in #général; and how busy each is.
THREADS = (
    ("Marque employeur : ce qui a changé", "veille", 4),
    ("Le ROI des réseaux sociaux, vraiment ?", "veille", 4),
    ("Intelligence collective en entreprise", "veille", 3),
    ("Relation client : dix ans après", "veille", 3),
    ("Covoiturage pour la matinée de Genève", "général", 3),
    ("Offres de stage", "général", 3),
)
WARM_UP = 500  # messages each bot receives before the measured rounds: first-use costs stay out
SENTINEL = "pulse:sentinel:{}"
COUNTING = "activity_store.py"  # the module whose transactions are the counting's


# ---- the bare bot (in its own process) ------------------------------------------------------------


class Sentinel(
    bots.Acknowledges,
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"pulse:sentinel:\d+",
):
    pass


class BareBot(commands.Bot):
    """Receives every message and does nothing with it. Agora's intents (read from its IDENTIFY) and,
    like Agora, no message cache: what is left is discord.py's own cost of a MESSAGE_CREATE."""

    def __init__(self, *args: Any, intents: discord.Intents, agora_intents: int, **kwargs: Any) -> None:
        super().__init__(
            *args, intents=discord.Intents._from_value(agora_intents), max_messages=None, **kwargs
        )

    async def setup_hook(self) -> None:
        self.add_dynamic_items(Sentinel)

    async def on_message(self, message: discord.Message) -> None:
        pass  # received, parsed, dispatched: nothing more


# ---- the world and the stream ---------------------------------------------------------------------


def populate(fake: FakeDiscord, members: int) -> tuple[list[FakeChannel], list[FakeMember]]:
    """Channels, threads and members, in the fake's world before a bot connects (so no event is sent for
    them); the same calls on two fakes give the same ids."""
    world = fake.world
    channels = [world.channel(name) if name == "général" else world.add_channel(name) for name, _ in CHANNELS]
    people = [world.add_member(f"membre{n}") for n in range(members)]
    for name, parent, _ in THREADS:
        thread = world.add_channel(name, PUBLIC_THREAD, parent=parent)
        # Agora opens the articles' threads; members open the others.
        thread.owner_id = world.bot.id if parent == "veille" else people[0].id
        channels.append(thread)
    return channels, people


@dataclass
class Stream:
    payloads: list[Json]
    per_channel: Counter[int] = field(default_factory=Counter)
    authors: defaultdict[int, set[int]] = field(default_factory=lambda: defaultdict(set))

    def __len__(self) -> int:
        return len(self.payloads)


def build_stream(
    fake: FakeDiscord, channels: list[FakeChannel], members: list[FakeMember], count: int, rng: random.Random
) -> Stream:
    """`count` messages as Discord sends them to a bot without the message_content intent, each by a
    member drawn with a long tail (a few write most), in a channel drawn by how busy it is."""
    weights = [w for _, w in CHANNELS] + [w for _, _, w in THREADS]
    activity = [1 / (rank + 1) ** 0.9 for rank in range(len(members))]
    rng.shuffle(activity)
    stream = Stream([])
    for channel, author in zip(
        rng.choices(channels, weights, k=count), rng.choices(members, activity, k=count), strict=True
    ):
        message = fake.factory.create(
            channel_id=channel.id,
            author_id=author.id,
            payload={"content": "…"},
            files=[],
            guild_id=fake.guild.id,
        )
        data = fake.world.message_payload(message)
        data["member"] = author.member_payload(with_user=False)
        stream.payloads.append(hide_content(data))
        stream.per_channel[channel.id] += 1
        stream.authors[channel.id].add(author.id)
    return stream


# ---- a round --------------------------------------------------------------------------------------


@dataclass
class Round:
    bot: str
    messages: int
    delivered: bool = True  # False: the bot's session lacks the messages intent, so nothing was sent
    answered: bool = True  # the sentinel was answered within Discord's 3 s of reaching the bot
    seconds: float = 0.0
    cpu: tuple[float, ...] = (0.0, 0.0, 0.0)  # CPU s: this process (the fakes), the bot, others
    rss: tuple[float, float] = (0.0, 0.0)  # the bot's RSS before the round and its peak during it

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds

    @property
    def per_cpu_second(self) -> float:
        return self.messages / self.cpu[1] if self.cpu[1] else float("inf")


async def send(fake: FakeDiscord, payloads: list[Json], sentinel: int) -> tuple[bool, bool]:
    """The payloads as MESSAGE_CREATE events, then the sentinel click; (delivered, answered)."""
    delivered = True
    for data in payloads:
        delivered = await fake.gateway.dispatch("MESSAGE_CREATE", data) > 0
    clicker = fake.member("alice")
    # A message the bot never saw: the click's payload carries it, as Discord's does.
    on = fake.factory.create(
        channel_id=fake.channel("général").id,
        author_id=fake.bot.id,
        payload={"content": "·"},
        files=[],
        guild_id=fake.guild.id,
    )
    record = await fake.forge_click(clicker, on, SENTINEL.format(sentinel), on_message=True)
    return delivered, await bots.answer_latency(fake, record) is not None


async def measured_round(bot: str, fake: FakeDiscord, pid: int, stream: Stream, sentinel: int) -> Round:
    gc.collect()  # between rounds only: this process's collector is off (bots.run_benchmark)
    reset_peak_rss(pid)
    loop = asyncio.get_running_loop()
    rss, cpu, start = memory_mib(pid)[0], bots.cpu_seconds(pid), loop.time()
    delivered, answered = await send(fake, stream.payloads, sentinel)
    seconds = loop.time() - start
    return Round(
        bot, len(stream), delivered, answered, seconds, bots.cpu_used(pid, cpu), (rss, peak_rss_mib(pid))
    )


# ---- Agora's side: its writes, and what it stored --------------------------------------------------


@dataclass
class Writes:
    """Agora's write transactions, by the module that began them, and the rows SQLite changed."""

    begun: Counter[str] = field(default_factory=Counter)
    rows: int = 0

    def __sub__(self, before: Writes) -> Writes:
        return Writes(self.begun - before.begun, self.rows - before.rows)

    @property
    def counting(self) -> int:
        """The transactions of the activity store: the counting's own."""
        return sum(n for module, n in self.begun.items() if module.endswith(COUNTING))

    @property
    def others(self) -> int:
        return sum(self.begun.values()) - self.counting


async def writes(process: bots.BotProcess) -> Writes:
    """Agora's writes so far."""
    process.conn.send("writes")
    begun, rows = await asyncio.to_thread(process.conn.recv)
    return Writes(Counter(begun), rows)


def stored(database: Path) -> tuple[Counter[int], dict[int, int]]:
    """Messages and estimated distinct authors per channel, every day summed, as Agora's file holds them
    (authors: the largest day's estimate; the run stays within one day but for a midnight crossing)."""
    counts: Counter[int] = Counter()
    authors: dict[int, int] = {}
    if not database.exists():
        return counts, authors
    with contextlib.closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as db:
        for channel, messages, estimate in db.execute(
            "SELECT channel_id, messages, authors FROM activity_days"
        ):
            counts[channel] += messages
            authors[channel] = max(authors.get(channel, 0), estimate)
    return counts, authors


async def until_stored(database: Path, total: int, within: float) -> float | None:
    """Seconds until Agora's file holds `total` messages, polled; None if it did not `within` seconds."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while loop.time() - start < within:
        if sum((await asyncio.to_thread(stored, database))[0].values()) >= total:
            return loop.time() - start
        await asyncio.sleep(0.25)  # another process's file: nothing to wait on but itself
    return None


@dataclass
class Outcome:
    rounds: list[Round] = field(default_factory=list)
    sent: int = 0  # every message each bot received, the warm-up included
    # Agora's writes from the first measured round to the last sentinel, and on until all were stored.
    streamed: Writes = field(default_factory=Writes)
    writes: Writes = field(default_factory=Writes)
    flushed_after: float | None = None  # s from the last round's sentinel to every message stored
    elapsed: float = 0.0  # s from the first measured round to every message stored (or giving up)
    expected: Counter[int] = field(default_factory=Counter)  # per channel, over the run
    authors: dict[int, int] = field(default_factory=dict)  # true distinct authors per channel
    counted: Counter[int] = field(default_factory=Counter)  # per channel, read from Agora's file at the end
    estimated: dict[int, int] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    intents: tuple[int, int] = (0, 0)  # what Agora and the bare bot identified with
    profile: str | None = None
    logged: list[list[str]] = field(default_factory=list)  # baseline's, Agora's


async def measure(folder: Path, args: Any) -> Outcome:
    """Both bots alive, each against its fake; a warm-up, then `args.rounds` rounds of each, alternating."""
    outcome, rng = Outcome(), random.Random(2026)
    async with FakeDiscord() as agora_fake, FakeDiscord() as bare_fake:
        channels, members = populate(agora_fake, args.members)
        if [c.id for c in populate(bare_fake, args.members)[0]] != [c.id for c in channels]:
            raise RuntimeError("the two fakes' worlds differ: the same stream cannot go to both")
        outcome.names = {channel.id: channel.name for channel in channels}
        warm_up = build_stream(agora_fake, channels, members, min(WARM_UP, args.messages), rng)
        stream = build_stream(agora_fake, channels, members, args.messages, rng)
        database = folder / "agora.db"
        placeholder = functools.partial(BareBot, agora_intents=0)  # unused by Agora's process
        async with bots.bot_process("agora", agora_fake, database, placeholder) as agora:
            intents = agora_fake.sessions[-1].intents  # what Agora identified with
            bare = functools.partial(BareBot, agora_intents=intents)
            async with bots.bot_process("baseline", bare_fake, folder / "baseline.db", bare) as baseline:
                outcome.intents = (intents, bare_fake.sessions[-1].intents)
                sides = (("baseline", bare_fake, baseline), ("agora", agora_fake, agora))
                for _, fake, _ in sides:
                    await send(fake, warm_up.payloads, 0)
                before, since = await writes(agora), asyncio.get_running_loop().time()
                if args.profile:
                    agora.conn.send("profile")
                for number in range(1, args.rounds + 1):
                    for kind, fake, process in sides if number % 2 else sides[::-1]:
                        outcome.rounds.append(await measured_round(kind, fake, process.pid, stream, number))
                if args.profile:
                    agora.conn.send("report")
                    outcome.profile = await asyncio.to_thread(agora.conn.recv)
                outcome.streamed = await writes(agora) - before
                outcome.sent = len(warm_up) + args.rounds * len(stream)
                outcome.flushed_after = await until_stored(database, outcome.sent, args.flush_timeout)
                outcome.writes = await writes(agora) - before
                outcome.elapsed = asyncio.get_running_loop().time() - since
        outcome.logged = [baseline.logged, agora.logged]
    # Read once Agora stopped: whatever it still held was flushed as it closed.
    outcome.counted, outcome.estimated = stored(database)
    outcome.expected = warm_up.per_channel + Counter(
        {c: n * args.rounds for c, n in stream.per_channel.items()}
    )
    outcome.authors = {c: len(warm_up.authors[c] | stream.authors[c]) for c in outcome.expected}
    return outcome
