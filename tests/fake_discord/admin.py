"""Changing the guild from the test (roles, channels, members, overwrites), with the gateway events
Discord would send."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .models import FakeChannel, FakeMember, FakeRole, Json
from .permissions import PermLike, to_bits

if TYPE_CHECKING:
    from .world import World

ChannelRef = FakeChannel | int | str
MemberRef = FakeMember | int | str


class GuildAdmin:
    if TYPE_CHECKING:
        world: World

        async def dispatch(self, event: str, data: Json) -> int: ...
        async def leave_voice(self, member: MemberRef) -> None: ...

    async def add_channel(
        self, name: str, type: int = 0, *, parent: ChannelRef | None = None, topic: str | None = None
    ) -> FakeChannel:
        chan = self.world.add_channel(name, type, parent=parent, topic=topic)
        await self.dispatch("CHANNEL_CREATE", self.world.channel_payload(chan))
        return chan

    async def add_role(self, name: str, permissions: PermLike = 0, *, mentionable: bool = False) -> FakeRole:
        role = self.world.add_role(name, permissions, mentionable=mentionable)
        await self.dispatch(
            "GUILD_ROLE_CREATE", {"guild_id": str(self.world.guild_id), "role": role.to_payload()}
        )
        return role

    async def set_role_permissions(self, role: FakeRole | int | str, permissions: PermLike) -> FakeRole:
        target = self.world.role(role)
        target.permissions = to_bits(permissions)
        await self.dispatch(
            "GUILD_ROLE_UPDATE", {"guild_id": str(self.world.guild_id), "role": target.to_payload()}
        )
        return target

    async def add_member(
        self, name: str, *, roles: Iterable[FakeRole | int | str] = (), locale: str = "fr"
    ) -> FakeMember:
        member = self.world.add_member(name, roles=roles, locale=locale)
        await self.dispatch(
            "GUILD_MEMBER_ADD", {**member.member_payload(), "guild_id": str(self.world.guild_id)}
        )
        return member

    async def remove_member(self, member: MemberRef) -> None:
        target = self.world.member(member)
        if target.id in self.world.voice_states:  # Discord disconnects them first
            await self.leave_voice(target)
        del self.world.members[target.id]
        await self.dispatch(
            "GUILD_MEMBER_REMOVE", {"guild_id": str(self.world.guild_id), "user": target.user_payload()}
        )

    async def set_member_roles(self, member: MemberRef, roles: Iterable[FakeRole | int | str]) -> FakeMember:
        target = self.world.member(member)
        target.roles = [self.world.role(r).id for r in roles]
        await self.dispatch(
            "GUILD_MEMBER_UPDATE", {**target.member_payload(), "guild_id": str(self.world.guild_id)}
        )
        return target

    async def set_overwrite(
        self,
        channel: ChannelRef,
        target: FakeRole | FakeMember | int | str,
        *,
        allow: PermLike = 0,
        deny: PermLike = 0,
    ) -> FakeChannel:
        """Replaces ``target``'s overwrite on ``channel`` (allow=deny=0 removes it); sends CHANNEL_UPDATE."""
        chan = self.world.set_overwrite(channel, target, allow=allow, deny=deny)
        await self.dispatch("CHANNEL_UPDATE", self.world.channel_payload(chan))
        return chan

    def set_dms_open(self, member: MemberRef, open: bool = True) -> None:
        """``open=False``: the bot's DMs to this member fail with 403 / 50007."""
        self.world.member(member).dms_open = open

    def fail_dms(self, member: MemberRef, times: int = 1) -> None:
        """The bot's next ``times`` DMs to this member fail with 503, as when Discord's backend has a
        passing outage. 503 rather than 500/502/504: discord.py retries those itself (sleeping in
        real time) and raises ``DiscordServerError`` for a 503 at once."""
        self.world.member(member).dm_failures = times
