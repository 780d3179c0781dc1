"""The registration buttons: Register / Cancel on the event's message (and Cancel in `/event mine`), and
Confirm / Decline in the DM that offers a freed place.

All are `DynamicItem`s: the event (and for an offer, the member it was made to) is in the custom_id, so
every message ever posted keeps working after a restart without registering a view per event. Ids are
ASCII digits (`ID_TEMPLATE`) checked with `record_id` when clicked; what they name is checked against
the store by the handlers (cogs/events/registration/desk.py), never trusted.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from agora.components import reports_errors
from agora.i18n import Words
from agora.ids import ID_TEMPLATE, record_id
from cogs.events.calendar.views import CalendarButton

if TYPE_CHECKING:
    from cogs.events.registration.desk import RegistrationDesk

MAX_LABEL = 80
MAX_BUTTONS = 25  # five rows of five


def _desk(interaction: discord.Interaction[Any]) -> RegistrationDesk:
    return interaction.client.get_cog("EventsCog").registration_desk


class RegisterButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"event:register:(?P<event>{ID_TEMPLATE})"
):
    def __init__(self, event_id: int, label: str = "…", *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:MAX_LABEL],
                emoji="🎟️",
                style=discord.ButtonStyle.success,
                custom_id=f"event:register:{event_id}",
                disabled=disabled,
            )
        )
        self.event_id = event_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> RegisterButton:
        return cls(int(match["event"]), item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _desk(interaction).register(interaction, record_id(self.event_id))


class UnregisterButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"event:unregister:(?P<event>{ID_TEMPLATE})"
):
    def __init__(
        self, event_id: int, label: str = "…", *, disabled: bool = False, row: int | None = None
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:MAX_LABEL],
                style=discord.ButtonStyle.secondary,
                custom_id=f"event:unregister:{event_id}",
                disabled=disabled,
                row=row,
            )
        )
        self.event_id = event_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> UnregisterButton:
        return cls(int(match["event"]), item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _desk(interaction).cancel(interaction, record_id(self.event_id))


class OfferButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"event:offer:(?P<event>{ID_TEMPLATE}):(?P<user>{ID_TEMPLATE}):(?P<choice>confirm|decline)",
):
    def __init__(self, event_id: int, user_id: int, choice: str, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:MAX_LABEL],
                style=discord.ButtonStyle.success if choice == "confirm" else discord.ButtonStyle.secondary,
                custom_id=f"event:offer:{event_id}:{user_id}:{choice}",
            )
        )
        self.event_id = event_id
        self.user_id = user_id
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> OfferButton:
        return cls(int(match["event"]), int(match["user"]), match["choice"], item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _desk(interaction).answer_offer(
            interaction, record_id(self.event_id), record_id(self.user_id), self.choice
        )


def registration_view(event_id: int, words: Words, *, closed: bool, over: bool) -> discord.ui.View:
    """Register, disabled once registration closed; Cancel, disabled once the event started or was
    called off (cancelling after the deadline still frees the place for the count); Add to calendar."""
    view = discord.ui.View(timeout=None)
    view.add_item(RegisterButton(event_id, words("events.button.register"), disabled=closed or over))
    view.add_item(UnregisterButton(event_id, words("events.button.unregister"), disabled=over))
    # Never disabled: the file of a moved or cancelled event updates or removes a member's copy.
    view.add_item(CalendarButton(event_id, words("events.button.calendar")))
    return view


def offer_view(event_id: int, user_id: int, words: Words) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(OfferButton(event_id, user_id, "confirm", words("events.button.confirm")))
    view.add_item(OfferButton(event_id, user_id, "decline", words("events.button.decline")))
    return view


def mine_view(choices: Sequence[tuple[int, str]], words: Words) -> discord.ui.View | None:
    """One Cancel button per event (its name in the label), at most Discord's 25."""
    if not choices:
        return None
    view = discord.ui.View(timeout=None)
    for index, (event_id, name) in enumerate(choices[:MAX_BUTTONS]):
        label = words("events.button.unregister_from", name=name[:60])
        view.add_item(UnregisterButton(event_id, label, row=index // 5))
    return view
