"""A member's voice state (who sits in which voice or stage channel) and its Discord JSON."""

from __future__ import annotations

from dataclasses import dataclass

from .models import FakeMember, Json

# The voice state fields a test may set (``join_voice(..., self_mute=True)``, ``set_voice_state``).
VOICE_FLAGS = frozenset(
    {"deaf", "mute", "self_deaf", "self_mute", "self_stream", "self_video", "suppress", "request_to_speak"}
)


@dataclass
class FakeVoiceState:
    """Where a member is connected. Discord keeps one per member and guild, gone when they leave."""

    user_id: int
    channel_id: int
    session_id: str
    deaf: bool = False
    mute: bool = False
    self_deaf: bool = False
    self_mute: bool = False
    self_stream: bool = False
    self_video: bool = False
    # Stage audience members are suppressed (cannot speak) until a moderator invites them.
    suppress: bool = False
    request_to_speak: str | None = None  # ISO 8601, a stage audience member's raised hand

    def to_payload(self, *, guild_id: int | None = None, member: FakeMember | None = None) -> Json:
        """VOICE_STATE_UPDATE carries ``guild_id`` and ``member``; GUILD_CREATE's ``voice_states`` neither
        (its ``members`` array holds the members in voice)."""
        data: Json = {
            "channel_id": str(self.channel_id),
            "user_id": str(self.user_id),
            "session_id": self.session_id,
            "deaf": self.deaf,
            "mute": self.mute,
            "self_deaf": self.self_deaf,
            "self_mute": self.self_mute,
            "self_stream": self.self_stream,
            "self_video": self.self_video,
            "suppress": self.suppress,
            "request_to_speak_timestamp": self.request_to_speak,
        }
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        if member is not None:
            data["member"] = member.member_payload()
        return data


def left_payload(state: FakeVoiceState, *, guild_id: int, member: FakeMember | None) -> Json:
    """The VOICE_STATE_UPDATE of a member who disconnected: the last state with ``channel_id`` null."""
    data = state.to_payload(guild_id=guild_id, member=member)
    data["channel_id"] = None
    return data
