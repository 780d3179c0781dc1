"""The waitlist on the clock and by DM: a freed place offered to the first member waiting, holds that
lapse, and registration closed when Discord reports the event cancelled or deleted.

Each offer's DM is claimed in the store before it is sent, so a restart never sends one twice; an offer
made just before a crash is found by `offers_to_send` and sent by the next pass, and its buttons work
after the restart (they are `DynamicItem`s). A member who cannot be reached (DMs closed, left the
server) is taken as declining: the place goes to the next one at once rather than after the hold. A DM
that fails for a passing reason (Discord answering 5xx) is released and tried again by a later pass;
after a few failures the place goes to the next one too, never held for someone who does not know it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

import discord

from agora.clock import epoch
from cogs.events.answer_store import AnswerStore
from cogs.events.calendar.files import CalendarFile, CalendarFiles
from cogs.events.calendar.render import cancelled_note
from cogs.events.direct_messages import Unreachable, send_dm
from cogs.events.model import TrackedEvent
from cogs.events.notice_store import NoticeStore
from cogs.events.registration.board import RegistrationBoard
from cogs.events.registration.render import closed_dm_text, offer_text
from cogs.events.registration.store import Offer, RegistrationRefused, RegistrationStore
from cogs.events.registration.views import offer_view
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

CLOSED_NOTICE = "closed"
# An offer's DM that failed for a passing reason is tried again this many seconds later (twice that
# after a second failure); after OFFER_DM_TRIES failures the place goes to the next member.
RETRY_AFTER = 60
OFFER_DM_TRIES = 3


class Waitlist:
    def __init__(
        self,
        bot: Agora,
        store: EventStore,
        answers: AnswerStore,
        registrations: RegistrationStore,
        board: RegistrationBoard,
    ) -> None:
        self.bot = bot
        self.store = store
        self.answers = answers
        self.registrations = registrations
        self.board = board
        self.notices = NoticeStore(bot.database)
        self.calendars = CalendarFiles(bot.database, bot.settings.timezone.key)

    def now(self) -> int:
        return epoch(self.bot.clock.now())

    async def run_pass(self) -> int:
        """Holds clamped to a moved start, events called off, lapsed holds, offers not sent yet (or due
        again), messages behind: the steps taken. Closing comes first: an offer left unsent by a restart
        is never DMed for an event cancelled meanwhile (its member gets the closing DM instead)."""
        steps = 0
        if clamped := await self.registrations.clamp_offers():
            log.info("%s offer(s) now end at their event's new start", clamped)
        for event_id in await self.notices.closing_due():
            steps += await self.close(event_id)
        for place, offers in await self.registrations.expire_offers(self.now()):
            log.info("event %s: the place offered to member %s lapsed", place.event_id, place.user_id)
            self.board.request(place.event_id)
            steps += 1 + await self.send_offers(offers)
        steps += await self.send_offers(await self.registrations.offers_to_send(self.now()))
        await self.board.catch_up()
        return steps

    # ---- offers -----------------------------------------------------------------------------------

    async def send_offers(self, offers: Iterable[Offer]) -> int:
        """DM each offer once; an unreachable member's offer is declined for them and passed on, and one
        whose DM failed for a passing reason is tried again by a later pass (from `RETRY_AFTER` on), then
        passed on after `OFFER_DM_TRIES` failures rather than held, unknown to them, until it lapses."""
        pending = list(offers)
        sent = 0
        while pending:
            offer = pending.pop(0)
            try:
                if not await self.registrations.claim_offer_dm(offer.event_id, offer.user_id, self.now()):
                    continue  # sent already, lapsed, taken back or called off meanwhile
                await self._send_offer(offer)
                sent += 1
            except Unreachable as why:
                log.info(
                    "event %s: member %s cannot be offered a place (%s); offered to the next",
                    offer.event_id,
                    offer.user_id,
                    why,
                )
                pending.extend(await self._decline_for(offer))
            except Exception as error:
                pending.extend(await self._failed(offer, error))
        return sent

    async def _failed(self, offer: Offer, error: Exception) -> tuple[Offer, ...]:
        """A DM Discord did not deliver (a 5xx, a timeout, a look-up that failed): released for a retry,
        or, at the last try, declined for the member and offered to the next."""
        where = (offer.event_id, offer.user_id)
        if isinstance(error, discord.HTTPException):
            log.warning("event %s: the offer to member %s failed (%s)", *where, error.status)
        else:
            log.exception("event %s: the offer to member %s failed", *where)
        try:
            failures = await self.registrations.offer_dm_failed(*where, now=self.now(), backoff=RETRY_AFTER)
        except Exception:
            log.exception("event %s: the failed offer to member %s could not be released", *where)
            return ()
        if failures is None or failures < OFFER_DM_TRIES:
            return ()  # the hold still runs: a later pass tries again
        log.info("event %s: the offer to member %s failed %s times; offered to the next", *where, failures)
        return await self._decline_for(offer)

    async def _send_offer(self, offer: Offer) -> None:
        event = await self.store.get(offer.event_id)
        if event is None:
            return
        await self._ensure_member(event, offer.user_id)
        words = self.bot.catalogue.words(await self.answers.language_of(offer.user_id) or event.language)
        await self._dm(
            offer.user_id,
            offer_text(event, offer.expires_at, words),
            view=offer_view(event.id, offer.user_id, words),
        )

    async def _decline_for(self, offer: Offer) -> tuple[Offer, ...]:
        try:
            change = await self.registrations.decline(offer.event_id, offer.user_id, now=self.now())
        except RegistrationRefused:  # lapsed or answered meanwhile
            return ()
        self.board.request(offer.event_id)
        return change.offers

    async def _ensure_member(self, event: TrackedEvent, user_id: int) -> None:
        guild = self.bot.get_guild(event.guild_id)
        if guild is None or guild.get_member(user_id) is not None:
            return
        try:
            await guild.fetch_member(user_id)
        except discord.NotFound:
            raise Unreachable("no longer a member of the server") from None

    async def _dm(
        self,
        user_id: int,
        text: str,
        *,
        view: discord.ui.View | None = None,
        file: discord.File | None = None,
    ) -> None:
        await send_dm(self.bot, user_id, text, view=view, file=file)

    # ---- registration closed: the event was cancelled or deleted ----------------------------------

    async def close(self, event_id: int) -> int:
        """Closed once; each member registered, offered a place or waiting is told once by DM (claimed
        first: a restart resumes with those not told yet)."""
        now = self.now()
        await self.registrations.close(event_id, now)
        self.board.request(event_id)
        event = await self.store.get(event_id)
        if event is None:
            return 0
        told = 0
        calendar: CalendarFile | None = None
        made = False
        for place in await self.registrations.places_of(event_id):
            if not await self.notices.claim(event_id, place.user_id, CLOSED_NOTICE, 0, now):
                continue
            if not made:  # the cancelled .ics rides on this DM: it removes the event from a calendar
                calendar, made = await self.calendars.of_event_if_possible(event), True
            words = self.bot.catalogue.words(await self.answers.language_of(place.user_id) or event.language)
            text = closed_dm_text(event, words)
            try:
                if calendar is None:
                    await self._dm(place.user_id, text)
                else:
                    note = cancelled_note(words)
                    await self._dm(place.user_id, f"{text}\n{note}", file=calendar.attachment())
                told += 1
            except Unreachable as why:
                log.info("event %s: member %s not told of the closing (%s)", event_id, place.user_id, why)
            except discord.HTTPException as error:
                log.warning("event %s: DM to member %s failed (%s)", event_id, place.user_id, error.status)
        return told
