"""The footprint benchmark's baseline: a bare discord.py bot with one slash command, nothing else.

    DISCORD_TOKEN=… AGORA_GUILD_ID=… AGORA_DISCORD_API_URL=… AGORA_DISCORD_GATEWAY_URL=… \
        .venv/bin/python bench/bare_bot.py

Started like `python bot.py` (a process of its own, the same environment variables) and shaped like
Agora where discord.py's own cost is concerned: default intents without message content, its
commands synced to the guild at startup, `/about` answered with an ephemeral embed. It imports
discord.py only: whatever more Agora holds in memory is Agora's.
"""

from __future__ import annotations

import logging
import os

import discord
import yarl
from discord import app_commands
from discord.ext import commands
from discord.gateway import DiscordWebSocket
from discord.http import Route


class BareBot(commands.Bot):
    def __init__(self, guild_id: int) -> None:
        intents = discord.Intents.default()
        intents.message_content = False
        super().__init__(commands.when_mentioned, intents=intents)
        self.guild = discord.Object(guild_id)

    async def setup_hook(self) -> None:
        self.tree.add_command(about, guild=self.guild)
        await self.tree.sync(guild=self.guild)


@app_commands.command(name="about")
async def about(interaction: discord.Interaction) -> None:
    """What this bot is."""
    embed = discord.Embed(title="Bare bot", description="discord.py and nothing else")
    await interaction.response.send_message(embed=embed, ephemeral=True)


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # As bot.point_discord_at does for Agora (imported from there, it would bring Agora's imports).
    Route.BASE = os.environ["AGORA_DISCORD_API_URL"]
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(os.environ["AGORA_DISCORD_GATEWAY_URL"])
    BareBot(int(os.environ["AGORA_GUILD_ID"])).run(os.environ["DISCORD_TOKEN"], log_handler=None)


if __name__ == "__main__":
    main()
