"""Holds the events' digest sections and engagement figures on `bot.pulse` while the events feature is
loaded: a cog of its own, as each feature's part of the pulse has, so that unloading the feature
withdraws them too."""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord.ext import commands

from agora.channels import readable_by_everyone
from cogs.events.answer_store import AnswerStore
from cogs.events.pulse.digest_part import EventsDigest
from cogs.events.pulse.engagement_part import EventsEngagement
from cogs.events.pulse.pulse_store import PulseStore
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora


class EventsPulseCog(commands.Cog):
    def __init__(self, bot: Agora, events: EventStore, answers: AnswerStore) -> None:
        self.bot = bot
        store = PulseStore(bot.database)
        self.digest = EventsDigest(events, answers, store, readable_by_everyone(bot))
        self.engagement = EventsEngagement(answers, store)

    async def cog_load(self) -> None:
        self.bot.pulse.join(self.digest, self.engagement)

    async def cog_unload(self) -> None:
        self.bot.pulse.leave(self.digest, self.engagement)
