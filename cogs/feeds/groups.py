"""The feeds' slash command group, `/feed`, apart from the cog: the modules that hold its commands
(cog.py, and the `<thing>_commands.py` mixins it is made of) decorate their methods with
`@feed.command(...)`, and the cog binds every one of them to itself when it is created."""

from __future__ import annotations

import discord
from discord import app_commands

feed = app_commands.Group(
    name="feed",
    description="Follow the community's blogs and share each new article.",
    guild_only=True,
    default_permissions=discord.Permissions(manage_events=True),
)
