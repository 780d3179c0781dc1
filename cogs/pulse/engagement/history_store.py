"""The engagement report's one question of the activity tables that the activity part does not ask:
since when Agora has been counting in a server. Read-only; the SQL is here and nowhere else."""

from __future__ import annotations

from agora.database import Database


class HistoryStore:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def counting_since(self, guild_id: int) -> str | None:
        """The first local day ('YYYY-MM-DD') Agora counted anything in the server: a member count or
        a message; None when it never has.

        Either proves Agora was counting that day. The member count is taken every day, a silent one
        too, so it dates the start best; a day's messages stand in for it when the count could not be
        read (Discord gave none)."""
        row = await self.database.fetch_one(
            "SELECT min(day) FROM ("
            "SELECT min(day) AS day FROM member_counts WHERE guild_id = ? "
            "UNION ALL SELECT min(day) FROM activity_days WHERE guild_id = ?)",
            (guild_id, guild_id),
        )
        return row[0] if row else None
