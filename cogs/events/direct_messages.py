"""Direct messages to members about an event (offers, reminders, moves, calls): sent one way, and a
member they cannot reach told apart from a failure worth retrying or logging louder."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from agora.client import Agora

NO_PINGS = discord.AllowedMentions.none()


class Unreachable(Exception):
    """A member no DM reaches: DMs closed to the bot, an account gone, no longer on the server."""


async def send_dm(
    bot: Agora,
    user_id: int,
    text: str,
    *,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
) -> None:
    """`text` to the member, pinging no one. `Unreachable` when Discord refuses for good (403, 404);
    any other `discord.HTTPException` passes through."""
    extra: dict[str, Any] = {}
    if view is not None:
        extra["view"] = view
    if file is not None:
        extra["file"] = file
    try:
        user = bot.get_user(user_id) or await bot.fetch_user(user_id)
        await user.send(text, allowed_mentions=NO_PINGS, **extra)
    except (discord.Forbidden, discord.NotFound) as refused:
        raise Unreachable(f"{refused.status} {refused.code}") from None
