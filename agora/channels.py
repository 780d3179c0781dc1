"""Finding the channels Agora posts in, and checking it can really post there.

Features that post somewhere describe it with `ChannelUse`; `/config` checks every such channel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import discord

PostableChannel = discord.TextChannel | discord.VoiceChannel | discord.Thread

# (guild id, channel id) → may every member of the server read that channel?
Visible = Callable[[int, int], bool]


@dataclass(frozen=True, slots=True)
class ChannelUse:
    """A channel a feature posts in: `reference` is what was configured, `purpose` a catalogue key."""

    reference: str
    purpose: str
    channel: PostableChannel | None
    needs_threads: bool = False
    needs_files: bool = False
    needs_history: bool = False  # to find its own earlier posts after a restart


@runtime_checkable
class PostsInChannels(Protocol):
    """A cog that posts in channels tells `/config` which ones, so the self-check covers them."""

    async def channels_in_use(self, guild: discord.Guild) -> list[ChannelUse]: ...


def find_channel(guild: discord.Guild, reference: str | None) -> PostableChannel | None:
    """A text channel by id, mention (`<#id>`) or name (case-insensitive, with or without `#`)."""
    if not reference:
        return None
    text = reference.strip()
    if text.startswith("<#") and text.endswith(">"):
        text = text[2:-1]
    if text.isascii() and text.isdigit():
        channel = guild.get_channel_or_thread(int(text))
        return channel if isinstance(channel, PostableChannel) else None
    name = text.removeprefix("#").casefold()
    return next((c for c in guild.text_channels if c.name.casefold() == name), None)


def readable_by_everyone(client: discord.Client) -> Visible:
    """Whether every member of a server may view one of its channels (or threads): what something read
    by all, such as the weekly digest, may name or link. Meant for a bot that is ready, whose cache
    holds the server's channels."""

    def visible(guild_id: int, channel_id: int) -> bool:
        guild = client.get_guild(guild_id)
        channel = guild.get_channel_or_thread(channel_id) if guild is not None else None
        if guild is None or channel is None:
            # Deleted, or never seen: what cannot be checked is not announced to everyone.
            return False
        if isinstance(channel, discord.Thread) and channel.is_private():
            return False  # open to the members it was shared with, whatever its parent allows
        try:
            return channel.permissions_for(guild.default_role).view_channel
        except discord.ClientException:  # a thread whose parent channel is not known
            return False

    return visible


async def find_own_post(
    channel: discord.abc.Messageable,
    me: discord.abc.Snowflake | None,
    matches: Callable[[discord.Message], bool],
    *,
    limit: int = 100,
) -> discord.Message | None:
    """Agora's latest post among the channel's last `limit` messages that `matches`: a post made
    just before a crash, found again rather than posted twice."""
    async for message in channel.history(limit=limit):
        if me is not None and message.author.id == me.id and matches(message):
            return message
    return None


def posting_problems(use: ChannelUse, permissions: discord.Permissions) -> list[str]:
    """Catalogue keys naming what the bot cannot do in the channel; empty when all is well."""
    if not permissions.view_channel:
        return ["config.problem.cannot_view"]
    needed = [
        (permissions.send_messages, "config.problem.cannot_send"),
        (permissions.embed_links, "config.problem.cannot_embed"),
    ]
    if use.needs_files:
        needed.append((permissions.attach_files, "config.problem.cannot_attach"))
    if use.needs_history:
        needed.append((permissions.read_message_history, "config.problem.cannot_read_history"))
    if use.needs_threads:
        needed.append(
            (
                permissions.create_public_threads and permissions.send_messages_in_threads,
                "config.problem.cannot_thread",
            )
        )
    return [key for allowed, key in needed if not allowed]
