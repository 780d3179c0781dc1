"""`/engagement report [period]` (`/engagement rapport [periode]`): the community's engagement over the
last complete month, quarter or season, against the period before, shown to the organiser who asks
with its charts, its CSV and a button that posts it in the organisers' channel; and the previous
month's report posted there on the 1st of each month (publisher.py)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from agora.errors import NotAllowed, UserError
from agora.ids import StaleComponent
from agora.permissions import Rank, ensure_rank, requires
from agora.scheduling import Recurring, cancel_and_wait, start_when_ready
from cogs.pulse.engagement.periods import KINDS, Period, from_key, last_complete
from cogs.pulse.engagement.publisher import Publisher
from cogs.pulse.engagement.report import Reporter
from cogs.pulse.engagement.views import PostReportButton, report_view

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

# How often the monthly report is looked at: within this long after local midnight on the 1st.
MONTHLY_TICK = 600.0

PERIOD_CHOICES = [
    app_commands.Choice(name=app_commands.locale_str(kind, key=f"pulse.engagement.choice.{kind}"), value=kind)
    for kind in KINDS
]


class EngagementCog(commands.Cog):
    engagement = app_commands.Group(
        name="engagement",
        description="The community's engagement: members, activity, events, polls, articles.",
        guild_only=True,
        default_permissions=discord.Permissions(manage_events=True),
    )

    def __init__(self, bot: Agora) -> None:
        self.bot = bot
        self.reporter = Reporter(bot)
        self.publisher = Publisher(bot, self.reporter)
        self.monthly: Recurring[int] = Recurring(
            "engagement report", self.publisher.monthly, tick=MONTHLY_TICK
        )
        self._task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        # The post button is registered with the cog, so the pulse's setup() stays one line per part.
        self.bot.add_dynamic_items(PostReportButton)
        self._task = start_when_ready(self.bot, self.monthly)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PostReportButton)
        await cancel_and_wait(self._task)

    @engagement.command(name="report")
    @app_commands.describe(period="The last complete month (default), quarter or season")
    @app_commands.choices(period=PERIOD_CHOICES)
    @requires(Rank.organiser)
    async def report(self, interaction: discord.Interaction[Agora], period: str = "month") -> None:
        """Members, activity and participation over the last month, quarter or season, with the one before."""
        guild = _guild(interaction)
        # Measured, compared and drawn: answered at once, the report follows.
        await interaction.response.defer(ephemeral=True, thinking=True)
        kind = period if period in KINDS else "month"
        chosen = last_complete(kind, self.bot.clock.now(), self.bot.settings.timezone)  # type: ignore[arg-type]
        composed = await self.reporter.compose(guild, chosen, interaction.locale)
        words = self.bot.catalogue.words(interaction.locale)
        extra: dict[str, Any] = {"view": report_view(chosen, words)} if composed.has_data else {}
        await interaction.followup.send(
            embeds=composed.embeds,
            files=composed.files(),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
            **extra,
        )

    async def post_from_button(self, interaction: discord.Interaction[Any], period_key: str) -> None:
        """The button under a report: that period's report, posted in the organisers' channel."""
        ensure_rank(interaction, Rank.organiser)  # again: the role may have gone since the report was shown
        period = self._period(period_key)
        guild = _guild(interaction)
        channel = self.publisher.organisers_channel(guild)
        if channel is None:
            raise UserError("pulse.engagement.error.no_channel")
        problems = self.publisher.problems(channel)
        if problems:
            problem = self.bot.catalogue.for_interaction(interaction, problems[0])
            raise UserError("pulse.engagement.error.cannot_post", channel=channel.mention, problem=problem)
        await interaction.response.defer(ephemeral=True, thinking=True)
        # Claimed like the monthly report: two clicks (or two organisers) post it once.
        result = await self.publisher.publish(guild, channel, period, asked=True)
        if result.outcome == "posted":
            log.info("engagement report %s posted by %s", period.key, interaction.user.id)
        key = {
            "posted": "pulse.engagement.posted",
            "found": "pulse.engagement.already_posted",
            "taken": "pulse.engagement.already_posted",
            "busy": "pulse.engagement.being_posted",
            "empty": "pulse.engagement.nothing_to_post",
            "refused": "pulse.engagement.refused",
        }[result.outcome]
        text = self.bot.catalogue.for_interaction(
            interaction, key, channel=channel.mention, link=result.link or channel.mention
        )
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=discord.AllowedMentions.none())

    def _period(self, key: str) -> Period:
        """The period a button names, if it is one a report could have shown: complete already."""
        period = from_key(key)
        if period is None:
            raise StaleComponent()
        if period.span(self.bot.settings.timezone).end > self.bot.clock.now().timestamp():
            raise StaleComponent()
        return period


def _guild(interaction: discord.Interaction[Any]) -> discord.Guild:
    if interaction.guild is None:  # ensure_rank refuses it already; this says so to the type checker
        raise NotAllowed("errors.guild_only")
    return interaction.guild
