"""A test-only extension whose commands fail on purpose, to prove the error path end to end."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from errors import UserError

SECRET_DETAIL = "database password is hunter2"


class Faulty(commands.Cog):
    @app_commands.command(name="boom")
    async def boom(self, interaction: discord.Interaction) -> None:
        """Fails before answering."""
        raise RuntimeError(SECRET_DETAIL)

    @app_commands.command(name="boom-after-defer")
    async def boom_after_defer(self, interaction: discord.Interaction) -> None:
        """Fails after deferring."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        raise RuntimeError(SECRET_DETAIL)

    @app_commands.command(name="fixable")
    async def fixable(self, interaction: discord.Interaction) -> None:
        """Refuses with a message the person can act on."""
        raise UserError("errors.needs_organiser")


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Faulty())
