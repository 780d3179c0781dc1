"""The poll store's vote half: votes decided in memory, in order, then written together to SQLite.

The bot is the database's only writer, so what members hold can be kept in memory once read: a click
is decided without a round trip, and every click that arrived meanwhile is written in one
transaction. A member hears what was recorded only after that transaction committed; if it fails,
the memory is left as it was and every click of the batch gets the error.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime

from agora.clock import epoch
from agora.database import Database

Held = dict[int, int]  # position → voted_at


@dataclass(frozen=True, slots=True)
class Ballot:
    """What a member holds after a click, and what the click did."""

    positions: tuple[int, ...]
    action: str  # "added", "moved", "withdrawn"


class PollClosed(Exception):
    pass


class PollNotFound(Exception):
    pass


class TooManyChoices(Exception):
    def __init__(self, held: tuple[int, ...]) -> None:
        super().__init__(held)
        self.held = held


@dataclass(slots=True)
class PollState:
    choices: int
    options: int
    closes_at: int | None
    closed: bool
    held: dict[int, Held] = field(default_factory=dict)  # user → what they hold


def decide(state: PollState, held: Held, position: int, now: datetime) -> tuple[Held, Ballot]:
    """The click's outcome; raises for a closed poll, an unknown option or a full ballot."""
    if state.closed or (state.closes_at is not None and epoch(now) >= state.closes_at):
        raise PollClosed
    if not 0 <= position < state.options:
        raise PollNotFound
    if position in held:
        after = {p: t for p, t in held.items() if p != position}
        return after, Ballot(tuple(sorted(after)), "withdrawn")
    if state.choices == 1 and held:
        return {position: epoch(now)}, Ballot((position,), "moved")
    if len(held) >= state.choices:
        raise TooManyChoices(tuple(sorted(held)))
    after = {**held, position: epoch(now)}
    return after, Ballot(tuple(sorted(after)), "added")


Click = tuple[int, int, int, datetime]  # poll, user, position, when


class BallotBox:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.polls: dict[int, PollState] = {}
        self._queued: list[tuple[Click, asyncio.Future[Ballot]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def vote(self, poll_id: int, user_id: int, position: int, now: datetime) -> Ballot:
        future: asyncio.Future[Ballot] = asyncio.get_running_loop().create_future()
        self._queued.append(((poll_id, user_id, position, now), future))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain(), name="poll-votes")
        return await future

    def forget(self, poll_id: int | None = None) -> None:
        """Drop what memory holds (of one poll, or of all): it is read again from SQLite."""
        if poll_id is None:
            self.polls.clear()
        else:
            self.polls.pop(poll_id, None)

    async def _state(self, poll_id: int) -> PollState:
        state = self.polls.get(poll_id)
        if state is None:
            row = await self.database.fetch_one(
                "SELECT choices, closes_at, closed_at IS NOT NULL AS closed, "
                "(SELECT count(*) FROM poll_options WHERE poll_id = polls.id) AS options "
                "FROM polls WHERE id = ?",
                (poll_id,),
            )
            if row is None:
                raise PollNotFound
            state = PollState(row["choices"], row["options"], row["closes_at"], bool(row["closed"]))
            for vote in await self.database.fetch_all(
                "SELECT user_id, position, voted_at FROM poll_votes WHERE poll_id = ?", (poll_id,)
            ):
                state.held.setdefault(vote["user_id"], {})[vote["position"]] = vote["voted_at"]
            self.polls[poll_id] = state
        return state

    async def _drain(self) -> None:
        while self._queued:
            batch, self._queued = self._queued, []
            changed: dict[tuple[int, int], Held] = {}  # the batch's overlay on memory
            outcomes: list[tuple[asyncio.Future[Ballot], Ballot | Exception]] = []
            try:
                async with self.database.transaction() as connection:
                    for (poll_id, user_id, position, now), future in batch:
                        try:
                            state = await self._state(poll_id)
                            held = changed.get((poll_id, user_id), state.held.get(user_id, {}))
                            after, ballot = decide(state, held, position, now)
                        except (PollClosed, PollNotFound, TooManyChoices) as refusal:
                            outcomes.append((future, refusal))
                            continue
                        changed[(poll_id, user_id)] = after
                        outcomes.append((future, ballot))
                    await connection.executemany(
                        "DELETE FROM poll_votes WHERE poll_id = ? AND user_id = ?", list(changed)
                    )
                    await connection.executemany(
                        "INSERT INTO poll_votes (poll_id, position, user_id, voted_at) VALUES (?, ?, ?, ?)",
                        [
                            (poll_id, position, user_id, voted_at)
                            for (poll_id, user_id), held in changed.items()
                            for position, voted_at in held.items()
                        ],
                    )
            except Exception as error:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (poll_id, user_id), held in changed.items():
                state = self.polls.get(poll_id)
                if state is not None:
                    if held:
                        state.held[user_id] = held
                    else:
                        state.held.pop(user_id, None)
            for future, outcome in outcomes:
                if future.done():
                    continue
                if isinstance(outcome, Exception):
                    future.set_exception(outcome)
                else:
                    future.set_result(outcome)
