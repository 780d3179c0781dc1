"""HTTP plumbing shared by the REST routes: JSON answers, Discord-style errors, request log, auth."""

from __future__ import annotations

import json
import logging
import mimetypes
import re
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from .messages import UploadedFile
from .models import Json
from .sync import Notifier
from .validation import FormErrors

log = logging.getLogger(__name__)
API_PREFIX = "/api/v10"
_NO_AUTH = re.compile(r"^/(interactions/\d+/[^/]+/callback|webhooks/\d+/[^/]+(/.*)?|gateway)$")


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """discord.py only decodes bodies whose Content-Type is exactly ``application/json``."""
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


def no_content() -> web.Response:
    return web.Response(status=204)


class ApiError(Exception):
    """Raised by handlers; becomes a Discord-shaped JSON error answer."""

    def __init__(self, status: int, code: int, message: str, errors: Json | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status, self.code, self.message, self.errors = status, code, message, errors
        self.headers: dict[str, str] = {}  # e.g. the rate limit's, sent with the error

    def body(self) -> Json:
        data: Json = {"message": self.message, "code": self.code}
        if self.errors is not None:
            data["errors"] = self.errors
        return data


def form_error(errs: FormErrors) -> ApiError:
    return ApiError(400, 50035, "Invalid Form Body", errs.errors)


def not_found(code: int, what: str) -> ApiError:
    return ApiError(404, code, f"Unknown {what}")


def missing_access() -> ApiError:
    return ApiError(403, 50001, "Missing Access")


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


@dataclass
class RecordedRequest:
    """One HTTP request the bot made (``path`` is relative to /api/v10, e.g. ``/channels/1/messages``)."""

    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[UploadedFile] = field(default_factory=list)
    status: int = 0
    response: Any = None

    def __repr__(self) -> str:
        return f"<{self.method} {self.path} -> {self.status}>"


async def parse_body(request: web.Request) -> tuple[Any, list[UploadedFile]]:
    files: list[UploadedFile] = []
    if request.content_type == "multipart/form-data":
        payload: Any = {}
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            if name == "payload_json":
                payload = json.loads(await part.text())
            elif name.startswith("files[") and name.endswith("]"):
                filename = part.filename or "file"
                data = bytes(await part.read())
                guessed = mimetypes.guess_type(filename)[0]
                files.append(UploadedFile(int(name[6:-1]), filename, data, guessed))
            else:
                payload[name] = await part.text()
        return payload, files
    if not request.can_read_body:
        return None, files
    text = await request.text()
    return (json.loads(text) if text else None), files


BODY_KEY = web.RequestKey("fake_discord_body", object)
FILES_KEY = web.RequestKey("fake_discord_files", list)


def body_of(request: web.Request) -> Any:
    """The parsed JSON body (or ``payload_json`` of a multipart body); None when empty."""
    return request[BODY_KEY]


def files_of(request: web.Request) -> list[UploadedFile]:
    """The ``files[n]`` parts of a multipart body."""
    return request[FILES_KEY]


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def make_middleware(
    *,
    token: Callable[[], str],
    log_request: Callable[[RecordedRequest], None],
    notifier: Notifier,
    internal_errors: list[str],
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        rel = request.path[len(API_PREFIX) :] or "/"
        record = RecordedRequest(request.method, rel, dict(request.query), None)
        log_request(record)
        try:
            try:
                record.json, record.files = await parse_body(request)
            except ValueError:
                raise ApiError(400, 50109, "The request body contains invalid JSON.") from None
            request[BODY_KEY], request[FILES_KEY] = record.json, record.files
            if not _NO_AUTH.match(rel) and request.headers.get("Authorization") != f"Bot {token()}":
                raise ApiError(401, 0, "401: Unauthorized")
            response: web.StreamResponse = await handler(request)
        except ApiError as exc:
            response = json_response(exc.body(), exc.status, exc.headers)
        except web.HTTPNotFound:
            response = json_response(
                {"message": "404: Not Found", "code": 0, "fake_discord": f"no route {rel}"}, 404
            )
        except web.HTTPMethodNotAllowed:
            response = json_response({"message": "405: Method Not Allowed", "code": 0}, 405)
        except Exception as exc:
            # Never 5xx: discord.py would retry with sleeps. 418 fails fast and loudly.
            text = f"{request.method} {rel}: {exc!r}\n{traceback.format_exc()}"
            internal_errors.append(text)
            log.error("fake_discord internal error: %s", text)
            response = json_response({"message": f"fake_discord internal error: {exc!r}", "code": 0}, 418)
        record.status = response.status
        if isinstance(response, web.Response) and response.body is not None and response.status != 204:
            try:
                record.response = json.loads(response.body)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                record.response = None
        notifier.changed()
        return response

    return middleware
