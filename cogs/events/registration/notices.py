"""The DM confirming a place taken with one click on *Register*: "you are registered", with the event's
`.ics` attached, in the language of the click.

Sent off the click's path: the click is answered first, within Discord's 3 seconds, and only queued
here; one task sends the queue once the clicks pause (`QUIET`, or `MOST_DELAY` into a burst that goes
on), taking every click queued meanwhile together (one claim per event for all of them, one file per
event), then the DMs one after the other. A crowd registering at once costs its clicks a dictionary
entry each, and their DMs follow the crowd rather than compete with its answers.

Each DM is claimed in `event_member_notices` (kind 'registered', version: the file's SEQUENCE) before it
is sent, so none is sent twice, even to a member who cancels and registers again; one who registers
again after the event moved gets the new file. A DM still queued when the bot stops is not sent (the
*Add to calendar* button gives the same file). A member whose DMs are closed gets none, and no error:
their click already told them they are registered. A place confirmed from a waitlist offer gets no DM
of its own: the offer's message becomes the confirmation, with the file (registration/desk.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from agora.clock import epoch
from agora.scheduling import cancel_and_wait
from cogs.events.calendar.files import CalendarFile, CalendarFiles
from cogs.events.calendar.store import CalendarStore
from cogs.events.direct_messages import Unreachable, send_dm
from cogs.events.model import TrackedEvent
from cogs.events.notice_store import NoticeStore
from cogs.events.registration.render import registered_dm_text
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora

log = logging.getLogger(__name__)

QUIET = 1.0  # seconds without a new registration before the DMs go out
MOST_DELAY = 10.0  # seconds a DM waits at most for a burst of clicks to end


class RegistrationNotices:
    def __init__(self, bot: Agora, store: EventStore) -> None:
        self.bot = bot
        self.store = store
        self.notices = NoticeStore(bot.database)
        self.calendars = CalendarStore(bot.database)
        self.files = CalendarFiles(bot.database, bot.settings.timezone.key)
        self._queued: dict[int, dict[int, str]] = {}  # event → member → language, in click order
        self._task: asyncio.Task[None] | None = None
        self._clicked = asyncio.Event()  # set by each request: the clicks have not paused yet

    def request(self, event_id: int, user_id: int, language: str) -> None:
        """Queue the DM of a member who just took a place; returns at once."""
        self._queued.setdefault(event_id, {})[user_id] = language
        self._clicked.set()
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain(), name="registration DMs")

    async def stop(self) -> None:
        """At unload: the DM being sent is abandoned, those queued are dropped."""
        self._queued.clear()
        await cancel_and_wait(self._task)

    async def _drain(self) -> None:
        while self._queued:
            await self._pause()
            queued, self._queued = self._queued, {}
            for event_id, members in queued.items():
                try:
                    await self._send(event_id, members)
                except Exception:
                    log.exception("event %s: the registration DMs failed", event_id)

    async def _pause(self) -> None:
        """Returns once no registration came for `QUIET` seconds, or after `MOST_DELAY`."""
        loop = asyncio.get_running_loop()
        until = loop.time() + MOST_DELAY
        while (left := until - loop.time()) > 0:
            self._clicked.clear()
            try:
                await asyncio.wait_for(self._clicked.wait(), min(QUIET, left))
            except TimeoutError:
                return

    async def _send(self, event_id: int, members: dict[int, str]) -> None:
        event = await self.store.get(event_id)
        if event is None or event.is_called_off:  # its closing DM tells them instead
            return
        version = await self.calendars.sequence(event_id)
        now = epoch(self.bot.clock.now())
        claimed = set(await self.notices.claim_registered(event_id, list(members), version, now))
        if not claimed:
            return
        calendar = await self.files.of_event_if_possible(event)
        for user_id in (member for member in members if member in claimed):  # in click order
            await self._dm(event, user_id, members[user_id], calendar)

    async def _dm(
        self, event: TrackedEvent, user_id: int, language: str, calendar: CalendarFile | None
    ) -> None:
        text = registered_dm_text(event, self.bot.catalogue.words(language), with_file=calendar is not None)
        try:
            await send_dm(self.bot, user_id, text, file=calendar.attachment() if calendar else None)
        except Unreachable as why:
            log.info("event %s: member %s not sent their registration (%s)", event.id, user_id, why)
        except discord.HTTPException as error:
            log.warning("event %s: registration DM to member %s failed (%s)", event.id, user_id, error.status)
