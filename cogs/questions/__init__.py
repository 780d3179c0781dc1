"""Live Q&A: during an event, a board of the questions the room votes up, asked in a thread, moderated by
the organisers and the session's speaker, and kept for the event's report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cogs.questions.cog import QuestionsCog
from cogs.questions.pulse import QuestionsPulseCog
from cogs.questions.rules import FORM_ID
from cogs.questions.views import AskButton, ModerationButton, VoteButton

if TYPE_CHECKING:
    from agora.client import Agora


async def setup(bot: Agora) -> None:
    bot.add_dynamic_items(AskButton, VoteButton, ModerationButton)
    cog = QuestionsCog(bot)
    bot.forms.answer(FORM_ID, cog.desk.submit)  # read from its submission alone: see views.py
    await bot.add_cog(cog)
    # The engagement report's askers and voters, on bot.pulse until the feature unloads.
    await bot.add_cog(QuestionsPulseCog(bot))


async def teardown(bot: Agora) -> None:
    bot.forms.withdraw(FORM_ID)
