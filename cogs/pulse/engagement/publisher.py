"""The engagement report posted in the organisers' channel: the previous month's, on the 1st of each
month (local time), once per server and month across restarts; and any report an organiser asks for
with the *Post in the organisers' channel* button.

The monthly one is claimed in `pulse_posts` (kind 'engagement', period 'YYYY-MM') before it is sent
and marked posted after, so a restart never posts it twice; one left half-done by a crash is looked
for in the channel before it is sent again. Every pass looks at the month just ended, so a report
missed while the bot was down is posted at startup, any day of that month. Nothing is recorded while
there is no organisers' channel or Agora cannot post there (a later restart with the channel set
still posts it within the month); a month with nothing in it is recorded as skipped, not posted.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from agora.channels import ChannelUse, PostableChannel, find_channel, find_own_post, posting_problems
from agora.clock import epoch
from cogs.pulse.engagement.periods import Period, last_complete
from cogs.pulse.engagement.report import Composed, Reporter
from cogs.pulse.post_store import PostStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

KIND = "engagement"


class Publisher:
    def __init__(self, bot: Agora, reporter: Reporter) -> None:
        self.bot = bot
        self.reporter = reporter
        self.posts = PostStore(bot.database)
        self._warned: set[tuple[int, str, str]] = set()  # (guild, month, problem) logged once

    def organisers_channel(self, guild: discord.Guild) -> PostableChannel | None:
        return find_channel(guild, self.bot.settings.organiser_channel)

    def problems(self, channel: PostableChannel) -> list[str]:
        """Catalogue keys of what stops Agora posting a report there (embeds and files)."""
        use = ChannelUse(channel.name, "config.purpose.organisers", channel, needs_files=True)
        return posting_problems(use, channel.permissions_for(channel.guild.me))

    async def send(self, channel: PostableChannel, composed: Composed) -> discord.Message:
        return await channel.send(
            embeds=composed.embeds, files=composed.files(), allowed_mentions=discord.AllowedMentions.none()
        )

    async def monthly(self) -> int:
        """One pass: the month just ended, posted in each server that has not had it; how many posted."""
        now = self.bot.clock.now()
        period = last_complete("month", now, self.bot.settings.timezone)
        posted = 0
        for guild in list(self.bot.guilds):
            try:
                posted += await self._monthly_in(guild, period)
            except Exception:
                log.exception("engagement report of %s for guild %s: not posted", period.month_key, guild.id)
        return posted

    async def _monthly_in(self, guild: discord.Guild, period: Period) -> int:
        month = period.month_key
        state = await self.posts.state(guild.id, KIND, month)
        if state is not None and state[0] != "posting":
            return 0
        channel = self.organisers_channel(guild)
        if channel is None:
            if self.bot.settings.organiser_channel:  # unset: the community chose to have none
                self._warn_once(guild.id, month, f"channel {self.bot.settings.organiser_channel!r} not found")
            return 0
        problems = self.problems(channel)
        if problems:
            self._warn_once(guild.id, month, f"cannot post in channel {channel.id}: {', '.join(problems)}")
            return 0
        now = epoch(self.bot.clock.now())
        claim = await self.posts.claim(guild.id, KIND, month, now)
        if not claim.owned:
            return 0
        try:
            composed = await self.reporter.compose(guild, period, self.bot.settings.locale)
            if claim.interrupted:
                found = await find_own_post(channel, guild.me, lambda m: _is_report(m, composed.title))
                if found is not None:
                    await self.posts.mark_posted(guild.id, KIND, month, channel.id, found.id, now)
                    return 0
            if not composed.has_data:
                await self.posts.mark_skipped(guild.id, KIND, month, "empty", now)
                log.info("engagement report of %s for guild %s: nothing to report", month, guild.id)
                return 0
            message = await self.send(channel, composed)
        except discord.Forbidden:
            # Never tried again in a loop (Discord bans IPs for repeated 403s): /config shows why.
            await self.posts.mark_skipped(guild.id, KIND, month, "channel", now)
            log.warning("engagement report of %s: channel %s refused it", month, channel.id)
            return 0
        except BaseException:
            await self.posts.release(guild.id, KIND, month)
            raise
        await self.posts.mark_posted(
            guild.id, KIND, month, channel.id, message.id, epoch(self.bot.clock.now())
        )
        log.info("engagement report of %s posted in channel %s (guild %s)", month, channel.id, guild.id)
        return 1

    def _warn_once(self, guild_id: int, month: str, problem: str) -> None:
        if (guild_id, month, problem) not in self._warned:
            self._warned.add((guild_id, month, problem))
            log.warning("engagement report of %s for guild %s waits: %s", month, guild_id, problem)


def _is_report(message: discord.Message, title: str) -> bool:
    return bool(message.embeds) and message.embeds[0].title == title
