"""A member's data: what each feature holds about a member, how to give it to them, how to delete it.

Every store that keeps anything about a member implements `MemberData` and is registered on the bot's
`MemberDataRegistry` when its feature loads. `/privacy export` and `/privacy forget` go through the
registry alone, so no feature reaches into another's store, and a test holds every table with a
member's id against the registered `member_columns`: a new table cannot be forgotten silently.

Forgetting runs every store's deletions in one write transaction, so a member is forgotten
everywhere or, if anything fails, nowhere (and can ask again).

Light on purpose: importing this module imports neither discord nor aiosqlite.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import aiosqlite
    import discord

    from agora.database import Database

log = logging.getLogger(__name__)

# A JSON value: what an export holds (numbers, strings, lists and objects of them).
Exported = dict[str, Any]

# Asking about one's own data records nothing new about the member (their language included): a
# command says so with `extras={QUIET: True}`, a button or select with a custom_id starting QUIET_PREFIX.
QUIET = "agora.privacy.quiet"
QUIET_PREFIX = "privacy:"


@runtime_checkable
class MemberData(Protocol):
    """A store holding member data; `section` names its part of an export (e.g. "polls")."""

    section: str
    # Each table holding a member's id, with the columns that hold it: `{"poll_votes": ("user_id",)}`.
    member_columns: Mapping[str, tuple[str, ...]]
    # A catalogue key naming what forgetting keeps on purpose (shown when a member asks), or None.
    keeps: str | None

    async def export_member(self, user_id: int) -> Exported:
        """Everything this store holds about the member, as JSON values (ids as strings)."""
        ...

    async def forget_member(self, connection: aiosqlite.Connection, user_id: int) -> int:
        """Delete (or, where the row belongs to the server, unlink) the member's data inside the
        caller's transaction; returns how many rows changed."""
        ...

    def member_forgotten(self, user_id: int) -> None:
        """After the transaction committed: drop what the store caches about the member."""
        ...


# The conversation that asks a member to confirm, then forgets them: offered by the privacy feature,
# so that an alias in another feature (`/feedback forget`) runs exactly the same one.
ForgetConversation = Callable[["discord.Interaction[Any]"], Awaitable[None]]


class MemberDataRegistry:
    """The one place member data is found: the stores registered by the features loaded."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._holders: dict[str, MemberData] = {}
        self._conversation: ForgetConversation | None = None

    def register(self, holder: MemberData) -> None:
        if not isinstance(holder, MemberData):
            raise TypeError(f"{type(holder).__name__} does not implement MemberData")
        known = self._holders.get(holder.section)
        if known is not None and known is not holder:
            raise ValueError(f"two stores export the section {holder.section!r}")
        self._holders[holder.section] = holder

    def unregister(self, holder: MemberData) -> None:
        if self._holders.get(holder.section) is holder:
            del self._holders[holder.section]

    @property
    def holders(self) -> list[MemberData]:
        return [self._holders[section] for section in sorted(self._holders)]

    def member_columns(self) -> dict[str, tuple[str, ...]]:
        """Every registered table and the columns holding a member's id in it."""
        columns: dict[str, tuple[str, ...]] = {}
        for holder in self.holders:
            for table, names in holder.member_columns.items():
                columns[table] = tuple(sorted({*columns.get(table, ()), *names}))
        return columns

    async def export(self, user_id: int) -> Exported:
        """Each section's data, in section order; a section with nothing about the member is empty."""
        return {holder.section: await holder.export_member(user_id) for holder in self.holders}

    async def forget(self, user_id: int) -> dict[str, int]:
        """Rows changed per section, all in one transaction: everywhere or, on any failure, nowhere."""
        holders = self.holders
        async with self.database.transaction() as connection:
            changed = {holder.section: await holder.forget_member(connection, user_id) for holder in holders}
        for holder in holders:  # committed: every cache is dropped, even if one of them fails
            try:
                holder.member_forgotten(user_id)
            except Exception:
                log.exception("%s: could not drop what it caches about member %s", holder.section, user_id)
        return changed

    def offer_conversation(self, conversation: ForgetConversation | None) -> None:
        """Set (or, with None, withdraw) the conversation `ask_to_forget` runs."""
        self._conversation = conversation

    async def ask_to_forget(self, interaction: discord.Interaction[Any]) -> None:
        if self._conversation is None:
            raise RuntimeError("no feature offers the conversation that forgets a member")
        await self._conversation(interaction)


def quiet(interaction: discord.Interaction[Any]) -> bool:
    """Whether `interaction` is a member asking about their own data (see QUIET)."""
    command = interaction.command
    if command is not None and command.extras.get(QUIET):
        return True
    custom_id = (interaction.data or {}).get("custom_id")
    return isinstance(custom_id, str) and custom_id.startswith(QUIET_PREFIX)


def snowflake(value: int | None) -> str | None:
    """A Discord id for an export: a string, since snowflakes exceed the integers JavaScript reads."""
    return None if value is None else str(value)


def iso_time(seconds: int | None) -> str | None:
    """Epoch seconds as ISO-8601 UTC (`2026-12-03T10:30:00Z`), for an export."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).isoformat().replace("+00:00", "Z")
