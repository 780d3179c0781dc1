"""At startup, redraw the poll messages that lag behind their stored votes.

Votes acknowledged inside the 2-second edit window just before a crash are stored but not shown,
and a poll closed just before its message was redrawn still shows its buttons. The store keeps
what each message was last drawn with, so finding them fetches no message.
"""

from __future__ import annotations

import logging
from datetime import datetime

from cogs.polls.editor import CoalescingEditor
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
