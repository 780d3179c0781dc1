"""The events' slash command groups, `/event` and `/feedback`, apart from the cog: the modules that
hold its commands (cog.py, and the `<thing>_commands.py` mixins it is made of) decorate their methods
with `@event.command(...)`, and the cog binds every one of them to itself when it is created."""

from __future__ import annotations

from discord import app_commands

event = app_commands.Group(name="event", description="Events and their feedback.", guild_only=True)
feedback = app_commands.Group(name="feedback", description="Your feedback after events.", guild_only=True)
