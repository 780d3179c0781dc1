"""Privacy: `/privacy export` gives a member everything Agora holds about them, `/privacy forget` deletes
it, across every feature, through the stores each feature registers (agora/privacy.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.privacy.cog import PrivacyCog

if TYPE_CHECKING:
    from agora.client import Agora


async def setup(bot: Agora) -> None:
    await bot.add_cog(PrivacyCog(bot))
