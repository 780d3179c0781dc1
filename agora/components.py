"""Base classes for buttons, selects and modals: their errors reach the person like command errors do.

discord.py only logs an exception raised in a view, modal or `DynamicItem` callback, and the person
sees "This interaction failed". Here a `UserError` is answered in their language and anything else
gets the apology with an error id, exactly as for slash commands (see errors.py).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import discord

from agora import errors

SelfT = TypeVar("SelfT")
Callback = Callable[[SelfT, discord.Interaction[Any]], Awaitable[None]]


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


def walk_components(components: Iterable[Any]) -> Iterator[Any]:
    """Every component of a message (`message.components`), wherever it sits: in action rows,
    containers and sections (a section's accessory too), as a message read back from Discord has them."""
    for component in components:
        yield component
        yield from walk_components(getattr(component, "children", ()))
        accessory = getattr(component, "accessory", None)
        if accessory is not None:
            yield from walk_components((accessory,))


def custom_ids(components: Iterable[Any]) -> Iterator[str]:
    """The custom ids of a message's components, wherever they sit (`walk_components`)."""
    for component in walk_components(components):
        custom_id = getattr(component, "custom_id", None)
        if isinstance(custom_id, str):
            yield custom_id


def carrying(custom_id: str) -> Callable[[discord.Message], bool]:
    """Whether a message carries the component `custom_id`: how one's own post is found again after a
    crash (`agora.channels.find_own_post`)."""
    return lambda message: custom_id in custom_ids(message.components)


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
