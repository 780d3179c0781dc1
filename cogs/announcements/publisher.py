"""Posting an announcement: the embed, the chosen ping and nothing else, silent if asked, cross-posted
from an announcement channel, with a thread if asked. A refusal is recorded once and the author told;
it is never retried in a loop."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import discord

from agora.channels import ChannelUse, find_own_post, posting_problems
from agora.clock import epoch
from agora.i18n import Words
from agora.when import occurrence
from cogs.announcements.render import allowed_mentions, announcement_embed, ping
from cogs.announcements.store import Announcement, AnnouncementStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

# Later than this after its time, a publication says it is late (the bot was down).
LATE_AFTER = timedelta(minutes=5)


class Publisher:
    def __init__(self, bot: Agora, store: AnnouncementStore) -> None:
        self.bot = bot
        self.store = store

    def words(self, announcement: Announcement, *, for_author: bool = False) -> Words:
        language = (announcement.author_language if for_author else None) or announcement.language
        return self.bot.catalogue.words(language)

    def next_time(self, announcement: Announcement, now: datetime) -> datetime | None:
        """The next publication of a repeating announcement: the first one after now (those missed
        while the bot was down are skipped, not posted in a burst)."""
        if announcement.every is None:
            return None
        first = datetime.fromtimestamp(announcement.first_at, UTC)
        count = 1
        while True:
            moment = occurrence(first, announcement.every, count, self.bot.settings.timezone)
            if moment > now:
                return moment
            count += 1

    async def publish(
        self, announcement: Announcement, *, recovering: bool = False
    ) -> discord.Message | None:
        """Post it (claimed 'publishing' by the caller) and record the outcome."""
        now = self.bot.clock.now()
        guild = self.bot.get_guild(announcement.guild_id)
        if guild is None or guild.unavailable:
            # Discord's outage, not a deleted channel: the claim stays for the next pass.
            raise ConnectionError(f"guild {announcement.guild_id} is unavailable")
        channel = guild.get_channel(announcement.channel_id)
        try:
            if not isinstance(channel, discord.TextChannel):
                raise LookupError("announce.failure.channel_gone")
            # Checked first: without Embed Links, Discord would post the ping with an empty message.
            use = ChannelUse(
                channel.name,
                "announce.purpose",
                channel,
                needs_threads=announcement.thread,
                needs_history=True,
            )
            if posting_problems(use, channel.permissions_for(channel.guild.me)):
                raise LookupError("announce.failure.forbidden")
            message = await self._find(channel, announcement) if recovering else None
            if message is None:
                message = await self._post(channel, announcement, now)
        except (discord.HTTPException, LookupError) as error:
            if isinstance(error, discord.HTTPException) and (error.status >= 500 or error.status == 429):
                raise  # Discord's trouble, not a refusal: the next pass tries again
            reason = _reason(error)
            log.warning(
                "announcement %s refused in channel %s: %s", announcement.id, announcement.channel_id, reason
            )
            await self.store.record_failed(announcement.id, reason, now)
            await self.tell_author(announcement, reason)
            return None
        await self.store.record_published(announcement.id, message.id, self.next_time(announcement, now), now)
        return message

    async def _post(
        self, channel: discord.TextChannel, announcement: Announcement, now: datetime
    ) -> discord.Message:
        words = self.words(announcement)
        lines = [ping(announcement.content, announcement.guild_id) or ""]
        if epoch(now) - announcement.next_at > LATE_AFTER.total_seconds():
            lines.append("-# " + words("announce.late", when=f"<t:{announcement.next_at}:f>"))
        message = await channel.send(
            "\n".join(line for line in lines if line) or None,
            embed=announcement_embed(announcement.content, announcement.next_at),
            allowed_mentions=allowed_mentions(announcement.content, announcement.guild_id),
            silent=announcement.silent,
        )
        if channel.is_news():
            try:
                await message.publish()
            except discord.HTTPException as error:
                log.warning("announcement %s: cross-posting refused (%s)", announcement.id, error.status)
        if announcement.thread:
            try:
                await message.create_thread(name=announcement.title[:100])
            except discord.HTTPException as error:
                log.warning("announcement %s: thread refused (%s)", announcement.id, error.status)
        return message

    async def _find(self, channel: discord.TextChannel, announcement: Announcement) -> discord.Message | None:
        """The post of a publication claimed before a restart, if it landed: its embed's time is the
        publication's."""

        def is_it(message: discord.Message) -> bool:
            return any(
                embed.title == announcement.title
                and embed.timestamp is not None
                and epoch(embed.timestamp) == announcement.next_at
                for embed in message.embeds
            )

        return await find_own_post(channel, self.bot.user, is_it)

    async def tell_author(self, announcement: Announcement, reason: str) -> None:
        if announcement.author_id is None:
            return
        words = self.words(announcement, for_author=True)
        text = words(
            "announce.failed_dm",
            title=discord.utils.escape_markdown(announcement.title[:100]),
            channel=f"<#{announcement.channel_id}>",
            reason=words(reason),
        )
        try:
            user = self.bot.get_user(announcement.author_id) or await self.bot.fetch_user(
                announcement.author_id
            )
            await user.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException as error:
            log.info("announcement %s: could not tell its author (%s)", announcement.id, error.status)


def _reason(error: Exception) -> str:
    if isinstance(error, LookupError):
        return str(error.args[0])
    if isinstance(error, discord.NotFound):
        return "announce.failure.channel_gone"
    if isinstance(error, discord.Forbidden):
        return "announce.failure.forbidden"
    return "announce.failure.refused"
