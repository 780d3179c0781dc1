"""When check-in is open and when time in an event's voice channel counts; what a check-in code is.

Pure functions over an event's times (epoch seconds, UTC), shared by the store (which decides inside its
transactions) and the desk (which answers the member), so both read the same window.

- Check-in opens `opens` seconds before the start (AGORA_CHECKIN_OPENS), or as soon as Discord says the
  event started, and closes at its end; never for an event called off.
- Time in the voice channel counts from the start (or from when Discord said it started, if earlier)
  to the end. An event that ended early (Discord completed it) ends then; one called off ends when it
  was called off. An event without an end time is taken to last `DEFAULT_LENGTH` (model.py).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from cogs.events.model import DEFAULT_LENGTH

CODE_LENGTH = 4
# Five wrong codes within ten minutes block the member for ten minutes.
LOCKOUT_FAILURES = 5
LOCKOUT_WINDOW = 10 * 60
LOCKOUT_SECONDS = 10 * 60
CALLED_OFF = ("cancelled", "deleted")


@dataclass(frozen=True, slots=True)
class EventTimes:
    starts_at: int
    ends_at: int | None
    status: str
    completed_at: int | None
    updated_at: int
    started_at: int | None  # when Agora first saw it running (None: not seen)

    @property
    def runs_from(self) -> int:
        """Time in the voice channel counts from then."""
        return min(self.starts_at, self.started_at) if self.started_at is not None else self.starts_at

    @property
    def ends(self) -> int:
        """The end of the event: scheduled (or assumed), or earlier when it ended or was called off."""
        scheduled = self.ends_at if self.ends_at is not None else self.starts_at + DEFAULT_LENGTH
        if self.status == "completed" and self.completed_at is not None:
            return min(scheduled, self.completed_at)
        if self.status in CALLED_OFF:
            return min(scheduled, self.updated_at)
        return scheduled

    def checkin_opens(self, opens: int) -> int:
        early = self.starts_at - opens
        return min(early, self.started_at) if self.started_at is not None else early

    def checkin_state(self, now: int, opens: int) -> str:
        """'before', 'open' or 'closed' (after the end, or called off)."""
        if self.status in CALLED_OFF or now >= self.ends:
            return "closed"
        if self.status == "active" or now >= self.checkin_opens(opens):
            return "open"
        return "before"

    def counted(self, since: int, until: int) -> int:
        """Seconds of a presence from `since` to `until` that fall while the event runs."""
        return max(0, min(until, self.ends) - max(since, self.runs_from))


def new_code() -> str:
    """Four random digits (0000–9999), from the secrets module: not guessable from earlier codes."""
    return f"{secrets.randbelow(10**CODE_LENGTH):0{CODE_LENGTH}d}"


def well_formed(typed: str) -> bool:
    """Four ASCII digits, spaces around them forgiven (str.isdigit would take other scripts' digits)."""
    cleaned = typed.strip()
    return len(cleaned) == CODE_LENGTH and cleaned.isascii() and cleaned.isdigit()
