"""The weekly digest: posted on its own at AGORA_DIGEST_AT in AGORA_DIGEST_CHANNEL, once per week across
restarts; `/digest preview` and `/digest now` (`/revue apercu|maintenant`) for organisers.

Each pass (every minute, and at startup) looks at the last time the digest fell due: not posted or
skipped yet, it is posted now, so one due while the bot was down is posted at startup while still in
its week (until the next one is due). The week before it, if never posted, is recorded skipped then:
'late', or 'channel' when the digest channel still refuses posts. The very first pass on a server
(a new install, or AGORA_DIGEST_CHANNEL just set) posts nothing: the week that fell due before it is
recorded 'not_running', so a digest never appears the moment Agora is installed; and the weeks before
that first one recorded were never the digest's, so none of them is recorded late.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from agora.channels import ChannelUse
from agora.clock import epoch
from agora.errors import UserError
from agora.permissions import Rank, requires
from agora.pulse import Span
from agora.scheduling import Recurring, cancel_and_wait, start_when_ready
from cogs.pulse.digest import schedule
from cogs.pulse.digest.publisher import KIND, Publisher, Result, Where
from cogs.pulse.post_store import PostStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

TICK = 60.0
WEEK = int(timedelta(days=7).total_seconds())


class DigestCog(commands.Cog):
    digest = app_commands.Group(
        name="digest",
        description="The weekly digest.",
        guild_only=True,
        default_permissions=discord.Permissions(manage_events=True),
    )

    def __init__(self, bot: Agora) -> None:
        self.bot = bot
        self.store = PostStore(bot.database)
        self.publisher = Publisher(bot, self.store)
        self.passes: Recurring[int] = Recurring("digest", self.post_due, tick=TICK)
        # One digest at a time: a pass and /digest now never both read where the last one ended.
        self._posting = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self._task = start_when_ready(self.bot, self.passes)

    async def cog_unload(self) -> None:
        await cancel_and_wait(self._task)

    # ---- the scheduled digest ---------------------------------------------------------------------

    async def post_due(self) -> int:
        """The digest that fell due last, if not posted or skipped yet; how many were posted."""
        at, zone = self.bot.settings.digest_at, self.bot.settings.timezone
        if at is None or not self.bot.settings.digest_channel:
            return 0
        now = self.bot.clock.now()
        due = schedule.latest_due(at, zone, now)
        posted = 0
        for guild in self.bot.served_guilds():
            if guild.unavailable:
                continue  # Discord's outage: the channel cannot be judged; the next pass will
            try:
                result = await self.post_scheduled(guild, due)
            except Exception:
                log.exception(
                    "guild %s: the digest due %s failed; tried again on the next pass", guild.id, due
                )
                continue
            posted += result is not None and result.outcome == "posted"
        return posted

    async def post_scheduled(self, guild: discord.Guild, due: datetime) -> Result | None:
        at, zone = self.bot.settings.digest_at, self.bot.settings.timezone
        assert at is not None  # noqa: S101 — checked by post_due
        words = self.publisher.words
        where = self.publisher.where(guild, words)
        assert where is not None  # noqa: S101 — a digest channel is configured (post_due)
        period = schedule.period(due, zone)
        first = await self.store.first_period(guild.id, KIND)
        if first is None:
            # The digest's first pass here (a new install, or a digest channel just set): the week that
            # ended before was not the digest's, so it is not posted late; the next one is the first.
            await self.store.mark_skipped(guild.id, KIND, period, "not_running", epoch(self.bot.clock.now()))
            return None
        earlier = schedule.previous(due, at, zone)
        week_before = schedule.period(earlier, zone)
        if week_before >= first:  # one that fell due before the first pass here was never the digest's
            await self._close_week(guild, week_before, where)
        if await self.store.state(guild.id, KIND, period) not in (None, ("posting", None)):
            return None  # posted or skipped already
        if not where.usable:
            # Nothing is claimed or sent: each pass looks again until the week is over.
            await self.publisher.tell_organisers(guild, where, due, schedule.following(due, at, zone))
            return None
        async with self._posting:
            await self.publisher.settle_interrupted(guild, where)
            start = await self.publisher.start_of(guild.id, epoch(earlier))
            return await self.publisher.post(guild, where, period, Span(start, epoch(due)))

    async def _close_week(self, guild: discord.Guild, period: str, where: Where) -> None:
        """The digest of the week before, never posted (the bot was down past its week, or its channel
        refused posts all week): recorded skipped, once."""
        if await self.store.state(guild.id, KIND, period) is None:
            reason = "late" if where.usable else "channel"
            await self.store.mark_skipped(guild.id, KIND, period, reason, epoch(self.bot.clock.now()))
            log.info("guild %s: the digest %s was not posted in its week (%s)", guild.id, period, reason)

    # ---- /config ----------------------------------------------------------------------------------

    async def channels_in_use(self, guild: discord.Guild) -> list[ChannelUse]:
        use = self.publisher.use(guild)
        return [use] if use is not None else []

    # ---- commands ---------------------------------------------------------------------------------

    def _checked(self, interaction: discord.Interaction[Agora]) -> tuple[discord.Guild, Where | None]:
        guild = interaction.guild
        if guild is None:
            raise UserError("errors.guild_only")
        return guild, self.publisher.where(guild, self.bot.catalogue.words(interaction.locale))

    async def next_span(self, guild_id: int, now: datetime) -> tuple[Span, str]:
        """The next digest's span, and when it is due as a Discord timestamp: the scheduled one (the one
        that fell due, if it is still to be posted), or, with AGORA_DIGEST_AT off, one posted now."""
        at, zone = self.bot.settings.digest_at, self.bot.settings.timezone
        if at is None:
            start = await self.publisher.start_of(guild_id, epoch(now) - WEEK)
            return Span(start, epoch(now)), ""
        due = schedule.latest_due(at, zone, now)
        if await self.store.state(guild_id, KIND, schedule.period(due, zone)) is not None:
            due = schedule.following(due, at, zone)
        start = await self.publisher.start_of(guild_id, epoch(schedule.previous(due, at, zone)))
        return Span(start, epoch(due)), f"<t:{epoch(due)}:F>"

    @digest.command(name="preview")
    @requires(Rank.organiser)
    async def preview(self, interaction: discord.Interaction[Agora]) -> None:
        """See the next weekly digest exactly as it will be posted."""
        guild, where = self._checked(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        t = self.bot.catalogue.words(interaction.locale)
        if where is not None:
            async with self._posting:  # shown as it will be: from where the last digest really ended
                await self.publisher.settle_interrupted(guild, where)
        span, when = await self.next_span(guild.id, self.bot.clock.now())
        embeds = await self.publisher.build(guild.id, span) if span.start < span.end else []
        lines = []
        shown = where.shown if where is not None else t("pulse.digest.nowhere")
        if where is None:
            lines.append("⚠️ " + t("pulse.digest.no_channel"))
        elif not where.usable:
            lines.append(
                "⚠️ " + t("pulse.digest.cannot_post", channel=where.shown, problems="; ".join(where.problems))
            )
        if not embeds:
            lines.insert(0, t("pulse.digest.nothing", when=when) if when else t("pulse.digest.nothing_now"))
        elif when:
            lines.insert(0, t("pulse.digest.preview", when=when, channel=shown))
        else:
            lines.insert(0, t("pulse.digest.preview_off", channel=shown))
        await interaction.followup.send(
            "\n".join(lines), embeds=embeds, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    @digest.command(name="now")
    @requires(Rank.organiser)
    async def now(self, interaction: discord.Interaction[Agora]) -> None:
        """Post the weekly digest now, in the digest channel (the scheduled one still comes)."""
        guild, where = self._checked(interaction)
        if where is None:
            raise UserError("pulse.digest.error.no_channel")
        if not where.usable:
            raise UserError(
                "pulse.digest.error.cannot_post", channel=where.shown, problems="; ".join(where.problems)
            )
        await interaction.response.defer(ephemeral=True, thinking=True)
        async with self._posting:
            await self.publisher.settle_interrupted(guild, where)
            moment = self.bot.clock.now()
            start = await self.publisher.start_of(guild.id, epoch(moment) - WEEK)
            period = schedule.manual_period(moment, self.bot.settings.timezone)
            result = await self.publisher.post(guild, where, period, Span(start, epoch(moment)))
        t = self.bot.catalogue.words(interaction.locale)
        if result.outcome == "posted" and result.message is not None:
            text = t("pulse.digest.posted", channel=where.shown, link=result.message.jump_url)
        elif result.outcome in ("empty", "covered"):
            text = t("pulse.digest.nothing_now")
        elif result.outcome == "refused":
            text = t("pulse.digest.refused", channel=where.shown)
        else:
            text = t("pulse.digest.error.busy")
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())
