"""A member's clicks on the registration buttons: Register, Cancel, and Confirm / Decline of a place
offered by DM. Each is answered within Discord's 3 seconds: one store transaction, then the answer
(private; for an offer, the offer's message itself becomes the answer), then what may be slow (the
message's count, through the coalescing editor; the DMs offering a freed place; the DM with the .ics of
a place taken with a click, registration/notices.py). The rules themselves (places, waitlist order,
deadline, holds) are the store's, decided inside its transaction; a refusal comes back as
`RegistrationRefused` and is answered as a `UserError`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord

from agora.clock import epoch
from agora.errors import UserError, send_ephemeral
from agora.i18n import Words
from agora.permissions import still_member
from cogs.events.calendar.files import CalendarFile, CalendarFiles, answer_with_file
from cogs.events.calendar.render import confirmed_note, registered_hint
from cogs.events.model import TrackedEvent
from cogs.events.registration.board import RegistrationBoard
from cogs.events.registration.notices import RegistrationNotices
from cogs.events.registration.render import (
    cancelled_text,
    offer_answered_text,
    registered_text,
    waiting_text,
)
from cogs.events.registration.store import Change, Clicked, RegistrationRefused, RegistrationStore
from cogs.events.registration.waitlist import Waitlist
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from agora.client import Agora

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
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
        self.notices = RegistrationNotices(bot, store)  # the DM of a place taken with a click

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
        if place is not None and place.status == "registered":  # the file comes by DM, after the answer
            language = self.bot.catalogue.resolve(interaction.locale)
            self.notices.request(event.id, interaction.user.id, language)

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
        # Deferred first, as an update of the offer itself: checking that the member is still on the
        # server asks Discord. A refusal is then a private follow-up; an answer replaces the offer.
        await interaction.response.defer()
        event = await self.store.get(event_id)
        if event is None:
            raise UserError("events.offer.error.expired")
        words = self.words(interaction)
        if choice == "confirm":
            if not await still_member(interaction, event.guild_id, trust_interaction=True):
                await self._left_server(interaction, event, user_id, words)
                return
            work = self.registrations.confirm(event.id, user_id, now=self.now())
        else:
            work = self.registrations.decline(event.id, user_id, now=self.now())
        change = await self._change(work)
        text = offer_answered_text(event, choice, words)
        # A confirmed place's answer carries the event's .ics.
        calendar = await self.calendars.of_event_if_possible(event) if choice == "confirm" else None
        await self._answer_in_place(interaction, text, calendar, words)
        self.board.request(event.id)
        await self.waitlist.send_offers(change.offers)

    async def _left_server(
        self, interaction: discord.Interaction[Agora], event: TrackedEvent, user_id: int, words: Words
    ) -> None:
        """Refused; and the offer is declined for them, so the place goes to the next member now rather
        than when the hold lapses."""
        try:
            change = await self.registrations.decline(event.id, user_id, now=self.now())
        except RegistrationRefused as error:  # lapsed or answered meanwhile: nothing to pass on
            raise refused(error) from None
        log.info("event %s: member %s left the server; the place offered goes to the next", event.id, user_id)
        await send_ephemeral(interaction, words("events.offer.error.left_server"))
        self.board.request(event.id)
        await self._edit_offer(interaction, view=None)
        await self.waitlist.send_offers(change.offers)

    async def _answer_in_place(
        self, interaction: discord.Interaction[Agora], text: str, calendar: CalendarFile | None, words: Words
    ) -> None:
        """The offer's message becomes the answer (and the file), without buttons: it stays in the DM
        as the confirmation, where a private answer would vanish when Discord reloads."""
        note = confirmed_note(words)
        extra: dict[str, Any] = {}
        if calendar is not None:
            extra["attachments"] = [calendar.attachment()]
        content = f"{text}\n{note}" if calendar is not None else text
        if not await self._edit_offer(interaction, content=content, view=None, **extra):
            await answer_with_file(interaction, text, calendar, note=note)  # at least privately

    async def _edit_offer(self, interaction: discord.Interaction[Agora], **changes: Any) -> bool:
        try:
            await interaction.edit_original_response(allowed_mentions=NO_PINGS, **changes)
        except discord.HTTPException as error:
            log.warning(
                "could not edit the offer answered by member %s (%s)", interaction.user.id, error.status
            )
            return False
        return True
