"""Who may do what: member, organiser, admin — one check used by every cog.

Discord may hide a command from members (`default_permissions`), but a server admin can change that
in the integration settings, so the check always runs again on the bot's side.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any, TypeVar

import discord
from discord import app_commands

from agora.errors import NotAllowed

T = TypeVar("T")


class Rank(IntEnum):
    member = 0
    organiser = 1
    admin = 2


def is_organiser_role(role: discord.Role, configured: str | None) -> bool:
    if not configured:
        return False
    return str(role.id) == configured or role.name.casefold() == configured.casefold()


def rank_of(
    member: discord.Member | discord.User,
    permissions: discord.Permissions,
    organiser_role: str | None,
) -> Rank:
    """The member's rank; `permissions` are the member's resolved permissions where they act."""
    if permissions.administrator or permissions.manage_guild:
        return Rank.admin
    if permissions.manage_events:
        return Rank.organiser
    roles = getattr(member, "roles", [])
    if any(is_organiser_role(role, organiser_role) for role in roles):
        return Rank.organiser
    return Rank.member


def find_organiser_role(guild: discord.Guild, configured: str | None) -> discord.Role | None:
    if not configured:
        return None
    return next((role for role in guild.roles if is_organiser_role(role, configured)), None)


def interaction_rank(interaction: discord.Interaction) -> Rank:
    if interaction.guild is None:
        return Rank.member
    settings = interaction.client.settings  # type: ignore[attr-defined]
    return rank_of(interaction.user, interaction.permissions, settings.organiser_role)


def ensure_rank(interaction: discord.Interaction, needed: Rank) -> None:
    """Raise `NotAllowed` unless the person holds `needed`; used by commands, buttons and modals."""
    if interaction.guild is None:
        raise NotAllowed("errors.guild_only")
    if interaction_rank(interaction) < needed:
        raise NotAllowed(f"errors.needs_{needed.name}")


def requires(needed: Rank) -> Callable[[T], T]:
    """Decorator for app commands: refuse, ephemerally and changing nothing, below `needed`."""

    def predicate(interaction: discord.Interaction[Any]) -> bool:
        ensure_rank(interaction, needed)
        return True

    return app_commands.check(predicate)


async def still_member(
    interaction: discord.Interaction[Any], guild_id: int, *, trust_interaction: bool
) -> bool:
    """Whether the person behind `interaction` is a member of the server `guild_id` now.

    An interaction from that server carries its member (`trust_interaction`); from a DM, a form opened
    before leaving the server or a forged click, it is asked of Discord.
    """
    here = interaction.guild_id == guild_id and isinstance(interaction.user, discord.Member)
    if trust_interaction and here:
        return True
    guild = interaction.client.get_guild(guild_id)
    if guild is None:
        return False
    try:
        await guild.fetch_member(interaction.user.id)
    except discord.NotFound:
        return False
    return True
