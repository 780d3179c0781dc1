"""`/announce compose|list|edit|cancel` (`/annonce …`): compose, preview, publish now or later, repeat."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from agora.clock import epoch
from agora.errors import UserError, send_ephemeral
from agora.escaping import join_within
from agora.i18n import Words
from agora.ids import parse_id
from agora.permissions import Rank, interaction_rank, requires
from agora.scheduling import Recurring, cancel_and_wait, start_when_ready
from agora.when import read_moment
from cogs.announcements.composing import Composer
from cogs.announcements.publisher import Publisher
from cogs.announcements.render import list_line
from cogs.announcements.store import FAILED, PENDING, Announcement, AnnouncementStore
from cogs.announcements.views import FORM_ID, ComposeModal

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

TICK = 30.0
AUTOCOMPLETE_LIMIT = 25


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
        self.composer = Composer(bot, self.store, self.passes.wake)

    async def cog_load(self) -> None:
        self.bot.member_data.register(self.store)
        self._task = start_when_ready(self.bot, self.passes)

    async def cog_unload(self) -> None:
        self.bot.member_data.unregister(self.store)
        await cancel_and_wait(self._task)

    def t(self, interaction: discord.Interaction[Any], key: str, **values: Any) -> str:
        return self.bot.catalogue.for_interaction(interaction, key, **values)

    def words(self, interaction: discord.Interaction[Any]) -> Words:
        return self.bot.catalogue.words(interaction.locale)

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
        settings, at = self.composer.check_options(interaction, channel, when, role, thread, silent, every)
        # Stored before the form opens, so the form needs nothing kept in memory (see views.py).
        draft = await self.store.create_draft(
            interaction.guild_id or 0,
            interaction.user.id,
            settings,
            at,
            self.bot.clock.now(),
            self.bot.settings.locale,
            author_language=self.bot.catalogue.resolve(interaction.locale),
        )
        await interaction.response.send_modal(ComposeModal(self.words(interaction), draft.id, draft.content))

    async def answer_form(self, interaction: discord.Interaction[Agora]) -> None:
        """The announcement form, read from its submission alone (bot.forms): see views.py."""
        match = FORM_ID.match(str((interaction.data or {}).get("custom_id", "")))
        if match is not None:
            at = int(match["at"]) if match["at"] else None
            await self.composer.receive_form(interaction, int(match["id"]), at)

    async def press(self, interaction: discord.Interaction[Agora], announcement_id: int, action: str) -> None:
        draft = await self.store.get(announcement_id)
        if draft is None or draft.guild_id != interaction.guild_id:
            raise UserError("announce.error.unknown")
        if draft.author_id != interaction.user.id and interaction_rank(interaction) < Rank.organiser:
            raise UserError("announce.error.not_yours")
        if draft.status != "draft":
            raise UserError("announce.error.already_handled")
        if action == "edit":
            await interaction.response.send_modal(
                ComposeModal(self.words(interaction), draft.id, draft.content)
            )
        elif action == "cancel":
            if not await self.store.cancel(draft.id, self.bot.clock.now(), statuses=("draft",)):
                raise UserError("announce.error.already_handled")
            await interaction.response.edit_message(
                content=self.t(interaction, "announce.cancelled"), embed=None, view=None
            )
        else:
            await self.confirm(interaction, draft)

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
        text = join_within(lines, 4000, lambda left: self.t(interaction, "announce.list.more", count=left))
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

        moment = epoch(at) if at is not None else None
        await interaction.response.send_modal(
            ComposeModal(self.words(interaction), target.id, target.content, at=moment)
        )

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
