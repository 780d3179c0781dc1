"""Builds INTERACTION_CREATE payloads the way the Discord client would, from what the bot registered
(commands) or sent (message components, modals). User mistakes a real client would prevent
(unknown option, missing required value, value outside the choices, disabled button...) raise
``InvalidInteraction`` in the test instead of reaching the bot."""

from __future__ import annotations

from typing import Any

from .messages import MessageFactory, UploadedFile
from .models import DM, FakeAttachment, FakeChannel, FakeMember, FakeMessage, FakeRole, Json
from .world import NotFoundError, World

SUBCOMMAND, GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER, ATTACHMENT = 3, 4, 5, 6, 7, 8, 9, 10, 11
SELECT_TYPES = {3: "string", 5: "user", 6: "role", 7: "mentionable", 8: "channel"}


class InvalidInteraction(ValueError):
    """The test asked for something a Discord user could not do."""


class Resolved:
    def __init__(self) -> None:
        self.data: dict[str, Json] = {}

    def put(self, kind: str, obj_id: int, payload: Json) -> None:
        self.data.setdefault(kind, {})[str(obj_id)] = payload


class PayloadBuilder:
    def __init__(self, world: World, messages: MessageFactory) -> None:
        self.world = world
        self.messages = messages

    # -- common envelope ----------------------------------------------------------------------------

    def envelope(
        self,
        *,
        kind: int,
        interaction_id: int,
        token: str,
        member: FakeMember,
        channel: FakeChannel,
        locale: str,
    ) -> Json:
        world = self.world
        if channel.type == DM:
            return self._dm_envelope(kind, interaction_id, token, member, channel, locale)
        perms = world.permissions(member, channel)
        channel_data = world.channel_payload(channel)
        channel_data["permissions"] = str(perms)
        return {
            "id": str(interaction_id),
            "application_id": str(world.application_id),
            "type": kind,
            "token": token,
            "version": 1,
            "guild_id": str(world.guild_id),
            "guild": {
                "id": str(world.guild_id),
                "locale": world.preferred_locale,
                "features": list(world.features),
            },
            "channel_id": str(channel.id),
            "channel": channel_data,
            "member": member.member_payload(permissions=perms),
            "app_permissions": str(world.permissions(world.bot, channel)),
            "locale": locale,
            "guild_locale": world.preferred_locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(world.guild_id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }

    def _dm_envelope(
        self,
        kind: int,
        interaction_id: int,
        token: str,
        member: FakeMember,
        channel: FakeChannel,
        locale: str,
    ) -> Json:
        """A click in the bot's DMs: no guild, a `user` instead of a `member` (context 1, BOT_DM)."""
        world = self.world
        return {
            "id": str(interaction_id),
            "application_id": str(world.application_id),
            "type": kind,
            "token": token,
            "version": 1,
            "channel_id": str(channel.id),
            "channel": world.channel_payload(channel),
            "user": member.user_payload(),
            "app_permissions": "0",
            "locale": locale,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "authorizing_integration_owners": {"0": str(world.guild_id)},
            "context": 1,
            "attachment_size_limit": 10 * 1024 * 1024,
        }

    # -- resolved objects ---------------------------------------------------------------------------

    def _member_ref(self, value: Any) -> FakeMember:
        try:
            return self.world.member(value)
        except NotFoundError as exc:
            raise InvalidInteraction(str(exc)) from None

    def _put_member(self, resolved: Resolved, member: FakeMember, channel: FakeChannel) -> None:
        resolved.put("users", member.id, member.user_payload())
        perms = self.world.permissions(member, channel)
        resolved.put("members", member.id, member.member_payload(with_user=False, permissions=perms))

    def _put_channel(self, resolved: Resolved, chan: FakeChannel, member: FakeMember) -> None:
        data = self.world.channel_payload(chan)
        data["permissions"] = str(self.world.permissions(member, chan))
        resolved.put("channels", chan.id, data)

    def _put_attachment(self, resolved: Resolved, value: Any, channel: FakeChannel) -> int:
        if isinstance(value, FakeAttachment):
            att = value
        else:
            filename, data, *rest = value
            upload = UploadedFile(0, filename, data, rest[0] if rest else None)
            att = self.messages.store_file(channel.id, upload, None, None)
        payload = att.to_payload()
        payload["ephemeral"] = True
        resolved.put("attachments", att.id, payload)
        return att.id

    def _resolve(
        self, kind: int, value: Any, resolved: Resolved, member: FakeMember, channel: FakeChannel, spec: Json
    ) -> Any:
        name = spec.get("name")
        if kind == STRING:
            if not isinstance(value, str):
                raise InvalidInteraction(f"option {name!r} expects a string, got {value!r}")
            if not spec.get("min_length", 0) <= len(value) <= spec.get("max_length", 6000):
                raise InvalidInteraction(f"option {name!r}: length of {value!r} outside the allowed range")
            return value
        if kind in (INTEGER, NUMBER):
            if (
                isinstance(value, bool)
                or not isinstance(value, int | float)
                or (kind == INTEGER and isinstance(value, float))
            ):
                raise InvalidInteraction(f"option {name!r} expects a number, got {value!r}")
            low, high = spec.get("min_value"), spec.get("max_value")
            if (low is not None and value < low) or (high is not None and value > high):
                raise InvalidInteraction(f"option {name!r}: {value} outside [{low}, {high}]")
            return value
        if kind == BOOLEAN:
            if not isinstance(value, bool):
                raise InvalidInteraction(f"option {name!r} expects a bool, got {value!r}")
            return value
        if kind == USER:
            target = self._member_ref(value)
            self._put_member(resolved, target, channel)
            return str(target.id)
        if kind == CHANNEL:
            try:
                chan = self.world.channel(value)
            except NotFoundError as exc:
                raise InvalidInteraction(str(exc)) from None
            allowed = spec.get("channel_types")
            if allowed and chan.type not in allowed:
                raise InvalidInteraction(f"option {name!r} accepts channel types {allowed}, not {chan.type}")
            self._put_channel(resolved, chan, member)
            return str(chan.id)
        if kind == ROLE or (
            kind == MENTIONABLE and isinstance(value, FakeRole | str) and self._is_role(value)
        ):
            try:
                role = self.world.role(value)
            except NotFoundError as exc:
                raise InvalidInteraction(str(exc)) from None
            resolved.put("roles", role.id, role.to_payload())
            return str(role.id)
        if kind == MENTIONABLE:
            target = self._member_ref(value)
            self._put_member(resolved, target, channel)
            return str(target.id)
        if kind == ATTACHMENT:
            return str(self._put_attachment(resolved, value, channel))
        raise InvalidInteraction(f"unsupported option type {kind} for {name!r}")

    def _is_role(self, value: FakeRole | str) -> bool:
        if isinstance(value, FakeRole):
            return True
        try:
            self.world.role(value)
        except NotFoundError:
            return False
        return True

    # -- application commands -----------------------------------------------------------------------

    def command_data(
        self,
        command: Json,
        path: list[str],
        options: dict[str, Any],
        *,
        member: FakeMember,
        channel: FakeChannel,
        focused: str | None = None,
        guild_command: bool,
    ) -> Json:
        resolved = Resolved()
        spec_options: list[Json] = command.get("options") or []
        wrappers: list[Json] = []
        for part in path:
            sub = next((o for o in spec_options if o.get("name") == part and o.get("type") in (1, 2)), None)
            if sub is None:
                names = [o["name"] for o in spec_options if o.get("type") in (1, 2)]
                raise InvalidInteraction(f"/{command['name']} has no subcommand {part!r} (has {names})")
            wrappers.append({"type": sub["type"], "name": sub["name"]})
            spec_options = sub.get("options") or []
        if any(o.get("type") in (1, 2) for o in spec_options):
            names = [o["name"] for o in spec_options]
            raise InvalidInteraction(f"/{command['name']} {' '.join(path)} needs a subcommand among {names}")

        known = {o["name"]: o for o in spec_options}
        unknown = set(options) - set(known)
        if unknown:
            raise InvalidInteraction(f"unknown option(s) {sorted(unknown)}; the command has {sorted(known)}")
        built: list[Json] = []
        for spec in spec_options:
            name = spec["name"]
            if name not in options:
                if spec.get("required") and focused is None:
                    raise InvalidInteraction(f"required option {name!r} missing")
                continue
            value = options[name]
            if name == focused:
                built.append({"type": spec["type"], "name": name, "value": value, "focused": True})
                continue
            choices = spec.get("choices")
            if choices and value not in [c["value"] for c in choices]:
                raise InvalidInteraction(
                    f"{value!r} is not a choice of {name!r}: {[c['value'] for c in choices]}"
                )
            built.append(
                {
                    "type": spec["type"],
                    "name": name,
                    "value": self._resolve(spec["type"], value, resolved, member, channel, spec),
                }
            )
        if focused is not None and focused not in known:
            raise InvalidInteraction(f"cannot focus unknown option {focused!r}")
        if focused is not None and not known[focused].get("autocomplete"):
            raise InvalidInteraction(f"option {focused!r} has no autocomplete")

        inner: list[Json] = built
        for wrapper in reversed(wrappers):
            wrapper["options"] = inner
            inner = [wrapper]
        data: Json = {
            "id": command["id"],
            "name": command["name"],
            "type": command.get("type", 1),
            "options": inner,
        }
        if guild_command:
            data["guild_id"] = str(self.world.guild_id)
        if resolved.data:
            data["resolved"] = resolved.data
        return data

    # -- message components -------------------------------------------------------------------------

    def component_data(
        self,
        message: FakeMessage,
        custom_id: str,
        values: list[Any] | None,
        *,
        member: FakeMember,
        channel: FakeChannel,
    ) -> Json:
        comp = message.find_component(custom_id)
        if comp is None:
            raise InvalidInteraction(
                f"message {message.id} has no component {custom_id!r}; has {message.custom_ids()}"
            )
        if comp.get("disabled"):
            raise InvalidInteraction(f"component {custom_id!r} is disabled")
        kind = comp["type"]
        data: Json = {"custom_id": custom_id, "component_type": kind}
        if kind == 2:
            if values is not None:
                raise InvalidInteraction(f"{custom_id!r} is a button; use click()")
            if comp.get("style") in (5, 6):
                raise InvalidInteraction(f"{custom_id!r} is a link/premium button: it sends no interaction")
            return data
        if kind not in SELECT_TYPES:
            raise InvalidInteraction(f"component {custom_id!r} of type {kind} is not interactive")
        if values is None:
            raise InvalidInteraction(f"{custom_id!r} is a select; use select(..., values=[...])")
        resolved = Resolved()
        data["values"] = self._select_values(comp, values, resolved, member, channel)
        if resolved.data:
            data["resolved"] = resolved.data
        return data

    def _select_values(
        self, comp: Json, values: list[Any], resolved: Resolved, member: FakeMember, channel: FakeChannel
    ) -> list[str]:
        custom_id = comp.get("custom_id")
        low, high = comp.get("min_values", 1), comp.get("max_values", 1)
        if not low <= len(values) <= high:
            raise InvalidInteraction(
                f"{custom_id!r} accepts between {low} and {high} values, got {len(values)}"
            )
        kind = comp["type"]
        if kind == 3:
            valid = [o["value"] for o in comp.get("options") or []]
            for value in values:
                if value not in valid:
                    raise InvalidInteraction(f"{value!r} is not an option of {custom_id!r}: {valid}")
            return [str(v) for v in values]
        option_type = {5: USER, 6: ROLE, 7: MENTIONABLE, 8: CHANNEL}[kind]
        spec = {"name": custom_id, "channel_types": comp.get("channel_types")}
        return [self._resolve(option_type, v, resolved, member, channel, spec) for v in values]

    # -- modal submit -------------------------------------------------------------------------------

    def modal_submit_data(
        self,
        modal: Json,
        values: dict[str, Any],
        *,
        member: FakeMember,
        channel: FakeChannel,
        force: bool = False,
    ) -> Json:
        """``force=True``: the given values are sent as they are, as a modified client could."""
        resolved = Resolved()
        remaining = dict(values)
        components: list[Json] = []

        def submit(comp: Json) -> Json:
            kind, custom_id = comp.get("type"), comp.get("custom_id")
            if force and custom_id in remaining:
                key = "value" if kind in (4, 21, 23) else "values"
                return {
                    "type": kind,
                    "id": comp.get("id"),
                    "custom_id": custom_id,
                    key: remaining.pop(custom_id),
                }
            return self._submit_item(comp, remaining, resolved, member, channel)

        for comp in modal.get("components") or []:
            kind = comp.get("type")
            if kind == 1:
                inner = [submit(c) for c in comp.get("components") or []]
                components.append({"type": 1, "id": comp.get("id"), "components": inner})
            elif kind == 18:
                components.append({"type": 18, "id": comp.get("id"), "component": submit(comp["component"])})
            elif kind == 10:
                components.append({"type": 10, "id": comp.get("id")})
        if remaining:
            raise InvalidInteraction(f"modal {modal.get('custom_id')!r} has no input(s) {sorted(remaining)}")
        data: Json = {"custom_id": modal["custom_id"], "components": components}
        if resolved.data:
            data["resolved"] = resolved.data
        return data

    # -- forged by a modified client ----------------------------------------------------------------

    def forged_component_data(
        self, custom_id: str, component_type: int = 2, values: list[Any] | None = None
    ) -> Json:
        """A click (or a choice) as a modified client could send it: any custom_id, checked against none."""
        data: Json = {"custom_id": custom_id, "component_type": component_type}
        if values is not None:
            data["values"] = [str(value) for value in values]
        return data

    def forged_modal_data(self, custom_id: str, values: dict[str, str]) -> Json:
        """A form submission as a modified client could send it: any custom_id, text inputs as given."""
        rows = [
            {"type": 1, "components": [{"type": 4, "custom_id": key, "value": value}]}
            for key, value in values.items()
        ]
        return {"custom_id": custom_id, "components": rows}

    def _submit_item(
        self, comp: Json, values: dict[str, Any], resolved: Resolved, member: FakeMember, channel: FakeChannel
    ) -> Json:
        kind, custom_id = comp.get("type"), comp.get("custom_id")
        out: Json = {"type": kind, "id": comp.get("id"), "custom_id": custom_id}
        given = values.pop(custom_id, None)
        required = comp.get("required", True)
        if kind == 4:
            value = (comp.get("value") or "") if given is None else given
            if not isinstance(value, str):
                raise InvalidInteraction(f"text input {custom_id!r} expects a string")
            if required and not value:
                raise InvalidInteraction(f"text input {custom_id!r} is required")
            if value and not comp.get("min_length", 0) <= len(value) <= comp.get("max_length", 4000):
                raise InvalidInteraction(
                    f"text input {custom_id!r}: length {len(value)} outside the allowed range"
                )
            out["value"] = value
        elif kind in SELECT_TYPES:
            if given is None:
                # Left as shown: a string select's default options, or an auto-populated select's
                # default_values (users, roles, channels), which the client sends back chosen.
                chosen: list[Any] = [o["value"] for o in comp.get("options") or [] if o.get("default")]
                chosen += [int(d["id"]) for d in comp.get("default_values") or []]
            else:
                chosen = list(given) if isinstance(given, list | tuple) else [given]
            if not chosen and not required:
                out["values"] = []
            else:
                out["values"] = self._select_values(comp, chosen, resolved, member, channel)
        elif kind == 19:
            files = list(given or [])
            if required and not files:
                raise InvalidInteraction(f"file upload {custom_id!r} is required")
            out["values"] = [str(self._put_attachment(resolved, f, channel)) for f in files]
        elif kind == 21:
            valid = [o["value"] for o in comp.get("options") or []]
            default = next((o["value"] for o in comp.get("options") or [] if o.get("default")), None)
            value = default if given is None else given
            if value is None and required:
                raise InvalidInteraction(f"radio group {custom_id!r} is required")
            if value is not None and value not in valid:
                raise InvalidInteraction(f"{value!r} is not an option of {custom_id!r}: {valid}")
            out["value"] = value
        elif kind == 22:
            valid = [o["value"] for o in comp.get("options") or []]
            chosen = (
                [o["value"] for o in comp.get("options") or [] if o.get("default")]
                if given is None
                else list(given)
            )
            bad = [v for v in chosen if v not in valid]
            if bad:
                raise InvalidInteraction(f"{bad!r} not options of {custom_id!r}: {valid}")
            # discord.py sends null for min/max_values it was not given: Discord's defaults then apply
            low, high = comp.get("min_values"), comp.get("max_values")
            low = (1 if required else 0) if low is None else low
            high = len(valid) if high is None else high
            if not low <= len(chosen) <= high:
                raise InvalidInteraction(
                    f"{custom_id!r} accepts between {low} and {high} values, got {len(chosen)}"
                )
            out["values"] = chosen
        elif kind == 23:
            out["value"] = bool(comp.get("default", False) if given is None else given)
        else:
            raise InvalidInteraction(f"cannot submit a component of type {kind}")
        return out
