"""`/qa start|stop` (`/questions ouvrir|clore`): a live Q&A board during an event, its form, and what
the rest of Agora learns from it (an event's report, a member's data).

What the Q&A needs of events (the event under way, its programme, its speakers) comes through
`bot.meetings` (agora/meetings.py); without the events feature, a Q&A simply has no event.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from agora.channels import ChannelUse, posting_problems
from agora.errors import UserError, send_ephemeral
from agora.ids import parse_id
from agora.meetings import EventOutline
from agora.permissions import Rank, requires
from agora.scheduling import Recurring, cancel_and_wait, start_when_ready
from cogs.questions.desk import QuestionDesk
from cogs.questions.member_store import Forgotten, QuestionsMemberData
from cogs.questions.model import Board, NewBoard
from cogs.questions.publisher import Closing
from cogs.questions.question_board import NO_PINGS, QuestionBoards
from cogs.questions.redraw import CatchUp
from cogs.questions.render import message_link
from cogs.questions.report import QuestionsReport
from cogs.questions.store import AlreadyOpen, BoardStore
from cogs.questions.tally_store import TallyStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

AUTOCOMPLETE_LIMIT = 25
RETRY_TICK = 60.0  # seconds between passes retrying what Discord failed (redraw.py)
THREAD_NAME = 100
THREAD_ARCHIVE_MINUTES = 1440
Target = discord.TextChannel | discord.Thread


class QuestionsCog(commands.Cog):
    qa = app_commands.Group(
        name="qa", description="Live questions and answers during an event.", guild_only=True
    )

    def __init__(self, bot: Agora) -> None:
        self.bot = bot
        self.store = BoardStore(bot.database)
        self.tally = TallyStore(bot.database)
        self.members = QuestionsMemberData(bot.database)
        self.boards = QuestionBoards(bot, self.store, self.tally)
        self.closing = Closing(bot, self.store, self.boards)
        self.desk = QuestionDesk(bot, self.store, self.tally, self.boards)
        self.report = QuestionsReport(self.store, bot.meetings)
        self.catch_up = CatchUp(bot, self.store, self.tally, self.boards, self.closing)
        self.retries: Recurring[int] = Recurring("Q&A retries", self.catch_up.retry, tick=RETRY_TICK)
        self._task: asyncio.Task[None] | None = None
        self._tidying: set[asyncio.Task[None]] = set()

    async def cog_load(self) -> None:
        self.members.on_forgotten = self.tidy_after_forget
        self.bot.member_data.register(self.members)
        self.bot.meetings.register(self.report)
        self.bot.meetings.follow_occurrences(self.store)
        # Once connected: first what a crash left behind, then the passes retrying what Discord failed.
        catch_up = lambda: self.catch_up.run(self.bot.clock.now())  # noqa: E731
        self._task = start_when_ready(self.bot, self.retries, first=catch_up)

    async def cog_unload(self) -> None:
        self.bot.member_data.unregister(self.members)
        self.bot.meetings.unregister(self.report)
        self.bot.meetings.stop_following(self.store)
        self.members.on_forgotten = None
        await cancel_and_wait(self._task)
        for task in list(self._tidying):
            await cancel_and_wait(task)
        await self.boards.flush()

    def t(self, interaction: discord.Interaction[Any], key: str, **values: Any) -> str:
        return self.bot.catalogue.for_interaction(interaction, key, **values)

    # ---- /qa start --------------------------------------------------------------------------------

    @qa.command(name="start")
    @app_commands.describe(
        event="The event the questions are about (default: the one under way)",
        channel="Where to post the board (default: the event's channel, else here)",
    )
    @requires(Rank.organiser)
    async def start(
        self,
        interaction: discord.Interaction[Agora],
        event: app_commands.Range[str, 1, 100] | None = None,
        channel: discord.TextChannel | discord.Thread | None = None,
    ) -> None:
        """Open a live Q&A: a board of the questions the room votes up, and a thread where they are asked."""
        guild = interaction.guild
        if guild is None:
            raise UserError("errors.guild_only")
        outline = await self.event_for(interaction, event)
        target = channel or self.event_channel(guild, outline) or interaction.channel
        if not isinstance(target, Target):
            raise UserError("questions.error.channel_kind")
        problems = self.problems_in(target, guild.me)
        if problems:
            raise UserError(
                "questions.error.cannot_post",
                channel=target.mention,
                problem=self.t(interaction, problems[0]),
            )
        # Answered at once: storing the board may wait behind a batch of votes, and the board and its
        # thread are two requests under Discord's limits.
        await interaction.response.defer(ephemeral=True, thinking=True)
        new = NewBoard(
            guild_id=guild.id,
            event_id=outline.id if outline else None,
            channel_id=target.id,
            language=outline.language if outline else self.bot.settings.locale,
            started_by=interaction.user.id,
        )
        try:
            board = await self.store.create_board(new, self.bot.clock.now())
        except AlreadyOpen as already:
            raise UserError("questions.error.already_open", link=self.board_link(already.board)) from None
        message, thread = await self.post_board(board, target, outline)
        log.info("Q&A board %s started in %s by %s", board.id, target.id, interaction.user.id)
        await send_ephemeral(
            interaction,
            self.t(interaction, "questions.started", board=message.jump_url, thread=f"<#{thread.id}>"),
        )

    async def event_for(
        self, interaction: discord.Interaction[Agora], value: str | None
    ) -> EventOutline | None:
        """The event named, or the one under way (or about to start), or none."""
        directory = self.bot.meetings.directory
        if value is None:
            if directory is None or interaction.guild_id is None:
                return None
            return await directory.happening(interaction.guild_id, self.bot.clock.now())
        if directory is None:
            raise UserError("questions.error.no_events")
        event_id = parse_id(value)
        outline = await directory.outline(event_id) if event_id is not None else None
        if outline is None or outline.guild_id != interaction.guild_id:
            raise UserError("questions.error.unknown_event")
        return outline

    @staticmethod
    def event_channel(guild: discord.Guild, outline: EventOutline | None) -> Target | None:
        channel = guild.get_channel_or_thread(outline.channel_id) if outline and outline.channel_id else None
        return channel if isinstance(channel, Target) else None

    @staticmethod
    def problems_in(target: Target, me: discord.Member) -> list[str]:
        """What the bot lacks to hold a Q&A there: post the board (with its embed), open a public thread
        on it and post in it, read it back after a restart. A thread must also be open."""
        permissions = target.permissions_for(me)
        if isinstance(target, discord.Thread):
            # An archived thread opens again with the first post; a locked one only for thread managers.
            if target.locked and not permissions.manage_threads:
                return ["questions.problem.thread_closed"]
            # In a thread, posting is "send messages in threads" (discord.py keeps send_messages as the
            # parent's).
            permissions.send_messages = permissions.send_messages_in_threads
            use = ChannelUse(target.name, "questions.purpose", target, needs_history=True)
        else:
            use = ChannelUse(target.name, "questions.purpose", target, needs_threads=True, needs_history=True)
        return posting_problems(use, permissions)

    async def post_board(
        self, board: Board, target: Target, outline: EventOutline | None
    ) -> tuple[discord.Message, Target]:
        """The board, then its thread; if Discord refuses either, nothing is left of the board."""
        words = self.bot.catalogue.words(board.language)
        message: discord.Message | None = None
        try:
            message = await target.send(**await self.boards.board_parts(board), allowed_mentions=NO_PINGS)
            thread: Target = target
            if isinstance(target, discord.TextChannel):
                name = (
                    words("questions.thread_name", event=outline.name)
                    if outline
                    else words("questions.thread_name_plain")
                )
                thread = await message.create_thread(
                    name=name[:THREAD_NAME], auto_archive_duration=THREAD_ARCHIVE_MINUTES
                )
        except discord.HTTPException as error:
            log.warning(
                "Q&A board %s: Discord refused it in %s (%s %s)",
                board.id,
                target.id,
                error.status,
                error.code,
            )
            await self.store.delete_board(board.id)
            if message is not None:
                try:
                    await message.delete()
                except discord.HTTPException:
                    log.warning("Q&A board %s: could not delete its message %s", board.id, message.id)
            raise UserError("questions.error.board_refused", channel=target.mention) from None
        await self.store.set_posted(board.id, message.id, thread.id if thread is not target else None)
        # Redrawn once its thread exists, which the board names.
        self.boards.request_board(board.id)
        return message, thread

    @staticmethod
    def board_link(board: Board) -> str:
        if board.message_id is None:
            return f"<#{board.channel_id}>"
        return message_link(board.guild_id, board.channel_id, board.message_id)

    @start.autocomplete("event")
    async def event_autocomplete(
        self, interaction: discord.Interaction[Agora], current: str
    ) -> list[app_commands.Choice[str]]:
        directory = self.bot.meetings.directory
        if directory is None or interaction.guild_id is None:
            return []
        found = await directory.choices(interaction.guild_id, current, AUTOCOMPLETE_LIMIT)
        return [app_commands.Choice(name=label[:100], value=str(event_id)) for label, event_id in found]

    # ---- /qa stop ---------------------------------------------------------------------------------

    @qa.command(name="stop")
    @app_commands.describe(board="The Q&A to close (default: the one open in this channel or thread)")
    @requires(Rank.organiser)
    async def stop(self, interaction: discord.Interaction[Agora], board: str | None = None) -> None:
        """Close a live Q&A: no more questions or votes, the final list posted, the questions kept for
        the event's report."""
        target = await self.board_to_stop(interaction, board)
        await interaction.response.defer(ephemeral=True, thinking=True)
        if not await self.tally.close(target.id, self.bot.clock.now()):
            raise UserError("questions.error.already_closed")
        log.info("Q&A board %s stopped by %s", target.id, interaction.user.id)
        link = await self.closing.finish(target.id)
        count = len(await self.store.questions(target.id))
        await send_ephemeral(
            interaction,
            self.t(interaction, "questions.stopped", count=count, link=link or self.board_link(target)),
        )

    async def board_to_stop(self, interaction: discord.Interaction[Agora], value: str | None) -> Board:
        guild_id = interaction.guild_id or 0
        if value is None:
            found = await self.store.open_board_in(guild_id, interaction.channel_id or 0)
            if found is None:
                raise UserError("questions.error.no_open_board")
            return found
        board_id = parse_id(value)
        found = await self.store.board(board_id) if board_id is not None else None
        if found is None or found.guild_id != guild_id or found.message_id is None:
            raise UserError("questions.error.unknown_board")
        if not found.is_open:
            raise UserError("questions.error.already_closed")
        return found

    @stop.autocomplete("board")
    async def board_autocomplete(
        self, interaction: discord.Interaction[Agora], current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.casefold()
        choices = []
        for board in await self.store.open_boards(interaction.guild_id or 0):
            channel = self.bot.get_channel(board.channel_id)
            where = f"#{getattr(channel, 'name', board.channel_id)}"
            name = await self.boards.event_name(board)
            label = f"{name} · {where}" if name else where
            if needle in label.casefold():
                choices.append(app_commands.Choice(name=label[:100], value=str(board.id)))
        return choices[:AUTOCOMPLETE_LIMIT]

    # ---- after a member is forgotten --------------------------------------------------------------

    def tidy_after_forget(self, forgotten: Forgotten) -> None:
        """Committed: memory is read again, and Discord is tidied in the background, best effort."""
        self.tally.forget()
        for _, question_id, _ in forgotten.messages:
            self.boards.forget_question(question_id)
        for question_id in forgotten.voted:
            self.boards.settle(question_id)
        for board_id in forgotten.boards:
            self.boards.request_board(board_id)
        if forgotten.messages or forgotten.voted:
            task = asyncio.create_task(self.tidy(forgotten), name="qa-forget")
            self._tidying.add(task)
            task.add_done_callback(self._tidying.discard)

    async def tidy(self, forgotten: Forgotten) -> None:
        """Their questions' messages deleted; a closed board's final list drawn again without them."""
        for board_id, question_id, message_id in forgotten.messages:
            board = await self.store.board(board_id)
            channel = await self.boards.channel(board.questions_channel_id) if board else None
            if channel is None:
                continue
            try:
                await channel.get_partial_message(message_id).delete()  # type: ignore[attr-defined]
            except discord.HTTPException as error:
                log.warning(
                    "Q&A question %s: could not delete its message after its author was forgotten (%s)",
                    question_id,
                    error.status,
                )
        for board_id in forgotten.boards:
            try:
                await self.closing.redraw_results(board_id)
            except discord.HTTPException as error:
                log.warning("Q&A board %s: could not redraw its final list (%s)", board_id, error.status)
