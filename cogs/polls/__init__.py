"""Polls: one-click private votes, deadlines, live tallies and a library of ready-made topics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.polls.cog import PollsCog
from cogs.polls.pulse import PollsPulseCog
from cogs.polls.topics import TopicLibrary
from cogs.polls.views import ClosePollButton, VoteButton

if TYPE_CHECKING:
    from agora.client import Agora


async def setup(bot: Agora) -> None:
    bot.add_dynamic_items(VoteButton, ClosePollButton)
    cog = PollsCog(bot, TopicLibrary.load())
    await bot.add_cog(cog)
    # The digest's polls and the engagement report's, on bot.pulse until the feature unloads.
    await bot.add_cog(PollsPulseCog(bot, cog.store))
