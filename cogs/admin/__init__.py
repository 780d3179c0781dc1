"""Admin: `/about` for everyone, `/config` for admins."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.admin.cog import AdminCog

if TYPE_CHECKING:
    from agora.client import Agora


async def setup(bot: Agora) -> None:
    await bot.add_cog(AdminCog(bot))
