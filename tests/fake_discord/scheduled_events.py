"""Scheduled events driven by members in Discord's own UI: created (external, voice or stage), changed,
deleted, "Interested" clicked. Each sends the gateway event Discord sends."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from .builders import InvalidInteraction
from .models import FakeChannel, FakeMember, FakeScheduledEvent, Json
from .rest_events import ENTITY_TYPE_OF, EXTERNAL, check_entity, may_write_event
from .validation import FormErrors

if TYPE_CHECKING:
    from .world import World

ChannelRef = FakeChannel | int | str
MemberRef = FakeMember | int | str


class ScheduledEventActions:
    if TYPE_CHECKING:
        world: World

        async def dispatch(self, event: str, data: Json) -> int: ...

    def scheduled_events(self, *, include_deleted: bool = False) -> list[FakeScheduledEvent]:
        return [e for e in self.world.events.values() if include_deleted or not e.deleted]

    def _event_payload(self, event: FakeScheduledEvent) -> Json:
        return event.to_payload(self.world.members.get(event.creator_id))

    def _refuse_unless_valid(self, event: FakeScheduledEvent, *, creating: bool) -> None:
        """What Discord's UI would not let a member save (its API's field requirements by entity type)."""
        errs = FormErrors()
        check_entity(errs, self.world, event.to_payload(None), creating=creating)
        if errs:
            raise InvalidInteraction(f"Discord refuses the event {event.name!r}: {errs.errors}")

    async def create_scheduled_event(
        self,
        creator: MemberRef,
        name: str,
        start: dt.datetime,
        end: dt.datetime | None = None,
        *,
        location: str | None = None,
        description: str | None = None,
        channel: ChannelRef | None = None,
        entity_type: int | None = None,
    ) -> FakeScheduledEvent:
        """A member creates an event in the Discord UI (GUILD_SCHEDULED_EVENT_CREATE).

        Without ``channel``: an external event at ``location`` (default "En ligne"), ``end`` required.
        With ``channel``: a voice (type 2 channel) or stage (type 13) event hosted there, no location,
        ``end`` optional; ``entity_type`` (1 stage, 2 voice, 3 external) defaults from the channel.
        Refused (InvalidInteraction) as Discord refuses it: wrong channel type, a location on a voice or
        stage event, an external event without end, a creator without the permissions to create it.
        """
        who = self.world.member(creator)
        chan = self.world.channel(channel) if channel is not None else None
        if entity_type is None:
            entity_type = ENTITY_TYPE_OF.get(chan.type, -1) if chan is not None else EXTERNAL
        if entity_type == EXTERNAL and location is None:
            location = "En ligne"
        event = FakeScheduledEvent(
            id=self.world.new_id(),
            guild_id=self.world.guild_id,
            name=name,
            scheduled_start_time=start.isoformat(),
            scheduled_end_time=end.isoformat() if end is not None else None,
            creator_id=who.id,
            entity_type=entity_type,
            channel_id=chan.id if chan is not None else None,
            location=location,
            description=description,
        )
        self._refuse_unless_valid(event, creating=True)
        if not may_write_event(self.world, who, event.entity_type, event.channel_id):
            raise InvalidInteraction(f"{who.name} may not create the event {name!r} here")
        self.world.events[event.id] = event
        await self.dispatch("GUILD_SCHEDULED_EVENT_CREATE", self._event_payload(event))
        return event

    async def update_scheduled_event(
        self, event: FakeScheduledEvent | int, **changes: Any
    ) -> FakeScheduledEvent:
        """Changes fields of an event (e.g. ``status=2``, ``name=...``, ``entity_type=2, channel_id=...,
        location=None``) and sends the UPDATE event; entity requirements as ``create_scheduled_event``."""
        target = self.world.events[event.id if isinstance(event, FakeScheduledEvent) else int(event)]
        for key in changes:
            if not hasattr(target, key):
                raise AttributeError(f"FakeScheduledEvent has no field {key!r}")
        self._refuse_unless_valid(dataclasses.replace(target, **changes), creating=False)
        for key, value in changes.items():
            setattr(target, key, value)
        await self.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", self._event_payload(target))
        return target

    async def delete_scheduled_event(self, event: FakeScheduledEvent | int) -> None:
        target = self.world.events[event.id if isinstance(event, FakeScheduledEvent) else int(event)]
        target.deleted = True
        await self.dispatch("GUILD_SCHEDULED_EVENT_DELETE", self._event_payload(target))

    async def set_event_interest(
        self, event: FakeScheduledEvent | int, member: MemberRef, interested: bool = True
    ) -> None:
        """A member clicks "Interested" (or un-clicks it): GUILD_SCHEDULED_EVENT_USER_ADD/REMOVE."""
        target = self.world.events[event.id if isinstance(event, FakeScheduledEvent) else int(event)]
        who = self.world.member(member)
        if interested == (who.id in target.interested):
            return
        if interested:
            target.interested.append(who.id)
        else:
            target.interested.remove(who.id)
        data = {
            "guild_scheduled_event_id": str(target.id),
            "user_id": str(who.id),
            "guild_id": str(self.world.guild_id),
        }
        await self.dispatch("GUILD_SCHEDULED_EVENT_USER_" + ("ADD" if interested else "REMOVE"), data)
