"""REST routes for guild scheduled events (stored, validated, announced over the gateway)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from aiohttp import web

from .http_common import (
    body_of,
    form_error,
    json_response,
    missing_permissions,
    no_content,
    not_found,
)
from .models import STAGE as STAGE_CHANNEL
from .models import VOICE as VOICE_CHANNEL
from .models import FakeChannel, FakeMember, FakeScheduledEvent, Json
from .permissions import STAGE_MODERATOR, Perm
from .validation import FormErrors

if TYPE_CHECKING:
    from .server import FakeDiscord
    from .world import World

SCHEDULED, ACTIVE, COMPLETED, CANCELED = 1, 2, 3, 4
_TRANSITIONS = {SCHEDULED: {SCHEDULED, ACTIVE, CANCELED}, ACTIVE: {ACTIVE, COMPLETED}}
STAGE, VOICE, EXTERNAL = 1, 2, 3  # entity types
CHANNEL_TYPE_OF = {STAGE: STAGE_CHANNEL, VOICE: VOICE_CHANNEL}
ENTITY_TYPE_OF = {STAGE_CHANNEL: STAGE, VOICE_CHANNEL: VOICE}
_EVENT_PERMISSIONS = Perm.MANAGE_EVENTS | Perm.CREATE_EVENTS


def _parse_time(value: object) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _channel_of(world: World, value: object) -> FakeChannel | None:
    try:
        return world.channels.get(int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def check_entity(errs: FormErrors, world: World, data: Json, *, creating: bool) -> None:
    """Discord's field requirements by entity type: a stage or voice event is hosted in a channel of
    that type and has no ``entity_metadata``; an external one has a location, an end and no channel."""
    kind = data.get("entity_type")
    if kind not in (STAGE, VOICE, EXTERNAL):
        errs.add(("entity_type",), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3}.")
    elif kind == EXTERNAL:
        location = (data.get("entity_metadata") or {}).get("location")
        errs.length(("entity_metadata", "location"), location, 1, 100)
        if _parse_time(data.get("scheduled_end_time")) is None:
            errs.add(("scheduled_end_time",), "BASE_TYPE_REQUIRED", "This field is required")
        if data.get("channel_id") is not None:
            errs.add(("channel_id",), "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL", "channel_id must be null")
    else:
        chan = _channel_of(world, data.get("channel_id"))
        if chan is None or chan.type != CHANNEL_TYPE_OF[kind]:
            errs.add(("channel_id",), "GUILD_SCHEDULED_EVENT_INVALID_CHANNEL", "Invalid channel")
        if creating and data.get("entity_metadata") is not None:
            errs.add(
                ("entity_metadata",),
                "GUILD_SCHEDULED_EVENT_INVALID_ENTITY_METADATA",
                "entity_metadata must be null for stage and voice events",
            )


def may_write_event(world: World, member: FakeMember, kind: object, channel_id: object) -> bool:
    """Discord's write permissions for an event (create, update, delete), by entity type: Manage Events,
    and in a voice channel View Channel and Connect, in a stage channel those of a stage moderator."""
    chan = _channel_of(world, channel_id) if kind in (STAGE, VOICE) else None
    if chan is None or chan.type != CHANNEL_TYPE_OF[kind]:  # external, or refused by validation
        return bool(world.permissions(member) & _EVENT_PERMISSIONS)
    perms = world.permissions(member, chan)
    needed = STAGE_MODERATOR if kind == STAGE else Perm.VIEW_CHANNEL | Perm.CONNECT
    return bool(perms & _EVENT_PERMISSIONS) and needed & perms == needed


class EventsApi:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.world

    def routes(self) -> list[web.RouteDef]:
        base = "/api/v10/guilds/{gid}/scheduled-events"
        one = base + "/{eid:\\d+}"
        return [
            web.get(base, self.list_events),
            web.post(base, self.create_event),
            web.get(one, self.get_event),
            web.patch(one, self.edit_event),
            web.delete(one, self.delete_event),
            web.get(one + "/users", self.event_users),
        ]

    def _check_guild(self, request: web.Request) -> None:
        if request.match_info["gid"] != str(self.world.guild_id):
            raise not_found(10004, "Guild")

    def _event(self, request: web.Request) -> FakeScheduledEvent:
        self._check_guild(request)
        event = self.world.events.get(int(request.match_info["eid"]))
        if event is None or event.deleted:
            raise not_found(10070, "Guild Scheduled Event")
        return event

    def _payload(self, event: FakeScheduledEvent, with_user_count: bool = False) -> Json:
        return event.to_payload(self.world.members.get(event.creator_id), with_user_count=with_user_count)

    def _check_perms(self, kind: object, channel_id: object) -> None:
        if not may_write_event(self.world, self.world.bot, kind, channel_id):
            raise missing_permissions()

    def validate(self, data: Json, *, creating: bool) -> FormErrors:
        errs = FormErrors()
        if creating or "name" in data:
            errs.length(("name",), data.get("name"), 1, 100)
        if data.get("description") is not None:
            errs.max_len(("description",), data["description"], 1000)
        if data.get("privacy_level", 2) != 2:
            errs.add(("privacy_level",), "BASE_TYPE_CHOICES", "Value must be one of {2}.")
        check_entity(errs, self.world, data, creating=creating)
        start, end = (
            _parse_time(data.get("scheduled_start_time")),
            _parse_time(data.get("scheduled_end_time")),
        )
        if start is None:
            errs.add(("scheduled_start_time",), "DATE_TYPE_PARSE", "Could not parse date.")
        elif self.fake.validate_event_times and creating and start < self.fake.now():
            errs.add(
                ("scheduled_start_time",),
                "GUILD_SCHEDULED_EVENT_SCHEDULE_PAST",
                "Cannot schedule event in the past.",
            )
        if start is not None and end is not None and end <= start:
            errs.add(
                ("scheduled_end_time",),
                "GUILD_SCHEDULED_EVENT_END_BEFORE_START",
                "End time must be after start.",
            )
        return errs

    async def list_events(self, request: web.Request) -> web.Response:
        self._check_guild(request)
        with_count = request.query.get("with_user_count") in ("1", "true", "True")
        events = [self._payload(e, with_count) for e in self.world.events.values() if not e.deleted]
        return json_response(events)

    async def get_event(self, request: web.Request) -> web.Response:
        event = self._event(request)
        return json_response(
            self._payload(event, request.query.get("with_user_count") in ("1", "true", "True"))
        )

    async def create_event(self, request: web.Request) -> web.Response:
        self._check_guild(request)
        data: Json = body_of(request) or {}
        self._check_perms(data.get("entity_type"), data.get("channel_id"))
        errs = self.validate(data, creating=True)
        if errs:
            raise form_error(errs)
        channel_id = int(data["channel_id"]) if data.get("channel_id") else None
        event = FakeScheduledEvent(
            id=self.world.new_id(),
            guild_id=self.world.guild_id,
            name=data["name"],
            scheduled_start_time=data["scheduled_start_time"],
            scheduled_end_time=data.get("scheduled_end_time"),
            creator_id=self.world.bot.id,
            entity_type=int(data["entity_type"]),
            description=data.get("description"),
            channel_id=channel_id,
            location=(data.get("entity_metadata") or {}).get("location"),
            image=data.get("image"),
        )
        self.world.events[event.id] = event
        await self.fake.dispatch("GUILD_SCHEDULED_EVENT_CREATE", self._payload(event))
        return json_response(self._payload(event))

    async def edit_event(self, request: web.Request) -> web.Response:
        event = self._event(request)
        self._check_perms(event.entity_type, event.channel_id)
        changes: Json = body_of(request) or {}
        merged = self._payload(event) | changes
        if merged.get("entity_type") in (STAGE, VOICE):
            merged["entity_metadata"] = None  # Discord silently discards it for these
        self._check_perms(merged.get("entity_type"), merged.get("channel_id"))
        errs = self.validate(merged, creating=False)
        status = int(changes.get("status", event.status))
        if status not in _TRANSITIONS.get(event.status, {event.status}):
            errs.add(
                ("status",), "GUILD_SCHEDULED_EVENT_INVALID_STATUS_TRANSITION", "Invalid status transition"
            )
        if errs:
            raise form_error(errs)
        event.name = merged["name"]
        event.description = merged.get("description")
        event.scheduled_start_time = merged["scheduled_start_time"]
        event.scheduled_end_time = merged.get("scheduled_end_time")
        event.entity_type = int(merged["entity_type"])
        event.channel_id = int(merged["channel_id"]) if merged.get("channel_id") else None
        event.location = (merged.get("entity_metadata") or {}).get("location")
        event.status = status
        if "image" in changes:
            event.image = changes["image"]
        await self.fake.dispatch("GUILD_SCHEDULED_EVENT_UPDATE", self._payload(event))
        return json_response(self._payload(event))

    async def delete_event(self, request: web.Request) -> web.Response:
        event = self._event(request)
        self._check_perms(event.entity_type, event.channel_id)
        event.deleted = True
        await self.fake.dispatch("GUILD_SCHEDULED_EVENT_DELETE", self._payload(event))
        return no_content()

    async def event_users(self, request: web.Request) -> web.Response:
        event = self._event(request)
        limit = max(1, min(100, int(request.query.get("limit", 100))))
        with_member = request.query.get("with_member") in ("1", "true", "True")
        ids = sorted(event.interested)
        if "before" in request.query:
            ids = [i for i in ids if i < int(request.query["before"])][-limit:]
        if "after" in request.query:
            ids = [i for i in ids if i > int(request.query["after"])]
        users: list[Json] = []
        for uid in ids[:limit]:
            member = self.world.members.get(uid)
            if member is None:
                continue
            entry: Json = {"guild_scheduled_event_id": str(event.id), "user": member.user_payload()}
            if with_member:
                entry["member"] = member.member_payload(with_user=False)
            users.append(entry)
        return json_response(users)
