"""Catching the Q&A's messages up with what is stored: at startup, and on a periodic pass.

A crash may leave: a board or a question stored but not (known to be) posted, when it came between
the post and the recording of its message (the post is found again among the bot's own messages and
kept, or the row is dropped; only rows from before the bot started: one stored since may be being
posted right now); a stopped board without its final list; a board whose last votes were inside the
2-second edit window (every open board is redrawn, one edit each); a question whose last click was
committed but never answered (each question's message is compared with what is stored, read back
from the thread in pages of 100, and only those behind are redrawn), the questions of a board
stopped within the last day included (the crash may have come before their buttons were disabled).

Discord may also fail a post or an edit for a passing reason (a 5xx) while the bot runs: the periodic
pass (`retry`) posts the final list of a board stopped within the last day without one, and asks
again for the edits that failed (question_board.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import discord

from agora.channels import find_own_post
from agora.clock import epoch
from agora.components import carrying, walk_components
from cogs.questions.model import Board, Counted
from cogs.questions.publisher import Closing
from cogs.questions.question_board import QuestionBoards
from cogs.questions.store import BoardStore
from cogs.questions.tally_store import TallyStore
from cogs.questions.views import question_view

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

# A stopped board's questions are compared for a day after it stopped (their buttons disabled).
RECENTLY_STOPPED = 86400
HISTORY_LIMIT = 1000


def buttons(components: Iterable[Any]) -> list[tuple[str, str | None, bool]]:
    """What a message's buttons show: custom id, label, disabled."""
    return [
        (component.custom_id, component.label, component.disabled)
        for component in walk_components(components)
        if isinstance(component, discord.Button) and component.custom_id
    ]


class CatchUp:
    def __init__(
        self, bot: Agora, store: BoardStore, tally: TallyStore, boards: QuestionBoards, closing: Closing
    ) -> None:
        self.bot = bot
        self.store = store
        self.tally = tally
        self.boards = boards
        self.closing = closing

    async def run(self, now: datetime) -> None:
        """Never raises: a failure is logged and the rest still runs."""
        for step in (self.unposted_boards, self.unposted_questions):
            try:
                await step()
            except Exception:
                log.exception("Q&A: could not finish what a crash interrupted (%s)", step.__name__)
        try:
            boards = await self.store.boards_to_catch_up(epoch(now) - RECENTLY_STOPPED)
        except Exception:
            log.exception("Q&A: could not read which boards to redraw")
            return
        for board in boards:
            try:
                await self.catch_up(board, now)
            except Exception:
                log.exception("Q&A board %s: could not catch up", board.id)

    async def catch_up(self, board: Board, now: datetime) -> None:
        if board.is_open:
            self.boards.request_board(board.id)
            await self.settle_behind(board)
        elif board.results_message_id is None:
            await self.closing.finish(board.id)
        elif (board.stopped_at or 0) >= epoch(now) - RECENTLY_STOPPED:
            self.boards.request_board(board.id)
            await self.settle_behind(board)

    async def retry(self) -> int:
        """The periodic pass: final lists Discord failed to take, edits it failed. How many asked again."""
        since = epoch(self.bot.clock.now()) - RECENTLY_STOPPED
        boards = await self.store.stopped_without_list(since)
        for board in boards:
            try:
                await self.closing.post_results(board)
            except Exception:
                log.exception("Q&A board %s: could not post its final list", board.id)
        return len(boards) + self.boards.retry_failed()

    def started(self) -> int:
        """Rows stored before this (the bot's start) were left by a crash; later ones may be in flight."""
        return epoch(self.bot.started_at)

    async def unposted_boards(self) -> None:
        for board in await self.store.unposted_boards(self.started()):
            channel = await self.boards.channel(board.channel_id)
            posted = None
            if channel is not None:
                posted = await find_own_post(channel, self.bot.user, carrying(f"qa:ask:{board.id}"))
            thread = posted.thread if posted is not None else None
            in_a_thread = isinstance(channel, discord.Thread)
            if posted is not None and (thread is not None or in_a_thread):
                await self.store.set_posted(board.id, posted.id, thread.id if thread else None)
                log.info("Q&A board %s: its message, posted before a crash, is kept", board.id)
                continue
            if posted is not None:
                await posted.delete()
            await self.store.delete_board(board.id)
            log.info("Q&A board %s: never posted whole before a crash, dropped", board.id)

    async def unposted_questions(self) -> None:
        for question in await self.store.unposted_questions(self.started()):
            board = await self.store.board(question.board_id)
            channel = await self.boards.channel(board.questions_channel_id) if board else None
            posted = None
            if channel is not None:
                posted = await find_own_post(channel, self.bot.user, carrying(f"qa:vote:{question.id}"))
            if posted is not None:
                await self.store.set_question_message(question.id, posted.id)
                log.info("Q&A question %s: its message, posted before a crash, is kept", question.id)
            else:
                await self.store.delete_question(question.id)
                log.info("Q&A question %s: never posted before a crash, dropped", question.id)

    async def settle_behind(self, board: Board) -> None:
        """Redraw the questions whose message does not show what is stored."""
        channel = await self.boards.channel(board.questions_channel_id)
        if channel is None:
            return
        posted = {q.message_id: q.id for q in await self.store.questions(board.id)}
        words = self.bot.catalogue.words(board.language)
        behind = 0
        async for message in channel.history(limit=HISTORY_LIMIT):
            question_id = posted.get(message.id)
            if question_id is None or self.bot.user is None or message.author.id != self.bot.user.id:
                continue
            shown = await self.tally.shown(question_id)
            if shown is not None and buttons(message.components) != expected(shown, words):
                self.boards.settle(question_id)
                behind += 1
        if behind:
            log.info("Q&A board %s: redrawing %d question(s) behind what is stored", board.id, behind)


def expected(shown: Counted, words: Any) -> list[tuple[str, str | None, bool]]:
    """What the question's buttons should show (none once hidden)."""
    view = question_view(shown, words)
    found = []
    for child in view.children if view is not None else ():
        item = child.item if isinstance(child, discord.ui.DynamicItem) else child
        if isinstance(item, discord.ui.Button) and item.custom_id:
            found.append((item.custom_id, item.label, item.disabled))
    return found
