"""Announcements: organisers compose, preview, schedule and publish (once, or every day, week or month)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.announcements.cog import AnnouncementsCog
from cogs.announcements.views import FORM_ID, PreviewButton

if TYPE_CHECKING:
    from agora.client import Agora


async def setup(bot: Agora) -> None:
    bot.add_dynamic_items(PreviewButton)
    cog = AnnouncementsCog(bot)
    bot.forms.answer(FORM_ID, cog.answer_form)  # read from its submission alone: see views.py
    await bot.add_cog(cog)


async def teardown(bot: Agora) -> None:
    bot.forms.withdraw(FORM_ID)
