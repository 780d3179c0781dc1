"""A test-only extension whose commands fail on purpose, to prove the error path end to end."""

from __future__ import annotations

import re

import discord
from discord import app_commands
from discord.ext import commands

from agora.components import AgoraModal, AgoraView, reports_errors
from agora.errors import UserError
from agora.permissions import Rank, ensure_rank

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
    await setup_components(bot)


class FaultyView(AgoraView):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Boom", custom_id="faulty:view")
    async def explode(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        raise RuntimeError(SECRET_DETAIL)


class FaultyDynamicButton(discord.ui.DynamicItem[discord.ui.Button], template=r"faulty:dynamic:(?P<n>\d+)"):
    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label=f"Dynamic {n}", custom_id=f"faulty:dynamic:{n}"))
        self.n = n

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]
    ) -> FaultyDynamicButton:
        return cls(int(match["n"]))

    @reports_errors
    async def callback(self, interaction: discord.Interaction) -> None:
        if self.n == 1:
            ensure_rank(interaction, Rank.organiser)
            await interaction.response.send_message("organiser ok", ephemeral=True)
            return
        raise RuntimeError(SECRET_DETAIL)


class FaultyModal(AgoraModal, title="Boom"):
    answer = discord.ui.TextInput(label="Answer", custom_id="faulty:answer")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        raise RuntimeError(SECRET_DETAIL)


class FaultyComponents(commands.Cog):
    @app_commands.command(name="faulty-components")
    async def post(self, interaction: discord.Interaction) -> None:
        """Posts buttons that fail."""
        view = FaultyView()
        view.add_item(FaultyDynamicButton(1))
        view.add_item(FaultyDynamicButton(2))
        await interaction.response.send_message("buttons", view=view)

    @app_commands.command(name="faulty-modal")
    async def modal(self, interaction: discord.Interaction) -> None:
        """Opens a modal that fails."""
        await interaction.response.send_modal(FaultyModal())


async def setup_components(bot: commands.Bot) -> None:
    bot.add_view(FaultyView())
    bot.add_dynamic_items(FaultyDynamicButton)
    await bot.add_cog(FaultyComponents())
