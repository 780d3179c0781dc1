"""Base classes for buttons, selects and modals: their errors reach the person like command errors do.

discord.py only logs an exception raised in a view, modal or `DynamicItem` callback, and the person
sees "This interaction failed". Here a `UserError` is answered in their language and anything else
gets the apology with an error id, exactly as for slash commands (see errors.py).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

import discord

import errors

SelfT = TypeVar("SelfT")
Callback = Callable[[SelfT, discord.Interaction[Any]], Awaitable[None]]


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


def submitted_values(components: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Each input's value by custom id, from a modal submission's raw components (labels and rows)."""
    values: dict[str, Any] = {}

    def visit(component: Mapping[str, Any]) -> None:
        inner = component.get("component")
        if isinstance(inner, Mapping):
            visit(inner)
        for child in component.get("components") or ():
            if isinstance(child, Mapping):
                visit(child)
        custom_id = component.get("custom_id")
        if isinstance(custom_id, str):
            if "values" in component:
                values[custom_id] = component["values"]
            elif "value" in component:
                values[custom_id] = component["value"]

    for component in components:
        if isinstance(component, Mapping):
            visit(component)
    return values


def join_within(lines: Sequence[str], limit: int, more: Callable[[int], str] | None = None) -> str:
    """As many whole lines as fit in `limit` characters, then `more(count left out)` if given."""
    kept: list[str] = []
    used = 0
    for position, line in enumerate(lines):
        tail = len(more(len(lines) - position)) + 1 if more else 0
        if used + len(line) + 1 + tail > limit:
            if more:
                kept.append(more(len(lines) - position))
            break
        kept.append(line)
        used += len(line) + 1
    return "\n".join(kept)


async def report(error: Exception, interaction: discord.Interaction[Any]) -> None:
    await errors.report(error, interaction.client.catalogue, interaction)


class AgoraView(discord.ui.View):
    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        await report(error, interaction)


class AgoraModal(discord.ui.Modal):
    async def on_error(self, interaction: discord.Interaction[Any], error: Exception) -> None:
        await report(error, interaction)


def reports_errors(callback: Callback[SelfT]) -> Callback[SelfT]:
    """For `DynamicItem.callback`, whose exceptions discord.py would only log."""

    @functools.wraps(callback)
    async def guarded(self: SelfT, interaction: discord.Interaction[Any]) -> None:
        try:
            await callback(self, interaction)
        except Exception as error:  # every error is answered and logged in report()
            await report(error, interaction)

    return guarded
