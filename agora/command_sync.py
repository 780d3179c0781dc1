"""Sync application commands only when they changed: Discord allows 200 creations a day per guild."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import discord
from discord import app_commands

from agora.clock import Clock, epoch
from agora.database import Database

log = logging.getLogger(__name__)


class CommandSyncStore:
    def __init__(self, database: Database, clock: Clock) -> None:
        self.database = database
        self.clock = clock

    async def synced_hash(self, scope: str) -> str | None:
        row = await self.database.fetch_one("SELECT value FROM bot_state WHERE key = ?", (scope,))
        return row["value"] if row else None

    async def record_sync(self, scope: str, tree_hash: str) -> None:
        async with self.database.transaction() as connection:
            await connection.execute(
                "INSERT INTO bot_state (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (scope, tree_hash, epoch(self.clock.now())),
            )


async def translated_payload(
    tree: app_commands.CommandTree, guild: discord.abc.Snowflake | None
) -> list[Any]:
    """The exact payload `CommandTree.sync` would send for this scope, translations included."""
    translator = tree.translator
    payload = []
    for command in tree.get_commands(guild=guild):
        if translator is not None:
            payload.append(await command.get_translated_payload(tree, translator))
        else:
            payload.append(command.to_dict(tree))
    return payload


def tree_hash(payload: list[Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


async def sync_if_changed(
    tree: app_commands.CommandTree,
    *,
    guild: discord.abc.Snowflake | None,
    store: CommandSyncStore,
    application_id: int,
) -> bool:
    """Sync this scope's commands if they differ from the last sync recorded; True if it synced."""
    scope = f"command_tree:{application_id}:{guild.id if guild else 'global'}"
    current = tree_hash(await translated_payload(tree, guild))
    if await store.synced_hash(scope) == current:
        log.info("application commands unchanged since the last sync; not syncing")
        return False
    synced = await tree.sync(guild=guild)
    await store.record_sync(scope, current)
    log.info("synced %d application command(s) to %s", len(synced), "the guild" if guild else "Discord")
    return True
