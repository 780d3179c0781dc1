"""Helpers shared by the poll store's tests (the `poll_store` fixture is in conftest.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from cogs.polls.store import NewPoll, Poll, PollStore

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


async def new_poll(store: PollStore, **changes: object) -> Poll:
    """A poll with options A, B, C, posted (its message drawn empty) at NOW."""
    values: dict[str, object] = dict(
        guild_id=1, channel_id=2, author_id=3, question="Q ?", options=("A", "B", "C")
    )
    values.update(changes)
    poll = await store.create(NewPoll(**values), NOW)  # type: ignore[arg-type]
    await store.set_message(poll.id, 99)
    return await store.get(poll.id)
