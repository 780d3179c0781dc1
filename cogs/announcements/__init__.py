"""Announcements: organisers compose, preview, schedule and publish (once, or every day, week or month)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.announcements.cog import AnnouncementsCog
from cogs.announcements.views import FORM_ID, PreviewButton

if TYPE_CHECKING:
    from agora.client import Agora


async def setup(bot: Agora) -> None:
    bot.add_dynamic_items(PreviewButton)
    bot.stale_components.claim_form(FORM_ID)  # answered by AnnouncementsCog.on_interaction
    await bot.add_cog(AnnouncementsCog(bot))
