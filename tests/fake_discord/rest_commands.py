"""REST routes for application commands (global and guild scope)."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .http_common import ApiError, body_of, form_error, json_response, no_content, not_found
from .models import Json
from .validation import FormErrors, validate_command, validate_commands

if TYPE_CHECKING:
    from .server import FakeDiscord

_LOCALIZATION_KEYS = ("name_localizations", "description_localizations")


def strip_localizations(obj: Any) -> Any:
    """GET without ``with_localizations=true`` returns no localization dicts (as Discord does)."""
    if isinstance(obj, list):
        return [strip_localizations(o) for o in obj]
    if isinstance(obj, dict):
        return {k: strip_localizations(v) for k, v in obj.items() if k not in _LOCALIZATION_KEYS}
    return obj


class CommandsApi:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.world

    def routes(self) -> list[web.RouteDef]:
        app = "/api/v10/applications/{app}"
        out: list[web.RouteDef] = []
        for scope in (f"{app}/commands", f"{app}/guilds/{{gid}}/commands"):
            out += [
                web.get(scope, self.list_commands),
                web.put(scope, self.bulk_overwrite),
                web.post(scope, self.upsert_command),
                web.get(scope + "/permissions", self.command_permissions),
                web.get(scope + "/{cmd:\\d+}", self.get_command),
                web.patch(scope + "/{cmd:\\d+}", self.edit_command),
                web.delete(scope + "/{cmd:\\d+}", self.delete_command),
            ]
        return out

    # -- application commands ---------------------------------------------------------------------

    def _scope(self, request: web.Request) -> int | None:
        if request.match_info["app"] != str(self.world.application_id):
            raise ApiError(403, 50001, "Missing Access")
        gid = request.match_info.get("gid")
        if gid is None:
            return None
        if gid != str(self.world.guild_id):
            raise ApiError(403, 50001, "Missing Access")
        return int(gid)

    def _normalise(self, cmd: Json, scope: int | None, existing: Json | None) -> Json:
        stored: Json = {
            "type": 1,
            "name_localizations": None,
            "description_localizations": None,
            "default_member_permissions": None,
            "nsfw": False,
            "contexts": None if scope is not None else [0, 1, 2],
            "integration_types": [0] if scope is not None else [0, 1],
        }
        stored.update(copy.deepcopy(cmd))
        stored["id"] = existing["id"] if existing else str(self.world.new_id())
        stored["application_id"] = str(self.world.application_id)
        if stored.get("default_member_permissions") is not None:
            stored["default_member_permissions"] = str(int(stored["default_member_permissions"]))
        if scope is not None:
            stored["guild_id"] = str(scope)
        if stored.get("type", 1) != 1:
            stored.setdefault("description", "")
        stored["version"] = str(self.world.new_id())
        if existing is not None and _same(existing, stored):
            stored["version"] = existing["version"]  # unchanged command: Discord keeps the version
        return stored

    def _respond(self, data: Any, request: web.Request, status: int = 200) -> web.Response:
        if request.query.get("with_localizations") not in ("true", "1", "True") and request.method == "GET":
            data = strip_localizations(data)
        return json_response(data, status)

    async def list_commands(self, request: web.Request) -> web.Response:
        return self._respond(self.fake.commands.get(self._scope(request), []), request)

    async def command_permissions(self, request: web.Request) -> web.Response:
        self._scope(request)
        return json_response([])

    async def bulk_overwrite(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        body = body_of(request)
        if not isinstance(body, list):
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {"_errors": [{"code": "BASE_TYPE_ARRAY", "message": "Must be an array."}]},
            )
        errs = validate_commands(body)
        if errs:
            raise form_error(errs)
        old = {(c.get("type", 1), c["name"]): c for c in self.fake.commands.get(scope, [])}
        new = [self._normalise(c, scope, old.get((c.get("type", 1), c["name"]))) for c in body]
        self.fake.commands[scope] = new
        self.fake.sync_counts[scope] = self.fake.sync_counts.get(scope, 0) + 1
        return json_response(new)

    async def upsert_command(self, request: web.Request) -> web.Response:
        scope = self._scope(request)
        body: Json = body_of(request) or {}
        errs = FormErrors()
        validate_command(errs, (), body)
        if errs:
            raise form_error(errs)
        commands = self.fake.commands.setdefault(scope, [])
        existing = next(
            (c for c in commands if (c["type"], c["name"]) == (body.get("type", 1), body.get("name"))), None
        )
        stored = self._normalise(body, scope, existing)
        if existing is not None:
            commands[commands.index(existing)] = stored
        else:
            commands.append(stored)
        return json_response(stored, 200 if existing else 201)

    def _find_command(self, request: web.Request) -> tuple[list[Json], Json, int | None]:
        scope = self._scope(request)
        commands = self.fake.commands.get(scope, [])
        for cmd in commands:
            if cmd["id"] == request.match_info["cmd"]:
                return commands, cmd, scope
        raise not_found(10063, "application command")

    async def get_command(self, request: web.Request) -> web.Response:
        return self._respond(self._find_command(request)[1], request)

    async def edit_command(self, request: web.Request) -> web.Response:
        commands, cmd, scope = self._find_command(request)
        merged = {**cmd, **(body_of(request) or {})}
        errs = FormErrors()
        validate_command(errs, (), merged)
        if errs:
            raise form_error(errs)
        stored = self._normalise(merged, scope, cmd)
        commands[commands.index(cmd)] = stored
        return json_response(stored)

    async def delete_command(self, request: web.Request) -> web.Response:
        commands, cmd, _ = self._find_command(request)
        commands.remove(cmd)
        return no_content()


def _same(a: Json, b: Json) -> bool:
    ignore = {"id", "version", "application_id"}
    return {k: v for k, v in a.items() if k not in ignore} == {k: v for k, v in b.items() if k not in ignore}
