"""What a person sees when something goes wrong, the same for commands, buttons and modals.

A `UserError` carries a catalogue key: the person can fix it, so they get a clear, localised,
ephemeral message. Anything else is logged with the ids that locate it and a short error id, and the
person gets an apology quoting that id — never the exception's text.
"""

from __future__ import annotations

import logging
import secrets
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

if TYPE_CHECKING:
    from agora.i18n import Catalogue

log = logging.getLogger(__name__)


class UserError(app_commands.AppCommandError):
    """Something the person can fix. `key` names the message in the catalogues."""

    def __init__(self, key: str, /, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


class NotAllowed(UserError, app_commands.CheckFailure):
    """The person lacks the rank a command, button or modal requires."""


def new_error_id() -> str:
    return secrets.token_hex(4)


def locate(interaction: discord.Interaction) -> dict[str, int | None]:
    return {
        "guild": interaction.guild_id,
        "channel": interaction.channel_id,
        "user": interaction.user.id if interaction.user else None,
    }


async def send_ephemeral(
    interaction: discord.Interaction,
    content: str,
    *,
    embed: discord.Embed | None = None,
    view: discord.ui.View | None = None,
) -> None:
    """Answer privately whether the interaction is unanswered, answered, or expired."""
    extra: dict[str, Any] = {"embed": embed} if embed is not None else {}
    if view is not None:
        extra["view"] = view
    no_pings = discord.AllowedMentions.none()
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(
                content, ephemeral=True, allowed_mentions=no_pings, **extra
            )
        elif not interaction.is_expired():
            await interaction.followup.send(content, ephemeral=True, allowed_mentions=no_pings, **extra)
        else:
            log.warning("interaction expired before it could be answered %s", locate(interaction))
    except discord.HTTPException:
        log.exception("could not answer interaction %s", locate(interaction))


def message_for(error: Exception, catalogue: Catalogue, interaction: discord.Interaction) -> str:
    """The localised text for an error; unexpected errors are logged here, once, with an id."""
    match error:
        case app_commands.CommandInvokeError() if isinstance(error.original, UserError):
            return message_for(error.original, catalogue, interaction)
        case UserError():
            return catalogue.for_interaction(interaction, error.key, **error.values)
        case app_commands.CommandOnCooldown():
            return catalogue.for_interaction(
                interaction, "errors.cooldown", seconds=max(1, round(error.retry_after))
            )
        case app_commands.NoPrivateMessage():
            return catalogue.for_interaction(interaction, "errors.guild_only")
        case app_commands.TransformerError():
            return catalogue.for_interaction(interaction, "errors.bad_value", value=str(error.value)[:100])
        case app_commands.CheckFailure():
            return catalogue.for_interaction(interaction, "errors.not_allowed")
        case app_commands.CommandNotFound() | app_commands.CommandSignatureMismatch():
            return catalogue.for_interaction(interaction, "errors.command_outdated")
    error_id = new_error_id()
    original = error.original if isinstance(error, app_commands.CommandInvokeError) else error
    log.error(
        "unexpected error %s %s",
        error_id,
        locate(interaction),
        exc_info=(type(original), original, original.__traceback__),
    )
    return catalogue.for_interaction(interaction, "errors.unexpected", error_id=error_id)


async def report(error: Exception, catalogue: Catalogue, interaction: discord.Interaction) -> None:
    await send_ephemeral(interaction, message_for(error, catalogue, interaction))
