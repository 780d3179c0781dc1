"""A member's clicks on a Q&A, from the click to the answer: *Ask a question* and its form, ▲, and the
moderators' *Answered* and *Hide*.

▲ is answered by editing the question's message through the click's own answer (callback type 7) with
the count committed for that click: a burst of votes costs no channel edit. The board follows through
its coalesced editor (question_board.py). A click counts, and its answer edits the message it came
from, only when that message is the question's own (tally_store.py): a forged `qa:vote:<id>` on the
board or an announcement is refused and leaves that message as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from agora.clock import epoch
from agora.errors import UserError, send_ephemeral
from agora.meetings import EventOutline
from agora.permissions import Rank, interaction_rank
from cogs.questions.model import ANSWERED, HIDDEN, Board, Counted, NewQuestion, Question
from cogs.questions.question_board import NO_PINGS, QuestionBoards
from cogs.questions.rules import read_form
from cogs.questions.store import FLOOD_LIMIT, FLOOD_WINDOW, BoardStore, Flooded, Stopped
from cogs.questions.tally_store import (
    REFUSALS,
    AlreadyModerated,
    BoardClosed,
    Clicked,
    NotItsMessage,
    QuestionHidden,
    QuestionNotFound,
    TallyStore,
)
from cogs.questions.views import QuestionForm, VoteViews, question_view

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

TIME_FORMAT = "%H:%M"

# What a member is told when the vote path refuses their click; a moderation, by the state the
# question already has.
REFUSAL_KEYS: dict[type[Exception], str] = {
    QuestionNotFound: "questions.error.unknown_question",
    NotItsMessage: "errors.stale_component",  # a forged click on another message than the question's
    QuestionHidden: "questions.error.hidden",
    BoardClosed: "questions.error.closed",
}
ALREADY_KEYS = {ANSWERED: "questions.error.already_answered", HIDDEN: "questions.error.already_hidden"}


def refusal(error: Exception) -> UserError:
    if isinstance(error, AlreadyModerated):
        return UserError(ALREADY_KEYS[error.state])
    return UserError(REFUSAL_KEYS[type(error)])


def clicked(interaction: discord.Interaction[Agora]) -> Clicked:
    """The message and server a click came from (a message's buttons always come with their message)."""
    message_id = interaction.message.id if interaction.message is not None else 0
    return Clicked(message_id, interaction.guild_id or 0)


class QuestionDesk:
    def __init__(self, bot: Agora, store: BoardStore, tally: TallyStore, boards: QuestionBoards) -> None:
        self.bot = bot
        self.store = store
        self.tally = tally
        self.boards = boards
        self.vote_views = VoteViews()

    def t(self, interaction: discord.Interaction[Any], key: str, **values: Any) -> str:
        return self.bot.catalogue.for_interaction(interaction, key, **values)

    async def outline(self, board: Board) -> EventOutline | None:
        directory = self.bot.meetings.directory
        if board.event_id is None or directory is None:
            return None
        return await directory.outline(board.event_id)

    async def open_board(self, board_id: int) -> Board:
        board = await self.store.board(board_id)
        if board is None or board.message_id is None:
            raise UserError("questions.error.unknown_board")
        if not board.is_open:
            raise UserError("questions.error.closed")
        return board

    async def open_board_or_none(self, board_id: int) -> Board | None:
        board = await self.store.board(board_id)
        return board if board is not None and board.is_open else None

    # ---- asking -----------------------------------------------------------------------------------

    async def open_form(self, interaction: discord.Interaction[Agora], board_id: int) -> None:
        board = await self.open_board(board_id)
        outline = await self.outline(board)
        sessions: list[tuple[str, str, bool]] = []
        if outline is not None and outline.sessions:
            zone = self.bot.settings.timezone
            current = outline.session_at(epoch(self.bot.clock.now()))
            for session in outline.sessions:
                start = datetime.fromtimestamp(session.starts_at, zone).strftime(TIME_FORMAT)
                speaker = session.speaker_name or ""
                label = f"{start} · {session.title}" + (f" · {speaker}" if speaker else "")
                sessions.append((str(session.id), label, current is not None and current.id == session.id))
        words = self.bot.catalogue.words(interaction.locale)
        await interaction.response.send_modal(QuestionForm(board.id, words, sessions))

    async def submit(self, interaction: discord.Interaction[Agora]) -> None:
        """A question form sent (handed over by bot.forms): checked, stored, posted, or nothing."""
        asked = read_form(interaction.data or {})
        board = await self.open_board(asked.board_id)
        if interaction.guild_id != board.guild_id:
            raise UserError("questions.error.unknown_board")
        # Answered at once: the thread may have to be asked of Discord (not in the cache after a
        # restart), and under Discord's limit of 5 posts per 5 s in the thread the post may wait longer
        # than the 3 s a form's answer allows.
        await interaction.response.defer(ephemeral=True, thinking=True)
        if asked.session_id is not None:
            outline = await self.outline(board)
            if outline is None or outline.session(asked.session_id) is None:
                raise UserError("questions.error.unknown_session")
        channel = await self.boards.channel(board.questions_channel_id)
        if channel is None:
            raise UserError("questions.error.post_refused")
        new = NewQuestion(
            board_id=board.id,
            guild_id=board.guild_id,
            session_id=asked.session_id,
            author_id=interaction.user.id,
            anonymous=asked.anonymous,
            text=asked.text,
        )
        try:
            question = await self.store.add_question(new, self.bot.clock.now())
        except Stopped:
            raise UserError("questions.error.closed") from None
        except Flooded as flooded:
            raise UserError(
                "questions.error.flood",
                limit=FLOOD_LIMIT,
                minutes=FLOOD_WINDOW // 60,
                when=f"<t:{flooded.retry_at}:R>",
            ) from None
        # Members see the message before Discord's answer to the post reaches the bot: a click on it
        # meanwhile waits for the post, and counts once it came back, before its message id is stored
        # (that write may wait behind a batch of votes).
        self.tally.posting(question.id)
        try:
            message = await self.post(channel, board, question)
            self.tally.posted(question.id, board.id, message.id)
        finally:
            self.tally.not_posted(question.id)
        if not await self.store.set_question_message(question.id, message.id):
            # Deleted while it was posted (its author forgotten): its message is not left behind.
            self.tally.removed(question.id)
            await self.delete_orphan(message, question.id)
            raise UserError("questions.error.unknown_question")
        self.boards.request_board(board.id)
        if not (await self.open_board_or_none(board.id)):
            self.boards.settle(question.id)  # stopped while it was posted: shown closed
        log.info("Q&A board %s: question %s posted", board.id, question.id)
        key = "questions.asked_anonymously" if asked.anonymous else "questions.asked"
        await send_ephemeral(interaction, self.t(interaction, key, link=message.jump_url))

    async def post(
        self, channel: discord.abc.Messageable, board: Board, question: Question
    ) -> discord.Message:
        shown = Counted(question.id, board.id, 0, question.state, False, board.language, 0)
        try:
            parts = await self.boards.question_parts(board, question, shown)
            return await channel.send(**parts, allowed_mentions=NO_PINGS)  # type: ignore[arg-type]
        except discord.HTTPException as error:
            # Nothing half-made: a question no one can see is not kept.
            await self.store.delete_question(question.id)
            log.warning(
                "Q&A board %s: could not post question %s in %s (%s %s)",
                board.id,
                question.id,
                board.questions_channel_id,
                error.status,
                error.code,
            )
            raise UserError("questions.error.post_refused") from None

    @staticmethod
    async def delete_orphan(message: discord.Message, question_id: int) -> None:
        try:
            await message.delete()
        except discord.HTTPException as error:
            log.warning(
                "Q&A question %s: could not delete its message %s, posted as it was deleted (%s %s)",
                question_id,
                message.id,
                error.status,
                error.code,
            )

    # ---- voting -----------------------------------------------------------------------------------

    async def decided(self, decision: Awaitable[Counted]) -> Counted:
        """The vote path's outcome, or the member told why their click was refused."""
        try:
            return await decision
        except REFUSALS as refused:
            raise refusal(refused) from None

    async def vote(self, interaction: discord.Interaction[Agora], question_id: int) -> None:
        """The ▲ click: the vote is added, or withdrawn when the member held it."""
        now = self.bot.clock.now()
        counted = await self.decided(
            self.tally.vote(question_id, interaction.user.id, now, clicked(interaction))
        )
        await self.show(interaction, counted, view_only=True)

    async def show(
        self, interaction: discord.Interaction[Agora], counted: Counted, *, view_only: bool
    ) -> None:
        """The click's answer edits the question's message with what the click committed."""
        words = self.bot.catalogue.words(counted.language)
        ok = False
        try:
            if view_only:
                await interaction.response.edit_message(view=self.vote_views.view(counted, words))
            else:
                parts = await self.question_parts(counted)
                await interaction.response.edit_message(**parts, allowed_mentions=NO_PINGS)
            ok = True
        except discord.HTTPException as error:
            log.warning(
                "Q&A question %s: the click's answer was refused (%s %s)",
                counted.question_id,
                error.status,
                error.code,
            )
        finally:
            self.boards.landed(counted.question_id, counted.version, ok=ok)
            self.boards.request_board(counted.board_id)

    async def question_parts(self, counted: Counted) -> dict[str, Any]:
        question = await self.store.question(counted.question_id)
        board = await self.store.board(counted.board_id)
        if question is None or board is None:
            return {"view": question_view(counted, self.bot.catalogue.words(counted.language))}
        return await self.boards.question_parts(board, question, counted)

    # ---- moderating -------------------------------------------------------------------------------

    async def moderate(self, interaction: discord.Interaction[Agora], question_id: int, state: str) -> None:
        """Answered or Hide: organisers, and the speaker of the question's session."""
        question = await self.store.question(question_id)
        board = await self.store.board(question.board_id) if question else None
        if question is None or board is None or interaction.guild_id != board.guild_id:
            raise UserError("questions.error.unknown_question")
        if not await self.may_moderate(interaction, board, question.session_id):
            raise UserError("questions.error.not_moderator")
        now = self.bot.clock.now()
        counted = await self.decided(
            self.tally.moderate(question_id, interaction.user.id, state, now, clicked(interaction))
        )
        log.info("Q&A question %s marked %s by %s", question_id, state, interaction.user.id)
        await self.show(interaction, counted, view_only=False)

    async def may_moderate(
        self, interaction: discord.Interaction[Agora], board: Board, session_id: int | None
    ) -> bool:
        if interaction_rank(interaction) >= Rank.organiser:
            return True
        outline = await self.outline(board)
        session = outline.session(session_id) if outline and session_id is not None else None
        return session is not None and session.speaker_id == interaction.user.id
