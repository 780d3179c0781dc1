"""Checking what an organiser typed to open registration: the number of places and the deadline.

The deadline is typed like the event's own times (`2026-12-01 18:00`, `1.12.2026 18h`) in the
community's time zone, read by the same function (rules.parse_start). Each refusal is a `UserError`
whose key says what to change; nothing is changed then.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from agora.clock import epoch
from agora.errors import UserError
from cogs.events.registration.store import MAX_PLACES
from cogs.events.rules import parse_start


def check_places(places: int | None) -> int | None:
    """None (no limit) or 1 to MAX_PLACES."""
    if places is not None and not 1 <= places <= MAX_PLACES:
        raise UserError("events.places.error.out_of_range", places=places)
    return places


def read_deadline(text: str | None, starts_at: int, now: datetime, zone: ZoneInfo) -> int | None:
    """The deadline as epoch seconds, strictly in the future and no later than the start; None when
    nothing was typed (registration then closes at the start)."""
    if text is None or not text.strip():
        return None
    deadline = epoch(parse_start(text, zone))
    if deadline <= epoch(now):
        raise UserError("events.places.error.deadline_past", deadline=f"<t:{deadline}:f>")
    if deadline > starts_at:
        raise UserError(
            "events.places.error.deadline_after_start",
            deadline=f"<t:{deadline}:f>",
            start=f"<t:{starts_at}:f>",
        )
    return deadline
