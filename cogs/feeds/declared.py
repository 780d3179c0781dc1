"""The feeds an admin declared in AGORA_FEEDS, subscribed once at startup: a feed already followed in
that channel is left as it is (its mode too, which organisers may have changed with `/feed edit`)."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

import discord

from agora.channels import find_channel
from agora.settings import DeclaredFeed
from cogs.feeds.failure import FeedFailure
from cogs.feeds.fetch import check_url
from cogs.feeds.model import FEED_MODES, FeedMode
from cogs.feeds.store import FeedAlreadyFollowed, FeedStore, NewFeed

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)


async def subscribe_declared(bot: Agora, store: FeedStore) -> None:
    for declared in bot.settings.feeds:
        for guild in bot.served_guilds():
            try:
                await _subscribe(bot, store, guild, declared)
            except FeedFailure as error:
                log.warning("AGORA_FEEDS: cannot follow %s: %s", declared.url, error.code)


def _mode(declared: DeclaredFeed) -> FeedMode:
    # The settings checked it against the same three modes; an unknown one would be a bug there.
    return next((mode for mode in FEED_MODES if mode == declared.mode), "instant")


async def _subscribe(bot: Agora, store: FeedStore, guild: discord.Guild, declared: DeclaredFeed) -> None:
    channel = find_channel(guild, declared.channel)
    if channel is None:
        log.warning("AGORA_FEEDS: channel %r not found in guild %s", declared.channel, guild.id)
        return
    role = None
    if declared.role:
        role = discord.utils.find(
            lambda r: str(r.id) == declared.role or r.name.casefold() == declared.role.casefold(),  # type: ignore[union-attr]
            guild.roles,
        )
        if role is None:
            log.warning("AGORA_FEEDS: role %r not found in guild %s", declared.role, guild.id)
    url = check_url(declared.url)
    if await store.find(guild.id, url, channel.id) is not None:
        return
    new = NewFeed(
        guild_id=guild.id,
        url=url,
        channel_id=channel.id,
        role_id=role.id if role else None,
        include_keywords=declared.include,
        exclude_keywords=declared.exclude,
        open_thread=declared.thread,
        source="environment",
        mode=_mode(declared),
    )
    with contextlib.suppress(FeedAlreadyFollowed):
        now = bot.clock.now()
        await store.add(new, now, next_fetch_at=now)
        log.info("subscribed declared feed %s in channel %s", url, channel.id)
