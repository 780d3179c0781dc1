"""The `.ics` files Agora sends: one event's (the Add to calendar button, the confirmed place, the DMs
of a move or a cancellation) and every upcoming event of a server (`/event calendar`).

Always the current version: the event as the store holds it, with its SEQUENCE and its status, so a
file sent after a move or a cancellation replaces the copy a member's calendar holds (calendar/ics.py).
Files are made off the event loop (icalendar's first import and a hundred events take a while), and
one event's file is kept while nothing in it changes: a crowd clicking the button makes it once.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import discord

from agora.database import Database
from agora.errors import send_ephemeral
from cogs.events.calendar.ics import (
    PRODUCT,
    CalendarEntry,
    calendar_bytes,
    event_file_name,
    upcoming_file_name,
)
from cogs.events.calendar.store import CalendarStore
from cogs.events.model import TrackedEvent

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()


@dataclass(frozen=True, slots=True)
class CalendarFile:
    data: bytes
    filename: str
    count: int  # events in it

    def attachment(self) -> discord.File:
        """A new `discord.File` each time: discord.py closes a file once it has sent it."""
        return discord.File(io.BytesIO(self.data), filename=self.filename)


@lru_cache(maxsize=128)
def _one_event(entry: CalendarEntry, timezone: str) -> bytes:
    # The entry holds everything the file shows (its sequence, status and updated_at included): an
    # entry equal to a cached one makes the same file.
    return calendar_bytes([entry], timezone=timezone, product=PRODUCT)


class CalendarFiles:
    def __init__(self, database: Database, timezone: str) -> None:
        self.calendars = CalendarStore(database)
        self.timezone = timezone  # an IANA key, e.g. Europe/Zurich

    async def of_event(self, event: TrackedEvent) -> CalendarFile:
        entry = CalendarEntry.of(event, sequence=await self.calendars.sequence(event.id))
        data = await asyncio.to_thread(_one_event, entry, self.timezone)
        return CalendarFile(data, event_file_name(entry, timezone=self.timezone), 1)

    async def of_event_if_possible(self, event: TrackedEvent) -> CalendarFile | None:
        """The event's file, or None (logged) when it cannot be made: for a message that must go anyway."""
        try:
            return await self.of_event(event)
        except Exception:
            log.exception("event %s: could not make its calendar file", event.id)
            return None

    async def upcoming(self, guild_id: int, now: int) -> list[CalendarEntry]:
        """The server's events neither called off nor over, soonest first (see CalendarStore.upcoming)."""
        return [
            CalendarEntry.of(event, sequence=sequence)
            for event, sequence in await self.calendars.upcoming(guild_id, now)
        ]

    async def bundle(self, entries: Sequence[CalendarEntry], *, name: str | None) -> CalendarFile:
        """One file holding `entries` (at least one), named after `name` (the server's)."""
        data = await asyncio.to_thread(
            calendar_bytes, entries, timezone=self.timezone, product=PRODUCT, name=name
        )
        return CalendarFile(data, upcoming_file_name(name), len(entries))


async def answer_with_file(
    interaction: discord.Interaction[Any], text: str, calendar: CalendarFile | None, *, note: str = ""
) -> None:
    """Answer privately with the file (and `note`, a line about it), whether the interaction is
    unanswered or deferred; without a file, the text alone."""
    if calendar is None:
        await send_ephemeral(interaction, text)
        return
    content = f"{text}\n{note}" if note else text
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(
                content, file=calendar.attachment(), ephemeral=True, allowed_mentions=NO_PINGS
            )
        elif not interaction.is_expired():
            await interaction.followup.send(
                content, file=calendar.attachment(), ephemeral=True, allowed_mentions=NO_PINGS
            )
        else:
            log.warning("interaction %s expired before its calendar file could be sent", interaction.id)
    except discord.HTTPException as error:
        log.warning(
            "could not send a calendar file to member %s in channel %s (%s)",
            interaction.user.id,
            interaction.channel_id,
            error.status,
        )
