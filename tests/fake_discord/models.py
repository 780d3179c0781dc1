"""Plain data objects of the fake (users/members, roles, channels, messages, events) and their
Discord JSON representations."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from .permissions import Overwrite

DISCORD_EPOCH_MS = 1_420_070_400_000
# Fixed objects (guild, roles, channels, members) get ids from this instant: stable across runs.
_STATIC_BASE_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z

Json = dict[str, Any]

# Message flags
FLAG_CROSSPOSTED = 1 << 0
FLAG_SUPPRESS_EMBEDS = 1 << 2
FLAG_HAS_THREAD = 1 << 5
FLAG_EPHEMERAL = 1 << 6
FLAG_LOADING = 1 << 7
FLAG_SUPPRESS_NOTIFICATIONS = 1 << 12
FLAG_COMPONENTS_V2 = 1 << 15

# Channel types
TEXT, DM, VOICE, CATEGORY, NEWS = 0, 1, 2, 4, 5
NEWS_THREAD, PUBLIC_THREAD, PRIVATE_THREAD, STAGE = 10, 11, 12, 13
THREAD_TYPES = (NEWS_THREAD, PUBLIC_THREAD, PRIVATE_THREAD)
VOCAL_TYPES = (VOICE, STAGE)  # channels members connect to (voice states)


def iso(ts: dt.datetime | None = None) -> str:
    return (ts or dt.datetime.now(dt.UTC)).isoformat()


def static_snowflake(index: int) -> int:
    """Deterministic id for pre-built objects."""
    return ((_STATIC_BASE_MS - DISCORD_EPOCH_MS) << 22) | (index << 12)


class SnowflakeFactory:
    """Time-based, strictly increasing snowflakes (so ``created_at`` is realistic)."""

    def __init__(self) -> None:
        self._last = 0
        self._dated = 0  # ids made by ``at``

    def __call__(self) -> int:
        now_ms = int(time.time() * 1000)
        candidate = ((now_ms - DISCORD_EPOCH_MS) << 22) | (1 << 17)
        self._last = max(candidate, self._last + 1)
        return self._last

    def at(self, moment: dt.datetime) -> int:
        """The id of something Discord received at ``moment`` (its snowflake carries the time): a
        worker field of its own keeps it apart from the ids made at the current time."""
        self._dated += 1
        ms = int(moment.timestamp() * 1000)
        return ((ms - DISCORD_EPOCH_MS) << 22) | (2 << 17) | (self._dated & 0xFFF)


@dataclass
class FakeMember:
    """A guild member (the fake has one guild, so user and member are merged)."""

    id: int
    name: str
    locale: str = "fr"
    roles: list[int] = field(default_factory=list)
    bot: bool = False
    nick: str | None = None
    global_name: str | None = None
    dms_open: bool = True
    dm_failures: int = 0  # the bot's next DMs to this member answered 503 (see GuildAdmin.fail_dms)
    joined_at: str = field(default_factory=iso)

    def user_payload(self) -> Json:
        data: Json = {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.global_name or self.name.capitalize(),
            "discriminator": "0",
            "avatar": None,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data

    def member_payload(self, *, with_user: bool = True, permissions: int | None = None) -> Json:
        data: Json = {
            "roles": [str(r) for r in self.roles],
            "nick": self.nick,
            "avatar": None,
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user_payload()
        if permissions is not None:
            data["permissions"] = str(permissions)
        return data


@dataclass
class FakeRole:
    id: int
    name: str
    permissions: int = 0
    position: int = 0
    mentionable: bool = False
    managed: bool = False
    hoist: bool = False
    color: int = 0
    bot_id: int | None = None

    @property
    def mention(self) -> str:
        return f"<@&{self.id}>"

    def to_payload(self) -> Json:
        data: Json = {
            "id": str(self.id),
            "name": self.name,
            "color": self.color,
            "colors": {"primary_color": self.color, "secondary_color": None, "tertiary_color": None},
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if self.bot_id is not None:
            data["tags"] = {"bot_id": str(self.bot_id)}
        return data


@dataclass
class FakeChannel:
    """A guild channel, a thread (``parent_id`` set, type 10/11/12) or a DM channel (type 1)."""

    id: int
    name: str
    type: int = TEXT
    guild_id: int | None = None
    parent_id: int | None = None
    position: int = 0
    topic: str | None = None
    overwrites: list[Overwrite] = field(default_factory=list)
    last_message_id: int | None = None
    # threads
    owner_id: int | None = None
    archived: bool = False
    locked: bool = False
    auto_archive_duration: int = 1440
    message_count: int = 0
    # DMs
    recipient_id: int | None = None
    # voice and stage channels (0: no limit)
    bitrate: int = 64000
    user_limit: int = 0

    @property
    def is_thread(self) -> bool:
        return self.type in THREAD_TYPES

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def to_payload(self, *, recipient: FakeMember | None = None) -> Json:
        last = str(self.last_message_id) if self.last_message_id else None
        if self.type == DM:
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": last,
                "flags": 0,
                "recipients": [recipient.user_payload()] if recipient else [],
            }
        data: Json = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild_id),
            "name": self.name,
            "position": self.position,
            "parent_id": str(self.parent_id) if self.parent_id else None,
            "nsfw": False,
            "flags": 0,
            "last_message_id": last,
            "rate_limit_per_user": 0,
        }
        if self.is_thread:
            data.update(
                owner_id=str(self.owner_id),
                message_count=self.message_count,
                member_count=1,
                total_message_sent=self.message_count,
                thread_metadata={
                    "archived": self.archived,
                    "locked": self.locked,
                    "auto_archive_duration": self.auto_archive_duration,
                    "archive_timestamp": iso(),
                    "invitable": True,
                    "create_timestamp": iso(),
                },
            )
        else:
            data["permission_overwrites"] = [ow.to_payload() for ow in self.overwrites]
            data["topic"] = self.topic
            if self.type in VOCAL_TYPES:
                data.update(bitrate=self.bitrate, user_limit=self.user_limit, rtc_region=None)
            elif self.type != CATEGORY:
                data["default_auto_archive_duration"] = 1440
        return data


@dataclass
class FakeAttachment:
    """A file stored by the fake. ``data`` holds the bytes the bot uploaded."""

    id: int
    filename: str
    data: bytes
    url: str
    content_type: str | None = None
    description: str | None = None

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")

    def to_payload(self) -> Json:
        payload: Json = {
            "id": str(self.id),
            "filename": self.filename,
            "size": len(self.data),
            "url": self.url,
            "proxy_url": self.url,
        }
        if self.content_type:
            payload["content_type"] = self.content_type
        if self.description is not None:
            payload["description"] = self.description
        return payload


@dataclass
class FakeMessage:
    """A message as the fake stored it.

    ``allowed_mentions`` is exactly what the sender sent (``None`` when absent);
    ``mentions`` / ``mention_roles`` / ``mention_everyone`` are who Discord would actually ping.
    """

    id: int
    channel_id: int
    author_id: int
    guild_id: int | None = None
    content: str = ""
    embeds: list[Json] = field(default_factory=list)
    components: list[Json] = field(default_factory=list)
    attachments: list[FakeAttachment] = field(default_factory=list)
    allowed_mentions: Json | None = None
    flags: int = 0
    tts: bool = False
    type: int = 0
    message_reference: Json | None = None
    mentions: list[int] = field(default_factory=list)
    mention_roles: list[int] = field(default_factory=list)
    mention_everyone: bool = False
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: Json | None = None
    interaction_id: int | None = None
    thread_id: int | None = None
    poll: Json | None = None
    timestamp: str = field(default_factory=iso)
    edited_timestamp: str | None = None
    edits: int = 0
    deleted: bool = False
    pinned: bool = False
    reactions: dict[str, list[int]] = field(default_factory=dict)

    @property
    def is_ephemeral(self) -> bool:
        return bool(self.flags & FLAG_EPHEMERAL)

    @property
    def is_loading(self) -> bool:
        return bool(self.flags & FLAG_LOADING)

    @property
    def is_silent(self) -> bool:
        return bool(self.flags & FLAG_SUPPRESS_NOTIFICATIONS)

    @property
    def pings_anyone(self) -> bool:
        return bool(self.mentions or self.mention_roles or self.mention_everyone)

    @property
    def files(self) -> list[FakeAttachment]:
        return self.attachments

    def custom_ids(self) -> list[str]:
        """All custom_ids of the message's interactive components (any nesting)."""
        return [c["custom_id"] for c in walk_components(self.components) if "custom_id" in c]

    def find_component(self, custom_id: str) -> Json | None:
        for comp in walk_components(self.components):
            if comp.get("custom_id") == custom_id:
                return comp
        return None

    def to_payload(self, users: dict[int, FakeMember]) -> Json:
        author = users.get(self.author_id)
        data: Json = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": author.user_payload() if author else {"id": str(self.author_id), "username": "?"},
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": self.tts,
            "mention_everyone": self.mention_everyone,
            "mentions": [users[u].user_payload() for u in self.mentions if u in users],
            "mention_roles": [str(r) for r in self.mention_roles],
            "attachments": [a.to_payload() for a in self.attachments],
            "embeds": self.embeds,
            "components": self.components,
            "pinned": self.pinned,
            "type": self.type,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
        if self.poll is not None:
            data["poll"] = self.poll
        return data


def assign_component_ids(components: list[Json]) -> list[Json]:
    """Gives every component without an ``id`` a sequential one, as Discord does (in place)."""
    all_components = walk_components(components)
    next_id = max([c["id"] for c in all_components if isinstance(c.get("id"), int)], default=0) + 1
    for comp in all_components:
        if not isinstance(comp.get("id"), int):
            comp["id"] = next_id
            next_id += 1
    return components


def walk_components(components: list[Json]) -> list[Json]:
    """Flattens rows, containers, sections (accessory) and labels."""
    out: list[Json] = []
    for comp in components:
        out.append(comp)
        out.extend(walk_components(comp.get("components", [])))
        for key in ("accessory", "component"):
            if isinstance(comp.get(key), dict):
                out.extend(walk_components([comp[key]]))
    return out


@dataclass
class FakeScheduledEvent:
    id: int
    guild_id: int
    name: str
    scheduled_start_time: str
    creator_id: int
    entity_type: int = 3
    scheduled_end_time: str | None = None
    description: str | None = None
    channel_id: int | None = None
    location: str | None = None
    status: int = 1
    privacy_level: int = 2
    image: str | None = None
    interested: list[int] = field(default_factory=list)
    deleted: bool = False

    def to_payload(self, creator: FakeMember | None, *, with_user_count: bool = False) -> Json:
        data: Json = {
            "id": str(self.id),
            "guild_id": str(self.guild_id),
            "channel_id": str(self.channel_id) if self.channel_id else None,
            "creator_id": str(self.creator_id),
            "name": self.name,
            "description": self.description,
            "scheduled_start_time": self.scheduled_start_time,
            "scheduled_end_time": self.scheduled_end_time,
            "privacy_level": self.privacy_level,
            "status": self.status,
            "entity_type": self.entity_type,
            "entity_id": None,
            "entity_metadata": {"location": self.location} if self.location is not None else None,
            "image": self.image,
            "recurrence_rule": None,
        }
        if creator is not None:
            data["creator"] = creator.user_payload()
        if with_user_count:
            data["user_count"] = len(self.interested)
        return data
