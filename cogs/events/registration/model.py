"""Places at an event and their waitlist as plain data: what `RegistrationStore` reads and returns, and
the refusals its rules give. No SQL, no discord: the store and the click batches make them."""

from __future__ import annotations

from dataclasses import dataclass


class RegistrationRefused(Exception):
    """A click or command the registration rules refuse; `key` is the catalogue key that says why,
    `values` fill it (no member text in either: safe to log)."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True, slots=True)
class RegistrationSettings:
    event_id: int
    places: int | None  # None: no limit
    deadline: int | None  # None: at the start
    checkin_code: str | None
    channel_id: int | None
    message_id: int | None
    shown: str | None
    closed_at: int | None


@dataclass(frozen=True, slots=True)
class Counts:
    places: int | None
    registered: int
    offered: int  # places held for a member who was offered one
    waiting: int

    @property
    def taken(self) -> int:
        return self.registered + self.offered

    @property
    def full(self) -> bool:
        return self.places is not None and self.taken >= self.places


@dataclass(frozen=True, slots=True)
class Place:
    """One member's row: `position` is 1-based on the waitlist (None unless waiting)."""

    event_id: int
    user_id: int
    status: str  # 'registered', 'offered' or 'waiting'
    position: int | None
    clicked_at: int
    offer_expires_at: int | None


@dataclass(frozen=True, slots=True)
class Offer:
    """A place offered to the first member waiting: DM them, with Confirm / Decline."""

    event_id: int
    user_id: int
    expires_at: int


@dataclass(frozen=True, slots=True)
class Change:
    """What a write did: the member's place after it (None: no row any more), and the offers it made."""

    place: Place | None
    offers: tuple[Offer, ...] = ()


@dataclass(frozen=True, slots=True)
class Clicked:
    """What a Register click did, with the event's name and start as the click's transaction read them:
    what its answer shows, checked without another read."""

    change: Change
    name: str
    starts_at: int
