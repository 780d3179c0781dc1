"""At startup, redraw the poll messages that lag behind their stored votes.

Votes acknowledged inside the 2-second edit window just before a crash are stored but not shown,
and a poll closed just before its message was redrawn still shows its buttons. The store keeps
what each message was last drawn with, so finding them fetches no message. A message Discord will not
let the bot edit (deleted, or out of its reach) is recorded as such, so it is not tried at every start.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

import discord

from agora.coalescing import CoalescingEditor
from cogs.polls.store import PollStore

log = logging.getLogger(__name__)


async def redraw_behind(store: PollStore, editor: CoalescingEditor, now: datetime) -> None:
    """Each goes through the editor, so a redraw and a vote arriving meanwhile share one edit."""
    try:
        behind = await store.shown_behind(now)
    except Exception:
        # The caller's deadline pass comes next and must run regardless.
        log.exception("could not check which polls need redrawing")
        return
    if behind:
        log.info("redrawing %d poll message(s) behind their votes", len(behind))
    for poll_id in behind:
        editor.request(poll_id)


def giving_up_on_unreachable(
    store: PollStore, refresh: Callable[[int], Awaitable[None]]
) -> Callable[[int], Awaitable[None]]:
    """`refresh`, for the editor: a message deleted (404) or forbidden (403) is recorded as unreachable
    and logged once, rather than edited again, and logged as an error, at every start."""

    async def apply(poll_id: int) -> None:
        try:
            await refresh(poll_id)
        except (discord.NotFound, discord.Forbidden) as refused:
            log.warning(
                "poll %s: its message cannot be edited (%s %s), no longer redrawn",
                poll_id,
                refused.status,
                refused.code,
            )
            await store.record_unreachable(poll_id)

    return apply
