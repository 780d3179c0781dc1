"""The time, injected wherever it matters so tests can move it (UTC, aware datetimes only)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


def epoch(moment: datetime) -> int:
    """Seconds since the epoch, as SQLite stores times."""
    return int(moment.timestamp())
