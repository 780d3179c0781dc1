"""REST routes for threads, reactions and pins."""

from __future__ import annotations

from urllib.parse import unquote

from aiohttp import web

from .http_common import ApiError, body_of, json_response, missing_permissions, no_content
from .models import DM, FLAG_HAS_THREAD, NEWS, NEWS_THREAD, PUBLIC_THREAD, FakeChannel, Json
from .permissions import Perm
from .rest import ApiBase


class ThreadsApi(ApiBase):
    def routes(self) -> list[web.RouteDef]:
        ch = "/api/v10/channels/{cid}"
        msg = ch + "/messages/{mid:\\d+}"
        return [
            web.post(f"{msg}/threads", self.thread_from_message),
            web.post(f"{ch}/threads", self.thread_without_message),
            web.put(f"{ch}/thread-members/@me", self.join_thread),
            web.put(msg + "/reactions/{emoji}/@me", self.add_reaction),
            web.delete(msg + "/reactions/{emoji}/@me", self.remove_reaction),
            web.put(ch + "/messages/pins/{mid:\\d+}", self.pin),
            web.delete(ch + "/messages/pins/{mid:\\d+}", self.unpin),
        ]

    # -- threads -------------------------------------------------------------------------------------

    def _new_thread(self, parent: FakeChannel, thread_id: int, body: Json, kind: int) -> FakeChannel:
        name = str(body.get("name") or "")
        if not 1 <= len(name) <= 100:
            raise ApiError(
                400,
                50035,
                "Invalid Form Body",
                {
                    "name": {
                        "_errors": [
                            {
                                "code": "BASE_TYPE_BAD_LENGTH",
                                "message": "Must be between 1 and 100 in length.",
                            }
                        ]
                    }
                },
            )
        thread = FakeChannel(
            thread_id,
            name,
            kind,
            guild_id=parent.guild_id,
            parent_id=parent.id,
            owner_id=self.world.bot.id,
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
        )
        self.world.channels[thread.id] = thread
        return thread

    async def _announce_thread(self, thread: FakeChannel) -> web.Response:
        payload = self.world.channel_payload(thread)
        await self.fake.dispatch("THREAD_CREATE", {**payload, "newly_created": True})
        return json_response(
            {
                **payload,
                "member": {
                    "id": str(thread.id),
                    "user_id": str(self.world.bot.id),
                    "join_timestamp": payload["thread_metadata"]["create_timestamp"],
                    "flags": 0,
                },
            },
            201,
        )

    async def thread_from_message(self, request: web.Request) -> web.Response:
        chan = self._channel(request)
        msg = self._message(request, chan)
        if chan.is_thread or chan.type == DM:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        self._bot_perms(chan, Perm.CREATE_PUBLIC_THREADS | Perm.READ_MESSAGE_HISTORY)
        if msg.thread_id is not None:
            raise ApiError(400, 160004, "A thread has already been created for this message")
        thread = self._new_thread(
            chan, msg.id, body_of(request) or {}, NEWS_THREAD if chan.type == NEWS else PUBLIC_THREAD
        )
        msg.thread_id = thread.id
        msg.flags |= FLAG_HAS_THREAD
        return await self._announce_thread(thread)

    async def thread_without_message(self, request: web.Request) -> web.Response:
        chan = self._channel(request)
        if chan.is_thread or chan.type == DM:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        body: Json = body_of(request) or {}
        kind = int(body.get("type") or 12)
        self._bot_perms(chan, Perm.CREATE_PUBLIC_THREADS if kind != 12 else Perm.CREATE_PRIVATE_THREADS)
        return await self._announce_thread(self._new_thread(chan, self.world.new_id(), body, kind))

    async def join_thread(self, request: web.Request) -> web.Response:
        chan = self._channel(request)
        if not chan.is_thread:
            raise ApiError(400, 50024, "Cannot execute action on this channel type")
        self._bot_perms(chan)
        return no_content()

    # -- reactions / pins ----------------------------------------------------------------------------

    async def add_reaction(self, request: web.Request) -> web.Response:
        chan = self._channel(request)
        msg = self._message(request, chan)
        emoji = unquote(request.match_info["emoji"])
        if chan.type != DM:
            needed = Perm.READ_MESSAGE_HISTORY | (0 if msg.reactions.get(emoji) else Perm.ADD_REACTIONS)
            self._bot_perms(chan, needed)
        users = msg.reactions.setdefault(emoji, [])
        if self.world.bot.id not in users:
            users.append(self.world.bot.id)
        self.fake.notifier.changed()
        return no_content()

    async def remove_reaction(self, request: web.Request) -> web.Response:
        chan = self._channel(request)
        msg = self._message(request, chan)
        users = msg.reactions.get(unquote(request.match_info["emoji"]), [])
        if self.world.bot.id in users:
            users.remove(self.world.bot.id)
        self.fake.notifier.changed()
        return no_content()

    async def pin(self, request: web.Request) -> web.Response:
        return await self._set_pin(request, True)

    async def unpin(self, request: web.Request) -> web.Response:
        return await self._set_pin(request, False)

    async def _set_pin(self, request: web.Request, pinned: bool) -> web.Response:
        chan = self._channel(request)
        msg = self._message(request, chan)
        if chan.type != DM:
            perms = self._bot_perms(chan)
            if not perms & (Perm.PIN_MESSAGES | Perm.MANAGE_MESSAGES):
                raise missing_permissions()
        msg.pinned = pinned
        await self.fake.publish_message("MESSAGE_UPDATE", msg)
        return no_content()
