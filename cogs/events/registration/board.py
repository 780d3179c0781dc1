"""The message that shows an event's registration ("32 / 40 places · 5 on the waitlist", the deadline)
with its Register / Cancel buttons, kept up to date.

Every change requests an edit from a `CoalescingEditor`: at most one edit per 2 seconds per event, the
last state always drawn, so a burst of clicks is never a burst of edits. What each message last showed
is kept in the store (`set_shown`), only once Discord accepted the edit: a message left behind by a
crash, or by a deadline that passed, is found by comparing and redrawn (`catch_up`).

The message is the announcement Agora posted for the event (/event create), or, for an event created
in Discord's own UI, one posted in the event's channel by /event places (`post`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from agora.clock import epoch
from agora.coalescing import CoalescingEditor
from agora.meetings import Session
from cogs.events.model import TrackedEvent
from cogs.events.registration.render import Board, board_text
from cogs.events.registration.store import RegistrationSettings, RegistrationStore
from cogs.events.registration.views import registration_view
from cogs.events.registration.waitlist_store import ENDED
from cogs.events.render import announcement_embed
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
# Events whose message may still change: those starting from a day ago on (a started one is drawn
# "over" once, then left alone).
CATCH_UP_SINCE = 86400
CATCH_UP_LIMIT = 200


class RegistrationBoard:
    def __init__(self, bot: Agora, store: EventStore, registrations: RegistrationStore) -> None:
        self.bot = bot
        self.store = store
        self.registrations = registrations
        self.editor = CoalescingEditor(self.redraw)

    def request(self, event_id: int) -> None:
        self.editor.request(event_id)

    async def board(self, event: TrackedEvent, settings: RegistrationSettings | None = None) -> Board:
        settings = settings or await self.registrations.settings(event.id)
        now = epoch(self.bot.clock.now())
        deadline = settings.deadline if settings and settings.deadline is not None else event.starts_at
        over = event.status in ENDED or now >= event.starts_at
        return Board(
            counts=await self.registrations.counts(event.id),
            deadline=deadline,
            closed=over or now >= deadline or bool(settings and settings.closed_at is not None),
            over=over,
        )

    async def open(self, event: TrackedEvent, *, places: int | None, deadline: int | None) -> Board:
        """Registration of an event Agora is announcing: its places and deadline (when given), and what
        its announcement will show."""
        if places is not None or deadline is not None:
            await self.registrations.configure(
                event.id, places=places, deadline=deadline, now=epoch(self.bot.clock.now())
            )
        return await self.board(event)

    def parts(self, event: TrackedEvent, board: Board) -> dict[str, Any]:
        """The content and buttons of the message (its embed is the announcement's own)."""
        words = self.bot.catalogue.words(event.language)
        return {
            "content": board_text(board, words),
            "view": registration_view(event.id, words, closed=board.closed, over=board.over),
        }

    async def redraw(self, event_id: int) -> None:
        event = await self.store.get(event_id)
        settings = await self.registrations.settings(event_id)
        if event is None or settings is None or settings.message_id is None:
            return
        board = await self.board(event, settings)
        channel = self.bot.get_channel(settings.channel_id or event.channel_id or 0)
        try:
            if not isinstance(channel, discord.abc.Messageable):
                raise LookupError("the channel is gone")
            # Not asked when it would surely be refused: Discord bans bots that collect 403s.
            if (
                isinstance(channel, discord.abc.GuildChannel)
                and not channel.permissions_for(channel.guild.me).view_channel
            ):
                raise LookupError("no access to the channel")
            await channel.get_partial_message(settings.message_id).edit(  # type: ignore[attr-defined]
                **self.parts(event, board), allowed_mentions=NO_PINGS
            )
        except (discord.NotFound, discord.Forbidden, LookupError) as refused:
            # Recorded as shown all the same: a message Agora cannot edit is not tried at every pass.
            log.warning("event %s: its registration message cannot be edited (%s)", event_id, refused)
        await self.registrations.set_shown(event_id, board.shown)

    async def post(
        self, event: TrackedEvent, channel: discord.abc.Messageable, sessions: Sequence[Session] = ()
    ) -> discord.Message:
        """A registration message for an event Agora did not announce: its embed (with its programme,
        `sessions`), the count, the buttons."""
        board = await self.board(event)
        words = self.bot.catalogue.words(event.language)
        message = await channel.send(
            embed=announcement_embed(event, words, sessions=sessions),
            **self.parts(event, board),
            allowed_mentions=NO_PINGS,
        )
        await self.attach(event.id, message.channel.id, message.id, board)
        return message

    async def attach(self, event_id: int, channel_id: int, message_id: int, board: Board) -> None:
        await self.registrations.set_message(event_id, channel_id, message_id, epoch(self.bot.clock.now()))
        await self.registrations.set_shown(event_id, board.shown)

    async def catch_up(self) -> int:
        """Request a redraw of every registration message behind what it should show (clicks acknowledged
        just before a crash, a deadline or a start that passed); returns how many."""
        since = epoch(self.bot.clock.now()) - CATCH_UP_SINCE
        behind = 0
        for guild in self.bot.guilds:
            for event in await self.store.in_guild(guild.id, since=since, limit=CATCH_UP_LIMIT):
                settings = await self.registrations.settings(event.id)
                if settings is None or settings.message_id is None:
                    continue
                if (await self.board(event, settings)).shown != settings.shown:
                    self.request(event.id)
                    behind += 1
        return behind

    async def flush(self) -> None:
        await self.editor.flush()
