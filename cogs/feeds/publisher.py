"""Posting one entry in its channel: the embed, the chosen role's ping (and no other), the thread."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import discord

from agora.channels import find_own_post
from agora.escaping import fit_escaped
from cogs.feeds.failure import FeedFailure
from cogs.feeds.parse import FeedEntry, with_markdown_summary
from cogs.feeds.render import entry_embed, thread_name
from cogs.feeds.store import Feed

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

EMBED_COLOUR = discord.Colour(0xE07A1F)
THREAD_ARCHIVE_MINUTES = 1440
HISTORY_CHECKED = 50
MESSAGE_MAX = 2000
THREAD_EXISTS = 160004  # Discord's code: a thread was already opened on this message


class PublishError(FeedFailure):
    """Discord refused the post; `code` names why for the feed's status (never retried in a loop)."""


@dataclass(frozen=True, slots=True)
class FeedSource:
    """What the embed shows of the feed (render.FeedInfo) for a stored feed."""

    title: str
    link: str | None
    icon_url: str | None

    @classmethod
    def of(cls, feed: Feed) -> FeedSource:
        return cls(feed.title, feed.site_url, feed.icon_url)


class Publisher:
    def __init__(self, bot: Agora) -> None:
        self.bot = bot

    async def message_for(
        self, source: FeedSource, entry: FeedEntry, role_id: int | None
    ) -> tuple[str | None, discord.Embed]:
        """The content and embed of a post, exactly as `/feed preview` shows it."""
        entry = await _with_markdown(entry)
        author_template = self.bot.catalogue.translate("feeds.post.by", self.bot.settings.locale)
        embed = entry_embed(source, entry, author_template=author_template, colour=EMBED_COLOUR)
        return (f"<@&{role_id}>" if role_id else None), embed

    def channel_of(self, feed: Feed) -> discord.abc.Messageable:
        channel = self.bot.get_channel(feed.channel_id)
        if not isinstance(channel, discord.TextChannel | discord.Thread | discord.VoiceChannel):
            raise PublishError("channel_missing", channel=feed.channel_id)
        return channel

    async def post(self, feed: Feed, entry: FeedEntry, *, comment: str | None = None) -> discord.Message:
        """`comment`: an organiser's words from the review queue, above the embed after the role's
        ping, shown as typed (escaped, mentions neutralised: the role stays the only ping)."""
        channel = self.channel_of(feed)
        content, embed = await self.message_for(FeedSource.of(feed), entry, feed.role_id)
        if comment:
            ping = f"{content}\n" if content else ""
            content = ping + fit_escaped(comment.strip(), MESSAGE_MAX - len(ping))
        # Only the chosen role is pinged, whatever the feed's text contains.
        allowed = discord.AllowedMentions(
            everyone=False, users=False, roles=[discord.Object(feed.role_id)] if feed.role_id else False
        )
        try:
            message = await channel.send(content=content, embed=embed, allowed_mentions=allowed)
        except discord.Forbidden as error:
            raise PublishError("discord_forbidden", channel=feed.channel_id, code=error.code) from error
        except discord.NotFound as error:
            raise PublishError("channel_missing", channel=feed.channel_id) from error
        except discord.HTTPException as error:
            raise PublishError("discord_error", status=error.status, code=error.code) from error
        if feed.open_thread and isinstance(channel, discord.TextChannel):
            await self.open_thread(message, entry)
        return message

    @staticmethod
    def thread_of(feed: Feed, message: discord.Message) -> int | None:
        """The discussion thread opened on a post of `feed`: a thread opened on a message has the
        message's id. Should opening it have failed (logged), that id names no channel, and no reply is
        ever counted there."""
        if feed.open_thread and isinstance(message.channel, discord.TextChannel):
            return message.id
        return None

    async def open_thread(self, message: discord.Message, entry: FeedEntry) -> None:
        try:
            await message.create_thread(name=thread_name(entry), auto_archive_duration=THREAD_ARCHIVE_MINUTES)
        except discord.HTTPException as error:
            if error.code == THREAD_EXISTS:
                return  # an earlier attempt opened it: the article has its thread
            # The post itself is out and must not be sent again; a missing thread is only logged.
            log.warning("could not open a thread on message %s in channel %s", message.id, message.channel.id)

    async def find_earlier_post(self, feed: Feed, entry: FeedEntry) -> discord.Message | None:
        """The bot's post of this entry, if an earlier attempt reached Discord before a crash; its
        discussion thread opened now if the feed opens them and the crash came before the thread."""
        channel = self.channel_of(feed)
        # Only the title is compared: the summary is not worth converting for it.
        title = entry_embed(FeedSource.of(feed), replace(entry, summary="", summary_format="markdown")).title

        def is_it(message: discord.Message) -> bool:
            # A post with buttons is not the article's but its review (the organisers' channel may be
            # the feed's too).
            return not message.components and any(
                (entry.link and embed.url == entry.link) or (not entry.link and embed.title == title)
                for embed in message.embeds
            )

        try:
            found = await find_own_post(channel, self.bot.user, is_it, limit=HISTORY_CHECKED)
        except discord.HTTPException as error:
            raise PublishError("discord_error", status=error.status, code=error.code) from error
        if (
            found is not None
            and feed.open_thread
            and isinstance(channel, discord.TextChannel)
            and found.thread is None
            and not found.flags.has_thread
        ):
            await self.open_thread(found, entry)
        return found


async def _with_markdown(entry: FeedEntry) -> FeedEntry:
    """The entry's summary as markdown, converted in a thread: long HTML takes bs4 some milliseconds."""
    if entry.summary_format == "markdown":
        return entry
    return await asyncio.to_thread(with_markdown_summary, entry)
