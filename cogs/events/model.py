"""An event as Discord describes it, and as Agora follows it. Plain data: the store makes them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from agora.clock import epoch

# An event Discord gives no end time (voice and stage events may have none) is taken to last this long.
DEFAULT_LENGTH = 3 * 3600


@dataclass(frozen=True, slots=True)
class EventSnapshot:
    """What Discord says of a scheduled event, in Agora's terms."""

    id: int
    guild_id: int
    name: str
    description: str | None
    location: str | None
    starts_at: int
    ends_at: int | None
    status: str


@dataclass(frozen=True, slots=True)
class TrackedEvent:
    id: int
    discord_id: int | None
    guild_id: int
    name: str
    description: str | None
    location: str | None
    channel_id: int | None
    starts_at: int
    ends_at: int | None
    status: str
    completed_at: int | None
    language: str
    created_by_agora: bool
    announcement_message_id: int | None
    call_at: int | None
    closes_at: int | None
    call_channel_id: int | None
    call_message_id: int | None
    interested: int
    call_dms_at: int | None
    reminder_dms_at: int | None
    closed_at: int | None
    report_message_id: int | None
    report_done_at: int | None
    updated_at: int

    @property
    def assumed_end(self) -> int:
        return self.ends_at if self.ends_at is not None else self.starts_at + DEFAULT_LENGTH

    @property
    def is_called_off(self) -> bool:
        return self.status in ("cancelled", "deleted")

    def feedback_open_at(self, now: datetime) -> bool:
        return (
            self.call_at is not None
            and self.closed_at is None
            and self.closes_at is not None
            and epoch(now) < self.closes_at
        )

    @property
    def discord_event_id(self) -> int:
        return self.discord_id if self.discord_id is not None else self.id

    @property
    def link(self) -> str:
        return f"https://discord.com/events/{self.guild_id}/{self.discord_event_id}"


@dataclass(frozen=True, slots=True)
class Answers:
    """One member's answers to an event's feedback form, as the form reads them and the store keeps them."""

    rating: int  # 1–5
    recommend: int  # 0–10
    useful: str
    improve: str
    topics: tuple[str, ...]
