"""Discord permission bits and the permission computation Discord performs.

The algorithm is the documented one (https://discord.com/developers/docs/topics/permissions):
owner -> everything; base = @everyone | member roles; ADMINISTRATOR -> everything;
then channel overwrites (@everyone, then roles aggregated, then the member);
no VIEW_CHANNEL -> nothing; no SEND_MESSAGES -> no dependent "send" permissions.
Threads use their parent channel's overwrites.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Perm(enum.IntFlag):
    """Permission bits (subset used by the fake, values as in Discord's API)."""

    CREATE_INSTANT_INVITE = 1 << 0
    KICK_MEMBERS = 1 << 1
    BAN_MEMBERS = 1 << 2
    ADMINISTRATOR = 1 << 3
    MANAGE_CHANNELS = 1 << 4
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_AUDIT_LOG = 1 << 7
    PRIORITY_SPEAKER = 1 << 8
    STREAM = 1 << 9
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    SEND_TTS_MESSAGES = 1 << 12
    MANAGE_MESSAGES = 1 << 13
    EMBED_LINKS = 1 << 14
    ATTACH_FILES = 1 << 15
    READ_MESSAGE_HISTORY = 1 << 16
    MENTION_EVERYONE = 1 << 17
    USE_EXTERNAL_EMOJIS = 1 << 18
    VIEW_GUILD_INSIGHTS = 1 << 19
    CONNECT = 1 << 20
    SPEAK = 1 << 21
    MUTE_MEMBERS = 1 << 22
    DEAFEN_MEMBERS = 1 << 23
    MOVE_MEMBERS = 1 << 24
    USE_VAD = 1 << 25
    CHANGE_NICKNAME = 1 << 26
    MANAGE_NICKNAMES = 1 << 27
    MANAGE_ROLES = 1 << 28
    MANAGE_WEBHOOKS = 1 << 29
    MANAGE_GUILD_EXPRESSIONS = 1 << 30
    USE_APPLICATION_COMMANDS = 1 << 31
    REQUEST_TO_SPEAK = 1 << 32
    MANAGE_EVENTS = 1 << 33
    MANAGE_THREADS = 1 << 34
    CREATE_PUBLIC_THREADS = 1 << 35
    CREATE_PRIVATE_THREADS = 1 << 36
    USE_EXTERNAL_STICKERS = 1 << 37
    SEND_MESSAGES_IN_THREADS = 1 << 38
    USE_EMBEDDED_ACTIVITIES = 1 << 39
    MODERATE_MEMBERS = 1 << 40
    VIEW_CREATOR_MONETIZATION_ANALYTICS = 1 << 41
    USE_SOUNDBOARD = 1 << 42
    CREATE_GUILD_EXPRESSIONS = 1 << 43
    CREATE_EVENTS = 1 << 44
    USE_EXTERNAL_SOUNDS = 1 << 45
    SEND_VOICE_MESSAGES = 1 << 46
    SEND_POLLS = 1 << 49
    USE_EXTERNAL_APPS = 1 << 50
    PIN_MESSAGES = 1 << 51


ALL_PERMISSIONS = 0
for _perm in Perm:
    ALL_PERMISSIONS |= _perm.value

# Permissions that are implicitly removed when SEND_MESSAGES is missing (text channels).
_SEND_DEPENDENT = Perm.MENTION_EVERYONE | Perm.SEND_TTS_MESSAGES | Perm.ATTACH_FILES | Perm.EMBED_LINKS

PermLike = int | Perm | Iterable[str]

# The default world's roles (world.py): @everyone, Organisateurs, the bot's managed role.
EVERYONE_PERMISSIONS = (
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.USE_APPLICATION_COMMANDS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.CONNECT  # Discord's @everyone defaults: anyone may join voice and stage channels
    | Perm.SPEAK
    | Perm.USE_VAD
    | Perm.STREAM
    | Perm.REQUEST_TO_SPEAK
)
# What makes someone a stage moderator (Discord's own definition).
STAGE_MODERATOR = Perm.MANAGE_CHANNELS | Perm.MUTE_MEMBERS | Perm.MOVE_MEMBERS
ORGANISER_PERMISSIONS = (
    Perm.MANAGE_EVENTS
    | Perm.CREATE_EVENTS
    | Perm.MANAGE_MESSAGES
    | Perm.MANAGE_THREADS
    | Perm.MENTION_EVERYONE
)
BOT_PERMISSIONS = (
    Perm.VIEW_CHANNEL
    | Perm.SEND_MESSAGES
    | Perm.EMBED_LINKS
    | Perm.ATTACH_FILES
    | Perm.READ_MESSAGE_HISTORY
    | Perm.ADD_REACTIONS
    | Perm.USE_EXTERNAL_EMOJIS
    | Perm.CREATE_PUBLIC_THREADS
    | Perm.SEND_MESSAGES_IN_THREADS
    | Perm.MANAGE_THREADS
    | Perm.MANAGE_EVENTS
    | Perm.CREATE_EVENTS
)


def to_bits(value: PermLike) -> int:
    """Accepts an int / Perm, or an iterable of names like ``["view_channel", "SEND_MESSAGES"]``."""
    if isinstance(value, int):
        return int(value)
    bits = 0
    for name in value:
        bits |= Perm[name.upper()].value
    return bits


def names(bits: int) -> list[str]:
    """Lower-case permission names contained in ``bits`` (handy in assertion messages)."""
    return [p.name.lower() for p in Perm if p.name and bits & p.value]


@dataclass
class Overwrite:
    """A channel permission overwrite. ``type`` is 0 for a role, 1 for a member."""

    id: int
    type: int
    allow: int = 0
    deny: int = 0

    def to_payload(self) -> dict[str, object]:
        return {"id": str(self.id), "type": self.type, "allow": str(self.allow), "deny": str(self.deny)}


def base_permissions(
    *,
    member_id: int,
    member_role_ids: Iterable[int],
    role_permissions: dict[int, int],
    everyone_role_id: int,
    owner_id: int,
) -> int:
    """Guild-level permissions of a member."""
    if member_id == owner_id:
        return ALL_PERMISSIONS
    perms = role_permissions.get(everyone_role_id, 0)
    for role_id in member_role_ids:
        perms |= role_permissions.get(role_id, 0)
    if perms & Perm.ADMINISTRATOR:
        return ALL_PERMISSIONS
    return perms


def apply_overwrites(
    base: int,
    *,
    member_id: int,
    member_role_ids: Iterable[int],
    everyone_role_id: int,
    overwrites: Iterable[Overwrite],
    is_thread: bool = False,
) -> int:
    """Channel-level permissions from guild-level ``base`` and the channel's overwrites."""
    if base & Perm.ADMINISTRATOR or base == ALL_PERMISSIONS:
        return ALL_PERMISSIONS
    by_key = {(ow.type, ow.id): ow for ow in overwrites}
    perms = base
    everyone = by_key.get((0, everyone_role_id))
    if everyone is not None:
        perms = (perms & ~everyone.deny) | everyone.allow
    allow = deny = 0
    for role_id in member_role_ids:
        ow = by_key.get((0, role_id))
        if ow is not None and role_id != everyone_role_id:
            allow |= ow.allow
            deny |= ow.deny
    perms = (perms & ~deny) | allow
    member_ow = by_key.get((1, member_id))
    if member_ow is not None:
        perms = (perms & ~member_ow.deny) | member_ow.allow
    if not perms & Perm.VIEW_CHANNEL:
        return 0
    send_bit = Perm.SEND_MESSAGES_IN_THREADS if is_thread else Perm.SEND_MESSAGES
    if not perms & send_bit:
        perms &= ~_SEND_DEPENDENT
    return perms
