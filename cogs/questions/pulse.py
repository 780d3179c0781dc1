"""The live Q&A's part of the community's pulse (agora/pulse.py): who asked or voted on a question, for
the engagement report's active and first-time members, and its "questions" section. The Q&A has no
part in the weekly digest: its questions live and die with the event they were asked at.

Registered on `bot.pulse` while the feature is loaded, by a cog of its own (`QuestionsPulseCog`): unloading
the feature withdraws it too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from discord.ext import commands

from agora.pulse import EngagementPart, Figure, Span, Words
from cogs.questions.pulse_store import QuestionPulseStore

if TYPE_CHECKING:
    from agora.client import Agora

# The engagement report's section; each figure's key is `<section>.<figure>` (questions.asked…).
SECTION = "questions"


class QuestionsPulse:
    """The live Q&A's `EngagementSource`."""

    name = "questions"

    def __init__(self, store: QuestionPulseStore) -> None:
        self.store = store

    async def participants(self, guild_id: int, span: Span) -> frozenset[int]:
        return await self.store.participants(guild_id, span)

    async def engagement(self, guild_id: int, span: Span, words: Words) -> EngagementPart | None:
        counts = await self.store.counts(guild_id, span)
        if not (counts.asked or counts.votes) and not await self.store.any_started(guild_id, span.end):
            return None  # no live Q&A in this server yet: no section of zeros
        # Questions and votes rest on the people behind them: 1 question tells its 1 asker, whom the
        # report shows as "< 3"; the votes of 1 or 2 voters likewise.
        return EngagementPart(
            section=SECTION,
            title=words("questions.pulse.section"),
            figures=(
                Figure(f"{SECTION}.asked", words("questions.pulse.asked"), counts.asked, base=counts.askers),
                Figure(f"{SECTION}.askers", words("questions.pulse.askers"), counts.askers, people=True),
                Figure(f"{SECTION}.votes", words("questions.pulse.votes"), counts.votes, base=counts.voters),
            ),
        )


class QuestionsPulseCog(commands.Cog):
    """Holds the live Q&A's part on `bot.pulse` while the feature is loaded."""

    def __init__(self, bot: Agora) -> None:
        self.bot = bot
        self.part = QuestionsPulse(QuestionPulseStore(bot.database))

    async def cog_load(self) -> None:
        self.bot.pulse.join(self.part)

    async def cog_unload(self) -> None:
        self.bot.pulse.leave(self.part)
