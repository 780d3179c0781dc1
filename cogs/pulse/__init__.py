"""The community's pulse: activity counted without reading anyone's messages (activity/), the weekly
digest (digest/) and the engagement report (engagement/).

One cog per part, each added here by one line; the parts meet the other features only through
`bot.pulse` (agora/pulse.py), and each other through the stores they read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.pulse.activity.cog import ActivityCog
from cogs.pulse.digest.cog import DigestCog
from cogs.pulse.engagement.cog import EngagementCog

if TYPE_CHECKING:
    from agora.client import Agora


async def setup(bot: Agora) -> None:
    await bot.add_cog(ActivityCog(bot))
    await bot.add_cog(DigestCog(bot))
    await bot.add_cog(EngagementCog(bot))


async def teardown(bot: Agora) -> None:
    """discord.py removes this package's cogs itself when it is unloaded (each one's cog_unload flushes
    or unregisters what it holds); anything registered here beside a cog is undone here."""
