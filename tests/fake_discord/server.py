"""``FakeDiscord``: the aiohttp server, its lifecycle, state helpers and waits."""

# The public API deliberately takes ``timeout=`` arguments (readable tests).
# ruff: noqa: ASYNC109

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any

from aiohttp import web

from .actions import UserActions
from .admin import GuildAdmin
from .builders import PayloadBuilder
from .gateway import INTENT_MESSAGE_CONTENT, Gateway, Session
from .http_common import RecordedRequest, make_middleware
from .interactions import InteractionRecord
from .messages import MessageFactory, content_visible, hide_content
from .models import FakeChannel, FakeMember, FakeMessage, FakeRole, Json
from .outages import Outages
from .rate_limits import ChannelPostLimit
from .rest import RestApi
from .rest_commands import CommandsApi
from .rest_events import EventsApi
from .rest_interactions import InteractionApi
from .rest_threads import ThreadsApi
from .runner import BotRunner
from .scheduled_events import ScheduledEventActions
from .stalls import StalledEdits
from .sync import Notifier
from .voice import VoiceActions, VoiceApi
from .world import World

ChannelRef = FakeChannel | int | str
MemberRef = FakeMember | int | str


class FakeDiscord(UserActions, GuildAdmin, ScheduledEventActions, VoiceActions):
    """A fake Discord (REST v10 + gateway) on 127.0.0.1 for end-to-end tests of a discord.py bot."""

    def __init__(
        self,
        token: str = "fake-token",  # noqa: S107 - the fake's own, fake token
        *,
        privileged_intents: Iterable[str] = (),
        interaction_deadline: float | None = 3.0,
        validate_event_times: bool = True,
        gateway_compression: bool = True,
        now: Callable[[], dt.datetime] | None = None,
        channel_post_limit: int | None = None,
        channel_post_window: float = 5.0,
    ) -> None:
        self.token = token
        # Off unless asked: Discord's 5 posts per 5 s per channel would slow every other test down.
        self.post_limits = ChannelPostLimit(channel_post_limit, channel_post_window)
        # Discord refuses events that start in the past; "now" is the tests' clock when they move one.
        self.now = now or (lambda: dt.datetime.now(dt.UTC))
        self.privileged_intents = frozenset(privileged_intents)
        self.interaction_deadline = interaction_deadline
        self.validate_event_times = validate_event_times
        self.world = World()
        self.notifier = Notifier()
        self.factory = MessageFactory(self.world, cdn_base="")
        self.builder = PayloadBuilder(self.world, self.factory)
        self.gateway = Gateway(
            world=self.world,
            notifier=self.notifier,
            token=lambda: self.token,
            gateway_url=lambda: self.gateway_url,
            privileged_intents=self.privileged_intents,
            compression=gateway_compression,
        )
        self.requests: list[RecordedRequest] = []
        self.stalled_edits = StalledEdits()  # edits lost with a crashing bot (stalls.py)
        self.outages = Outages(self.notifier)  # requests answered 503 or held (outages.py)
        self.internal_errors: list[str] = []
        self.commands: dict[int | None, list[Json]] = {}
        self.sync_counts: dict[int | None, int] = {}
        self.interactions: dict[int, InteractionRecord] = {}
        self.interactions_by_token: dict[str, InteractionRecord] = {}
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    # -- lifecycle ------------------------------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application(
            middlewares=[
                make_middleware(
                    token=lambda: self.token,
                    log_request=self.requests.append,
                    notifier=self.notifier,
                    internal_errors=self.internal_errors,
                ),
                self.outages.middleware,
            ],
            client_max_size=64 * 1024 * 1024,
        )
        for api in (
            RestApi(self),
            ThreadsApi(self),
            EventsApi(self),
            CommandsApi(self),
            InteractionApi(self),
            VoiceApi(self),
        ):
            app.add_routes(api.routes())
        app.router.add_get("/", self.gateway.handle)
        app.router.add_get("/attachments/{cid}/{aid:\\d+}/{name}", self._serve_attachment)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.base_url = f"http://127.0.0.1:{port}"
        self.factory.cdn_base = self.base_url
        return self

    async def stop(self) -> None:
        if self._runner is None:
            return
        self.outages.release_all()
        await self.gateway.disconnect(code=1001, invalidate=True)
        await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def api_url(self) -> str:
        """Value for ``discord.http.Route.BASE``."""
        return f"{self.base_url}/api/v10"

    @property
    def gateway_url(self) -> str:
        """Value for ``DiscordWebSocket.DEFAULT_GATEWAY`` (wrap it in ``yarl.URL``)."""
        return self.base_url.replace("http://", "ws://", 1) + "/"

    def run_bot(
        self, bot: Any, *, guild_ready_timeout: float | None = 0.05, ready_timeout: float = 10
    ) -> BotRunner:
        """``async with fake.run_bot(bot) as bot:`` starts the real bot against the fake (see BotRunner)."""
        return BotRunner(self, bot, guild_ready_timeout=guild_ready_timeout, ready_timeout=ready_timeout)

    async def _serve_attachment(self, request: web.Request) -> web.Response:
        att = self.factory.files.get(int(request.match_info["aid"]))
        if att is None:
            raise web.HTTPNotFound()
        return web.Response(body=att.data, content_type=att.content_type or "application/octet-stream")

    # -- lookups ------------------------------------------------------------------------------------------

    @property
    def guild(self) -> World:
        """The only guild (``.id``, ``.name``, ``.preferred_locale``, ``.roles``, ``.channels``...)."""
        return self.world

    @property
    def bot(self) -> FakeMember:
        return self.world.bot

    @property
    def application_id(self) -> int:
        return self.world.application_id

    @property
    def application_flags(self) -> int:
        flags = 0
        for name, bit in (("presences", 1 << 13), ("members", 1 << 15), ("message_content", 1 << 19)):
            if name in self.privileged_intents:
                flags |= bit
        return flags

    def channel(self, ref: ChannelRef) -> FakeChannel:
        return self.world.channel(ref)

    def member(self, ref: MemberRef) -> FakeMember:
        return self.world.member(ref)

    def role(self, ref: FakeRole | int | str) -> FakeRole:
        return self.world.role(ref)

    def message(self, ref: FakeMessage | int) -> FakeMessage:
        return self.world.message(ref)

    def permissions(self, member: MemberRef, channel: ChannelRef | None = None) -> int:
        return self.world.permissions(member, channel)

    # -- gateway ------------------------------------------------------------------------------------------

    async def dispatch(self, event: str, data: Json) -> int:
        """Sends a gateway DISPATCH to every connected bot (intent-filtered); returns how many got it."""
        count = await self.gateway.dispatch(event, data)
        self.notifier.changed()
        return count

    async def publish_message(self, event: str, msg: FakeMessage) -> None:
        """MESSAGE_CREATE / MESSAGE_UPDATE / MESSAGE_DELETE as Discord sends them (never for ephemerals)."""
        self.notifier.changed()
        if msg.is_ephemeral:
            return
        if event == "MESSAGE_DELETE":
            data: Json = {"id": str(msg.id), "channel_id": str(msg.channel_id)}
            if msg.guild_id:
                data["guild_id"] = str(msg.guild_id)
            await self.gateway.dispatch(event, data)
            return
        data = self.world.message_payload(msg)
        author = self.world.members.get(msg.author_id)
        if msg.guild_id and author is not None and msg.webhook_id is None:
            data["member"] = author.member_payload(with_user=False)
        bot_id = self.world.bot.id

        def gate_content(session: Session, payload: Json) -> Json:
            has_intent = bool(session.intents & INTENT_MESSAGE_CONTENT)
            return payload if content_visible(msg, bot_id, has_intent=has_intent) else hide_content(payload)

        await self.gateway.dispatch(event, data, transform=gate_content)

    @property
    def connected(self) -> bool:
        """True while at least one bot session is connected and identified."""
        return bool(self.gateway.live_sessions())

    @property
    def identify_count(self) -> int:
        return self.gateway.identify_count

    @property
    def resume_count(self) -> int:
        return self.gateway.resume_count

    @property
    def sessions(self) -> list[Session]:
        return list(self.gateway.sessions.values())

    async def disconnect(self, code: int = 4000, *, invalidate: bool = False) -> None:
        """Drops the bots' websockets server-side; they RESUME (or re-IDENTIFY if ``invalidate``)."""
        await self.gateway.disconnect(code, invalidate=invalidate)

    async def send_reconnect(self) -> None:
        """Sends op 7 RECONNECT: the bots reconnect and RESUME."""
        await self.gateway.send_reconnect()

    async def wait_for(self, predicate: Any, timeout: float = 5, what: str = "a condition") -> Any:
        """Waits until ``predicate()`` returns a truthy value (returned).

        Re-checked on every change of the fake and every 10 ms, so predicates may also look at the
        bot's own state (e.g. a list its callbacks fill).
        """
        return await self.notifier.wait_for(predicate, timeout, what, poll=0.01)

    async def wait_until_identified(self, timeout: float = 10, count: int = 1) -> Session:
        """Waits for the ``count``-th IDENTIFY (since the fake started) on a live connection."""

        def found() -> Session | None:
            return next((s for s in self.gateway.live_sessions() if s.number >= count), None)

        return await self.notifier.wait_for(found, timeout, f"IDENTIFY #{count} (got {self.identify_count})")

    async def wait_until_ready(self, timeout: float = 10, count: int = 1) -> Session:
        """Waits until a bot (the ``count``-th to identify) is connected and got its GUILD_CREATE."""

        def found() -> Session | None:
            return next((s for s in self.gateway.ready_sessions() if s.number >= count), None)

        return await self.notifier.wait_for(
            found, timeout, f"a ready session #{count} (identifies: {self.identify_count})"
        )

    async def wait_until_disconnected(self, timeout: float = 10) -> None:
        await self.notifier.wait_for(lambda: not self.connected, timeout, "all bots to disconnect")

    # -- application commands -----------------------------------------------------------------------

    def _scope(self, guild: bool) -> int | None:
        return self.world.guild_id if guild else None

    def registered_commands(self, guild: bool = True) -> list[Json]:
        """Commands as the bot synced them (guild scope, or global with ``guild=False``), ids included."""
        return copy.deepcopy(self.commands.get(self._scope(guild), []))

    def command(self, name: str, guild: bool | None = None) -> Json:
        """A registered top-level command by name (guild scope first when ``guild`` is None)."""
        scopes = [self._scope(guild)] if guild is not None else [self.world.guild_id, None]
        for scope in scopes:
            for cmd in self.commands.get(scope, []):
                if cmd["name"] == name and cmd.get("type", 1) == 1:
                    return cmd
        names = sorted(c["name"] for s in scopes for c in self.commands.get(s, []))
        raise LookupError(f"no registered command {name!r}; registered: {names}")

    @property
    def sync_count(self) -> int:
        """Number of bulk overwrites (PUT .../commands) over all scopes; per scope: ``sync_counts``."""
        return sum(self.sync_counts.values())

    async def wait_for_commands(self, timeout: float = 10, guild: bool = True, syncs: int = 1) -> list[Json]:
        """Waits until the bot bulk-overwrote the scope's commands ``syncs`` times; returns them."""
        scope = self._scope(guild)
        await self.notifier.wait_for(
            lambda: self.sync_counts.get(scope, 0) >= syncs,
            timeout,
            lambda: f"{syncs} command sync(s) (scope {scope}: {self.sync_counts.get(scope, 0)})",
        )
        return self.registered_commands(guild)

    # -- requests log --------------------------------------------------------------------------------

    def find_requests(
        self, method: str | None = None, path: str | None = None, status: int | None = None
    ) -> list[RecordedRequest]:
        """Recorded requests filtered by method, ``path`` regex (``re.search``) and status."""
        return [
            r
            for r in self.requests
            if (method is None or r.method == method.upper())
            and (path is None or re.search(path, r.path))
            and (status is None or r.status == status)
        ]

    @property
    def rejected_requests(self) -> list[RecordedRequest]:
        """Requests the fake answered with an error (4xx)."""
        return [r for r in self.requests if r.status >= 400]

    # -- messages ---------------------------------------------------------------------------------------

    def checkpoint(self) -> int:
        """A marker: every message created later has a larger id (use with ``after=``)."""
        return self.world.new_id()

    def messages(
        self, channel: ChannelRef, *, include_ephemeral: bool = False, include_deleted: bool = False
    ) -> list[FakeMessage]:
        """Messages of a channel (or thread), oldest first."""
        chan = self.world.channel(channel)
        return [
            m
            for m in self.world.messages.values()
            if m.channel_id == chan.id
            and (include_ephemeral or not m.is_ephemeral)
            and (include_deleted or not m.deleted)
        ]

    def dm_channel(self, member: MemberRef) -> FakeChannel:
        return self.world.dm_channel_for(self.world.member(member).id)

    def dm_messages(self, member: MemberRef) -> list[FakeMessage]:
        return self.messages(self.dm_channel(member))

    async def wait_for_message(
        self,
        channel: ChannelRef,
        predicate: Any = None,
        *,
        after: FakeMessage | int | None = None,
        timeout: float = 5,
        include_ephemeral: bool = False,
    ) -> FakeMessage:
        """First message of ``channel`` (already posted or future) with id > ``after`` matching ``predicate``.

        Ephemeral interaction responses are skipped unless ``include_ephemeral``.
        """
        chan = self.world.channel(channel)
        floor = after.id if isinstance(after, FakeMessage) else int(after or 0)

        def found() -> FakeMessage | None:
            for msg in self.messages(chan, include_ephemeral=include_ephemeral):
                if msg.id > floor and (predicate is None or predicate(msg)):
                    return msg
            return None

        def describe() -> str:
            seen = [(m.id, m.content[:60]) for m in self.messages(chan, include_ephemeral=include_ephemeral)]
            rejected = [(r.method, r.path, r.status, r.response) for r in self.rejected_requests][-5:]
            where = chan.name or chan.id
            return f"a message in #{where} after {floor}; messages: {seen}; rejections: {rejected}"

        return await self.notifier.wait_for(found, timeout, describe)

    async def wait_for_dm(
        self,
        member: MemberRef,
        predicate: Any = None,
        *,
        after: FakeMessage | int | None = None,
        timeout: float = 5,
    ) -> FakeMessage:
        return await self.wait_for_message(self.dm_channel(member), predicate, after=after, timeout=timeout)
