"""Ids Agora reads back from Discord: in a button's custom_id, or typed by a member as a command option.

Both come from outside (a modified client can send any custom_id; a member can type anything), so each
is checked to name something Agora could have made before any store is asked.
"""

from __future__ import annotations

from agora import errors

MAX_ID = 2**63 - 1  # Discord's snowflakes and SQLite's INTEGER are 64-bit

# An id in a `DynamicItem` template: ASCII digits (`\d` also takes other scripts' digits), at most as
# many as MAX_ID has. Longer ones match no template and get the stale answer (stale_components.py);
# 19-digit ones past MAX_ID are refused by `record_id` when clicked.
ID_TEMPLATE = r"[0-9]{1,19}"


class StaleComponent(errors.UserError):
    """A button or select that names nothing Agora can have made (a forged or mangled custom_id)."""

    def __init__(self) -> None:
        super().__init__("errors.stale_component")


def record_id(number: int) -> int:
    """The id a `DynamicItem`'s custom_id carries, once checked: no record of Agora's is past 64 bits.

    Checked when clicked rather than in `from_custom_id`, which discord.py lets fail silently.
    """
    if not 0 <= number <= MAX_ID:
        raise StaleComponent
    return number


def parse_id(value: str) -> int | None:
    """The id in an option a member typed or picked from autocomplete; None unless it is ASCII digits
    within 64 bits (str.isdigit() alone also accepts "²" and numbers SQLite cannot hold)."""
    text = value.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    number = int(text)
    return number if number <= MAX_ID else None
