"""`/announce compose|list|edit|cancel` (`/annonce …`): compose, preview, publish now or later, repeat."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from channels import ChannelUse, posting_problems
from clock import epoch
from cogs.announcements.publisher import Publisher
from cogs.announcements.render import announcement_embed, check_content, list_line, preview_text
from cogs.announcements.store import Announcement, AnnouncementStore, Content
from cogs.announcements.views import ComposeModal, preview_view
from errors import UserError, send_ephemeral
from permissions import Rank, interaction_rank, requires
from scheduling import Recurring, cancel_and_wait
from ui import parse_id
from when import read_moment

if TYPE_CHECKING:
    from agora import Agora

log = logging.getLogger(__name__)

TICK = 30.0
AUTOCOMPLETE_LIMIT = 25
PENDING = ("scheduled",)
FAILED = ("failed",)


class AnnouncementsCog(commands.Cog):
    announce = app_commands.Group(
        name="announce",
        description="Announcements.",
        guild_only=True,
        default_permissions=discord.Permissions(manage_events=True),
    )

    def __init__(self, bot: Agora) -> None:
        self.bot = bot
        self.store = AnnouncementStore(bot.database)
        self.publisher = Publisher(bot, self.store)
        self.passes: Recurring[int] = Recurring("announcements", self.publish_due, tick=TICK)
        self._in_flight: set[int] = set()  # publications this process is posting right now
        self._task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        self._task = asyncio.create_task(self._run(), name="announcements")

    async def _run(self) -> None:
        await self.bot.wait_until_ready()
        await self.passes.run_forever()

    async def cog_unload(self) -> None:
        await cancel_and_wait(self._task)

    def t(self, interaction: discord.Interaction[Any], key: str, **values: Any) -> str:
        return self.bot.catalogue.for_interaction(interaction, key, **values)

    def words(self, interaction: discord.Interaction[Any]) -> Any:
        return lambda key, **values: self.t(interaction, key, **values)

    # ---- publishing -------------------------------------------------------------------------------

    async def publish_due(self) -> int:
        now = self.bot.clock.now()
        published = 0
        # Claimed by an earlier run that stopped before recording the outcome: look before posting.
        for orphan in await self.store.publishing():
            # Read again: a Publish click may have finished with it since the list was read.
            fresh = await self.store.get(orphan.id)
            if fresh is not None and fresh.status == "publishing" and orphan.id not in self._in_flight:
                published += await self.publish(fresh, recovering=True) is not None
        for due in await self.store.claim_due(now):
            published += await self.publish(due) is not None
        await self.store.drop_old_drafts(now)
        return published

    async def publish(
        self, announcement: Announcement, *, recovering: bool = False
    ) -> discord.Message | None:
        """One announcement's trouble (Discord down, say) must not hold up the others: logged, and
        the claim stays, so the next pass looks for the post and tries again."""
        self._in_flight.add(announcement.id)
        try:
            return await self.publisher.publish(announcement, recovering=recovering)
        except Exception:
            log.exception("announcement %s: publication failed; retried on the next pass", announcement.id)
            return None
        finally:
            self._in_flight.discard(announcement.id)

    # ---- composing --------------------------------------------------------------------------------

    @announce.command(name="compose")
    @app_commands.describe(
        channel="Where to publish (default: here)",
        when="now (default), 2026-12-01 08:30, 1.12.2026 8h30, 2h, demain 9h, tomorrow 9am",
        role="The role to ping (and only it)",
        thread="Open a discussion thread on the announcement",
        silent="Publish without a notification",
        every="Publish again every day, week or month",
    )
    @requires(Rank.organiser)
    async def compose(
        self,
        interaction: discord.Interaction[Agora],
        channel: discord.TextChannel | None = None,
        when: app_commands.Range[str, 1, 60] | None = None,
        role: discord.Role | None = None,
        thread: bool = False,
        silent: bool = False,
        every: Literal["day", "week", "month"] | None = None,
    ) -> None:
        """Write an announcement, see it as it will appear, then publish it now or later."""
        settings, at = self.check_options(interaction, channel, when, role, thread, silent, every)
        await interaction.response.send_modal(
            ComposeModal(
                self.words(interaction), settings, lambda i, content: self.save_draft(i, content, at)
            )
        )

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

    async def save_draft(
        self, interaction: discord.Interaction[Agora], content: Content, at: datetime
    ) -> None:
        checked = check_content(content)
        draft = await self.store.create_draft(
            interaction.guild_id or 0,
            interaction.user.id,
            checked,
            at,
            self.bot.clock.now(),
            self.bot.settings.locale,
            author_language=self.bot.catalogue.resolve(interaction.locale),
        )
        await self.show_preview(interaction, draft, edit=False)

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

    async def press(self, interaction: discord.Interaction[Agora], announcement_id: int, action: str) -> None:
        draft = await self.store.get(announcement_id)
        if draft is None or draft.guild_id != interaction.guild_id:
            raise UserError("announce.error.unknown")
        if draft.author_id != interaction.user.id and interaction_rank(interaction) < Rank.organiser:
            raise UserError("announce.error.not_yours")
        if draft.status != "draft":
            raise UserError("announce.error.already_handled")
        if action == "edit":
            modal = ComposeModal(
                self.words(interaction), draft.content, lambda i, c: self.edit_draft(i, draft.id, c)
            )
            await interaction.response.send_modal(modal)
        elif action == "cancel":
            if not await self.store.cancel(draft.id, self.bot.clock.now(), statuses=("draft",)):
                raise UserError("announce.error.already_handled")
            await interaction.response.edit_message(
                content=self.t(interaction, "announce.cancelled"), embed=None, view=None
            )
        else:
            await self.confirm(interaction, draft)

    async def edit_draft(
        self, interaction: discord.Interaction[Agora], draft_id: int, content: Content
    ) -> None:
        if not await self.store.update(
            draft_id, check_content(content), None, self.bot.clock.now(), statuses=("draft",)
        ):
            raise UserError("announce.error.already_handled")
        draft = await self.store.get(draft_id)
        if draft is not None:
            await self.show_preview(interaction, draft, edit=True)

    async def confirm(self, interaction: discord.Interaction[Agora], draft: Announcement) -> None:
        # Marked in flight before the claim: the background pass must not take it for an orphan.
        if draft.id in self._in_flight:  # a double click: the first one is posting it
            raise UserError("announce.error.already_handled")
        self._in_flight.add(draft.id)
        try:
            status = await self.store.confirm(draft.id, self.bot.clock.now())
            if status is None:
                raise UserError("announce.error.already_handled")
            if status == "scheduled":
                self.passes.wake()
                text = self.t(
                    interaction,
                    "announce.scheduled",
                    when=f"<t:{draft.next_at}:F>",
                    channel=f"<#{draft.channel_id}>",
                )
                await interaction.response.edit_message(content=text, embed=None, view=None)
                return
            await interaction.response.defer()
            claimed = await self.store.get(draft.id)  # its time is now the moment of Publish
            try:
                message = await self.publisher.publish(claimed or draft)
            except discord.HTTPException:
                # Discord's own trouble: the claim stays and the next pass posts it (looking first).
                log.warning("announcement %s: Discord failed at Publish; the pass will retry", draft.id)
                text = self.t(interaction, "announce.discord_trouble")
                await interaction.edit_original_response(content=text, embed=None, view=None)
                return
        finally:
            self._in_flight.discard(draft.id)
        if message is None:
            fresh = await self.store.get(draft.id)
            reason = self.t(interaction, (fresh.failure if fresh else None) or "announce.failure.unknown")
            text = self.t(interaction, "announce.failed", reason=reason)
        else:
            text = self.t(interaction, "announce.published", link=message.jump_url)
        await interaction.edit_original_response(content=text, embed=None, view=None)

    # ---- pending ones -----------------------------------------------------------------------------

    @announce.command(name="list")
    @requires(Rank.organiser)
    async def list_pending(self, interaction: discord.Interaction[Agora]) -> None:
        """Scheduled announcements, and those Discord refused."""
        guild_id = interaction.guild_id or 0
        pending = [
            *await self.store.in_guild(guild_id, PENDING),
            *await self.store.in_guild(guild_id, FAILED),
        ]
        if not pending:
            await send_ephemeral(interaction, self.t(interaction, "announce.list.empty"))
            return
        words = self.words(interaction)
        lines = [list_line(a, words) for a in pending]
        text = ""
        for shown, line in enumerate(lines):
            if len(text) + len(line) + 50 > 4000:
                text += self.t(interaction, "announce.list.more", count=len(lines) - shown)
                break
            text += line + "\n"
        embed = discord.Embed(title=self.t(interaction, "announce.list.title"), description=text)
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    async def pending_one(
        self, interaction: discord.Interaction[Agora], value: str, statuses: tuple[str, ...] = PENDING
    ) -> Announcement:
        found = await self.store.get(number) if (number := parse_id(value)) is not None else None
        if found is None or found.guild_id != interaction.guild_id or found.status not in statuses:
            raise UserError("announce.error.unknown")
        return found

    @announce.command(name="cancel")
    @app_commands.describe(announcement="The scheduled announcement")
    @requires(Rank.organiser)
    async def cancel(self, interaction: discord.Interaction[Agora], announcement: str) -> None:
        """Cancel a scheduled announcement."""
        target = await self.pending_one(interaction, announcement, (*PENDING, *FAILED))
        if not await self.store.cancel(target.id, self.bot.clock.now(), statuses=(*PENDING, *FAILED)):
            raise UserError("announce.error.unknown")
        await send_ephemeral(
            interaction,
            self.t(
                interaction, "announce.cancelled_pending", title=discord.utils.escape_markdown(target.title)
            ),
        )

    @announce.command(name="edit")
    @app_commands.describe(announcement="The scheduled announcement", when="A new time (empty: unchanged)")
    @requires(Rank.organiser)
    async def edit(
        self,
        interaction: discord.Interaction[Agora],
        announcement: str,
        when: app_commands.Range[str, 1, 60] | None = None,
    ) -> None:
        """Change the text or the time of a scheduled announcement."""
        target = await self.pending_one(interaction, announcement)
        at = read_moment(when, self.bot.clock.now(), self.bot.settings.timezone) if when else None

        async def save(submitted: discord.Interaction[Agora], content: Content) -> None:
            now = self.bot.clock.now()
            # A time that came while the organiser was writing means "as soon as possible", not late.
            moment = max(at, now) if at is not None else None
            if not await self.store.update(target.id, check_content(content), moment, now, statuses=PENDING):
                raise UserError("announce.error.already_handled")
            changed = await self.store.get(target.id)
            if changed is None:
                raise UserError("announce.error.unknown")
            text = self.t(submitted, "announce.edited", when=f"<t:{changed.next_at}:F>")
            try:
                await submitted.response.send_message(
                    text, embed=announcement_embed(changed.content, changed.next_at), ephemeral=True
                )
            except discord.HTTPException as error:
                if error.status >= 500:
                    raise
                # Discord refused the new embed: the announcement goes back to what it was.
                await self.store.update(target.id, target.content, None, now, statuses=PENDING)
                raise UserError("announce.error.refused_by_discord") from None
            self.passes.wake()

        await interaction.response.send_modal(ComposeModal(self.words(interaction), target.content, save))

    @cancel.autocomplete("announcement")
    @edit.autocomplete("announcement")
    async def pending_autocomplete(
        self, interaction: discord.Interaction[Agora], current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.casefold()
        zone = self.bot.settings.timezone
        choices = []
        cancelling = interaction.command is not None and interaction.command.name == "cancel"
        statuses = (*PENDING, *FAILED) if cancelling else PENDING
        for pending in await self.store.in_guild(interaction.guild_id or 0, statuses):
            if needle in pending.title.casefold():
                moment = datetime.fromtimestamp(pending.next_at, zone)
                mark = "⚠️ " if pending.status == "failed" else ""
                label = f"{mark}{pending.title[:80]} · {moment:%d.%m.%Y %H:%M}"
                choices.append(app_commands.Choice(name=label, value=str(pending.id)))
        return choices[:AUTOCOMPLETE_LIMIT]
