"""Keeping a Q&A's messages up to date: the board, and each question's message.

The board is edited through a `CoalescingEditor`: at most one edit per 2 seconds per board, the last
state always drawn, so a burst of votes is never a burst of edits.

A question's message changes through the answer to each click (▲ or moderation) itself, edited with
what that click committed, not through channel edits. Answers to clicks on one question may reach
Discord in another order than their changes were committed; Discord answers a callback once it
applied it, so `landed` compares the versions (tally_store.py) in the order the answers came back: one
older than a version already shown, or one that failed, asks for a settle edit, coalesced like the
board's, that draws the question as it stands. A burst answered in order costs no edit at all.

An edit Discord fails for a passing reason (a 5xx) is noted, and asked again by the cog's periodic
pass (`retry_failed`); a message deleted or forbidden is not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import discord

from agora.coalescing import CoalescingEditor
from agora.i18n import Words
from cogs.questions.model import Board, Counted, Question
from cogs.questions.render import board_embed, message_link, question_content
from cogs.questions.store import BoardStore
from cogs.questions.tally_store import TallyStore
from cogs.questions.views import board_view, question_view

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()


class ShownVersions:
    """Which version of each question Discord has shown, from the answers in the order they came back;
    `settle` is asked for a question whose message may show less than the newest answer did."""

    def __init__(self, settle: Callable[[int], None]) -> None:
        self.settle = settle
        self._landed: dict[int, int] = {}  # question → the newest version Discord has shown

    def landed(self, question_id: int, version: int, *, ok: bool) -> None:
        """An answer (or an edit) showing `version` of the question came back from Discord, or failed."""
        newest = self._landed.get(question_id, 0)
        if ok:
            self._landed[question_id] = max(newest, version)
        if not ok or version < newest:
            self.settle(question_id)

    def forget(self, question_id: int) -> None:
        self._landed.pop(question_id, None)


class QuestionBoards:
    def __init__(self, bot: Agora, store: BoardStore, tally: TallyStore) -> None:
        self.bot = bot
        self.store = store
        self.tally = tally
        self.boards = CoalescingEditor(self.redraw_board, what="Q&A board")
        self.settles = CoalescingEditor(self.settle_now, what="Q&A question")
        self.shown = ShownVersions(self.settle)
        # Edits Discord failed for a passing reason, asked again by `retry_failed`.
        self.failed_boards: set[int] = set()
        self.failed_questions: set[int] = set()

    def words(self, language: str) -> Words:
        return self.bot.catalogue.words(language)

    # ---- what the events feature knows of the board's event -------------------------------------

    async def event_name(self, board: Board) -> str | None:
        directory = self.bot.meetings.directory
        if board.event_id is None or directory is None:
            return None
        outline = await directory.outline(board.event_id)
        return outline.name if outline else None

    async def session_title(self, board: Board, session_id: int | None) -> str | None:
        directory = self.bot.meetings.directory
        if board.event_id is None or session_id is None or directory is None:
            return None
        outline = await directory.outline(board.event_id)
        session = outline.session(session_id) if outline else None
        return session.title if session else None

    async def channel(self, channel_id: int) -> discord.abc.Messageable | None:
        """The channel or thread, from the cache or asked of Discord: after a restart, a thread that
        archived itself (a day without messages) is not in the cache, and still holds the Q&A."""
        found: object = self.bot.get_channel(channel_id)
        if found is None:
            try:
                found = await self.bot.fetch_channel(channel_id)
            except discord.HTTPException as error:
                log.warning("Q&A: channel %s cannot be reached (%s %s)", channel_id, error.status, error.code)
                return None
        return found if isinstance(found, discord.abc.Messageable) else None

    # ---- the board --------------------------------------------------------------------------------

    def request_board(self, board_id: int) -> None:
        self.boards.request(board_id)

    async def board_parts(self, board: Board) -> dict[str, object]:
        questions = await self.store.questions(board.id)
        words = self.words(board.language)
        channel = board.questions_channel_id
        links = {q.id: message_link(board.guild_id, channel, q.message_id) for q in questions if q.message_id}
        embed = board_embed(board, await self.event_name(board), questions, words, links)
        return {"embed": embed, "view": board_view(board.id, words, closed=not board.is_open)}

    async def redraw_board(self, board_id: int) -> None:
        board = await self.store.board(board_id)
        channel = await self.channel(board.channel_id) if board and board.message_id else None
        if board is None or board.message_id is None or channel is None:
            return
        try:
            await channel.get_partial_message(board.message_id).edit(  # type: ignore[attr-defined]
                **await self.board_parts(board), allowed_mentions=NO_PINGS
            )
        except (discord.NotFound, discord.Forbidden) as refused:
            log.warning(
                "Q&A board %s: its message cannot be edited (%s %s)", board_id, refused.status, refused.code
            )
        except discord.DiscordServerError as failed:
            self.failed_boards.add(board_id)
            log.warning(
                "Q&A board %s: Discord failed its edit, to be tried again (%s %s)",
                board_id,
                failed.status,
                failed.code,
            )
        else:
            self.failed_boards.discard(board_id)

    # ---- each question's message ------------------------------------------------------------------

    async def question_parts(self, board: Board, question: Question, shown: Counted) -> dict[str, object]:
        words = self.words(board.language)
        content = question_content(
            question,
            words,
            state=shown.state,
            session_title=await self.session_title(board, question.session_id),
        )
        return {"content": content, "view": question_view(shown, words)}

    def landed(self, question_id: int, version: int, *, ok: bool) -> None:
        self.shown.landed(question_id, version, ok=ok)

    def settle(self, question_id: int) -> None:
        self.settles.request(question_id)

    async def settle_now(self, question_id: int) -> None:
        """Draw the question's message as it stands (its committed state, with that state's version)."""
        question = await self.store.question(question_id)
        shown = await self.tally.shown(question_id)
        board = await self.store.board(question.board_id) if question else None
        if question is None or shown is None or board is None or question.message_id is None:
            return
        channel = await self.channel(board.questions_channel_id)
        if channel is None:
            return
        try:
            await channel.get_partial_message(question.message_id).edit(  # type: ignore[attr-defined]
                **await self.question_parts(board, question, shown), allowed_mentions=NO_PINGS
            )
        except (discord.NotFound, discord.Forbidden) as refused:
            log.warning(
                "Q&A question %s: its message cannot be edited (%s %s)",
                question_id,
                refused.status,
                refused.code,
            )
            return
        except discord.DiscordServerError as failed:
            self.failed_questions.add(question_id)
            log.warning(
                "Q&A question %s: Discord failed its edit, to be tried again (%s %s)",
                question_id,
                failed.status,
                failed.code,
            )
            return
        self.failed_questions.discard(question_id)
        self.landed(question_id, shown.version, ok=True)

    def retry_failed(self) -> int:
        """Ask again for the edits Discord failed; how many."""
        boards, self.failed_boards = self.failed_boards, set()
        questions, self.failed_questions = self.failed_questions, set()
        for board_id in boards:
            self.request_board(board_id)
        for question_id in questions:
            self.settle(question_id)
        return len(boards) + len(questions)

    def forget_question(self, question_id: int) -> None:
        self.shown.forget(question_id)
        self.failed_questions.discard(question_id)

    async def flush(self) -> None:
        await self.settles.flush()
        await self.boards.flush()
