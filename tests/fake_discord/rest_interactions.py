"""REST routes for interaction callbacks and interaction webhooks (follow-ups, original response)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from .http_common import ApiError, body_of, files_of, form_error, json_response, no_content, not_found
from .interactions import (
    AUTOCOMPLETE_RESULT,
    CHANNEL_MESSAGE,
    DEFERRED_CHANNEL_MESSAGE,
    DEFERRED_UPDATE,
    MODAL,
    PONG,
    UPDATE_MESSAGE,
    CallbackRecord,
    InteractionRecord,
)
from .messages import UploadedFile, edit_errors
from .models import FLAG_COMPONENTS_V2, FLAG_EPHEMERAL, FLAG_LOADING, FakeMessage, Json, assign_component_ids
from .validation import (
    FormErrors,
    is_empty_message,
    validate_autocomplete,
    validate_message,
    validate_modal,
)

if TYPE_CHECKING:
    from .server import FakeDiscord

# interaction type -> callback types Discord accepts
_ALLOWED = {
    1: {PONG},
    2: {4, 5, 9, 12},
    3: {4, 5, 6, 7, 9, 12},
    4: {AUTOCOMPLETE_RESULT},
    5: {4, 5, 6, 7, 12},
}


class InteractionApi:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.world

    def routes(self) -> list[web.RouteDef]:
        p = "/api/v10"
        hook = f"{p}/webhooks/{{app:\\d+}}/{{token}}"
        return [
            web.post(f"{p}/interactions/{{iid}}/{{token}}/callback", self.callback),
            web.post(hook, self.followup),
            web.get(hook + "/messages/{mid}", self.get_hook_message),
            web.patch(hook + "/messages/{mid}", self.edit_hook_message),
            web.delete(hook + "/messages/{mid}", self.delete_hook_message),
        ]

    # -- interaction callback ---------------------------------------------------------------------

    def _interaction_metadata(self, record: InteractionRecord, *, followup_of: int | None = None) -> Json:
        data: Json = {
            "id": str(record.id),
            "type": record.type,
            "user": record.member.user_payload(),
            "authorizing_integration_owners": {"0": str(self.world.guild_id)},
        }
        inner = record.payload.get("data") or {}
        if record.type == 2:
            data["name"] = inner.get("name")
            data["command_type"] = inner.get("type", 1)
        if record.source_message_id is not None:
            data["interacted_message_id"] = str(record.source_message_id)
        if followup_of is not None:
            data["original_response_message_id"] = str(followup_of)
        return data

    def _new_message(
        self, record: InteractionRecord, data: Json, files: list[UploadedFile], flags: int
    ) -> FakeMessage:
        msg = self.fake.factory.create(
            channel_id=record.channel_id,
            author_id=self.world.bot.id,
            payload=data,
            files=files,
            guild_id=self.world.guild_id,
            extra_flags=flags,
            msg_type=20 if record.type == 2 else 0,
        )
        msg.webhook_id = self.world.application_id
        msg.application_id = self.world.application_id
        msg.interaction_id = record.id
        followup_of = record.original_message_id if record.callback is not None else None
        msg.interaction_metadata = self._interaction_metadata(record, followup_of=followup_of)
        return msg

    async def callback(self, request: web.Request) -> web.Response:
        record = self.fake.interactions.get(
            int(request.match_info["iid"]) if request.match_info["iid"].isdigit() else 0
        )
        body: Json = body_of(request) or {}
        files: list[UploadedFile] = files_of(request)
        if record is None or record.token != request.match_info["token"]:
            raise ApiError(404, 10062, "Unknown interaction")
        try:
            return await self._callback(record, body, files, request)
        except ApiError as exc:
            record.rejections.append(("callback", exc.status, exc.body()))
            raise

    async def _callback(
        self, record: InteractionRecord, body: Json, files: list[UploadedFile], request: web.Request
    ) -> web.Response:
        if record.expired:  # Discord's 3 seconds, in real time
            raise ApiError(404, 10062, "Unknown interaction")
        if record.callback is not None:
            raise ApiError(400, 40060, "Interaction has already been acknowledged.")
        kind = int(body.get("type") or 0)
        if kind not in _ALLOWED.get(record.type, set()) or (
            record.type == 5 and kind in (6, 7) and not record.source_message_id
        ):
            errs = FormErrors()
            errs.add(
                ("type",),
                "INTERACTION_CALLBACK_TYPE_INVALID",
                f"Callback type {kind} invalid for interaction type {record.type}",
            )
            raise form_error(errs)
        data: Json = body.get("data") or {}
        errs = FormErrors()
        if kind == UPDATE_MESSAGE:
            errs = edit_errors(self.world.messages[record.source_message_id or 0], data, prefix=("data",))
        elif kind == CHANNEL_MESSAGE:
            errs = validate_message(data, prefix=("data",))
            if kind == CHANNEL_MESSAGE and not errs and is_empty_message(data, bool(files)):
                raise ApiError(400, 50006, "Cannot send an empty message")
        elif kind == MODAL:
            errs = validate_modal(data)
        elif kind == AUTOCOMPLETE_RESULT:
            errs = validate_autocomplete(data)
        if errs:
            raise form_error(errs)

        message: FakeMessage | None = None
        if kind == CHANNEL_MESSAGE:
            message = self._new_message(record, data, files, 0)
            record.original_message_id = message.id
            await self.fake.publish_message("MESSAGE_CREATE", message)
        elif kind == DEFERRED_CHANNEL_MESSAGE:
            flags = FLAG_LOADING | (int(data.get("flags") or 0) & FLAG_EPHEMERAL)
            loading = self._new_message(record, {}, [], flags)
            record.original_message_id = loading.id
            await self.fake.publish_message("MESSAGE_CREATE", loading)
        elif kind in (DEFERRED_UPDATE, UPDATE_MESSAGE):
            message = self.world.messages[record.source_message_id or 0]
            record.original_message_id = message.id
            record.edits_baseline = message.edits
            if kind == UPDATE_MESSAGE:
                self.fake.factory.edit(message, data, files)
                await self.fake.publish_message("MESSAGE_UPDATE", message)
        elif kind == MODAL:
            assign_component_ids(data.get("components") or [])
        stored_files = message.attachments if message is not None else []
        record.callback = CallbackRecord(kind, body.get("data"), list(stored_files))
        self.fake.notifier.changed()

        if request.query.get("with_response") not in ("1", "true", "True"):
            return no_content()
        original = record.message
        summary: Json = {"id": str(record.id), "type": record.type}
        if original is not None and kind in (
            CHANNEL_MESSAGE,
            DEFERRED_CHANNEL_MESSAGE,
            UPDATE_MESSAGE,
            DEFERRED_UPDATE,
        ):
            summary["response_message_id"] = str(original.id)
            summary["response_message_loading"] = kind == DEFERRED_CHANNEL_MESSAGE
            summary["response_message_ephemeral"] = original.is_ephemeral
        answer: Json = {"interaction": summary}
        if kind != AUTOCOMPLETE_RESULT:
            answer["resource"] = {"type": kind}
            if message is not None and kind in (CHANNEL_MESSAGE, UPDATE_MESSAGE):
                answer["resource"]["message"] = self.world.message_payload(message)
        return json_response(answer)

    # -- webhooks (follow-ups, original response) -------------------------------------------------

    def _record_for_hook(self, request: web.Request) -> InteractionRecord:
        record = self.fake.interactions_by_token.get(request.match_info["token"])
        if (
            record is None
            or request.match_info["app"] != str(self.world.application_id)
            or record.callback is None
        ):
            raise ApiError(404, 10015, "Unknown Webhook")
        return record

    def _hook_message(self, request: web.Request, record: InteractionRecord) -> FakeMessage:
        ref = request.match_info["mid"]
        msg_id = record.original_message_id if ref == "@original" else (int(ref) if ref.isdigit() else None)
        allowed = {record.original_message_id, *record.followup_ids}
        msg = self.world.messages.get(msg_id or 0)
        if msg is None or msg.id not in allowed or msg.deleted:
            raise not_found(10008, "Message")
        return msg

    async def followup(self, request: web.Request) -> web.Response:
        record = self._record_for_hook(request)
        body: Json = body_of(request) or {}
        files: list[UploadedFile] = files_of(request)
        try:
            errs = validate_message(body)
            if errs:
                raise form_error(errs)
            if is_empty_message(body, bool(files)):
                raise ApiError(400, 50006, "Cannot send an empty message")
        except ApiError as exc:
            record.rejections.append(("followup", exc.status, exc.body()))
            raise
        original = record.message
        if original is not None and original.is_loading and not record.followup_ids:
            # Discord: the first follow-up after a deferred response edits the "thinking" message,
            # keeping the ephemeral state chosen when deferring (and taking Components V2 if asked).
            body = {**body, "flags": int(body.get("flags") or 0) & FLAG_COMPONENTS_V2}
            self.fake.factory.edit(original, body, files)
            original.flags &= ~FLAG_LOADING
            original.edits = 0
            original.edited_timestamp = None
            msg = original
            await self.fake.publish_message("MESSAGE_UPDATE", msg)
        else:
            msg = self._new_message(record, body, files, 0)
            await self.fake.publish_message("MESSAGE_CREATE", msg)
        record.followup_ids.append(msg.id)
        self.fake.notifier.changed()
        if request.query.get("wait") in ("1", "true", "True"):
            return json_response(self.world.message_payload(msg))
        return no_content()

    async def get_hook_message(self, request: web.Request) -> web.Response:
        record = self._record_for_hook(request)
        return json_response(self.world.message_payload(self._hook_message(request, record)))

    async def edit_hook_message(self, request: web.Request) -> web.Response:
        record = self._record_for_hook(request)
        msg = self._hook_message(request, record)
        body: Json = body_of(request) or {}
        errs = edit_errors(msg, body)
        if errs:
            record.rejections.append(("edit", 400, form_error(errs).body()))
            raise form_error(errs)
        was_loading = msg.is_loading
        self.fake.factory.edit(msg, body, files_of(request))
        record.hook_edits += 1
        if was_loading:  # the deferred "thinking" message becoming the response is not an edit
            msg.flags &= ~FLAG_LOADING
            msg.edits = 0
            msg.edited_timestamp = None
        await self.fake.publish_message("MESSAGE_UPDATE", msg)
        return json_response(self.world.message_payload(msg))

    async def delete_hook_message(self, request: web.Request) -> web.Response:
        record = self._record_for_hook(request)
        msg = self._hook_message(request, record)
        msg.deleted = True
        await self.fake.publish_message("MESSAGE_DELETE", msg)
        return no_content()
