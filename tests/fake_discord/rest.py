"""REST routes for users, gateway discovery, channels, messages, threads and the guild."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .http_common import (
    ApiError,
    body_of,
    files_of,
    form_error,
    json_response,
    missing_access,
    missing_permissions,
    no_content,
    not_found,
)
from .messages import UploadedFile, content_visible, edit_errors, hide_content
from .models import (
    CATEGORY,
    DM,
    FLAG_CROSSPOSTED,
    NEWS,
    FakeChannel,
    FakeMessage,
    Json,
)
from .permissions import Perm
from .validation import is_empty_message, validate_message

if TYPE_CHECKING:
    from .server import FakeDiscord


class ApiBase:
    """Lookups and permission checks shared by the channel-related route groups."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.world = fake.world

    def _channel(self, request: web.Request) -> FakeChannel:
        try:
            chan = self.world.channels.get(int(request.match_info["cid"]))
        except ValueError:
            chan = None
        if chan is None:
            raise not_found(10003, "Channel")
        return chan

    def _bot_perms(self, chan: FakeChannel, needed: int = Perm.VIEW_CHANNEL) -> int:
        perms = self.world.permissions(self.world.bot, chan)
        if not perms & Perm.VIEW_CHANNEL:
            raise missing_access()
        if needed & ~perms:
            raise missing_permissions()
        return perms

    def _message(self, request: web.Request, chan: FakeChannel) -> FakeMessage:
        msg = self.world.messages.get(int(request.match_info["mid"]))
        if msg is None or msg.channel_id != chan.id or msg.deleted or msg.is_ephemeral:
            raise not_found(10008, "Message")
        return msg

    def _payload(self, msg: FakeMessage) -> Json:
        data = self.world.message_payload(msg)
        has_intent = "message_content" in self.fake.privileged_intents
        return data if content_visible(msg, self.world.bot.id, has_intent=has_intent) else hide_content(data)


class RestApi(ApiBase):
    def routes(self) -> list[web.RouteDef]:
        p = "/api/v10"
        ch = f"{p}/channels/{{cid}}"
        msg = f"{ch}/messages/{{mid:\\d+}}"
        return [
            web.get(f"{p}/users/@me", self.get_me),
            web.get(f"{p}/users/{{uid:\\d+}}", self.get_user),
            web.post(f"{p}/users/@me/channels", self.open_dm),
            web.get(f"{p}/oauth2/applications/@me", self.app_info),
            web.get(f"{p}/applications/@me", self.app_info),
            web.get(f"{p}/gateway", self.get_gateway),
            web.get(f"{p}/gateway/bot", self.get_gateway_bot),
            web.get(ch, self.get_channel),
            web.patch(ch, self.edit_channel),
            web.post(f"{ch}/typing", self.typing),
            web.get(f"{ch}/messages", self.list_messages),
            web.post(f"{ch}/messages", self.create_message),
            web.get(msg, self.get_message),
            web.patch(msg, self.edit_message),
            web.delete(msg, self.delete_message),
            web.post(f"{msg}/crosspost", self.crosspost),
            web.get(f"{p}/guilds/{{gid}}", self.get_guild),
            web.get(f"{p}/guilds/{{gid}}/channels", self.guild_channels),
            web.get(f"{p}/guilds/{{gid}}/roles", self.guild_roles),
            web.get(f"{p}/guilds/{{gid}}/members", self.list_members),
            web.get(f"{p}/guilds/{{gid}}/members/{{uid:\\d+}}", self.get_member),
            web.get(f"{p}/guilds/{{gid}}/threads/active", self.active_threads),
        ]

    def _guild(self, request: web.Request) -> None:
        if request.match_info["gid"] != str(self.world.guild_id):
            raise not_found(10004, "Guild")

    # -- users / app / gateway -------------------------------------------------------------------

    async def get_me(self, request: web.Request) -> web.Response:
        user = {
            **self.world.bot.user_payload(),
            "verified": True,
            "mfa_enabled": False,
            "flags": 0,
            "bio": "",
        }
        return json_response(user)

    async def get_user(self, request: web.Request) -> web.Response:
        member = self.world.members.get(int(request.match_info["uid"]))
        if member is None:
            raise not_found(10013, "User")
        return json_response(member.user_payload())

    async def app_info(self, request: web.Request) -> web.Response:
        return json_response(self.world.app_info_payload(self.fake.application_flags))

    async def get_gateway(self, request: web.Request) -> web.Response:
        return json_response({"url": self.fake.gateway_url.rstrip("/")})

    async def get_gateway_bot(self, request: web.Request) -> web.Response:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
        return json_response(
            {"url": self.fake.gateway_url.rstrip("/"), "shards": 1, "session_start_limit": limit}
        )

    async def open_dm(self, request: web.Request) -> web.Response:
        body = body_of(request) or {}
        member = self.world.members.get(int(body.get("recipient_id") or 0))
        if member is None:
            raise not_found(10013, "User")
        return json_response(self.world.channel_payload(self.world.dm_channel_for(member.id)))

    # -- channels ------------------------------------------------------------------------------------

    async def get_channel(self, request: web.Request) -> web.Response:
        chan = self._channel(request)
        if chan.type != DM:
            self._bot_perms(chan)
        return json_response(self.world.channel_payload(chan))

    async def edit_channel(self, request: web.Request) -> web.Response:
        chan = self._channel(request)
        body: Json = body_of(request) or {}
        if chan.is_thread:
            if chan.owner_id != self.world.bot.id:
                self._bot_perms(chan, Perm.MANAGE_THREADS)
            chan.archived = bool(body.get("archived", chan.archived))
            chan.locked = bool(body.get("locked", chan.locked))
        else:
            self._bot_perms(chan, Perm.MANAGE_CHANNELS)
            chan.topic = body.get("topic", chan.topic)
        chan.name = body.get("name", chan.name)
        event = "THREAD_UPDATE" if chan.is_thread else "CHANNEL_UPDATE"
        await self.fake.dispatch(event, self.world.channel_payload(chan))
        return json_response(self.world.channel_payload(chan))

    async def typing(self, request: web.Request) -> web.Response:
        chan = self._channel(request)
        if chan.type != DM:
            self._bot_perms(chan, Perm.SEND_MESSAGES_IN_THREADS if chan.is_thread else Perm.SEND_MESSAGES)
        return no_content()

    def check_can_post(self, chan: FakeChannel, body: Json, files: list[UploadedFile]) -> None:
        if chan.type == DM:
            recipient = self.world.members.get(chan.recipient_id or 0)
            if recipient is not None and recipient.dm_failures > 0:
                recipient.dm_failures -= 1
                raise ApiError(503, 0, "upstream connect error or disconnect/reset before headers")
            if recipient is None or recipient.bot or not recipient.dms_open:
                raise ApiError(403, 50007, "Cannot send messages to this user")
            return
        if chan.type == CATEGORY:  # voice and stage channels have their text chat
            raise ApiError(400, 50008, "Cannot send messages in a non-text channel")
        if chan.is_thread and chan.locked:
            raise ApiError(400, 50083, "Thread is archived")
        needed = Perm.SEND_MESSAGES_IN_THREADS if chan.is_thread else Perm.SEND_MESSAGES
        perms = self._bot_perms(chan, needed)
        if (files and not perms & Perm.ATTACH_FILES) or (body.get("embeds") and not perms & Perm.EMBED_LINKS):
            raise missing_permissions()
        if body.get("message_reference") and not perms & Perm.READ_MESSAGE_HISTORY:
            raise missing_permissions()

    async def create_message(self, request: web.Request) -> web.Response:
        chan = self._channel(request)
        # Counted before anything is checked, as Discord's buckets count refused posts too.
        limit_headers = self.fake.post_limits.take(chan.id)
        try:
            response = await self._create_message(request, chan)
        except ApiError as exc:
            exc.headers = {**limit_headers, **exc.headers}
            raise
        response.headers.update(limit_headers)
        return response

    async def _create_message(self, request: web.Request, chan: FakeChannel) -> web.Response:
        body: Json = body_of(request) or {}
        files: list[UploadedFile] = files_of(request)
        self.check_can_post(chan, body, files)
        errs = validate_message(body)
        if errs:
            raise form_error(errs)
        if is_empty_message(body, bool(files)):
            raise ApiError(400, 50006, "Cannot send an empty message")
        ref = body.get("message_reference")
        if ref and ref.get("message_id"):
            target = self.world.messages.get(int(ref["message_id"]))
            if (target is None or target.deleted) and ref.get("fail_if_not_exists", True):
                errs.add(("message_reference",), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
                raise form_error(errs)
        if chan.is_thread and chan.archived:
            chan.archived = False
        msg = self.fake.factory.create(
            channel_id=chan.id, author_id=self.world.bot.id, payload=body, files=files, guild_id=chan.guild_id
        )
        await self.fake.publish_message("MESSAGE_CREATE", msg)
        return json_response(self._payload(msg))

    async def list_messages(self, request: web.Request) -> web.Response:
        chan = self._channel(request)
        if chan.type != DM:
            self._bot_perms(chan, Perm.READ_MESSAGE_HISTORY)
        limit = max(1, min(100, int(request.query.get("limit", 50))))
        msgs = [
            m
            for m in self.world.messages.values()
            if m.channel_id == chan.id and not m.deleted and not m.is_ephemeral
        ]
        if "before" in request.query:
            msgs = [m for m in msgs if m.id < int(request.query["before"])]
        if "after" in request.query:
            msgs = [m for m in msgs if m.id > int(request.query["after"])][:limit]
        if "around" in request.query:
            around = int(request.query["around"])
            older = [m for m in msgs if m.id <= around][-(limit // 2 + 1) :]
            newer = [m for m in msgs if m.id > around][: limit - len(older)]
            msgs = older + newer
        msgs = sorted(msgs, key=lambda m: m.id, reverse=True)[:limit]
        return json_response([self._payload(m) for m in msgs])

    async def get_message(self, request: web.Request) -> web.Response:
        chan = self._channel(request)
        if chan.type != DM:
            self._bot_perms(chan, Perm.READ_MESSAGE_HISTORY)
        return json_response(self._payload(self._message(request, chan)))

    async def edit_message(self, request: web.Request) -> web.Response:
        chan = self._channel(request)
        if chan.type != DM:
            self._bot_perms(chan)
        msg = self._message(request, chan)
        if msg.author_id != self.world.bot.id:
            raise ApiError(403, 50005, "Cannot edit a message authored by another user")
        await self.fake.stalled_edits.hold(msg.id)
        body: Json = body_of(request) or {}
        errs = edit_errors(msg, body)
        if errs:
            raise form_error(errs)
        self.fake.factory.edit(msg, body, files_of(request))
        await self.fake.publish_message("MESSAGE_UPDATE", msg)
        return json_response(self._payload(msg))

    async def delete_message(self, request: web.Request) -> web.Response:
        chan = self._channel(request)
        msg = self._message(request, chan)
        if msg.author_id != self.world.bot.id and chan.type != DM:
            self._bot_perms(chan, Perm.MANAGE_MESSAGES)
        msg.deleted = True
        await self.fake.publish_message("MESSAGE_DELETE", msg)
        return no_content()

    async def crosspost(self, request: web.Request) -> web.Response:
        chan = self._channel(request)
        msg = self._message(request, chan)
        if chan.type != NEWS:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        own = msg.author_id == self.world.bot.id
        self._bot_perms(chan, Perm.SEND_MESSAGES if own else Perm.MANAGE_MESSAGES)
        if msg.flags & FLAG_CROSSPOSTED:
            raise ApiError(400, 40033, "This message has already been crossposted.")
        msg.flags |= FLAG_CROSSPOSTED
        await self.fake.publish_message("MESSAGE_UPDATE", msg)
        return json_response(self._payload(msg))

    # -- guild ------------------------------------------------------------------------------------

    async def get_guild(self, request: web.Request) -> web.Response:
        self._guild(request)
        data = self.world.guild_payload(full=False)
        if request.query.get("with_counts") in ("1", "true", "True"):
            data["approximate_member_count"] = len(self.world.members)
            data["approximate_presence_count"] = 0
        return json_response(data)

    async def guild_channels(self, request: web.Request) -> web.Response:
        self._guild(request)
        return json_response([self.world.channel_payload(c) for c in self.world.guild_channels()])

    async def guild_roles(self, request: web.Request) -> web.Response:
        self._guild(request)
        return json_response([r.to_payload() for r in self.world.roles.values()])

    async def get_member(self, request: web.Request) -> web.Response:
        self._guild(request)
        member = self.world.members.get(int(request.match_info["uid"]))
        if member is None:
            raise not_found(10007, "Member")
        return json_response(member.member_payload())

    async def list_members(self, request: web.Request) -> web.Response:
        self._guild(request)
        if "members" not in self.fake.privileged_intents:
            raise missing_access()  # needs the GUILD_MEMBERS privileged intent, as on Discord
        limit = max(1, min(1000, int(request.query.get("limit", 1))))
        after = int(request.query.get("after", 0))
        members = sorted((m for m in self.world.members.values() if m.id > after), key=lambda m: m.id)
        return json_response([m.member_payload() for m in members[:limit]])

    async def active_threads(self, request: web.Request) -> web.Response:
        self._guild(request)
        threads: list[Any] = [self.world.channel_payload(t) for t in self.world.threads()]
        return json_response({"threads": threads, "members": []})
