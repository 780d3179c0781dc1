"""Pure text helpers for the admin commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from agora.escaping import truncate

if TYPE_CHECKING:
    from agora.backup import BackupStatus
    from agora.i18n import Words

FIELD_VALUE_MAX = 1024
_FENCES = "```\n\n```"
UNITS = (("units.days", 86400), ("units.hours", 3600), ("units.minutes", 60), ("units.seconds", 1))


def format_duration(seconds: float, unit: Callable[[str, int], str]) -> str:
    """`2 j 3 h 5 min` style: the two largest non-zero units; `unit(key, n)` renders one unit."""
    remaining = max(0, int(seconds))
    parts = []
    for key, size in UNITS:
        amount, remaining = divmod(remaining, size)
        if amount or (not parts and size == 1):
            parts.append(unit(key, amount))
        if len(parts) == 2:
            break
    return " ".join(parts)


def settings_block(pairs: list[tuple[str, str]], limit: int = FIELD_VALUE_MAX) -> str:
    """`name  value` lines in a code block of at most `limit` characters, its fence closed even when
    the lines are cut (an unclosed fence would show the backticks and lose the block)."""
    width = max((len(name) for name, _ in pairs), default=0)
    body = "\n".join(f"{name.ljust(width)}  {value.replace('`', 'ʼ')}" for name, value in pairs)
    return f"```\n{truncate(body, limit - len(_FENCES))}\n```"


def _code(text: str) -> str:
    return f"`{text.replace('`', 'ʼ')}`"


def backup_report(status: BackupStatus | None, now: datetime, words: Words) -> str:
    """The last backup and its age, a warning when it is older than twice the interval or dated in the
    future, the last error."""
    if status is None or status.interval_seconds is None:
        return words("config.backup.off")

    def duration(seconds: float) -> str:
        return format_duration(seconds, lambda key, n: words(key, n=n))

    lines = []
    age = status.age(now)
    if status.latest is None or age is None:
        lines.append(words("config.backup.none", folder=_code(str(status.folder))))
    elif age < 0:
        # Not "0 s ago": a name from a clock that ran ahead says nothing of when the copy was taken.
        lines.append("⚠️ " + words("config.backup.future", name=_code(status.latest)))
    elif status.overdue(now):
        lines.append("⚠️ " + words("config.backup.latest", name=_code(status.latest), age=duration(age)))
        lines.append("⚠️ " + words("config.backup.overdue", interval=duration(status.interval_seconds)))
    else:
        lines.append("✅ " + words("config.backup.latest", name=_code(status.latest), age=duration(age)))
    if status.future is not None and status.future != status.latest:
        lines.append("⚠️ " + words("config.backup.future", name=_code(status.future)))
    if status.error is not None:
        failed = duration((now - status.error_at).total_seconds()) if status.error_at else "?"
        lines.append("⚠️ " + words("config.backup.error", age=failed, error=_code(status.error)))
    return truncate("\n".join(lines), FIELD_VALUE_MAX)
