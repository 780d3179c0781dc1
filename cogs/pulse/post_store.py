"""The pulse's posts (`pulse_posts`): the weekly digest and the monthly engagement report, each posted once
per guild and period across restarts; and the problems organisers were told about once
(`pulse_notices`). The SQL of both, and nowhere else.

A post is claimed ('posting') in a write transaction before it is sent, then marked posted or skipped,
or released when the attempt failed and should be tried again. A row found 'posting' that this store did
not claim itself was left by an attempt that never finished (the bot stopped mid-post): its claimant
owns it again, and looks for the post in the channel before sending it a second time
(agora.channels.find_own_post). One Agora at a time runs on a database (agora.database's lock), so
"not claimed by this store" means "claimed by a process that has ended" — provided one store serves
each kind of post in the process, which is why the claims in flight are kept on the instance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from agora.database import Database

PostKind = Literal["digest", "engagement"]
PostState = Literal["posting", "posted", "skipped"]


@dataclass(frozen=True, slots=True)
class Claim:
    """The answer to a claim. `owned`: the caller posts it (and records the outcome). `interrupted`: an
    earlier attempt left it 'posting', so the caller looks for that post before sending again. When not
    owned, `state` says why: 'posted', 'skipped', or 'posting' (another attempt of this process is
    under way)."""

    owned: bool
    interrupted: bool = False
    state: PostState | None = None


@dataclass(frozen=True, slots=True)
class Posted:
    """A post made: where, when, and (for a digest) the end of the span it covered."""

    period: str
    channel_id: int | None
    message_id: int | None
    at: int
    until: int | None


class PostStore:
    def __init__(self, database: Database) -> None:
        self.database = database
        # Claims this store holds right now, so a second attempt in this process is refused rather
        # than taken for an interrupted one.
        self._in_flight: set[tuple[int, str, str]] = set()

    async def claim(
        self,
        guild_id: int,
        kind: PostKind,
        period: str,
        now: int,
        *,
        until: int | None = None,
        retake_skipped: bool = False,
    ) -> Claim:
        """Claim the post of `period` in one write transaction (see the module's docstring). `until`:
        the end of the span it covers (a digest), kept from the claim on, so an attempt left
        interrupted can be looked for and settled (`interrupted`). `retake_skipped`: a period skipped
        for good is claimed all the same (an organiser asks for that post now)."""
        key = (guild_id, kind, period)
        if key in self._in_flight:
            return Claim(owned=False, state="posting")
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO pulse_posts (guild_id, kind, period, state, at, until) "
                "VALUES (?, ?, ?, 'posting', ?, ?) ON CONFLICT (guild_id, kind, period) DO NOTHING",
                (guild_id, kind, period, now, until),
            )
            if cursor.rowcount == 0 and retake_skipped:
                cursor = await db.execute(
                    "UPDATE pulse_posts SET state = 'posting', at = ?, reason = NULL "
                    "WHERE guild_id = ? AND kind = ? AND period = ? AND state = 'skipped'",
                    (now, guild_id, kind, period),
                )
            if cursor.rowcount == 1:
                self._in_flight.add(key)
                return Claim(owned=True)
            cursor = await db.execute(
                "SELECT state FROM pulse_posts WHERE guild_id = ? AND kind = ? AND period = ?",
                (guild_id, kind, period),
            )
            row = await cursor.fetchone()
            state: PostState = str(row[0]) if row else "posting"  # type: ignore[assignment]
            if state != "posting":
                return Claim(owned=False, state=state)
            # Looked at again within the transaction: a claim of this process made while this one
            # waited for it is under way, not interrupted.
            if key in self._in_flight:
                return Claim(owned=False, state="posting")
            self._in_flight.add(key)
        return Claim(owned=True, interrupted=True)

    async def mark_posted(
        self,
        guild_id: int,
        kind: PostKind,
        period: str,
        channel_id: int,
        message_id: int,
        now: int,
        *,
        until: int | None = None,
    ) -> None:
        """Posted in `channel_id` as `message_id`; `until`: the end of the span it covered (a digest)."""
        await self._finish(
            "UPDATE pulse_posts SET state = 'posted', channel_id = ?, message_id = ?, at = ?, until = ?, "
            "reason = NULL WHERE guild_id = ? AND kind = ? AND period = ?",
            (channel_id, message_id, now, until, guild_id, kind, period),
            (guild_id, kind, period),
        )

    async def mark_skipped(self, guild_id: int, kind: PostKind, period: str, reason: str, now: int) -> None:
        """Not posted, for good: `reason` is a short code ('empty', 'late', 'channel'…). Recorded whether
        or not it was claimed first."""
        await self._finish(
            "INSERT INTO pulse_posts (guild_id, kind, period, state, at, reason) "
            "VALUES (?, ?, ?, 'skipped', ?, ?) ON CONFLICT (guild_id, kind, period) DO UPDATE SET "
            "state = 'skipped', at = excluded.at, reason = excluded.reason WHERE state = 'posting'",
            (guild_id, kind, period, now, reason),
            (guild_id, kind, period),
        )

    async def release(self, guild_id: int, kind: PostKind, period: str) -> None:
        """The attempt failed before anything was posted: the claim goes, and the next pass tries again."""
        await self._finish(
            "DELETE FROM pulse_posts WHERE guild_id = ? AND kind = ? AND period = ? AND state = 'posting'",
            (guild_id, kind, period),
            (guild_id, kind, period),
        )

    def leave(self, guild_id: int, kind: PostKind, period: str) -> None:
        """The attempt ended without knowing whether its post went out (the connection broke, the bot
        is stopping): the claim stays 'posting' in the database, so the next claim, in this process or
        the next, is told it was interrupted and looks for the post before sending it again."""
        self._in_flight.discard((guild_id, kind, period))

    async def _finish(self, sql: str, parameters: tuple[object, ...], key: tuple[int, str, str]) -> None:
        try:
            async with self.database.transaction() as db:
                await db.execute(sql, parameters)
        finally:
            self._in_flight.discard(key)

    async def state(self, guild_id: int, kind: PostKind, period: str) -> tuple[PostState, str | None] | None:
        """The period's state and skip reason, or None when it was never claimed."""
        row = await self.database.fetch_one(
            "SELECT state, reason FROM pulse_posts WHERE guild_id = ? AND kind = ? AND period = ?",
            (guild_id, kind, period),
        )
        return (str(row[0]), row[1]) if row else None  # type: ignore[return-value]

    async def first_period(self, guild_id: int, kind: PostKind) -> str | None:
        """The earliest period of `kind` ever claimed, posted or skipped in the guild (periods compare as
        text in the order of time), or None when there is none."""
        row = await self.database.fetch_one(
            "SELECT min(period) FROM pulse_posts WHERE guild_id = ? AND kind = ?", (guild_id, kind)
        )
        return None if row is None or row[0] is None else str(row[0])

    async def posted(self, guild_id: int, kind: PostKind, period: str) -> Posted | None:
        """The post of `period`, if it was posted."""
        row = await self.database.fetch_one(
            "SELECT period, channel_id, message_id, at, until FROM pulse_posts "
            "WHERE guild_id = ? AND kind = ? AND period = ? AND state = 'posted'",
            (guild_id, kind, period),
        )
        return _posted(row) if row is not None else None

    async def interrupted(self, guild_id: int, kind: PostKind) -> list[Posted]:
        """The periods left 'posting' by attempts that ended without knowing whether their post went
        out (not those under way in this process), oldest first: `at` is when each was claimed,
        `until` the end of its span if the claim gave one."""
        rows = await self.database.fetch_all(
            "SELECT period, channel_id, message_id, at, until FROM pulse_posts "
            "WHERE guild_id = ? AND kind = ? AND state = 'posting' ORDER BY at, period",
            (guild_id, kind),
        )
        return [_posted(row) for row in rows if (guild_id, kind, str(row[0])) not in self._in_flight]

    async def last_posted(self, guild_id: int, kind: PostKind) -> Posted | None:
        """The post that covered the latest span (by `until`, else by when it was posted)."""
        row = await self.database.fetch_one(
            "SELECT period, channel_id, message_id, at, until FROM pulse_posts "
            "WHERE guild_id = ? AND kind = ? AND state = 'posted' "
            "ORDER BY COALESCE(until, at) DESC, at DESC LIMIT 1",
            (guild_id, kind),
        )
        return _posted(row) if row is not None else None

    # ---- problems the organisers were told about once ---------------------------------------------

    async def claim_notice(self, guild_id: int, problem: str, now: int) -> bool:
        """True the first time `problem` is raised (since it was last cleared): the caller tells the
        organisers. False while they have been told already."""
        async with self.database.transaction() as db:
            cursor = await db.execute(
                "INSERT INTO pulse_notices (guild_id, problem, told_at) VALUES (?, ?, ?) "
                "ON CONFLICT (guild_id, problem) DO NOTHING",
                (guild_id, problem, now),
            )
            return cursor.rowcount == 1

    async def clear_notice(self, guild_id: int, problem: str) -> None:
        """The problem went away: if it comes back, the organisers are told again."""
        async with self.database.transaction() as db:
            await db.execute(
                "DELETE FROM pulse_notices WHERE guild_id = ? AND problem = ?", (guild_id, problem)
            )


def _posted(row: Sequence[Any]) -> Posted:
    """A row of (period, channel_id, message_id, at, until)."""
    return Posted(str(row[0]), row[1], row[2], int(row[3]), None if row[4] is None else int(row[4]))
