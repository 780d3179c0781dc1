"""Register clicks, decided together and written in one transaction, and nowhere else their SQL.

When registration opens, hundreds of members click within seconds. One transaction per click costs
about six statements, each a hop to aiosqlite's thread: on the event loop that, not SQLite, is what a
click costs. So the clicks that arrive while a batch is written wait (agora/batching.py), and the next
batch takes them together: inside one write transaction it reads, for each event clicked, its state
and how its places are taken, and the rows the clicking members already have; it decides every click
in click order in memory (`Tally`), inserts the new rows, and commits. A member hears "registered" or
"waiting N" only after that commit; if anything fails, nothing of the batch was written and each of
its clicks gets the error.

Nothing is kept in memory between batches: each reads what it decides on inside its own transaction,
so cancellations, offers, confirmations, lapsed holds, new places, a closed event or a forgotten
member (each in its own transaction, serialised with the batches by the database's write lock) are
always seen, and there are never more places taken than places.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from agora.batching import Batcher
from cogs.events.registration.model import Change, Clicked, Place, RegistrationRefused
from cogs.events.registration.waitlist_store import EventState

if TYPE_CHECKING:
    import aiosqlite

    from agora.database import Database


@dataclass(frozen=True, slots=True)
class Click:
    event_id: int
    user_id: int
    now: int
    guild_id: int | None  # the server it came from, checked against the event's; None: not checked


# As inserted: event, member, status, queue, clicked_at, registered_at.
Row = tuple[int, int, str, int, int, int | None]


@dataclass(slots=True)
class Tally:
    """One event as a batch sees it: read inside the batch's transaction, then updated click by click."""

    event_id: int
    guild_id: int | None
    name: str
    state: EventState | None  # None: an event Agora does not follow
    registered: int
    offered: int
    waiting: int
    last_queue: int
    members: dict[int, tuple[str, int | None]] = field(default_factory=dict)  # member → status, position

    def click(self, click: Click) -> tuple[Clicked, Row]:
        """What the click did and the row to insert, or `RegistrationRefused` (as `register` words it;
        a click naming an event of another server, or one not followed, gets `errors.stale_component`)."""
        user_id, now = click.user_id, click.now
        if click.guild_id is not None and (self.state is None or click.guild_id != self.guild_id):
            raise RegistrationRefused("errors.stale_component")
        known = self.members.get(user_id)
        if known is not None:
            status, position = known
            if status == "waiting":
                raise RegistrationRefused("events.register.error.already_waiting", position=position)
            raise RegistrationRefused(f"events.register.error.already_{status}")
        if self.state is None or not self.state.open_at(now):
            raise RegistrationRefused("events.register.error.closed")
        places = self.state.places
        free = (places is None or self.registered + self.offered < places) and self.waiting == 0
        self.last_queue += 1
        if free:
            self.registered += 1
            position = None
        else:
            self.waiting += 1
            position = self.waiting
        status = "registered" if free else "waiting"
        self.members[user_id] = (status, position)
        row = (self.event_id, user_id, status, self.last_queue, now, now if free else None)
        place = Place(self.event_id, user_id, status, position, now, None)
        return Clicked(Change(place), self.name, self.state.starts_at), row


async def tally(db: aiosqlite.Connection, event_id: int, user_ids: Sequence[int]) -> Tally:
    """The event's state and counts, and the rows these members have, in one read each."""
    # execute_fetchall: one hop to aiosqlite's thread where execute, fetchone and close take three.
    found = await db.execute_fetchall(
        "SELECT e.starts_at, e.status, r.places, r.deadline, r.closed_at, c.registered, c.offered, "
        "c.waiting, c.last_queue, e.name, e.guild_id "
        "FROM events e LEFT JOIN event_registration r ON r.event_id = e.id, "
        "(SELECT COALESCE(SUM(status = 'registered'), 0) AS registered, "
        "COALESCE(SUM(status = 'offered'), 0) AS offered, COALESCE(SUM(status = 'waiting'), 0) AS waiting, "
        "COALESCE(MAX(queue), 0) AS last_queue FROM event_registrations WHERE event_id = ?) c "
        "WHERE e.id = ?",
        (event_id, event_id),
    )
    state: EventState | None = None
    registered = offered = waiting = last_queue = 0
    name, guild_id = "", None
    if found:  # else not followed: every click is refused
        (event,) = found
        state = EventState(*event[:5])
        registered, offered, waiting, last_queue = (int(n) for n in event[5:9])
        name, guild_id = str(event["name"]), int(event["guild_id"])
    members = sorted(set(user_ids))
    rows = await db.execute_fetchall(
        "SELECT r.user_id, r.status, CASE r.status WHEN 'waiting' THEN (SELECT COUNT(*) FROM "  # noqa: S608 — placeholders only
        "event_registrations w WHERE w.event_id = r.event_id AND w.status = 'waiting' "
        "AND w.queue <= r.queue) END FROM event_registrations r "
        f"WHERE r.event_id = ? AND r.user_id IN ({', '.join('?' * len(members))})",
        (event_id, *members),
    )
    return Tally(
        event_id,
        guild_id,
        name,
        state,
        registered,
        offered,
        waiting,
        last_queue,
        {int(r[0]): (str(r[1]), r[2]) for r in rows},
    )


class RegistrationClicks:
    def __init__(self, database: Database) -> None:
        self.database = database
        self._batches: Batcher[Click, Clicked] = Batcher(self._write, name="registration-clicks")

    async def register(self, click: Click) -> Clicked:
        return await self._batches.submit(click)

    async def _write(self, clicks: Sequence[Click]) -> list[Clicked | Exception]:
        outcomes: list[Clicked | Exception] = []
        rows: list[Row] = []
        async with self.database.transaction() as db:
            tallies: dict[int, Tally] = {}
            for event_id in dict.fromkeys(click.event_id for click in clicks):
                members = [click.user_id for click in clicks if click.event_id == event_id]
                tallies[event_id] = await tally(db, event_id, members)
            for click in clicks:
                try:
                    clicked, row = tallies[click.event_id].click(click)
                except RegistrationRefused as refusal:
                    outcomes.append(refusal)
                    continue
                outcomes.append(clicked)
                rows.append(row)
            if rows:
                await db.executemany(
                    "INSERT INTO event_registrations (event_id, user_id, status, queue, clicked_at, "
                    "registered_at) VALUES (?, ?, ?, ?, ?, ?)",
                    rows,
                )
        return outcomes
