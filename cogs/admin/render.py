"""Pure text helpers for the admin commands."""

from __future__ import annotations

from collections.abc import Callable

from agora.escaping import truncate

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
