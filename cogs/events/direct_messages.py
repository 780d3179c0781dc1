"""Direct messages to members about an event (offers, reminders, moves, calls): sent one way, and a
member they cannot reach told apart from a failure worth retrying or logging louder."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

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
    embed: discord.Embed | None = None,
) -> None:
    """`text` to the member, pinging no one. `Unreachable` when Discord refuses for good (403, 404);
    any other `discord.HTTPException` passes through."""
    extra: dict[str, Any] = {}
    if view is not None:
        extra["view"] = view
    if file is not None:
        extra["file"] = file
    if embed is not None:
        extra["embed"] = embed
    try:
        user = bot.get_user(user_id) or await bot.fetch_user(user_id)
        await user.send(text, allowed_mentions=NO_PINGS, **extra)
    except (discord.Forbidden, discord.NotFound) as refused:
        raise Unreachable(f"{refused.status} {refused.code}") from None


async def tell(
    bot: Agora,
    user_id: int,
    text: str,
    *,
    event_id: int,
    what: str,
    view: discord.ui.View | None = None,
    file: discord.File | None = None,
) -> bool:
    """A DM that is news only (a reminder, a move, the feedback call): whether it went. A member it
    cannot reach, or a failure, is logged (ids only) and not retried: its claim is spent."""
    try:
        await send_dm(bot, user_id, text, view=view, file=file)
    except Unreachable as why:
        log.info("event %s: %s not sent to member %s (%s)", event_id, what, user_id, why)
        return False
    except discord.HTTPException as error:
        log.warning("event %s: %s to member %s failed (%s)", event_id, what, user_id, error.status)
        return False
    return True
