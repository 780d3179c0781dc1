"""Shortcuts for the activity tests: members chatting (in channels and threads), messages that must
not be counted (the bot's, a webhook's, Discord's own, direct ones), waiting until the bot has counted
them and flushing, and reading the database file as an auditor would (every table, every value; every
byte of every file)."""

from __future__ import annotations

import contextlib
import sqlite3
import zlib
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.fake_discord.models import PUBLIC_THREAD

MEMBER_JOIN = 7  # a system message ("alice joined the server"), written by Discord


def activity(bot):
    return bot.get_cog("ActivityCog")


def local_day(moment: datetime, zone: str = "Europe/Zurich") -> str:
    return moment.astimezone(ZoneInfo(zone)).date().isoformat()


async def open_thread(fake, name: str, parent: str = "général", owner: str = "alice"):
    """A member opens a public thread: THREAD_CREATE, as Discord sends it."""
    thread = fake.world.add_channel(name, PUBLIC_THREAD, parent=parent)
    thread.owner_id = fake.member(owner).id
    await fake.dispatch("THREAD_CREATE", {**fake.world.channel_payload(thread), "newly_created": True})
    return thread


async def post(fake, member: str, channel, times: int = 1, *, at: datetime | None = None) -> list:
    return [
        await fake.post_user_message(member, channel, f"{member} says something private #{n}", at=at)
        for n in range(times)
    ]


async def publish(fake, channel: str, author_id: int, *, msg_type: int = 0, webhook_id: int | None = None):
    """A message not written by a member in their own name, sent to the bot as Discord would."""
    chan = fake.channel(channel)
    message = fake.factory.create(
        channel_id=chan.id,
        author_id=author_id,
        payload={"content": "not a member's message"},
        files=[],
        guild_id=chan.guild_id,
        msg_type=msg_type,
    )
    message.webhook_id = webhook_id
    await fake.publish_message("MESSAGE_CREATE", message)
    return message


async def flushed(fake, bot, messages: int) -> int:
    """Waits until the bot has counted `messages` messages, then writes them; what was written."""
    cog = activity(bot)
    await fake.wait_for(lambda: cog.pending_messages >= messages, timeout=10, what=f"{messages} counted")
    return await cog.flushes.run_now()


def values_holding(path: Path, needles: Iterable[int | str | bytes]) -> list[str]:
    """Every `table.column` whose value holds one of `needles` (an id as a number, as text, as 8 bytes
    either way round, or inside a compressed blob; a text as text; bytes as bytes, plain or compressed,
    or as hex text)."""
    needles = list(needles)
    secrets = {needle for needle in needles if isinstance(needle, bytes)}
    texts = {str(needle) for needle in needles if not isinstance(needle, bytes)}
    texts |= {hexed for secret in secrets for hexed in (secret.hex(), secret.hex().upper())}
    ids = {needle for needle in needles if isinstance(needle, int)}
    raw = {i.to_bytes(8, order) for i in ids for order in ("little", "big")} | secrets
    found = []
    with sqlite3.connect(path) as connection:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        for table in tables:
            columns = [c[1] for c in connection.execute(f'PRAGMA table_info("{table}")')]
            for row in connection.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 — names from the schema
                for column, value in zip(columns, row, strict=True):
                    if _holds(value, ids, texts, raw):
                        found.append(f"{table}.{column}")
    return sorted(set(found))


def _holds(value: object, ids: set[int], texts: set[str], raw: set[bytes]) -> bool:
    if isinstance(value, int):
        return value in ids
    if isinstance(value, str):
        return any(text in value for text in texts)
    if isinstance(value, bytes):
        blobs = [value]
        with contextlib.suppress(zlib.error):
            blobs.append(zlib.decompress(value))
        return any(needle in blob for blob in blobs for needle in raw | {t.encode() for t in texts})
    return False


def files_holding(paths: Iterable[Path], secret: bytes) -> list[str]:
    """The files among `paths` that hold `secret`, as bytes or as hex (either case)."""
    needles = [secret, secret.hex().encode(), secret.hex().upper().encode()]
    found = []
    for path in paths:
        data = path.read_bytes()
        if any(needle in data for needle in needles):
            found.append(path.name)
    return found
