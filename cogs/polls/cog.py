"""`/poll create|close|results|export|list|topic` (`/sondage …`), votes, deadlines and results."""

from __future__ import annotations

import asyncio
import io
import logging
import random
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from agora.channels import ChannelUse, posting_problems
from agora.coalescing import CoalescingEditor
from agora.errors import UserError, send_ephemeral
from agora.i18n import Words
from agora.ids import parse_id
from agora.permissions import Rank, interaction_rank, requires
from agora.scheduling import Recurring, cancel_and_wait, start_when_ready
from cogs.polls.ballot_store import PollClosed, PollNotFound, TooManyChoices
from cogs.polls.publisher import ResultsPoster
from cogs.polls.redraw import giving_up_on_unreachable, redraw_behind
from cogs.polls.render import ballot_text, export_csv, list_embed, poll_embed
from cogs.polls.rules import check_draft, split_options
from cogs.polls.store import NewPoll, Poll, PollStore, Tally
from cogs.polls.topics import TopicLibrary
from cogs.polls.views import ClosePollButton, PollModal, poll_view

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

DEADLINE_TICK = 30.0
AUTOCOMPLETE_LIMIT = 25
VOTING_CACHE = 256


class PollsCog(commands.Cog):
    poll = app_commands.Group(name="poll", description="Polls on social business topics.", guild_only=True)

    def __init__(self, bot: Agora, library: TopicLibrary) -> None:
        self.bot = bot
        self.store = PollStore(bot.database)
        self.library = library
        self.editor = CoalescingEditor(giving_up_on_unreachable(self.store, self.refresh))
        self.results = ResultsPoster(bot, self.store)
        self.deadlines: Recurring[int] = Recurring("poll deadlines", self.close_due, tick=DEADLINE_TICK)
        self._task: asyncio.Task[None] | None = None
        self._voting: dict[int, Poll] = {}
        self.rng = random.Random()  # noqa: S311 — picking a topic, not a secret

    async def cog_load(self) -> None:
        self.bot.member_data.register(self.store)
        # Once connected: first the messages a crash left behind their votes, then the deadlines.
        redraw = lambda: redraw_behind(self.store, self.editor, self.bot.clock.now())  # noqa: E731
        self._task = start_when_ready(self.bot, self.deadlines, first=redraw)

    async def cog_unload(self) -> None:
        self.bot.member_data.unregister(self.store)
        await cancel_and_wait(self._task)
        await self.editor.flush()

    def words(self, poll: Poll) -> Words:
        return self.bot.catalogue.words(poll.language)

    def t(self, interaction: discord.Interaction[Any], key: str, **values: Any) -> str:
        return self.bot.catalogue.for_interaction(interaction, key, **values)

    # ---- creating ---------------------------------------------------------------------------------

    @poll.command(name="create")
    @app_commands.describe(
        question="The question (up to 300 characters)",
        options="The answers, separated by ; (leave empty to type them one per line)",
        duration="30m, 2h, 3d, 1w or a date and time such as 2026-12-05 18:00 (empty: until closed)",
        choices="How many answers a member may pick (default 1)",
        anonymous="Private vote (default): nobody sees who voted what",
        hide_results="Show the counts only when the poll closes",
        role="Only members with this role may vote",
        channel="Where to post the poll (default: here)",
    )
    async def create(
        self,
        interaction: discord.Interaction[Agora],
        question: app_commands.Range[str, 1, 300],
        options: app_commands.Range[str, 1, 2000] | None = None,
        duration: app_commands.Range[str, 1, 40] | None = None,
        choices: app_commands.Range[int, 1, 20] = 1,
        anonymous: bool = True,
        hide_results: bool = False,
        role: discord.Role | None = None,
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Create a poll with one-click buttons, a live tally and an optional deadline."""
        settings = {
            "duration": duration,
            "choices": choices,
            "anonymous": anonymous,
            "hide_results": hide_results,
            "role": role,
            "channel": channel,
        }
        if options is None:
            words = self.bot.catalogue.words(interaction.locale)
            await interaction.response.send_modal(PollModal(self, words, settings, question))
            return
        await self.create_from(interaction, question, split_options(options), **settings)

    async def create_from(
        self,
        interaction: discord.Interaction[Agora],
        question: str,
        options: list[str],
        *,
        duration: str | None,
        choices: int,
        anonymous: bool,
        hide_results: bool,
        role: discord.Role | None,
        channel: discord.TextChannel | None,
        topic_id: str | None = None,
    ) -> None:
        now = self.bot.clock.now()
        draft = check_draft(question, options, choices, duration, now, self.bot.settings.timezone)
        target = channel or interaction.channel
        if not isinstance(target, discord.TextChannel) or interaction.guild is None:
            raise UserError("polls.error.text_channel_only")
        problems = posting_problems(
            ChannelUse(target.name, "polls.purpose", target), target.permissions_for(target.guild.me)
        )
        if problems:
            raise UserError(
                "polls.error.cannot_post", channel=target.mention, problem=self.t(interaction, problems[0])
            )
        if role is not None and role.is_default():
            role = None
        # Answered before posting: under Discord's limit of 5 posts per 5 s per channel the post may
        # wait longer than the 3 s a member's interaction allows. The outcome follows in this answer.
        await interaction.response.defer(ephemeral=True, thinking=True)
        poll = await self.store.create(
            NewPoll(
                guild_id=interaction.guild.id,
                channel_id=target.id,
                author_id=interaction.user.id,
                question=draft.question,
                options=draft.options,
                choices=draft.choices,
                anonymous=anonymous,
                hide_results=hide_results,
                role_id=role.id if role else None,
                topic_id=topic_id,
                language=self.bot.settings.locale,
                closes_at=draft.closes_at,
            ),
            now,
        )
        try:
            message = await target.send(
                embed=await self.render(poll),
                view=poll_view(poll, closed=False),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as error:
            await self.store.delete(poll.id)
            log.warning("could not post poll %s in channel %s: %s", poll.id, target.id, error.status)
            raise UserError("polls.error.post_refused", channel=target.mention) from None
        await self.store.set_message(poll.id, message.id)
        confirmation = discord.ui.View(timeout=None)
        confirmation.add_item(ClosePollButton(poll.id, self.t(interaction, "polls.close_button")))
        await send_ephemeral(
            interaction, self.t(interaction, "polls.created", link=message.jump_url), view=confirmation
        )
        if poll.closes_at:
            self.deadlines.wake()

    async def render(self, poll: Poll, tally: Tally | None = None) -> discord.Embed:
        guild = self.bot.get_guild(poll.guild_id)
        return poll_embed(
            poll,
            tally or await self.store.tally(poll),
            self.words(poll),
            member_count=guild.member_count if guild else None,
            final=poll.is_closed,
        )

    async def refresh(self, poll_id: int) -> None:
        """Draw the poll's message as it is now (open with its tally, or closed with its result)."""
        poll = await self.store.get(poll_id)
        channel = self.bot.get_channel(poll.channel_id)
        if poll.message_id is None or not isinstance(channel, discord.abc.Messageable):
            return
        tally = await self.store.tally(poll)
        await channel.get_partial_message(poll.message_id).edit(  # type: ignore[union-attr]
            embed=await self.render(poll, tally), view=poll_view(poll, closed=poll.is_closed)
        )
        # Only once Discord accepted it: a crash before this line leaves the poll to be redrawn.
        await self.store.record_shown(poll.id, tally.shown_as(closed=poll.is_closed))

    # ---- voting -----------------------------------------------------------------------------------

    async def vote(self, interaction: discord.Interaction[Agora], poll_id: int, position: int) -> None:
        poll = await self.poll_for_voting(poll_id)
        if not 0 <= position < len(poll.options):  # only a forged button names an answer past them
            raise UserError("polls.error.unknown_option")
        if poll.role_id and not any(r.id == poll.role_id for r in getattr(interaction.user, "roles", [])):
            raise UserError("polls.error.role_required", role=f"<@&{poll.role_id}>")
        try:
            ballot = await self.store.vote(poll_id, interaction.user.id, position, self.bot.clock.now())
        except PollClosed:
            raise UserError("polls.error.closed") from None
        except PollNotFound:
            raise UserError("polls.error.unknown_poll") from None
        except TooManyChoices as full:
            raise UserError(
                "polls.error.too_many_choices", choices=poll.choices, held=ballot_text(poll, full.held)
            ) from None
        if ballot.positions:
            text = self.t(
                interaction, f"polls.vote.{ballot.action}", ballot=ballot_text(poll, ballot.positions)
            )
        else:
            text = self.t(interaction, "polls.vote.none_left")
        await send_ephemeral(interaction, text)
        self.editor.request(poll_id)

    async def poll_for_voting(self, poll_id: int) -> Poll:
        """The poll's question, options, choices and role, which never change once it exists.

        Cached because every click needs them; whether the poll is still open is decided by the
        store inside the vote's transaction, never from this copy.
        """
        poll = self._voting.get(poll_id)
        if poll is None:
            try:
                poll = await self.store.get(poll_id)
            except PollNotFound:
                raise UserError("polls.error.unknown_poll") from None
            if len(self._voting) >= VOTING_CACHE:
                self._voting.pop(next(iter(self._voting)))
            self._voting[poll_id] = poll
        return poll

    # ---- closing ----------------------------------------------------------------------------------

    async def close_due(self) -> int:
        now = self.bot.clock.now()
        closed = 0
        for poll_id in await self.store.due_to_close(now):
            closed += await self.close(poll_id, closed_by=None)
        for poll_id in await self.store.closed_without_results():
            await self.results.post(await self.store.get(poll_id))
        return closed

    async def close(self, poll_id: int, *, closed_by: int | None) -> bool:
        if not await self.store.close(poll_id, self.bot.clock.now(), closed_by):
            return False
        poll = await self.store.get(poll_id)
        try:
            await self.refresh(poll_id)
        except discord.HTTPException:
            log.warning("could not show poll %s as closed", poll_id)
        await self.results.post(poll)
        return True

    async def close_by_member(self, interaction: discord.Interaction[Agora], poll_id: int) -> None:
        poll = await self.poll_in_guild(interaction, str(poll_id))
        if poll.author_id != interaction.user.id and interaction_rank(interaction) < Rank.organiser:
            raise UserError("polls.error.not_yours")
        if poll.is_closed:
            raise UserError("polls.error.already_closed")
        await interaction.response.defer(ephemeral=True, thinking=True)
        await self.close(poll.id, closed_by=interaction.user.id)
        await send_ephemeral(interaction, self.t(interaction, "polls.closed"))

    @poll.command(name="close")
    @app_commands.describe(poll="The poll to close")
    async def close_command(self, interaction: discord.Interaction[Agora], poll: str) -> None:
        """Close a poll now (its creator or an organiser)."""
        await self.close_by_member(interaction, parse_id(poll) or 0)

    # ---- reading ----------------------------------------------------------------------------------

    async def poll_in_guild(self, interaction: discord.Interaction[Agora], value: str) -> Poll:
        try:
            poll = await self.store.get(poll_id) if (poll_id := parse_id(value)) is not None else None
        except PollNotFound:
            poll = None
        if poll is None or poll.guild_id != interaction.guild_id or poll.message_id is None:
            raise UserError("polls.error.unknown_poll")
        return poll

    @poll.command(name="results")
    @app_commands.describe(poll="The poll")
    async def results_command(self, interaction: discord.Interaction[Agora], poll: str) -> None:
        """The current counts of a poll (only to you)."""
        target = await self.poll_in_guild(interaction, poll)
        tally = await self.store.tally(target)
        embed = poll_embed(
            target,
            tally,
            self.bot.catalogue.words(interaction.locale),
            member_count=None,
            final=target.is_closed,
        )
        organiser = interaction_rank(interaction) >= Rank.organiser
        if not target.anonymous and organiser and (target.is_closed or not target.hide_results):
            await self.results.add_voters(embed, target, self.bot.catalogue.words(interaction.locale))
        await interaction.response.send_message(
            embed=embed, ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    @poll.command(name="export")
    @app_commands.describe(poll="The poll")
    @requires(Rank.organiser)
    async def export(self, interaction: discord.Interaction[Agora], poll: str) -> None:
        """A CSV of a poll's results (voters only for non-anonymous polls)."""
        target = await self.poll_in_guild(interaction, poll)
        if target.hide_results and not target.is_closed:
            raise UserError("polls.error.hidden_until_closed")
        data = export_csv(target, await self.store.tally(target), await self.store.votes(target.id))
        await interaction.response.send_message(
            self.t(interaction, "polls.exported"),
            file=discord.File(io.BytesIO(data), filename=f"poll-{target.id}.csv"),
            ephemeral=True,
        )

    @poll.command(name="list")
    async def list_polls(self, interaction: discord.Interaction[Agora]) -> None:
        """The open polls of this server and their deadlines."""
        polls = await self.store.in_guild(interaction.guild_id or 0, open_only=True)
        if not polls:
            await send_ephemeral(interaction, self.t(interaction, "polls.list.empty"))
            return
        embed = list_embed(polls, self.bot.catalogue.words(interaction.locale))
        await interaction.response.send_message(embed=embed, ephemeral=True)

    @close_command.autocomplete("poll")
    @results_command.autocomplete("poll")
    @export.autocomplete("poll")
    async def poll_autocomplete(
        self, interaction: discord.Interaction[Agora], current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.casefold()
        polls = await self.store.in_guild(interaction.guild_id or 0, open_only=False, limit=100)
        choices = []
        for poll in polls:
            if needle in poll.question.casefold():
                mark = "🔒 " if poll.is_closed else ""
                label = f"{mark}{poll.question}"
                choices.append(
                    app_commands.Choice(
                        name=label[:97] + "…" if len(label) > 100 else label, value=str(poll.id)
                    )
                )
        return choices[:AUTOCOMPLETE_LIMIT]

    # ---- topics -----------------------------------------------------------------------------------

    @poll.command(name="topic")
    @app_commands.describe(theme="A theme (empty: any)")
    async def topic(self, interaction: discord.Interaction[Agora], theme: str | None = None) -> None:
        """Post a ready-made poll on a social business theme this server has not had recently."""
        if theme and self.library.theme(theme) is None:
            # Typed rather than picked from the suggestions: take the best matching theme's name.
            matching = self.library.matching_themes(theme, self.bot.catalogue.resolve(interaction.locale))
            if not matching:
                raise UserError("polls.error.unknown_theme")
            theme = matching[0].id
        recent = await self.store.recent_topics(interaction.guild_id or 0)
        chosen = self.library.pick(theme=theme or None, recently_used=recent, rng=self.rng)
        if chosen is None:
            raise UserError("polls.error.unknown_theme")
        question, options = chosen.in_language(self.bot.settings.locale)
        await self.create_from(
            interaction,
            question,
            list(options),
            duration=None,
            choices=chosen.choices,
            anonymous=True,
            hide_results=False,
            role=None,
            channel=None,
            topic_id=chosen.id,
        )

    @topic.autocomplete("theme")
    async def theme_autocomplete(
        self, interaction: discord.Interaction[Agora], current: str
    ) -> list[app_commands.Choice[str]]:
        language = self.bot.catalogue.resolve(interaction.locale)
        return [
            app_commands.Choice(name=theme.name(language)[:100], value=theme.id)
            for theme in self.library.matching_themes(current, language)
        ][:AUTOCOMPLETE_LIMIT]
