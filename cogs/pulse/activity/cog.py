"""Activity, counted without reading anyone's messages: per channel and local day, how many messages and
how many distinct authors; and the server's member count each day.

A member's message is counted from what every message event carries anyway: its server, its channel
(a thread is a channel of its own, and the channel it is in is kept beside it, so the report can fold
threads into their channels), its author's id and its id, whose snowflake gives the moment it was
written. Its text is never read (Agora has no message-content intent, so Discord does not even send
it), and its author's id never leaves this process: it is kept in memory, in a set per channel and
day, until the next flush turns the set into a sketch of keyed hash bits (sketch.py; the key is in a
file beside the database, never in it: key_file.py) and adds it to that day's row. Counting costs no
write per message: one write transaction per flush, every `FLUSH_EVERY` seconds and when the cog
unloads (the bot closing, or the extension reloaded).

What can be lost: a crash (or a kill) loses what was counted since the last flush, at most
`FLUSH_EVERY` seconds of messages. A gateway reconnect loses nothing counted; Discord replays the events
of a resumed session, and the messages written while the bot was disconnected without resuming (or
stopped) are not counted at all, since Agora counts events, never history.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import discord
from discord.ext import commands

from agora.scheduling import Recurring, cancel_and_wait, start_when_ready
from cogs.pulse.activity.activity_store import ActivityStore, DayTally
from cogs.pulse.activity.key_file import key_path, load_or_create
from cogs.pulse.activity.sketch import AuthorKey, AuthorSketch

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

FLUSH_EVERY = 60.0
# How often the member count is looked at; it is read once per local day (and at startup).
MEMBER_COUNT_TICK = 3600.0
# A member's own messages; joins, pins, boosts, thread starters and the like are Discord's.
COUNTED_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})


@dataclass(slots=True)
class Pending:
    """One channel's day since the last flush: its message count and its authors, in memory only;
    `parent_id`: the channel a thread is in (None for a channel)."""

    messages: int = 0
    authors: set[int] = field(default_factory=set)
    parent_id: int | None = None


Key = tuple[int, int, str]  # guild, channel, local day


class LocalDays:
    """The local day of a moment, remembering the current day's bounds: nearly every message falls
    in the day of the one before it, so the time zone is consulted about once a day."""

    def __init__(self, zone: ZoneInfo) -> None:
        self.zone = zone
        self._start = self._end = datetime.min.replace(tzinfo=UTC)
        self._day = ""

    def of(self, moment: datetime) -> str:
        if self._start <= moment < self._end:
            return self._day
        local = moment.astimezone(self.zone).date()
        start = datetime.combine(local, datetime.min.time(), self.zone)
        end = datetime.combine(local + timedelta(days=1), datetime.min.time(), self.zone)
        self._start, self._end, self._day = start.astimezone(UTC), end.astimezone(UTC), local.isoformat()
        return self._day


def local_day(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).date().isoformat()


class ActivityCog(commands.Cog):
    def __init__(self, bot: Agora) -> None:
        self.bot = bot
        self.store = ActivityStore(bot.database)
        # Read (or made) once, while this Agora holds the database's lock.
        self.key = load_or_create(key_path(bot.database.path))
        self.days = LocalDays(bot.settings.timezone)
        self._pending: dict[Key, Pending] = {}
        self._flushing = asyncio.Lock()
        self._writing: asyncio.Task[None] | None = None
        self.flushes: Recurring[int] = Recurring("activity flush", self.flush, tick=FLUSH_EVERY)
        self.member_counts: Recurring[int] = Recurring(
            "member counts", self.count_members, tick=MEMBER_COUNT_TICK
        )
        self._counted_on: dict[int, str] = {}  # guild → the local day its member count was last read
        self._tasks: list[asyncio.Task[None]] = []

    async def cog_load(self) -> None:
        self._tasks = [
            start_when_ready(self.bot, self.flushes),
            start_when_ready(self.bot, self.member_counts),
        ]

    async def cog_unload(self) -> None:
        for task in self._tasks:
            await cancel_and_wait(task)
        # A flush the cancel interrupted goes on writing (it is shielded); wait for it, then write
        # what was counted since.
        if self._writing is not None:
            with contextlib.suppress(Exception):
                await self._writing
        try:
            await self.flush()
        except Exception:
            log.exception("activity: the last flush failed; %d channel-days not written", len(self._pending))

    # ---- counting ---------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        # Only what the event carries about the message is looked at, never its content.
        guild = message.guild
        if guild is None or message.author.bot or message.webhook_id is not None:
            return
        if message.type not in COUNTED_TYPES:
            return
        key = (guild.id, message.channel.id, self.days.of(message.created_at))
        pending = self._pending.get(key)
        if pending is None:
            channel = message.channel
            parent_id = channel.parent_id if isinstance(channel, discord.Thread) else None
            pending = self._pending[key] = Pending(parent_id=parent_id)
        pending.messages += 1
        pending.authors.add(message.author.id)

    @property
    def pending_messages(self) -> int:
        """Messages counted and not yet written."""
        return sum(pending.messages for pending in self._pending.values())

    async def flush(self) -> int:
        """Writes what was counted since the last flush in one transaction; the messages written."""
        async with self._flushing:
            batch, self._pending = self._pending, {}
            if not batch:
                return 0
            # Shielded: a cancel (the cog unloading) must not cut a commit in half and count twice
            # what it then puts back; cog_unload waits for this write instead.
            self._writing = asyncio.create_task(self._write(batch), name="activity write")
            await asyncio.shield(self._writing)
            return sum(pending.messages for pending in batch.values())

    async def _write(self, batch: dict[Key, Pending]) -> None:
        try:
            await self.store.add(tallies(batch, self.key))
        except Exception:
            self._put_back(batch)  # counted again at the next flush
            raise

    def _put_back(self, batch: dict[Key, Pending]) -> None:
        for key, pending in batch.items():
            current = self._pending.setdefault(key, Pending(parent_id=pending.parent_id))
            current.messages += pending.messages
            current.authors |= pending.authors

    # ---- the member count -------------------------------------------------------------------------

    async def count_members(self) -> int:
        """Reads each server's approximate member count once per local day; how many were read."""
        today = local_day(self.bot.clock.now(), self.bot.settings.timezone)
        read = 0
        for guild in list(self.bot.guilds):
            if self._counted_on.get(guild.id) == today:
                continue
            try:
                fetched = await self.bot.fetch_guild(guild.id, with_counts=True)
            except discord.HTTPException as error:
                log.warning("member count of guild %s: Discord answered %s", guild.id, error.status)
                continue
            if fetched.approximate_member_count is None:
                continue
            await self.store.record_member_count(guild.id, today, fetched.approximate_member_count)
            self._counted_on[guild.id] = today
            read += 1
        return read


def tallies(batch: dict[Key, Pending], key: AuthorKey) -> Iterable[DayTally]:
    for (guild_id, channel_id, day), pending in batch.items():
        sketch = AuthorSketch()
        sketch.add(pending.authors, key)
        yield DayTally(guild_id, channel_id, day, pending.messages, sketch, pending.parent_id)
