"""Members in voice and stage channels: joining, moving, leaving and muting, each told to the bots with
the GUILD_VOICE_STATES intent by a VOICE_STATE_UPDATE as Discord sends it; the REST routes that read
a voice state. The states a bot finds on connecting are in GUILD_CREATE (world.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .builders import InvalidInteraction
from .http_common import json_response, not_found
from .models import STAGE, VOCAL_TYPES, FakeChannel, FakeMember, Json
from .permissions import Perm
from .voice_state import VOICE_FLAGS, FakeVoiceState, left_payload

if TYPE_CHECKING:
    from .server import FakeDiscord
    from .world import World

ChannelRef = FakeChannel | int | str
MemberRef = FakeMember | int | str


class VoiceActions:
    if TYPE_CHECKING:
        world: World

        async def dispatch(self, event: str, data: Json) -> int: ...

    # -- lookups ----------------------------------------------------------------------------------

    def voice_state(self, member: MemberRef) -> FakeVoiceState | None:
        """Where ``member`` is connected (``.channel_id``, ``.self_mute``...), None when not in voice."""
        return self.world.voice_states.get(self.world.member(member).id)

    def voice_members(self, channel: ChannelRef) -> list[FakeMember]:
        """Members connected to a voice or stage channel, in the order they arrived."""
        chan = self.world.channel(channel)
        return [
            self.world.members[v.user_id] for v in self.world.voice_states.values() if v.channel_id == chan.id
        ]

    # -- what members do --------------------------------------------------------------------------

    async def join_voice(self, member: MemberRef, channel: ChannelRef, **flags: Any) -> FakeVoiceState:
        """``member`` connects to a voice or stage channel: VOICE_STATE_UPDATE with its ``channel_id``.

        ``flags``: self_mute, self_deaf, self_video, self_stream, mute, deaf, suppress (default: True in
        a stage channel, where members join the audience), request_to_speak (datetime or None).
        Already connected elsewhere: the client moves there (as ``move_voice``). Refused like Discord's
        client refuses it: not a voice or stage channel, no View Channel or Connect, channel full.
        """
        who = self.world.member(member)
        chan = self._vocal_channel(who, channel)
        current = self.world.voice_states.get(who.id)
        if current is not None:
            if current.channel_id == chan.id:
                raise InvalidInteraction(f"{who.name} is already in #{chan.name}")
            return await self.move_voice(who, chan, **flags)
        state = FakeVoiceState(
            user_id=who.id,
            channel_id=chan.id,
            session_id=format(self.world.new_id(), "032x"),  # the member's client session
            suppress=chan.type == STAGE,
        )
        self._apply(state, flags)
        self.world.voice_states[who.id] = state
        await self._send(state)
        return state

    async def move_voice(self, member: MemberRef, channel: ChannelRef, **flags: Any) -> FakeVoiceState:
        """``member``, connected, goes to another voice or stage channel (by themselves or moved by a
        moderator): one VOICE_STATE_UPDATE with the new ``channel_id``, same session."""
        who = self.world.member(member)
        state = self._connected(who)
        chan = self._vocal_channel(who, channel)
        if state.channel_id == chan.id:
            raise InvalidInteraction(f"{who.name} is already in #{chan.name}")
        state.channel_id = chan.id
        state.suppress = chan.type == STAGE  # a stage is joined in the audience, a voice channel not
        state.request_to_speak = None
        self._apply(state, flags)
        await self._send(state)
        return state

    async def leave_voice(self, member: MemberRef) -> None:
        """``member`` disconnects: VOICE_STATE_UPDATE with ``channel_id`` null."""
        who = self.world.member(member)
        state = self._connected(who)
        del self.world.voice_states[who.id]
        await self.dispatch(
            "VOICE_STATE_UPDATE", left_payload(state, guild_id=self.world.guild_id, member=who)
        )

    async def set_voice_state(self, member: MemberRef, **flags: Any) -> FakeVoiceState:
        """``member`` stays connected and mutes, deafens, raises a hand... (same ``flags`` as join_voice)."""
        state = self._connected(self.world.member(member))
        self._apply(state, flags)
        await self._send(state)
        return state

    # -- internals --------------------------------------------------------------------------------

    def _vocal_channel(self, who: FakeMember, channel: ChannelRef) -> FakeChannel:
        chan = self.world.channel(channel)
        if chan.type not in VOCAL_TYPES:
            raise InvalidInteraction(f"#{chan.name} (type {chan.type}) is not a voice or stage channel")
        perms = self.world.permissions(who, chan)
        if not perms & Perm.VIEW_CHANNEL or not perms & Perm.CONNECT:
            raise InvalidInteraction(f"{who.name} may not connect to #{chan.name}")
        present = [
            v for v in self.world.voice_states.values() if v.channel_id == chan.id and v.user_id != who.id
        ]
        if chan.user_limit and len(present) >= chan.user_limit and not perms & Perm.MOVE_MEMBERS:
            raise InvalidInteraction(f"#{chan.name} is full ({chan.user_limit})")
        return chan

    def _connected(self, who: FakeMember) -> FakeVoiceState:
        state = self.world.voice_states.get(who.id)
        if state is None:
            raise InvalidInteraction(f"{who.name} is not connected to voice")
        return state

    @staticmethod
    def _apply(state: FakeVoiceState, flags: dict[str, Any]) -> None:
        unknown = set(flags) - VOICE_FLAGS
        if unknown:
            raise TypeError(f"unknown voice state field(s) {sorted(unknown)}; known: {sorted(VOICE_FLAGS)}")
        for key, value in flags.items():
            if key == "request_to_speak":
                value = value.isoformat() if isinstance(value, dt.datetime) else value
            setattr(state, key, value)

    async def _send(self, state: FakeVoiceState) -> None:
        member = self.world.members[state.user_id]
        await self.dispatch(
            "VOICE_STATE_UPDATE", state.to_payload(guild_id=self.world.guild_id, member=member)
        )


class VoiceApi:
    """GET /guilds/{id}/voice-states/@me and /{user_id} (discord.py's ``Member.fetch_voice``)."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.world = fake.world

    def routes(self) -> list[web.RouteDef]:
        base = "/api/v10/guilds/{gid}/voice-states"
        return [web.get(base + "/@me", self.my_voice_state), web.get(base + "/{uid:\\d+}", self.voice_state)]

    def _answer(self, request: web.Request, user_id: int) -> web.Response:
        if request.match_info["gid"] != str(self.world.guild_id):
            raise not_found(10004, "Guild")
        state = self.world.voice_states.get(user_id)
        if state is None:
            raise not_found(10065, "Voice State")
        member = self.world.members.get(user_id)
        return json_response(state.to_payload(guild_id=self.world.guild_id, member=member))

    async def my_voice_state(self, request: web.Request) -> web.Response:
        return self._answer(request, self.world.bot.id)

    async def voice_state(self, request: web.Request) -> web.Response:
        return self._answer(request, int(request.match_info["uid"]))
