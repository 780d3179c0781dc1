"""The gateway websocket: HELLO/IDENTIFY/READY/GUILD_CREATE, heartbeats, RESUME, dispatch."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .models import Json
from .sync import Notifier
from .world import World

try:  # pragma: no cover - depends on the environment
    import zstandard
except ImportError:  # pragma: no cover
    zstandard = None

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41250
INTENT_GUILDS = 1 << 0
INTENT_MEMBERS = 1 << 1
INTENT_VOICE_STATES = 1 << 7  # not privileged: part of discord.py's Intents.default()
INTENT_PRESENCES = 1 << 8
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DM_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
INTENT_SCHEDULED_EVENTS = 1 << 16
PRIVILEGED = {
    "members": INTENT_MEMBERS,
    "presences": INTENT_PRESENCES,
    "message_content": INTENT_MESSAGE_CONTENT,
}

_PREFIX_INTENTS = [
    ("GUILD_SCHEDULED_EVENT_", INTENT_SCHEDULED_EVENTS),
    ("GUILD_MEMBER_", INTENT_MEMBERS),
    ("VOICE_STATE_UPDATE", INTENT_VOICE_STATES),
    ("VOICE_CHANNEL_EFFECT_SEND", INTENT_VOICE_STATES),
    ("THREAD_MEMBERS_", INTENT_MEMBERS),
    ("GUILD_ROLE_", INTENT_GUILDS),
    ("CHANNEL_", INTENT_GUILDS),
    ("THREAD_", INTENT_GUILDS),
    ("GUILD_CREATE", INTENT_GUILDS),
    ("GUILD_UPDATE", INTENT_GUILDS),
    ("GUILD_DELETE", INTENT_GUILDS),
]


def required_intent(event: str, data: Json) -> int:
    """The intent Discord requires before sending ``event`` (0 = always sent)."""
    if event.startswith("MESSAGE_") and not event.startswith("MESSAGE_REACTION"):
        return INTENT_GUILD_MESSAGES if data.get("guild_id") else INTENT_DM_MESSAGES
    for prefix, intent in _PREFIX_INTENTS:
        if event.startswith(prefix):
            return intent
    return 0


@dataclass
class Session:
    id: str
    number: int
    intents: int
    identify: Json
    seq: int = 0
    buffer: deque[Json] = field(default_factory=lambda: deque(maxlen=2000))
    conn: Connection | None = None
    ready: bool = False
    invalid: bool = False
    presence: Json | None = None


class Connection:
    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.ws = ws
        self.compress = compress
        self.session: Session | None = None
        self.closed_by_server = False
        self._lock = asyncio.Lock()
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._zstd = (
            zstandard.ZstdCompressor().compressobj()
            if compress == "zstd-stream" and zstandard is not None
            else None
        )

    async def send(self, payload: Json) -> None:
        text = json.dumps(payload, ensure_ascii=False)
        async with self._lock:
            if self.ws.closed:
                return
            try:
                if self._zlib is not None:
                    raw = text.encode()
                    await self.ws.send_bytes(self._zlib.compress(raw) + self._zlib.flush(zlib.Z_SYNC_FLUSH))
                elif self._zstd is not None:
                    chunk = self._zstd.compress(text.encode())
                    chunk += self._zstd.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)  # type: ignore[union-attr]
                    await self.ws.send_bytes(chunk)
                else:
                    await self.ws.send_str(text)
            except (ConnectionResetError, RuntimeError):
                log.debug("fake gateway: send on a closing socket dropped")


class Gateway:
    def __init__(
        self,
        *,
        world: World,
        notifier: Notifier,
        token: Callable[[], str],
        gateway_url: Callable[[], str],
        privileged_intents: frozenset[str],
        compression: bool = True,
    ) -> None:
        self.world = world
        self.notifier = notifier
        self._token = token
        self._gateway_url = gateway_url
        self.allowed_intents = sum(PRIVILEGED[name] for name in privileged_intents)
        self.compression = compression
        self.sessions: dict[str, Session] = {}
        self.connections: list[Connection] = []
        self.identify_count = 0
        self.resume_count = 0
        self.received: list[Json] = []
        self._session_ids = itertools.count(1)

    # -- state ------------------------------------------------------------------------------------

    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if s.conn is not None and not s.invalid]

    def ready_sessions(self) -> list[Session]:
        return [s for s in self.live_sessions() if s.ready]

    # -- sending ----------------------------------------------------------------------------------

    async def dispatch(
        self, event: str, data: Json, *, transform: Callable[[Session, Json], Json] | None = None
    ) -> int:
        """Sends a DISPATCH to every resumable session that has the needed intent.

        Disconnected but resumable sessions buffer the event (a RESUME replays it). Returns how many
        live connections received it.
        """
        needed = required_intent(event, data)
        count = 0
        for session in list(self.sessions.values()):
            if session.invalid or not session.ready or (needed and not session.intents & needed):
                continue
            payload = transform(session, data) if transform else data
            await self._send_dispatch(session, event, payload)
            count += session.conn is not None
        return count

    async def _send_dispatch(self, session: Session, event: str, data: Json) -> None:
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        session.buffer.append(frame)
        if session.conn is not None:
            await session.conn.send(frame)

    async def disconnect(self, code: int = 4000, *, invalidate: bool = False) -> None:
        """Closes every live connection server-side (the client will try to RESUME)."""
        for conn in list(self.connections):
            if invalidate and conn.session is not None:
                conn.session.invalid = True
            conn.closed_by_server = True
            await conn.ws.close(code=code, message=b"fake_discord disconnect")

    async def send_reconnect(self) -> None:
        """Sends op 7 RECONNECT to every live connection."""
        for conn in list(self.connections):
            await conn.send({"op": 7, "d": None, "s": None, "t": None})

    # -- websocket handler -----------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        compress = request.query.get("compress") if self.compression else None
        conn = Connection(ws, compress)
        self.connections.append(conn)
        try:
            await conn.send(
                {"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None}
            )
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                self.received.append(payload)
                await self._on_payload(conn, payload)
        finally:
            self.connections.remove(conn)
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
                if not conn.closed_by_server and ws.close_code in (1000, 1001):
                    session.invalid = True  # a clean close by the client ends the session, as on Discord
            self.notifier.changed()
        return ws

    async def _on_payload(self, conn: Connection, payload: Json) -> None:
        op, data = payload.get("op"), payload.get("d")
        if op == 1:
            await conn.send({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            await self._identify(conn, data or {})
        elif op == 6:
            await self._resume(conn, data or {})
        elif op == 3:
            if conn.session is not None:
                conn.session.presence = data
        elif op == 8:
            await self._request_members(conn, data or {})
        elif op == 4:
            pass
        else:
            await conn.ws.close(code=4001, message=b"Unknown opcode")

    async def _identify(self, conn: Connection, data: Json) -> None:
        if conn.session is not None:
            await conn.ws.close(code=4005, message=b"Already authenticated")
            return
        if data.get("token") != self._token():
            await conn.ws.close(code=4004, message=b"Authentication failed")
            return
        intents = int(data.get("intents", 0))
        privileged = sum(PRIVILEGED.values())
        if intents & privileged & ~self.allowed_intents:
            await conn.ws.close(code=4014, message=b"Disallowed intent(s)")
            return
        self.identify_count += 1
        session = Session(
            id=f"fake-session-{next(self._session_ids)}",
            number=self.identify_count,
            intents=intents,
            identify=data,
        )
        session.conn = conn
        conn.session = session
        self.sessions[session.id] = session
        world = self.world
        ready: Json = {
            "v": 10,
            "user": {**world.bot.user_payload(), "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(world.guild_id), "unavailable": True}],
            "session_id": session.id,
            "resume_gateway_url": self._gateway_url(),
            "application": {"id": str(world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ["fake_discord"],
        }
        if "shard" in data:
            ready["shard"] = data["shard"]
        await self._send_dispatch(session, "READY", ready)
        guild = world.guild_payload(
            full=True,
            include_members=bool(intents & INTENT_MEMBERS),
            include_voice=bool(intents & INTENT_VOICE_STATES),
        )
        if intents & INTENT_GUILDS:
            await self._send_dispatch(session, "GUILD_CREATE", guild)
        session.ready = True
        self.notifier.changed()

    async def _resume(self, conn: Connection, data: Json) -> None:
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or session.invalid or data.get("token") != self._token():
            await conn.send({"op": 9, "d": False, "s": None, "t": None})
            return
        self.resume_count += 1
        old, session.conn = session.conn, conn
        if old is not None and old is not conn:  # a RESUME takes the session over from a stale socket
            old.closed_by_server = True
            await old.ws.close(code=4000, message=b"Session resumed elsewhere")
        conn.session = session
        last = int(data.get("seq") or 0)
        for frame in list(session.buffer):
            if frame["s"] > last:
                await conn.send(frame)
        await self._send_dispatch(session, "RESUMED", {})
        self.notifier.changed()

    async def _request_members(self, conn: Connection, data: Json) -> None:
        session = conn.session
        if session is None:
            return
        user_ids = {int(u) for u in data.get("user_ids") or []}
        if not user_ids and not session.intents & INTENT_MEMBERS:
            await conn.ws.close(code=4013, message=b"Invalid intent(s)")
            return
        members = [
            m.member_payload() for m in self.world.members.values() if not user_ids or m.id in user_ids
        ]
        query = data.get("query")
        if query:
            members = [m for m in members if m["user"]["username"].startswith(query)]
        chunk: dict[str, Any] = {
            "guild_id": str(self.world.guild_id),
            "members": members,
            "chunk_index": 0,
            "chunk_count": 1,
            "not_found": [str(u) for u in user_ids if u not in self.world.members],
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        await self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)
