"""`/about` (anyone) and `/config` (admins: effective settings and a self-check of the server)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from agora.channels import ChannelUse, PostsInChannels, find_channel, posting_problems
from agora.errors import UserError
from agora.escaping import truncate
from agora.permissions import Rank, find_organiser_role, requires
from cogs.admin.render import backup_report, format_duration, settings_block

if TYPE_CHECKING:
    from agora.client import Agora

EMBED_COLOUR = discord.Colour(0x2B6CB0)
FEATURE_KEYS = (
    "about.feature.feeds",
    "about.feature.feedback",
    "about.feature.mornings",
    "about.feature.questions",
    "about.feature.polls",
    "about.feature.announce",
    "about.feature.digest",
    "about.feature.engagement",
    "about.feature.privacy",
)
# What Agora counts, and what it never keeps: said plainly to anyone who asks.
COUNTS_KEYS = ("pulse.activity.about_counts", "pulse.activity.about_participation")


class AdminCog(commands.Cog):
    def __init__(self, bot: Agora) -> None:
        self.bot = bot

    def t(self, interaction: discord.Interaction, key: str, **values: object) -> str:
        return self.bot.catalogue.for_interaction(interaction, key, **values)

    @app_commands.command(name="about")
    async def about(self, interaction: discord.Interaction[Agora]) -> None:
        """What Agora is, its version, uptime and latency."""
        uptime = (self.bot.clock.now() - self.bot.started_at).total_seconds()
        latency = self.bot.latency
        latency_text = (
            self.t(interaction, "about.latency_ms", ms=round(latency * 1000))
            if math.isfinite(latency)
            else self.t(interaction, "about.latency_unknown")
        )
        embed = discord.Embed(
            title=self.t(interaction, "about.title"),
            description=self.t(interaction, "about.description"),
            colour=EMBED_COLOUR,
        )
        embed.add_field(
            name=self.t(interaction, "about.features"),
            value="\n".join(f"• {self.t(interaction, key)}" for key in FEATURE_KEYS),
            inline=False,
        )
        embed.add_field(
            name=self.t(interaction, "pulse.activity.about_title"),
            value="\n".join(self.t(interaction, key) for key in COUNTS_KEYS),
            inline=False,
        )
        embed.add_field(name=self.t(interaction, "about.version"), value=self.bot.version)
        embed.add_field(
            name=self.t(interaction, "about.uptime"),
            value=format_duration(uptime, lambda key, n: self.t(interaction, key, n=n)),
        )
        embed.add_field(name=self.t(interaction, "about.latency"), value=latency_text)
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @app_commands.command(name="config")
    @app_commands.guild_only()
    @app_commands.default_permissions(manage_guild=True)
    @requires(Rank.admin)
    async def config(self, interaction: discord.Interaction[Agora]) -> None:
        """Effective settings (secrets hidden) and a check of what Agora can do on this server."""
        guild = interaction.guild
        if guild is None:
            raise UserError("errors.guild_only")
        embed = discord.Embed(title=self.t(interaction, "config.title"), colour=EMBED_COLOUR)
        embed.add_field(
            name=self.t(interaction, "config.settings"),
            value=truncate(settings_block(self.bot.settings.public_view()), 1024),
            inline=False,
        )
        embed.add_field(
            name=self.t(interaction, "config.backups"),
            value=backup_report(
                self.bot.backups.status() if self.bot.backups is not None else None,
                self.bot.clock.now(),
                self.bot.catalogue.words(interaction.locale),
            ),
            inline=False,
        )
        embed.add_field(
            name=self.t(interaction, "config.role"),
            value=truncate(self.role_report(interaction, guild), 1024),
            inline=False,
        )
        embed.add_field(
            name=self.t(interaction, "config.channels"),
            value=truncate(await self.channel_report(interaction, guild), 1024),
            inline=False,
        )
        await interaction.response.send_message(embed=embed, ephemeral=True)

    def role_report(self, interaction: discord.Interaction, guild: discord.Guild) -> str:
        configured = self.bot.settings.organiser_role
        if not configured:
            return self.t(interaction, "config.role_unset")
        role = find_organiser_role(guild, configured)
        if role is None:
            return "⚠️ " + self.t(interaction, "config.role_missing", role=configured)
        return "✅ " + self.t(interaction, "config.role_found", role=role.mention)

    async def channels_in_use(self, guild: discord.Guild) -> list[ChannelUse]:
        reference = self.bot.settings.organiser_channel
        if not reference:
            return []
        channel = find_channel(guild, reference)
        return [ChannelUse(reference, "config.purpose.organisers", channel, needs_files=True)]

    async def channel_report(self, interaction: discord.Interaction, guild: discord.Guild) -> str:
        uses: list[ChannelUse] = []
        for cog in self.bot.cogs.values():
            if isinstance(cog, PostsInChannels):
                uses.extend(await cog.channels_in_use(guild))
        if not uses:
            return self.t(interaction, "config.no_channels")
        lines = []
        for use in uses:
            purpose = self.t(interaction, use.purpose)
            if use.channel is None:
                lines.append(
                    f"⚠️ {purpose}: " + self.t(interaction, "config.problem.not_found", ref=use.reference)
                )
                continue
            problems = posting_problems(use, use.channel.permissions_for(guild.me))
            if problems:
                details = "; ".join(self.t(interaction, key) for key in problems)
                lines.append(f"⚠️ {use.channel.mention} ({purpose}): {details}")
            else:
                lines.append(
                    f"✅ {use.channel.mention} ({purpose}): " + self.t(interaction, "config.channel_ok")
                )
        return "\n".join(lines)
