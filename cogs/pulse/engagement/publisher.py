"""The engagement report posted in the organisers' channel: the previous month's, on the 1st of each
month (local time), once per server and month across restarts; and any report an organiser asks for
with the *Post in the organisers' channel* button, once per server and period too.

Each post is claimed in `pulse_posts` (kind 'engagement', the period's `posted_key`: 'YYYY-MM' for a
month, whether the 1st or an organiser posts it, since it is the same report; 'quarter:YYYY-MM' or
'season:YYYY-MM' otherwise) before it is sent and marked posted after, so neither a restart nor a
second click posts it twice. When nothing was sent the claim is released, to be tried again; when the
post may have reached Discord (the bot stopping mid-send, a broken connection, Discord's 5xx or 429)
the claim is left, and the next attempt looks for the post in the channel before sending it again.
Discord's refusal (403, 404, another 4xx) is recorded skipped and never retried in a loop (Discord
counts refusals against the bot). Every monthly pass looks at the month just ended, so a report missed
while the bot was down is posted at startup, any day of that month. Nothing is recorded while there is
no organisers' channel or Agora cannot post there, which the log says once per server and month (a later
restart with the channel set still posts it within the month); a month with nothing in it is recorded
as skipped, not posted.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import discord

from agora.channels import ChannelUse, PostableChannel, find_channel, find_own_post, posting_problems
from agora.clock import epoch
from cogs.pulse.engagement.periods import Period, last_complete
from cogs.pulse.engagement.report import Composed, Reporter
from cogs.pulse.post_store import PostStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

KIND: Literal["engagement"] = "engagement"

# posted: sent now; found: an interrupted attempt's post, found in the channel; taken: posted before;
# busy: another attempt of this process is posting it; empty: nothing to report; refused: by Discord.
Outcome = Literal["posted", "found", "taken", "busy", "empty", "refused"]


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    link: str | None = None  # the report's post, when it is there (posted now, found, or before)


class Publisher:
    def __init__(self, bot: Agora, reporter: Reporter) -> None:
        self.bot = bot
        self.reporter = reporter
        # One store for every engagement post of the process: the monthly pass and the button's clicks
        # see each other's claims in flight.
        self.posts = PostStore(bot.database)
        self._warned: set[tuple[int, str, str]] = set()  # (guild, month, problem) logged once

    def organisers_channel(self, guild: discord.Guild) -> PostableChannel | None:
        return find_channel(guild, self.bot.settings.organiser_channel)

    def problems(self, channel: PostableChannel) -> list[str]:
        """Catalogue keys of what stops Agora posting a report there (embeds and files, and reading
        the channel's history to find a post an interrupted attempt may have made)."""
        use = ChannelUse(
            channel.name, "config.purpose.organisers", channel, needs_files=True, needs_history=True
        )
        return posting_problems(use, channel.permissions_for(channel.guild.me))

    async def monthly(self) -> int:
        """One pass: the month just ended, posted in each server that has not had it; how many posted."""
        now = self.bot.clock.now()
        period = last_complete("month", now, self.bot.settings.timezone)
        posted = 0
        for guild in self.bot.served_guilds():
            try:
                posted += await self._monthly_in(guild, period)
            except Exception:
                log.exception("engagement report of %s for guild %s: not posted", period.month_key, guild.id)
        return posted

    async def _monthly_in(self, guild: discord.Guild, period: Period) -> int:
        month = period.posted_key
        state = await self.posts.state(guild.id, KIND, month)
        if state is not None and state[0] != "posting":
            return 0
        channel = self.organisers_channel(guild)
        if channel is None:
            if self.bot.settings.organiser_channel:
                self._warn_once(guild.id, month, f"channel {self.bot.settings.organiser_channel!r} not found")
            else:  # the community chose to have none: said once, not warned of
                self._warn_once(
                    guild.id, month, "no organisers' channel (AGORA_ORGANISER_CHANNEL)", level=logging.INFO
                )
            return 0
        problems = self.problems(channel)
        if problems:
            self._warn_once(guild.id, month, f"cannot post in channel {channel.id}: {', '.join(problems)}")
            return 0
        result = await self.publish(guild, channel, period, asked=False)
        return 1 if result.outcome == "posted" else 0

    async def publish(
        self, guild: discord.Guild, channel: PostableChannel, period: Period, *, asked: bool
    ) -> Result:
        """Post `period`'s report in `channel`, once per server and period (see the module's
        docstring). `asked`: an organiser clicked for it, so a period skipped before (nothing in it
        then, or the channel refusing it) is tried again. Raises what it could not handle, the claim
        released or left as explained above."""
        key = period.posted_key
        now = epoch(self.bot.clock.now())
        claim = await self.posts.claim(guild.id, KIND, key, now, retake_skipped=asked)
        if not claim.owned:
            if claim.state == "posting":
                return Result("busy")
            posted = await self.posts.posted(guild.id, KIND, key)
            return Result("taken", _link(guild.id, posted.channel_id, posted.message_id) if posted else None)
        sending = False  # from here on, the post may have reached the channel
        try:
            composed = await self.reporter.compose(guild, period, self.bot.settings.locale)
            if claim.interrupted:
                found = await find_own_post(channel, guild.me, lambda m: _is_report(m, composed.title))
                if found is not None:
                    await self._posted(guild, key, found)
                    return Result("found", found.jump_url)
            if not composed.has_data:
                await self.posts.mark_skipped(guild.id, KIND, key, "empty", now)
                log.info("engagement report %s for guild %s: nothing to report", key, guild.id)
                return Result("empty")
            sending = True
            message = await self.send(channel, composed)
        except discord.HTTPException as error:
            if error.status >= 500 or error.status == 429:
                # Discord's trouble, not a refusal: the post may be there; the next attempt looks first.
                self.posts.leave(guild.id, KIND, key)
                raise
            reason = "channel" if isinstance(error, discord.Forbidden | discord.NotFound) else "refused"
            await self.posts.mark_skipped(guild.id, KIND, key, reason, now)
            log.warning("engagement report %s: channel %s refused it (%s)", key, channel.id, error.status)
            return Result("refused")
        except asyncio.CancelledError:
            self.posts.leave(guild.id, KIND, key)  # the bot is stopping: the next start looks first
            raise
        except Exception:
            if sending:  # a broken connection, a timeout: sent or not, nobody knows
                self.posts.leave(guild.id, KIND, key)
            else:
                await self.posts.release(guild.id, KIND, key)
            raise
        await self._posted(guild, key, message)
        return Result("posted", message.jump_url)

    async def send(self, channel: PostableChannel, composed: Composed) -> discord.Message:
        return await channel.send(
            embeds=composed.embeds, files=composed.files(), allowed_mentions=discord.AllowedMentions.none()
        )

    async def _posted(self, guild: discord.Guild, key: str, message: discord.Message) -> None:
        at = epoch(self.bot.clock.now())
        await self.posts.mark_posted(guild.id, KIND, key, message.channel.id, message.id, at)
        log.info("engagement report %s posted in channel %s (guild %s)", key, message.channel.id, guild.id)

    def _warn_once(self, guild_id: int, month: str, problem: str, *, level: int = logging.WARNING) -> None:
        if (guild_id, month, problem) not in self._warned:
            self._warned.add((guild_id, month, problem))
            log.log(level, "engagement report of %s for guild %s waits: %s", month, guild_id, problem)


def _is_report(message: discord.Message, title: str) -> bool:
    return bool(message.embeds) and message.embeds[0].title == title


def _link(guild_id: int, channel_id: int | None, message_id: int | None) -> str | None:
    """A recorded post's address, as discord.py's `Message.jump_url` writes it."""
    if channel_id is None or message_id is None:
        return None
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
