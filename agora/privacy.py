"""A member's data: what each feature holds about a member, how to give it to them, how to delete it.

Every store that keeps anything about a member implements `MemberData` and is registered on the bot's
`MemberDataRegistry` when its feature loads. `/privacy export` and `/privacy forget` go through the
registry alone, so no feature reaches into another's store, and a test holds every table with a
member's id against the registered `member_columns`: a new table cannot be forgotten silently.

Forgetting runs every store's deletions in one write transaction, so a member is forgotten
everywhere or, if anything fails, nowhere (and can ask again).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import aiosqlite

    from agora.database import Database

# A JSON value: what an export holds (numbers, strings, lists and objects of them).
Exported = dict[str, Any]


@runtime_checkable
class MemberData(Protocol):
    """A store holding member data; `section` names its part of an export (e.g. "polls")."""

    section: str
    # Each table holding a member's id, with the columns that hold it: `{"poll_votes": ("user_id",)}`.
    member_columns: Mapping[str, tuple[str, ...]]

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


class MemberDataRegistry:
    """The one place member data is found: the stores registered by the features loaded."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._holders: dict[str, MemberData] = {}

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
        for holder in holders:
            holder.member_forgotten(user_id)
        return changed
