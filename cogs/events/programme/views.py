"""The organisers' programme panel (`/event programme`): *Add a session*, the *Edit a session…* and
*Remove a session…* menus, the question before a removal, and the session form.

The panel's buttons and menus are `DynamicItem`s whose custom_id carries the event (and for a removal,
the session): a panel opened before a restart keeps working. Ids are ASCII digits checked with
`record_id`; a menu's chosen session is read from the interaction and checked against the store by
the desk (cogs/events/programme/desk.py), which also checks the organiser rank at every click.

The form is stateless like the feedback form (cogs/events/rules.py): stopped before it is sent, its
submission is read from the interaction alone (`read_submission`) by the cog's listener, so a form
filled in across a restart still counts.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import discord

from agora import errors
from agora.components import reports_errors, submitted_values
from agora.i18n import Words
from agora.ids import ID_TEMPLATE, MAX_ID, StaleComponent, record_id
from agora.meetings import Session
from cogs.events.programme.render import option_description, option_label, typed_time
from cogs.events.programme.rules import (
    END,
    GUEST,
    MAX_GUEST,
    MAX_SESSIONS,
    MAX_TIME,
    MAX_TITLE,
    SPEAKER,
    START,
    TITLE,
    InvalidForm,
    TypedSession,
    read_form,
)

if TYPE_CHECKING:
    from cogs.events.programme.desk import ProgrammeDesk

log = logging.getLogger(__name__)

SESSION_FORM_ID = re.compile(rf"^event:session-form:({ID_TEMPLATE}):({ID_TEMPLATE})\Z")
MAX_LABEL = 80
MAX_FORM_TITLE = 45
MAX_PLACEHOLDER = 100


def _desk(interaction: discord.Interaction[Any]) -> ProgrammeDesk:
    return interaction.client.get_cog("EventsCog").programme_desk


class ProgrammeButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"event:programme:(?P<action>add|back):(?P<event>{ID_TEMPLATE})",
):
    """*Add a session* (opens the form), or *Keep it* (back to the panel from a removal's question)."""

    def __init__(self, event_id: int, action: str, label: str = "…", *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:MAX_LABEL],
                emoji="➕" if action == "add" else None,
                style=discord.ButtonStyle.success if action == "add" else discord.ButtonStyle.secondary,
                custom_id=f"event:programme:{action}:{event_id}",
                disabled=disabled,
            )
        )
        self.event_id = event_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> ProgrammeButton:
        return cls(int(match["event"]), match["action"], item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        desk, event_id = _desk(interaction), record_id(self.event_id)
        if self.action == "add":
            await desk.ask_new(interaction, event_id)
        else:
            await desk.show(interaction, event_id)


class RemoveButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"event:programme:drop:(?P<event>{ID_TEMPLATE}):(?P<session>{ID_TEMPLATE})",
):
    """The removal, confirmed."""

    def __init__(self, event_id: int, session_id: int, label: str = "…") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:MAX_LABEL],
                style=discord.ButtonStyle.danger,
                custom_id=f"event:programme:drop:{event_id}:{session_id}",
            )
        )
        self.event_id = event_id
        self.session_id = session_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Button[Any], match: re.Match[str]
    ) -> RemoveButton:
        return cls(int(match["event"]), int(match["session"]), item.label or "…")

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await _desk(interaction).remove(interaction, record_id(self.event_id), record_id(self.session_id))


class SessionMenu(
    discord.ui.DynamicItem[discord.ui.Select[Any]],
    template=rf"event:programme:(?P<action>edit|remove):(?P<event>{ID_TEMPLATE})",
):
    """*Edit a session…* (opens the form, filled in) or *Remove a session…* (asks first)."""

    def __init__(
        self,
        event_id: int,
        action: str,
        options: Sequence[discord.SelectOption] = (),
        placeholder: str | None = None,
        *,
        disabled: bool = False,
    ) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"event:programme:{action}:{event_id}",
                placeholder=placeholder,
                options=list(options) or [discord.SelectOption(label="…", value="0")],
                disabled=disabled,
            )
        )
        self.event_id = event_id
        self.action = action

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Select[Any], match: re.Match[str]
    ) -> SessionMenu:
        return cls(int(match["event"]), match["action"], item.options, item.placeholder)

    @reports_errors
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        desk, event_id, session_id = _desk(interaction), record_id(self.event_id), chosen(interaction)
        if self.action == "edit":
            await desk.ask_edit(interaction, event_id, session_id)
        else:
            await desk.ask_removal(interaction, event_id, session_id)


def chosen(interaction: discord.Interaction[Any]) -> int:
    """The session a menu's choice names, read from what Discord sent (never from the menu Agora drew:
    a modified client can send any value): one id of ASCII digits within 64 bits."""
    values = (interaction.data or {}).get("values")
    if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], str):
        raise StaleComponent
    value = values[0]
    if not (value.isascii() and value.isdigit() and len(value) <= len(str(MAX_ID))):
        raise StaleComponent
    return record_id(int(value))


def panel_view(
    event_id: int, sessions: Sequence[Session], words: Words, zone: ZoneInfo, *, closed: bool
) -> discord.ui.View:
    """*Add a session* (disabled at ten, or once the event is called off), and, when there are sessions,
    the menus to edit or remove one."""
    view = discord.ui.View(timeout=None)
    full = len(sessions) >= MAX_SESSIONS
    view.add_item(
        ProgrammeButton(event_id, "add", words("events.programme.button.add"), disabled=full or closed)
    )
    if sessions:
        options = [
            discord.SelectOption(
                label=option_label(s, zone), value=str(s.id), description=option_description(s, words)
            )
            for s in sessions
        ]
        for action in ("edit", "remove"):
            placeholder = words(f"events.programme.menu.{action}")
            view.add_item(SessionMenu(event_id, action, options, placeholder, disabled=closed))
    return view


def removal_view(event_id: int, session_id: int, words: Words) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RemoveButton(event_id, session_id, words("events.programme.button.remove")))
    view.add_item(ProgrammeButton(event_id, "back", words("events.programme.button.keep")))
    return view


class SessionForm(discord.ui.Modal):
    """Title, speaker (a member), guest speaker (a name), start and end; filled in to edit a session."""

    def __init__(
        self,
        event_id: int,
        words: Words,
        zone: ZoneInfo,
        *,
        event_start: int,
        session: Session | None = None,
    ) -> None:
        key = "events.programme.form.title_edit" if session else "events.programme.form.title_new"
        super().__init__(
            title=words(key)[:MAX_FORM_TITLE],
            custom_id=f"event:session-form:{event_id}:{session.id if session else 0}",
        )

        def label(name: str, component: discord.ui.Item[Any]) -> discord.ui.Label[Any]:
            return discord.ui.Label(
                text=words(f"events.programme.form.{name}")[:MAX_FORM_TITLE],
                description=words(f"events.programme.form.{name}_hint")[:100],
                component=component,
            )

        def text(
            custom_id: str, limit: int, default: str | None, *, required: bool
        ) -> discord.ui.TextInput[Any]:
            return discord.ui.TextInput(
                custom_id=custom_id,
                max_length=limit,
                required=required,
                default=default,
                placeholder=words(f"events.programme.form.{custom_id}_placeholder")[:MAX_PLACEHOLDER],
            )

        member = session.speaker_id if session else None
        speaker: discord.ui.UserSelect[Any] = discord.ui.UserSelect(
            custom_id=SPEAKER,
            placeholder=words("events.programme.form.speaker_placeholder")[:MAX_PLACEHOLDER],
            min_values=0,
            max_values=1,
            required=False,
            default_values=[discord.Object(member, type=discord.User)] if member else [],
        )
        start = typed_time(session.starts_at, event_start, zone) if session else None
        end = typed_time(session.ends_at, event_start, zone) if session and session.ends_at else None
        self.add_item(label(TITLE, text(TITLE, MAX_TITLE, session.title if session else None, required=True)))
        self.add_item(label(SPEAKER, speaker))
        guest = session.speaker_name if session else None
        self.add_item(label(GUEST, text(GUEST, MAX_GUEST, guest, required=False)))
        self.add_item(label(START, text(START, MAX_TIME, start, required=True)))
        self.add_item(label(END, text(END, MAX_TIME, end, required=False)))
        # Stopped before it is sent: its submission is answered from the interaction alone.
        self.stop()


def form_ids(interaction: discord.Interaction[Any]) -> tuple[int, int | None]:
    """The event and the session edited (None for a new one) a submitted session form names; one that
    names nothing Agora can have made gets the stale answer."""
    data: Mapping[str, Any] = interaction.data or {}
    match = SESSION_FORM_ID.match(str(data.get("custom_id", "")))
    if match is None or int(match[1]) > MAX_ID or int(match[2]) > MAX_ID:
        raise errors.UserError("errors.stale_form")
    return int(match[1]), int(match[2]) or None


def read_submission(interaction: discord.Interaction[Any], event_id: int) -> TypedSession:
    """What a submitted session form holds; a forged value is refused (`InvalidForm`, logged without the
    text typed)."""
    data: Mapping[str, Any] = interaction.data or {}
    try:
        return read_form(submitted_values(data.get("components") or ()))
    except InvalidForm as refused:
        log.warning(
            "refused a forged session form (%s) for event %s %s",
            refused.field,
            event_id,
            errors.locate(interaction),
        )
        raise
