"""The *Je suis là / Check in* button of an event's check-in message, and the one-field form asking for
the code when the organisers set one.

The button is a `DynamicItem` (`event:checkin:<id>`): the message posted when the window opened keeps
working after a restart. The form is stateless like the feedback form (cogs/events/rules.py): stopped
before it is sent, so discord.py keeps no copy, and its submission is read from the interaction alone
through `bot.forms` (agora/forms.py; `read_code`): a form filled in across a restart still counts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import discord

from agora import errors
from agora.components import reports_errors, submitted_values
from agora.i18n import Words
from agora.ids import ID_TEMPLATE, MAX_ID, record_id
from cogs.events.attendance.rules import CODE_LENGTH

if TYPE_CHECKING:
    from cogs.events.attendance.checkin_desk import CheckinDesk

log = logging.getLogger(__name__)

CODE = "code"
CHECKIN_FORM_ID = re.compile(rf"^event:checkin-form:({ID_TEMPLATE})\Z")
MAX_LABEL = 80
MAX_TITLE = 45
# What the form may bring back: a real client sends at most CODE_LENGTH characters; a forged one is
# read no further than this (and refused as malformed).
MAX_TYPED = 100


def _desk(interaction: discord.Interaction[Any]) -> CheckinDesk:
    return interaction.client.get_cog("EventsCog").checkin_desk


class CheckinButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=rf"event:checkin:(?P<event>{ID_TEMPLATE})"
):
    def __init__(self, event_id: int, label: str = "…", *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:MAX_LABEL],
                emoji="👋",
                style=discord.ButtonStyle.success,
                custom_id=f"event:checkin:{event_id}",
                disabled=disabled,
            )
        )
        self.event_id = event_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> CheckinButton:
        return cls(int(match["event"]), item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _desk(interaction).click(interaction, record_id(self.event_id))


def checkin_view(event_id: int, words: Words, *, closed: bool) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(CheckinButton(event_id, words("events.checkin.button"), disabled=closed))
    return view


class CheckinForm(discord.ui.Modal):
    """One text field: the four digits shown in the room."""

    def __init__(self, event_id: int, words: Words) -> None:
        super().__init__(
            title=words("events.checkin.form.title")[:MAX_TITLE], custom_id=f"event:checkin-form:{event_id}"
        )
        self.code: discord.ui.TextInput[CheckinForm] = discord.ui.TextInput(
            custom_id=CODE,
            placeholder=words("events.checkin.form.placeholder")[:100],
            min_length=CODE_LENGTH,
            max_length=CODE_LENGTH,
            required=True,
        )
        self.add_item(
            discord.ui.Label(
                text=words("events.checkin.form.label")[:MAX_TITLE],
                description=words("events.checkin.form.description")[:100],
                component=self.code,
            )
        )
        # Stopped before it is sent: its submission is answered from the interaction alone.
        self.stop()


def read_code(interaction: discord.Interaction[Any]) -> tuple[int, str]:
    """The event and the text typed in a submitted check-in form. A form that names no event Agora can
    have made, or brings no code, is a forged one: the stale answer."""
    data: Mapping[str, Any] = interaction.data or {}
    match = CHECKIN_FORM_ID.match(str(data.get("custom_id", "")))
    if match is None or int(match[1]) > MAX_ID:
        raise errors.UserError("errors.stale_form")
    typed = submitted_values(data.get("components") or ()).get(CODE)
    if not isinstance(typed, str):
        log.warning("a check-in form without its code for event %s %s", match[1], errors.locate(interaction))
        raise errors.UserError("errors.stale_form")
    return int(match[1]), typed[:MAX_TYPED]
