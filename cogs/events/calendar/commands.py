"""`/event calendar` (`/evenement agenda`): every upcoming event of the server in one `.ics` file; and
the answer to an event's *Add to calendar* button (calendar/views.py), its own file.

A mixin of `EventsCog` (see cogs/events/groups.py): the command binds to the cog, which creates the
calendar's objects through `open_calendar`. Both answers are private and carry the current version of
each event (calendar/files.py); titles in the text are escaped, nothing pings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from agora.clock import epoch
from agora.errors import UserError, send_ephemeral
from cogs.events.calendar.files import CalendarFiles, answer_with_file
from cogs.events.calendar.render import file_text, upcoming_text
from cogs.events.groups import event
from cogs.events.store import EventStore

if TYPE_CHECKING:
    from agora.client import Agora


class CalendarCommands:
    if TYPE_CHECKING:
        bot: Agora
        store: EventStore

    def open_calendar(self) -> None:
        """The calendar's objects, created with the cog (they hold no state beyond the store's)."""
        self.calendar_files = CalendarFiles(self.bot.database, self.bot.settings.timezone.key)

    async def answer_calendar(self, interaction: discord.Interaction[Agora], event_id: int) -> None:
        """The *Add to calendar* button: the event's file as it stands now, cancelled or moved included."""
        found = await self.store.get(event_id)
        if found is None or found.guild_id != interaction.guild_id:
            raise UserError("errors.stale_component")
        # Deferred first: the file is made off the event loop, and the first one loads icalendar.
        await interaction.response.defer(ephemeral=True, thinking=True)
        calendar = await self.calendar_files.of_event(found)
        words = self.bot.catalogue.words(interaction.locale)
        await answer_with_file(interaction, file_text(found, words), calendar)

    @event.command(name="calendar")
    async def calendar(self, interaction: discord.Interaction[Agora]) -> None:
        """Every upcoming event in one .ics file for your calendar (only to you)."""
        words = self.bot.catalogue.words(interaction.locale)
        now = epoch(self.bot.clock.now())
        entries = await self.calendar_files.upcoming(interaction.guild_id or 0, now)
        if not entries:
            await send_ephemeral(interaction, words("events.calendar.none"))
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild = interaction.guild
        calendar = await self.calendar_files.bundle(entries, name=guild.name if guild else None)
        await answer_with_file(interaction, upcoming_text(calendar.count, words), calendar)
