"""From the command to the preview: the options checked before the form opens, the form's answers
stored, the preview shown (or a pending announcement's changes saved)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord

from agora.channels import ChannelUse, posting_problems
from agora.clock import epoch
from agora.components import submitted_values
from agora.errors import UserError
from agora.i18n import Words
from agora.ids import MAX_ID
from agora.permissions import Rank, ensure_rank
from agora.when import read_moment
from cogs.announcements.render import announcement_embed, preview_text
from cogs.announcements.rules import check_content
from cogs.announcements.store import PENDING, Announcement, AnnouncementStore, Content
from cogs.announcements.views import preview_view, submitted_content

if TYPE_CHECKING:
    from agora.client import Agora


class Composer:
    def __init__(self, bot: Agora, store: AnnouncementStore, wake: Callable[[], None]) -> None:
        self.bot = bot
        self.store = store
        self.wake = wake

    def t(self, interaction: discord.Interaction[Any], key: str, **values: Any) -> str:
        return self.bot.catalogue.for_interaction(interaction, key, **values)

    def words(self, interaction: discord.Interaction[Any]) -> Words:
        return self.bot.catalogue.words(interaction.locale)

    def check_options(
        self,
        interaction: discord.Interaction[Agora],
        channel: discord.TextChannel | None,
        when: str | None,
        role: discord.Role | None,
        thread: bool,
        silent: bool,
        every: str | None,
    ) -> tuple[Content, datetime]:
        """Everything but the text, checked before the form opens: a refusal costs nothing typed."""
        target = channel or interaction.channel
        guild = interaction.guild
        if guild is None or not isinstance(target, discord.TextChannel):
            raise UserError("announce.error.text_channel_only")
        mine = target.permissions_for(guild.me)
        problems = posting_problems(
            ChannelUse(target.name, "announce.purpose", target, needs_threads=thread, needs_history=True),
            mine,
        )
        if problems:
            raise UserError(
                "announce.error.cannot_post", channel=target.mention, problem=self.t(interaction, problems[0])
            )
        if role is not None:
            theirs = (
                target.permissions_for(interaction.user)
                if isinstance(interaction.user, discord.Member)
                else None
            )
            needs_everyone = role.is_default() or not role.mentionable
            shown = "@everyone" if role.is_default() else role.mention  # Role.mention would give <@&id>
            if needs_everyone and not (theirs and theirs.mention_everyone):
                raise UserError("announce.error.role_not_allowed", role=shown)
            if needs_everyone and not mine.mention_everyone:
                raise UserError("announce.error.bot_cannot_ping", role=shown, channel=target.mention)
        at = read_moment(when, self.bot.clock.now(), self.bot.settings.timezone)
        settings = Content(
            channel_id=target.id,
            title="",
            body="",
            role_id=role.id if role is not None else None,
            thread=thread,
            silent=silent,
            every=every,
        )
        return settings, at

    async def receive_form(
        self, interaction: discord.Interaction[Agora], announcement_id: int, at: int | None
    ) -> None:
        ensure_rank(interaction, Rank.organiser)
        found = await self.store.get(announcement_id) if announcement_id <= MAX_ID else None
        if found is None or found.guild_id != interaction.guild_id:
            raise UserError("announce.error.unknown")
        values = submitted_values((interaction.data or {}).get("components") or ())
        try:
            content = check_content(submitted_content(values, found.content))
        except UserError:
            if found.status == "draft" and not found.title:
                # The form closes on a refusal and /announce compose starts anew: keep nothing.
                await self.store.discard_draft(found.id)
            raise
        now = self.bot.clock.now()
        if found.status == "draft":
            if not await self.store.update(found.id, content, None, now, statuses=("draft",)):
                raise UserError("announce.error.already_handled")
            draft = await self.store.get(found.id)
            if draft is not None:
                # From the preview's Modifier button the preview is redrawn; from the command, shown.
                await self.show_preview(interaction, draft, edit=interaction.message is not None)
        elif found.status in PENDING:
            await self.save_pending(interaction, found, content, at)
        else:
            raise UserError("announce.error.already_handled")

    async def show_preview(
        self, interaction: discord.Interaction[Agora], draft: Announcement, *, edit: bool
    ) -> None:
        words = self.words(interaction)
        text = preview_text(draft, words, now=epoch(self.bot.clock.now()))
        embed = announcement_embed(draft.content, draft.next_at)
        view = preview_view(draft.id, words)
        try:
            await self._send_preview(interaction, text, embed, view, edit=edit)
        except discord.HTTPException as error:
            if error.status >= 500:
                raise
            # Discord refused the embed itself (an image address it will not take): nothing is kept.
            await self.store.cancel(draft.id, self.bot.clock.now(), statuses=("draft",))
            raise UserError("announce.error.refused_by_discord") from None

    async def _send_preview(
        self,
        interaction: discord.Interaction[Agora],
        text: str,
        embed: discord.Embed,
        view: discord.ui.View,
        *,
        edit: bool,
    ) -> None:
        if edit:
            await interaction.response.edit_message(content=text, embed=embed, view=view)
        else:
            await interaction.response.send_message(
                text, embed=embed, view=view, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
            )

    async def save_pending(
        self, interaction: discord.Interaction[Agora], target: Announcement, content: Content, at: int | None
    ) -> None:
        now = self.bot.clock.now()
        # A time that came while the organiser was writing means "as soon as possible", not late.
        moment = max(datetime.fromtimestamp(at, UTC), now) if at is not None else None
        if not await self.store.update(target.id, content, moment, now, statuses=PENDING):
            raise UserError("announce.error.already_handled")
        changed = await self.store.get(target.id)
        if changed is None:
            raise UserError("announce.error.unknown")
        text = self.t(interaction, "announce.edited", when=f"<t:{changed.next_at}:F>")
        try:
            await interaction.response.send_message(
                text, embed=announcement_embed(changed.content, changed.next_at), ephemeral=True
            )
        except discord.HTTPException as error:
            if error.status >= 500:
                raise
            # Discord refused the new embed: the announcement goes back to what it was.
            await self.store.update(target.id, target.content, None, now, statuses=PENDING)
            raise UserError("announce.error.refused_by_discord") from None
        self.wake()
