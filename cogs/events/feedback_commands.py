"""`/feedback optout|optin|forget` (`/avis …`): a member's say over Agora's DMs about events (reminders
and feedback requests). `/feedback forget` is an alias of `/privacy forget`, reached through the bot's
member data (agora/privacy.py).

A mixin of `EventsCog` (see cogs/events/groups.py): the commands bind to the cog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from agora.errors import send_ephemeral
from agora.privacy import QUIET
from cogs.events.answer_store import AnswerStore
from cogs.events.groups import feedback

if TYPE_CHECKING:
    from agora.client import Agora


class FeedbackCommands:
    if TYPE_CHECKING:
        bot: Agora
        answers: AnswerStore

        def t(self, interaction: discord.Interaction[Any], key: str, **values: Any) -> str: ...

    @feedback.command(name="optout")
    async def optout(self, interaction: discord.Interaction[Agora]) -> None:
        """Stop Agora's direct messages about events: reminders and feedback requests."""
        changed = await self.answers.set_opted_out(interaction.user.id, True, self.bot.clock.now())
        await send_ephemeral(
            interaction, self.t(interaction, "feedback.optout.done" if changed else "feedback.optout.already")
        )

    @feedback.command(name="optin")
    async def optin(self, interaction: discord.Interaction[Agora]) -> None:
        """Receive Agora's direct messages about events again: reminders and feedback requests."""
        changed = await self.answers.set_opted_out(interaction.user.id, False, self.bot.clock.now())
        await send_ephemeral(
            interaction, self.t(interaction, "feedback.optin.done" if changed else "feedback.optin.already")
        )

    @feedback.command(name="forget", extras={QUIET: True})
    async def forget(self, interaction: discord.Interaction[Agora]) -> None:
        """Delete everything Agora holds about you, in every feature, at once (as /privacy forget)."""
        await self.bot.member_data.ask_to_forget(interaction)
