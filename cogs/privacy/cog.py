"""`/privacy export|forget` (`/confidentialite exporter|oublier`): everything Agora holds about a member,
in every feature, given to them as a JSON file or deleted at once. The data is found only through the
stores each feature registers on `bot.member_data` (agora/privacy.py); this feature imports none of them.
`/feedback forget` (events) runs the same conversation, offered to it through the registry."""

from __future__ import annotations

import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from agora.i18n import Words
from agora.privacy import QUIET
from cogs.privacy.render import (
    confirmation_text,
    export_bytes,
    export_document,
    export_summary,
    file_name,
    forgotten_text,
)
from cogs.privacy.views import ForgetConfirmation

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

CONFIRM_TIMEOUT = 120.0  # seconds to press Delete everything; then the buttons are disabled
NO_PINGS = discord.AllowedMentions.none()


class PrivacyCog(commands.Cog):
    privacy = app_commands.Group(
        name="privacy", description="What Agora holds about you: export it, or delete it.", guild_only=True
    )

    def __init__(self, bot: Agora, *, confirm_timeout: float = CONFIRM_TIMEOUT) -> None:
        self.bot = bot
        self.confirm_timeout = confirm_timeout

    async def cog_load(self) -> None:
        self.bot.member_data.offer_conversation(self.ask_to_forget)

    async def cog_unload(self) -> None:
        self.bot.member_data.offer_conversation(None)

    def words(self, interaction: discord.Interaction[Any]) -> Words:
        return self.bot.catalogue.words(interaction.locale)

    def kept(self) -> list[str]:
        """What the registered stores keep on purpose when a member is forgotten (catalogue keys)."""
        return [holder.keeps for holder in self.bot.member_data.holders if holder.keeps]

    # `extras={QUIET: True}`: asking about one's data records nothing new about oneself (agora/privacy.py).
    @privacy.command(name="export", extras={QUIET: True})
    async def export(self, interaction: discord.Interaction[Agora]) -> None:
        """A JSON file of everything Agora holds about you, in every feature (only to you)."""
        await interaction.response.defer(ephemeral=True, thinking=True)
        user_id, now = interaction.user.id, self.bot.clock.now()
        sections = await self.bot.member_data.export(user_id)
        data = export_bytes(export_document(user_id, now, sections))
        await interaction.followup.send(
            export_summary(sections, self.words(interaction)),
            file=discord.File(io.BytesIO(data), filename=file_name(user_id, now)),
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )
        log.info("member %s exported their data", user_id)

    @privacy.command(name="forget", extras={QUIET: True})
    async def forget(self, interaction: discord.Interaction[Agora]) -> None:
        """Delete everything Agora holds about you, in every feature, at once."""
        await self.ask_to_forget(interaction)

    async def ask_to_forget(self, interaction: discord.Interaction[Any]) -> None:
        """The conversation of `/privacy forget` and of its alias `/feedback forget`."""
        words = self.words(interaction)
        view = ForgetConfirmation(
            words, interaction, confirm=self.forget_now, cancel=self.cancel, timeout=self.confirm_timeout
        )
        await interaction.response.send_message(
            confirmation_text(self.kept(), words), view=view, ephemeral=True, allowed_mentions=NO_PINGS
        )

    async def forget_now(self, interaction: discord.Interaction[Any]) -> None:
        """Delete everything pressed: every feature at once, in one transaction (or nothing)."""
        words = self.words(interaction)
        await interaction.response.defer()  # the confirmation itself becomes the answer
        user_id = interaction.user.id
        try:
            changed = await self.bot.member_data.forget(user_id)
        except Exception:
            # Nothing was deleted (rolled back): say so on the confirmation; the error is answered too.
            await interaction.edit_original_response(
                content=words("privacy.forget.failed"), view=None, allowed_mentions=NO_PINGS
            )
            raise
        log.info("member %s was forgotten (%s)", user_id, changed)
        await interaction.edit_original_response(
            content=forgotten_text(changed, self.kept(), words), view=None, allowed_mentions=NO_PINGS
        )

    async def cancel(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.edit_message(
            content=self.words(interaction)("privacy.forget.cancelled"), view=None, allowed_mentions=NO_PINGS
        )
