"""What simulated users do: run slash commands, autocomplete, click, select, submit modals, post
messages. Each interaction returns an ``InteractionRecord`` (scheduled events: scheduled_events.py,
voice channels: voice.py)."""

# The public API deliberately takes ``timeout=`` arguments (readable tests).
# ruff: noqa: ASYNC109

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from .builders import InvalidInteraction
from .interactions import MODAL, FakeModal, InteractionRecord
from .models import FakeChannel, FakeMember, FakeMessage, Json
from .permissions import Perm

if TYPE_CHECKING:
    from .builders import PayloadBuilder
    from .gateway import Gateway
    from .messages import MessageFactory
    from .sync import Notifier
    from .world import World

APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5


class UserActions:
    if TYPE_CHECKING:
        world: World
        builder: PayloadBuilder
        factory: MessageFactory
        notifier: Notifier
        gateway: Gateway
        interactions: dict[int, InteractionRecord]
        interactions_by_token: dict[str, InteractionRecord]
        interaction_deadline: float | None

        async def dispatch(self, event: str, data: Json) -> int: ...
        async def publish_message(self, event: str, msg: FakeMessage) -> None: ...
        def command(self, name: str, guild: bool | None = None) -> Json: ...

    async def _send_interaction(
        self,
        kind: int,
        member: FakeMember,
        channel: FakeChannel,
        locale: str | None,
        data: Json,
        source_message: FakeMessage | None = None,
    ) -> InteractionRecord:
        if not self.gateway.ready_sessions():
            raise RuntimeError("no bot is connected to the fake (await fake.wait_until_ready() first)")
        interaction_id = self.world.new_id()
        token = f"fake-interaction-token-{interaction_id}"
        payload = self.builder.envelope(
            kind=kind,
            interaction_id=interaction_id,
            token=token,
            member=member,
            channel=channel,
            locale=locale or member.locale,
        )
        payload["data"] = data
        if source_message is not None:
            payload["message"] = self.world.message_payload(source_message)
        record = InteractionRecord(
            world=self.world,
            notifier=self.notifier,
            interaction_id=interaction_id,
            token=token,
            kind=kind,
            payload=payload,
            member=member,
            channel_id=channel.id,
            source_message_id=source_message.id if source_message is not None else None,
            created_at=time.monotonic(),
            deadline=self.interaction_deadline,
        )
        self.interactions[interaction_id] = record
        self.interactions_by_token[token] = record
        await self.dispatch("INTERACTION_CREATE", payload)
        return record

    def _command_payload(
        self,
        member: FakeMember,
        name: str,
        options: Mapping[str, Any] | None,
        channel: FakeChannel,
        focused: str | None,
        force: bool,
    ) -> Json:
        top, *path = name.split()
        command = self.command(top)
        perms = self.world.permissions(member, channel)
        if not force:
            if not perms & Perm.VIEW_CHANNEL or not perms & Perm.USE_APPLICATION_COMMANDS:
                raise InvalidInteraction(f"{member.name} cannot use application commands in #{channel.name}")
            required = command.get("default_member_permissions")
            bits = int(required) if required is not None else None
            if bits is not None and not (perms & Perm.ADMINISTRATOR or (bits and bits & perms == bits)):
                raise InvalidInteraction(
                    f"{member.name} cannot see /{top}: "
                    f"default_member_permissions={required} (member has {perms})"
                )
            contexts = command.get("contexts")
            if contexts is not None and 0 not in contexts:
                raise InvalidInteraction(f"/{top} is not available in guilds (contexts={contexts})")
        return self.builder.command_data(
            command,
            path,
            dict(options or {}),
            member=member,
            channel=channel,
            focused=focused,
            guild_command="guild_id" in command,
        )

    async def run_command(
        self,
        member: FakeMember | int | str,
        name: str,
        options: Mapping[str, Any] | None = None,
        *,
        channel: FakeChannel | int | str = "général",
        locale: str | None = None,
        force: bool = False,
    ) -> InteractionRecord:
        """Runs ``/name`` (``"poll create"`` for subcommands, ``"admin feed add"`` for groups) as ``member``.

        Option values: str/int/float/bool, or for user/channel/role/mentionable options a Fake object,
        an id or a name; attachments as ``(filename, bytes[, content_type])``. ``locale`` defaults to the
        member's locale. ``force=True`` skips the visibility checks (default_member_permissions...).
        """
        who = self.world.member(member)
        chan = self.world.channel(channel)
        data = self._command_payload(who, name, options, chan, None, force)
        return await self._send_interaction(APPLICATION_COMMAND, who, chan, locale, data)

    async def autocomplete(
        self,
        member: FakeMember | int | str,
        name: str,
        focused: str,
        value: Any,
        options: Mapping[str, Any] | None = None,
        *,
        channel: FakeChannel | int | str = "général",
        locale: str | None = None,
        timeout: float = 5,
        force: bool = False,
    ) -> list[Json]:
        """Types ``value`` into option ``focused`` of ``/name``; returns the choices the bot answered.

        ``force=True`` skips the visibility checks, as for ``run_command``.
        """
        who = self.world.member(member)
        chan = self.world.channel(channel)
        data = self._command_payload(who, name, {**(options or {}), focused: value}, chan, focused, force)
        record = await self._send_interaction(AUTOCOMPLETE, who, chan, locale, data)
        return await record.choices(timeout)

    def _interactive_message(
        self, member: FakeMember, message: FakeMessage | InteractionRecord | int
    ) -> FakeMessage:
        if isinstance(message, InteractionRecord):
            if message.message is None:
                raise InvalidInteraction(f"{message!r} has no response message to interact with")
            msg = message.message
        else:
            msg = self.world.message(message)
        if msg.deleted:
            raise InvalidInteraction(f"message {msg.id} was deleted")
        if msg.is_ephemeral:
            source = self.interactions.get(msg.interaction_id or 0)
            if source is not None and source.member.id != member.id:
                raise InvalidInteraction(f"{member.name} cannot see the ephemeral message {msg.id}")
        return msg

    async def click(
        self,
        member: FakeMember | int | str,
        message: FakeMessage | InteractionRecord | int,
        custom_id: str,
        *,
        locale: str | None = None,
    ) -> InteractionRecord:
        """Clicks the button ``custom_id`` of ``message`` (FakeMessage, id, or an interaction's response)."""
        who = self.world.member(member)
        msg = self._interactive_message(who, message)
        chan = self.world.channel(msg.channel_id)
        data = self.builder.component_data(msg, custom_id, None, member=who, channel=chan)
        return await self._send_interaction(MESSAGE_COMPONENT, who, chan, locale, data, source_message=msg)

    async def select(
        self,
        member: FakeMember | int | str,
        message: FakeMessage | InteractionRecord | int,
        custom_id: str,
        values: list[Any],
        *,
        locale: str | None = None,
    ) -> InteractionRecord:
        """Chooses ``values`` in the select menu ``custom_id`` (option values, or members/roles/channels)."""
        who = self.world.member(member)
        msg = self._interactive_message(who, message)
        chan = self.world.channel(msg.channel_id)
        data = self.builder.component_data(msg, custom_id, list(values), member=who, channel=chan)
        return await self._send_interaction(MESSAGE_COMPONENT, who, chan, locale, data, source_message=msg)

    def _find_modal(self, modal: FakeModal | InteractionRecord | str) -> InteractionRecord:
        if isinstance(modal, FakeModal):
            return modal.interaction
        if isinstance(modal, InteractionRecord):
            return modal
        for record in reversed(list(self.interactions.values())):
            cb = record.callback
            if cb is not None and cb.type == MODAL and (cb.data or {}).get("custom_id") == modal:
                return record
        raise InvalidInteraction(f"the bot never opened a modal with custom_id {modal!r}")

    async def submit_modal(
        self,
        member: FakeMember | int | str,
        modal: FakeModal | InteractionRecord | str,
        values: Mapping[str, Any] | None = None,
        *,
        locale: str | None = None,
        force: bool = False,
    ) -> InteractionRecord:
        """Submits a modal the bot opened (FakeModal, the interaction answered with it, or its custom_id).

        ``values`` maps input custom_ids to: str (text input), list (selects, checkbox group),
        str|None (radio group), bool (checkbox), list of ``(filename, bytes)`` (file upload).
        Inputs left out keep their pre-filled value/defaults; required empty ones raise InvalidInteraction.
        ``force=True`` forges the submission of a modified client: the given values are sent as they are
        (an option the modal never offered, a text past ``max_length``, a wrong type...).
        """
        who = self.world.member(member)
        source = self._find_modal(modal)
        if source.callback is None or source.callback.type != MODAL or source.callback.data is None:
            raise InvalidInteraction(f"{source!r} was not answered with a modal")
        if source.member.id != who.id:
            raise InvalidInteraction(f"the modal was shown to {source.member.name}, not {who.name}")
        chan = self.world.channel(source.channel_id)
        data = self.builder.modal_submit_data(
            source.callback.data, dict(values or {}), member=who, channel=chan, force=force
        )
        msg = self.world.messages.get(source.source_message_id or 0)
        return await self._send_interaction(MODAL_SUBMIT, who, chan, locale, data, source_message=msg)

    async def forge_click(
        self,
        member: FakeMember | int | str,
        message: FakeMessage | InteractionRecord | int,
        custom_id: str,
        *,
        component_type: int = 2,
        values: list[Any] | None = None,
        on_message: bool = False,
        locale: str | None = None,
    ) -> InteractionRecord:
        """A click on ``message`` with any ``custom_id``, as a modified client could send it (``click``
        refuses a custom_id the message does not have). Discord sends the message as it is stored;
        ``on_message=True`` adds the forged component to that copy, as if Discord had not checked it.
        ``values`` makes it a select's choice."""
        who = self.world.member(member)
        msg = self._interactive_message(who, message)
        chan = self.world.channel(msg.channel_id)
        if on_message:
            forged: Json = {"type": component_type, "custom_id": custom_id}
            if component_type == 2:
                forged.update(style=2, label="…")
            msg = replace(msg, components=[*msg.components, {"type": 1, "components": [forged]}])
        data = self.builder.forged_component_data(custom_id, component_type, values)
        return await self._send_interaction(MESSAGE_COMPONENT, who, chan, locale, data, source_message=msg)

    async def forge_modal_submit(
        self,
        member: FakeMember | int | str,
        custom_id: str,
        values: Mapping[str, str] | None = None,
        *,
        channel: FakeChannel | int | str = "général",
        message: FakeMessage | int | None = None,
        locale: str | None = None,
    ) -> InteractionRecord:
        """A form submission with any ``custom_id`` and text inputs, as a modified client could send it,
        or a form opened before a restart (``submit_modal`` needs a modal the bot opened)."""
        who = self.world.member(member)
        chan = self.world.channel(channel)
        msg = self.world.message(message) if message is not None else None
        data = self.builder.forged_modal_data(custom_id, dict(values or {}))
        return await self._send_interaction(MODAL_SUBMIT, who, chan, locale, data, source_message=msg)

    async def post_user_message(
        self,
        member: FakeMember | int | str,
        channel: FakeChannel | int | str,
        content: str,
        *,
        at: dt.datetime | None = None,
        **fields: Any,
    ) -> FakeMessage:
        """``member`` posts a message (MESSAGE_CREATE; content hidden without the message_content intent).
        ``at``: as received at that moment (its id and timestamp say so), e.g. just before midnight."""
        who = self.world.member(member)
        chan = self.world.channel(channel)
        needed = Perm.SEND_MESSAGES_IN_THREADS if chan.is_thread else Perm.SEND_MESSAGES
        if chan.guild_id and not self.world.permissions(who, chan) & needed:
            raise InvalidInteraction(f"{who.name} cannot post in #{chan.name}")
        msg = self.factory.create(
            channel_id=chan.id,
            author_id=who.id,
            payload={"content": content, **fields},
            files=[],
            guild_id=chan.guild_id,
            message_id=self.world.new_id.at(at) if at is not None else None,
        )
        if at is not None:
            msg.timestamp = at.isoformat()
        await self.publish_message("MESSAGE_CREATE", msg)
        return msg
