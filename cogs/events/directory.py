"""The events' directory (agora/meetings.py): what the other features may know of an event and its
programme, offered on the bot when the events feature loads."""

from __future__ import annotations

from datetime import datetime, tzinfo

from agora.clock import epoch
from agora.meetings import EventOutline
from cogs.events.model import TrackedEvent
from cogs.events.programme.store import ProgrammeStore
from cogs.events.store import EventStore

# An event "happening" for a Q&A: under way, or starting within this many seconds.
ABOUT_TO_START = 3600
DAY_FORMAT = "%d.%m.%Y"


class EventsDirectory:
    def __init__(self, store: EventStore, programme: ProgrammeStore, zone: tzinfo) -> None:
        self.store = store
        self.programme = programme
        self.zone = zone

    async def outline(self, event_id: int) -> EventOutline | None:
        event = await self.store.get(event_id)
        return None if event is None else await self.outline_of(event)

    async def outline_of(self, event: TrackedEvent) -> EventOutline:
        return EventOutline(
            id=event.id,
            guild_id=event.guild_id,
            name=event.name,
            channel_id=event.channel_id,
            starts_at=event.starts_at,
            ends_at=event.assumed_end,
            language=event.language,
            link=event.link,
            called_off=event.is_called_off,
            sessions=tuple(await self.programme.sessions(event.id)),
        )

    async def happening(self, guild_id: int, now: datetime) -> EventOutline | None:
        at = epoch(now)
        current = [
            event
            for event in await self.store.recent_first(guild_id, limit=50)
            if not event.is_called_off and event.starts_at - ABOUT_TO_START <= at < event.assumed_end
        ]
        if not current:
            return None
        # Several at once: the one that started last (or starts soonest) is the one in the room now.
        chosen = min(current, key=lambda event: abs(at - event.starts_at))
        return await self.outline_of(chosen)

    async def choices(self, guild_id: int, typed: str, limit: int) -> list[tuple[str, int]]:
        needle = typed.casefold()
        found: list[tuple[str, int]] = []
        for event in await self.store.recent_first(guild_id, limit=100):
            if needle in event.name.casefold():
                day = datetime.fromtimestamp(event.starts_at, self.zone).strftime(DAY_FORMAT)
                found.append((f"{event.name[:85]} · {day}", event.id))
                if len(found) == limit:
                    break
        return found
