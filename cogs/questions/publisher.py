"""Closing a Q&A on the feature's own initiative once it is stopped: the final ranked list posted where
the questions are, then the board and every question shown closed (buttons disabled).

The list is posted once: its message is recorded, and after a crash between posting and recording it
is found again among the bot's own posts rather than posted twice. One list is posted at a time, so
`/qa stop` and the periodic pass retrying a list Discord failed (redraw.py) never both post one.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from agora.channels import find_own_post
from cogs.questions.model import HIDDEN, Board
from cogs.questions.question_board import NO_PINGS, QuestionBoards
from cogs.questions.render import results_embed
from cogs.questions.store import BoardStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)


class Closing:
    def __init__(self, bot: Agora, store: BoardStore, boards: QuestionBoards) -> None:
        self.bot = bot
        self.store = store
        self.boards = boards
        self._posting = asyncio.Lock()

    async def finish(self, board_id: int) -> str | None:
        """For a stopped board: the final list (posted unless it already is), then the board and its
        questions redrawn closed. Returns the list's link when it is there."""
        board = await self.store.board(board_id)
        if board is None or board.is_open or board.message_id is None:
            return None
        link = await self.post_results(board)
        self.boards.request_board(board.id)
        for question in await self.store.questions(board.id):
            if question.state != HIDDEN:
                self.boards.settle(question.id)
        return link

    async def post_results(self, board: Board) -> str | None:
        """The final list's link, posted unless it already is; None when Discord failed it."""
        async with self._posting:
            fresh = await self.store.board(board.id)  # the list may have been posted meanwhile
            return await self._post_results(fresh) if fresh is not None else None

    async def _post_results(self, board: Board) -> str | None:
        channel = await self.boards.channel(board.questions_channel_id)
        if channel is None:
            log.warning(
                "Q&A board %s: its questions' channel %s is gone", board.id, board.questions_channel_id
            )
            return None
        if board.results_message_id is not None:
            return channel.get_partial_message(board.results_message_id).jump_url  # type: ignore[attr-defined]
        words = self.bot.catalogue.words(board.language)
        embed = results_embed(
            await self.boards.event_name(board), await self.store.questions(board.id), words
        )
        try:
            message = await find_own_post(
                channel,
                self.bot.user,
                lambda m: m.id > (board.message_id or 0) and any(e.title == embed.title for e in m.embeds),
            )
            if message is None:
                message = await channel.send(
                    words("questions.results.announce"), embed=embed, allowed_mentions=NO_PINGS
                )
        except discord.HTTPException as error:
            log.warning(
                "Q&A board %s: could not post its final list in %s (%s %s)",
                board.id,
                board.questions_channel_id,
                error.status,
                error.code,
            )
            return None
        await self.store.set_results(board.id, message.id)
        return message.jump_url

    async def redraw_results(self, board_id: int) -> None:
        """The final list drawn again as things stand (after a member's questions were forgotten)."""
        board = await self.store.board(board_id)
        if board is None or board.results_message_id is None:
            return
        channel = await self.boards.channel(board.questions_channel_id)
        if channel is None:
            return
        words = self.bot.catalogue.words(board.language)
        embed = results_embed(
            await self.boards.event_name(board), await self.store.questions(board.id), words
        )
        await channel.get_partial_message(board.results_message_id).edit(  # type: ignore[attr-defined]
            embed=embed, allowed_mentions=NO_PINGS
        )
