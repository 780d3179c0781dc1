"""The fake's state: one guild with its roles, channels, members, messages and scheduled events."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .models import (
    DM,
    NEWS,
    STAGE,
    TEXT,
    VOICE,
    FakeChannel,
    FakeMember,
    FakeMessage,
    FakeRole,
    FakeScheduledEvent,
    Json,
    SnowflakeFactory,
    iso,
    static_snowflake,
)
from .permissions import (
    BOT_PERMISSIONS,
    EVERYONE_PERMISSIONS,
    ORGANISER_PERMISSIONS,
    STAGE_MODERATOR,
    Overwrite,
    Perm,
    PermLike,
    apply_overwrites,
    base_permissions,
    to_bits,
)
from .voice_state import FakeVoiceState


class NotFoundError(LookupError):
    """A test helper was given a name/id the fake does not know."""


class World:
    """All objects of the fake. Mutating methods are synchronous; FakeDiscord adds gateway events."""

    def __init__(self, *, bot_name: str = "Agora", guild_name: str = "E-20 Suisse romande") -> None:
        self.new_id = SnowflakeFactory()
        self.guild_id = static_snowflake(1)
        self.guild_name = guild_name
        self.preferred_locale = "fr"
        self.features: list[str] = ["COMMUNITY", "NEWS"]
        self.roles: dict[int, FakeRole] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.members: dict[int, FakeMember] = {}
        self.messages: dict[int, FakeMessage] = {}
        self.events: dict[int, FakeScheduledEvent] = {}
        self.voice_states: dict[int, FakeVoiceState] = {}  # by member id
        self._static_index = 100

        self.roles[self.guild_id] = FakeRole(self.guild_id, "@everyone", int(EVERYONE_PERMISSIONS))
        organisers = self._role(2, "Organisateurs", ORGANISER_PERMISSIONS, position=1, mentionable=True)
        admin = self._role(3, "Admin", Perm.ADMINISTRATOR, position=3)
        self.bot = FakeMember(static_snowflake(20), bot_name.lower(), locale="en-US", bot=True)
        self.bot.global_name = bot_name
        bot_role = self._role(4, bot_name, BOT_PERMISSIONS, position=2, managed=True, bot_id=self.bot.id)
        self.bot.roles = [bot_role.id]
        self.members[self.bot.id] = self.bot
        self.application_id = self.bot.id
        self.bot_role_id = bot_role.id

        for idx, (name, locale, roles) in enumerate(
            [
                ("alice", "fr", []),
                ("bob", "en-US", []),
                ("olivia", "fr", [organisers.id]),
                ("adam", "fr", [admin.id]),
            ]
        ):
            member = FakeMember(static_snowflake(21 + idx), name, locale=locale, roles=list(roles))
            self.members[member.id] = member
        self.owner_id = self.member("adam").id

        everyone = self.guild_id
        self._channel(10, "général", TEXT, position=0)
        self._channel(
            11,
            "annonces",
            NEWS,
            position=1,
            overwrites=[
                Overwrite(everyone, 0, deny=int(Perm.SEND_MESSAGES)),
                Overwrite(organisers.id, 0, allow=int(Perm.SEND_MESSAGES)),
                Overwrite(bot_role.id, 0, allow=int(Perm.SEND_MESSAGES)),
            ],
        )
        self._channel(
            12,
            "organisateurs",
            TEXT,
            position=2,
            overwrites=[
                Overwrite(everyone, 0, deny=int(Perm.VIEW_CHANNEL)),
                Overwrite(organisers.id, 0, allow=int(Perm.VIEW_CHANNEL)),
                Overwrite(bot_role.id, 0, allow=int(Perm.VIEW_CHANNEL)),
            ],
        )
        self._channel(
            13,
            "lecture-seule",
            TEXT,
            position=3,
            overwrites=[
                Overwrite(everyone, 0, deny=int(Perm.SEND_MESSAGES)),
                Overwrite(bot_role.id, 0, deny=int(Perm.SEND_MESSAGES)),
            ],
        )
        self._channel(14, "vocal", VOICE, position=4)
        # Organisers and the bot moderate the stage (the bot needs it to create stage events).
        moderators = [Overwrite(r.id, 0, allow=int(STAGE_MODERATOR)) for r in (organisers, bot_role)]
        self._channel(15, "scène", STAGE, position=5, overwrites=moderators)
        self.system_channel_id = self.channel("général").id

    @property
    def id(self) -> int:
        """The guild id (the fake has exactly one guild)."""
        return self.guild_id

    @property
    def name(self) -> str:
        return self.guild_name

    # -- construction helpers -------------------------------------------------------------------

    def _next_static(self) -> int:
        self._static_index += 1
        return static_snowflake(self._static_index)

    def _role(self, index: int, name: str, perms: int, **kwargs: Any) -> FakeRole:
        role = FakeRole(static_snowflake(index), name, int(perms), **kwargs)
        self.roles[role.id] = role
        return role

    def _channel(self, index: int, name: str, type_: int, **kwargs: Any) -> FakeChannel:
        chan = FakeChannel(static_snowflake(index), name, type_, guild_id=self.guild_id, **kwargs)
        self.channels[chan.id] = chan
        return chan

    def add_role(self, name: str, permissions: PermLike = 0, *, mentionable: bool = False) -> FakeRole:
        position = max(r.position for r in self.roles.values()) + 1
        role = FakeRole(
            self._next_static(), name, to_bits(permissions), position=position, mentionable=mentionable
        )
        self.roles[role.id] = role
        return role

    def add_member(
        self, name: str, *, roles: Iterable[FakeRole | int | str] = (), locale: str = "fr", bot: bool = False
    ) -> FakeMember:
        member = FakeMember(self._next_static(), name, locale=locale, bot=bot)
        member.roles = [self.role(r).id for r in roles]
        self.members[member.id] = member
        return member

    def add_channel(
        self,
        name: str,
        type_: int = TEXT,
        *,
        parent: FakeChannel | int | str | None = None,
        topic: str | None = None,
        overwrites: Iterable[Overwrite] = (),
    ) -> FakeChannel:
        position = len([c for c in self.channels.values() if c.guild_id and not c.is_thread])
        chan = FakeChannel(
            self._next_static(),
            name,
            type_,
            guild_id=self.guild_id,
            parent_id=self.channel(parent).id if parent is not None else None,
            position=position,
            topic=topic,
            overwrites=list(overwrites),
        )
        self.channels[chan.id] = chan
        return chan

    def set_overwrite(
        self,
        channel: FakeChannel | int | str,
        target: FakeRole | FakeMember | int | str,
        *,
        allow: PermLike = 0,
        deny: PermLike = 0,
    ) -> FakeChannel:
        """Replaces the overwrite of ``target`` (role or member) on ``channel``; allow=deny=0 removes it."""
        chan = self.channel(channel)
        kind, target_id = self._overwrite_target(target)
        chan.overwrites = [ow for ow in chan.overwrites if (ow.type, ow.id) != (kind, target_id)]
        allow_bits, deny_bits = to_bits(allow), to_bits(deny)
        if allow_bits or deny_bits:
            chan.overwrites.append(Overwrite(target_id, kind, allow_bits, deny_bits))
        return chan

    def _overwrite_target(self, target: FakeRole | FakeMember | int | str) -> tuple[int, int]:
        if isinstance(target, FakeRole):
            return 0, target.id
        if isinstance(target, FakeMember):
            return 1, target.id
        if isinstance(target, int) and target in self.members:
            return 1, target
        try:
            return 0, self.role(target).id
        except NotFoundError:
            return 1, self.member(target).id

    # -- lookups ----------------------------------------------------------------------------------

    def member(self, ref: FakeMember | int | str) -> FakeMember:
        if isinstance(ref, FakeMember):
            return ref
        for m in self.members.values():
            if ref in (m.id, m.name):
                return m
        raise NotFoundError(f"unknown member {ref!r}; known: {[m.name for m in self.members.values()]}")

    def role(self, ref: FakeRole | int | str) -> FakeRole:
        if isinstance(ref, FakeRole):
            return ref
        for r in self.roles.values():
            if ref in (r.id, r.name):
                return r
        raise NotFoundError(f"unknown role {ref!r}; known: {[r.name for r in self.roles.values()]}")

    def channel(self, ref: FakeChannel | int | str) -> FakeChannel:
        if isinstance(ref, FakeChannel):
            return ref
        for c in self.channels.values():
            if ref in (c.id, c.name) and (c.type != DM or ref == c.id):
                return c
        names = [c.name for c in self.channels.values() if c.type != DM]
        raise NotFoundError(f"unknown channel {ref!r}; known: {names}")

    def message(self, ref: FakeMessage | int) -> FakeMessage:
        msg_id = ref.id if isinstance(ref, FakeMessage) else int(ref)
        try:
            return self.messages[msg_id]
        except KeyError:
            raise NotFoundError(f"unknown message {msg_id}") from None

    def guild_channels(self) -> list[FakeChannel]:
        return [c for c in self.channels.values() if c.guild_id is not None and not c.is_thread]

    def threads(self) -> list[FakeChannel]:
        return [c for c in self.channels.values() if c.is_thread and not c.archived]

    def dm_channel_for(self, user_id: int) -> FakeChannel:
        for c in self.channels.values():
            if c.type == DM and c.recipient_id == user_id:
                return c
        chan = FakeChannel(self.new_id(), "", DM, recipient_id=user_id)
        self.channels[chan.id] = chan
        return chan

    # -- permissions -----------------------------------------------------------------------------

    def permissions(
        self, member: FakeMember | int | str, channel: FakeChannel | int | str | None = None
    ) -> int:
        """Guild permissions of ``member``, or its permissions in ``channel`` (threads use their parent)."""
        m = self.member(member)
        role_perms = {r.id: r.permissions for r in self.roles.values()}
        base = base_permissions(
            member_id=m.id,
            member_role_ids=m.roles,
            role_permissions=role_perms,
            everyone_role_id=self.guild_id,
            owner_id=self.owner_id,
        )
        if channel is None:
            return base
        chan = self.channel(channel)
        if chan.type == DM:
            return int(Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES | Perm.READ_MESSAGE_HISTORY | Perm.EMBED_LINKS)
        is_thread = chan.is_thread
        source = self.channels[chan.parent_id] if is_thread and chan.parent_id else chan
        return apply_overwrites(
            base,
            member_id=m.id,
            member_role_ids=m.roles,
            everyone_role_id=self.guild_id,
            overwrites=source.overwrites,
            is_thread=is_thread,
        )

    # -- payloads --------------------------------------------------------------------------------

    def channel_payload(self, chan: FakeChannel) -> Json:
        recipient = self.members.get(chan.recipient_id) if chan.recipient_id else None
        return chan.to_payload(recipient=recipient)

    def message_payload(self, msg: FakeMessage) -> Json:
        data = msg.to_payload(self.members)
        data["reactions"] = [
            {"emoji": {"id": None, "name": emoji}, "count": len(users), "me": self.bot.id in users}
            for emoji, users in msg.reactions.items()
            if users
        ]
        if msg.thread_id and msg.thread_id in self.channels:
            data["thread"] = self.channel_payload(self.channels[msg.thread_id])
        return data

    def guild_payload(self, *, full: bool, include_members: bool = True, include_voice: bool = True) -> Json:
        """Without ``include_members`` (no GUILD_MEMBERS intent) the members are the bot and those in voice,
        as on Discord; ``include_voice`` (the GUILD_VOICE_STATES intent) sends the voice states."""
        data: Json = {
            "id": str(self.guild_id),
            "name": self.guild_name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "roles": [r.to_payload() for r in sorted(self.roles.values(), key=lambda r: r.position)],
            "emojis": [],
            "stickers": [],
            "features": list(self.features),
            "mfa_level": 0,
            "application_id": None,
            "system_channel_id": str(self.system_channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "preferred_locale": self.preferred_locale,
            "nsfw_level": 0,
            "premium_progress_bar_enabled": False,
            "max_members": 500000,
        }
        if full:
            shown = [
                m
                for m in self.members.values()
                if include_members or m.id == self.bot.id or m.id in self.voice_states
            ]
            data.update(
                joined_at=self.bot.joined_at,
                large=False,
                unavailable=False,
                member_count=len(self.members),
                voice_states=[v.to_payload() for v in self.voice_states.values()] if include_voice else [],
                members=[m.member_payload() for m in shown],
                channels=[self.channel_payload(c) for c in self.guild_channels()],
                threads=[self.channel_payload(c) for c in self.threads()],
                presences=[],
                stage_instances=[],
                guild_scheduled_events=[
                    ev.to_payload(self.members.get(ev.creator_id))
                    for ev in self.events.values()
                    if not ev.deleted
                ],
                soundboard_sounds=[],
            )
        return data

    def app_info_payload(self, flags: int) -> Json:
        owner = self.members[self.owner_id]
        return {
            "id": str(self.application_id),
            "name": self.bot.global_name,
            "icon": None,
            "description": "Fake application",
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": owner.user_payload(),
            "verify_key": "0" * 64,
            "flags": flags,
            "team": None,
            "interactions_endpoint_url": None,
            "bot": self.bot.user_payload(),
            "approximate_guild_count": 1,
            "created_at": iso(),
        }
