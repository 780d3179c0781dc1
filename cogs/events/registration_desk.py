"""A member's clicks on the registration buttons: Register, Cancel, and Confirm / Decline of a place
offered by DM. Each is answered privately within Discord's 3 seconds: one store transaction, then the
answer, then what may be slow (the message's count, through the coalescing editor; the DMs offering a
freed place). The rules themselves (places, waitlist order, deadline, holds) are the store's, decided
inside its transaction; a refusal comes back as `RegistrationRefused` and is answered as a `UserError`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from agora.clock import epoch
from agora.errors import UserError, send_ephemeral
from agora.i18n import Words
from agora.permissions import still_member
from cogs.events.calendar_files import CalendarFiles, answer_with_file
from cogs.events.calendar_render import confirmed_note, registered_hint
from cogs.events.model import TrackedEvent
from cogs.events.registration_board import RegistrationBoard
from cogs.events.registration_render import (
    cancelled_text,
    offer_answered_text,
    registered_text,
    waiting_text,
)
from cogs.events.registration_store import Change, Clicked, RegistrationRefused, RegistrationStore
from cogs.events.store import EventStore
from cogs.events.waitlist import Waitlist

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from agora.client import Agora

log = logging.getLogger(__name__)

SHOWN_EVENTS = 64


def refused(error: RegistrationRefused) -> UserError:
    return UserError(error.key, **error.values)


class RegistrationDesk:
    def __init__(
        self,
        bot: Agora,
        store: EventStore,
        registrations: RegistrationStore,
        board: RegistrationBoard,
        waitlist: Waitlist,
    ) -> None:
        self.bot = bot
        self.store = store
        self.registrations = registrations
        self.board = board
        self.waitlist = waitlist
        self._shown: dict[int, TrackedEvent] = {}  # events clicked lately: see shown_event
        self.calendars = CalendarFiles(bot.database, bot.settings.timezone.key)

    def now(self) -> int:
        return epoch(self.bot.clock.now())

    def words(self, interaction: discord.Interaction[Any]) -> Words:
        return self.bot.catalogue.words(interaction.locale)

    async def event_here(self, interaction: discord.Interaction[Any], event_id: int) -> TrackedEvent:
        """The event a button on this server names; a forged or foreign id gets the stale answer."""
        event = await self.store.get(event_id)
        if event is None or event.guild_id != interaction.guild_id:
            raise UserError("errors.stale_component")
        return event

    async def _change(self, work: Awaitable[Change]) -> Change:
        try:
            return await work
        except RegistrationRefused as error:
            raise refused(error) from None

    # ---- the event's message, and /event mine ------------------------------------------------------

    async def shown_event(self, event_id: int, clicked: Clicked) -> TrackedEvent:
        """The event a Register answer names, read once rather than at each of a burst's clicks, and
        again when the click's own transaction saw its name or start change."""
        event = self._shown.get(event_id)
        if event is None or (event.name, event.starts_at) != (clicked.name, clicked.starts_at):
            event = await self.store.get(event_id)
            if event is None:  # deleted since the click, and its registrations with it
                raise UserError("errors.stale_component")
            if len(self._shown) >= SHOWN_EVENTS:
                self._shown.pop(next(iter(self._shown)))
            self._shown[event_id] = event
        return event

    async def register(self, interaction: discord.Interaction[Agora], event_id: int) -> None:
        # To the store before any await: clicks reach it, and so the waitlist, in the order Discord
        # sent them. It checks the event is this server's in the click's transaction.
        if interaction.guild_id is None:
            raise UserError("errors.stale_component")
        try:
            clicked = await self.registrations.register_click(
                event_id, interaction.user.id, now=self.now(), guild_id=interaction.guild_id
            )
        except RegistrationRefused as error:
            raise refused(error) from None
        event = await self.shown_event(event_id, clicked)
        change = clicked.change
        words = self.words(interaction)
        place = change.place
        if place is not None and place.status == "waiting":
            text = waiting_text(event, place.position, words)
        else:
            # The file is one click away on the same message (Add to calendar): not made at every click.
            text = f"{registered_text(event, words)}\n{registered_hint(words)}"
        await send_ephemeral(interaction, text)
        self.board.request(event.id)

    async def cancel(self, interaction: discord.Interaction[Agora], event_id: int) -> None:
        event = await self.event_here(interaction, event_id)
        change = await self._change(self.registrations.cancel(event.id, interaction.user.id, now=self.now()))
        await send_ephemeral(interaction, cancelled_text(event, self.words(interaction)))
        self.board.request(event.id)
        await self.waitlist.send_offers(change.offers)

    # ---- the DM offering a freed place ------------------------------------------------------------

    async def answer_offer(
        self, interaction: discord.Interaction[Agora], event_id: int, user_id: int, choice: str
    ) -> None:
        if interaction.user.id != user_id:  # a forwarded DM, or a forged click
            raise UserError("events.offer.error.not_yours")
        # Deferred first: checking that the member is still on the server asks Discord.
        await interaction.response.defer(ephemeral=True, thinking=True)
        event = await self.store.get(event_id)
        if event is None:
            raise UserError("events.offer.error.expired")
        if choice == "confirm":
            await self.ensure_member(interaction, event.guild_id)
            work = self.registrations.confirm(event.id, user_id, now=self.now())
        else:
            work = self.registrations.decline(event.id, user_id, now=self.now())
        change = await self._change(work)
        words = self.words(interaction)
        if choice == "confirm":  # the DM confirming the place carries the event's .ics
            calendar = await self.calendars.of_event_if_possible(event)
            text = offer_answered_text(event, choice, words)
            await answer_with_file(interaction, text, calendar, note=confirmed_note(words))
        else:
            await send_ephemeral(interaction, offer_answered_text(event, choice, words))
        self.board.request(event.id)
        await self._drop_buttons(interaction)
        await self.waitlist.send_offers(change.offers)

    async def ensure_member(self, interaction: discord.Interaction[Agora], guild_id: int) -> None:
        if not await still_member(interaction, guild_id, trust_interaction=True):
            raise UserError("events.register.error.not_a_member")

    async def _drop_buttons(self, interaction: discord.Interaction[Agora]) -> None:
        """The offer was answered: its DM keeps its text, without buttons to click again."""
        if interaction.message is None:
            return
        try:
            await interaction.message.edit(view=None)
        except discord.HTTPException as error:
            log.info("could not remove the buttons of an answered offer (%s)", error.status)
