"""The stand-in's gateway: HELLO, IDENTIFY/READY, heartbeats, RESUME with replay, intents.

Every dispatch goes into each session's buffer with its sequence number; a writer task per
connection sends what the client has not seen yet. A dropped connection leaves the session and
its buffer in place, so a RESUME replays exactly the events the client missed, as Discord does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from bot.standin.messages import blank_content, keeps_content
from bot.standin.world import World

log = logging.getLogger(__name__)

HEARTBEAT_INTERVAL_MS = 41250
# Discord refuses a session that would hold more guilds than this (close code 4011) and
# recommends a shard per this many guilds in GET /gateway/bot.
MAX_GUILDS_PER_SHARD = 2500
GUILDS_PER_RECOMMENDED_SHARD = 1000
ACK_DELAY = 0.02  # seconds; see Gateway._ack_heartbeat
BUFFER_LIMIT = 5000

# Intent bits.
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
GUILD_MESSAGE_REACTIONS = 1 << 10
DIRECT_MESSAGES = 1 << 12
DIRECT_MESSAGE_REACTIONS = 1 << 13
MESSAGE_CONTENT = 1 << 15

# Application flags that enable each privileged intent (the full and the "limited" flag).
PRIVILEGED = {
    GUILD_PRESENCES: (1 << 12) | (1 << 13),
    GUILD_MEMBERS: (1 << 14) | (1 << 15),
    MESSAGE_CONTENT: (1 << 18) | (1 << 19),
}

GUILD_EVENTS = {
    "GUILD_CREATE",
    "GUILD_UPDATE",
    "GUILD_DELETE",
    "GUILD_ROLE_CREATE",
    "GUILD_ROLE_UPDATE",
    "GUILD_ROLE_DELETE",
    "CHANNEL_CREATE",
    "CHANNEL_UPDATE",
    "CHANNEL_DELETE",
    "CHANNEL_PINS_UPDATE",
    "THREAD_CREATE",
    "THREAD_UPDATE",
    "THREAD_DELETE",
    "THREAD_LIST_SYNC",
    "THREAD_MEMBER_UPDATE",
    "THREAD_MEMBERS_UPDATE",
}
MEMBER_EVENTS = {"GUILD_MEMBER_ADD", "GUILD_MEMBER_UPDATE", "GUILD_MEMBER_REMOVE"}
MESSAGE_EVENTS = {"MESSAGE_CREATE", "MESSAGE_UPDATE", "MESSAGE_DELETE", "MESSAGE_DELETE_BULK"}
REACTION_EVENTS = {
    "MESSAGE_REACTION_ADD",
    "MESSAGE_REACTION_REMOVE",
    "MESSAGE_REACTION_REMOVE_ALL",
    "MESSAGE_REACTION_REMOVE_EMOJI",
}


def shard_of(guild_id: int, count: int) -> int:
    """The shard a guild's events travel on (Discord's documented formula)."""
    return (guild_id >> 22) % count


def recommended_shards(guilds: int) -> int:
    """GET /gateway/bot's `shards`: one per GUILDS_PER_RECOMMENDED_SHARD guilds, at least one."""
    return max(1, -(-guilds // GUILDS_PER_RECOMMENDED_SHARD))


def event_guild_id(event: str, data: dict[str, Any]) -> int | None:
    """The guild an event belongs to: GUILD_CREATE/UPDATE/DELETE carry it as `id`."""
    raw = data.get("id") if event in ("GUILD_CREATE", "GUILD_UPDATE", "GUILD_DELETE") else None
    if raw is None:
        raw = data.get("guild_id")
    return int(raw) if raw is not None else None


@dataclass(eq=False)
class Session:
    id: str
    intents: int
    seq: int = 0
    sent_upto: int = 0
    buffer: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    request: web.Request | None = None
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    identified_at_seq: int = 0
    # IDENTIFY's `shard: [id, count]`; an unsharded session is shard 0 of 1.
    shard_id: int = 0
    shard_count: int = 1

    def receives(self, guild_id: int | None) -> bool:
        """Whether this session gets the events of `guild_id`: a guild's events go to the shard
        `(guild_id >> 22) % count`, DMs (no guild) to shard 0, as on Discord."""
        if guild_id is None:
            return self.shard_id == 0
        return shard_of(guild_id, self.shard_count) == self.shard_id

    def push(self, event: str, data: Any) -> None:
        self.seq += 1
        self.buffer.append((self.seq, {"op": 0, "t": event, "s": self.seq, "d": data}))
        if len(self.buffer) > BUFFER_LIMIT:
            # Forget the oldest events already sent (kept only for a RESUME's replay); never
            # one still to send: a READY followed by more than BUFFER_LIMIT GUILD_CREATEs (a
            # bot in thousands of servers) must still reach the client.
            sent = sum(
                1 for s, _ in self.buffer[: len(self.buffer) - BUFFER_LIMIT] if s <= self.sent_upto
            )
            del self.buffer[:sent]
        self.wake.set()


class Gateway:
    """All sessions of the stand-in's gateway."""

    def __init__(
        self,
        world: World,
        *,
        token: Callable[[], str],
        url: Callable[[], str],
        activity: Callable[[], None],
    ) -> None:
        self.world = world
        self._activity = activity
        self._token = token
        self._url = url
        self.sessions: dict[str, Session] = {}
        self._acks: set[asyncio.Task[None]] = set()
        self.identifies = 0
        self.resumes = 0
        self.replayed_events = 0
        self.close_codes: list[int] = []
        self._tasks: set[asyncio.Task[None]] = set()

    # Dispatching -----------------------------------------------------------------------

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        guild_id = event_guild_id(event, data)
        for session in list(self.sessions.values()):
            if not session.receives(guild_id):
                continue
            shaped = self._shape_for(session.intents, event, data)
            if shaped is not None:
                session.push(event, shaped)

    def _shape_for(self, intents: int, event: str, data: dict[str, Any]) -> dict[str, Any] | None:
        """The event as this session may see it, or None when its intents exclude it."""
        in_guild = data.get("guild_id") is not None
        if event in GUILD_EVENTS and not intents & GUILDS:
            return None
        if event == "GUILD_CREATE":
            return self._guild_create(intents, data)
        if event in MEMBER_EVENTS and not intents & GUILD_MEMBERS:
            return None
        if event in MESSAGE_EVENTS:
            if not intents & (GUILD_MESSAGES if in_guild else DIRECT_MESSAGES):
                return None
            hidden = not intents & MESSAGE_CONTENT and not self._keeps_content(data)
            if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and in_guild and hidden:
                return blank_content(data)
        if event in REACTION_EVENTS and not intents & (
            GUILD_MESSAGE_REACTIONS if in_guild else DIRECT_MESSAGE_REACTIONS
        ):
            return None
        return data

    def _guild_create(self, intents: int, data: dict[str, Any]) -> dict[str, Any]:
        """Without GUILD_MEMBERS Discord lists only the bot itself (member_count stays true)."""
        if intents & GUILD_MEMBERS:
            return data
        bot_id = str(self.world.bot.id)
        return {**data, "members": [m for m in data["members"] if m["user"]["id"] == bot_id]}

    def _keeps_content(self, message: dict[str, Any]) -> bool:
        return keeps_content(message, self.world.bot.id)

    # Connection control ----------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return any(s.ws is not None and not s.ws.closed for s in self.sessions.values())

    async def drop(self, code: int | None = 4000) -> None:
        """Cut every live connection: a close frame with `code`, or abruptly when None."""
        for session in self.sessions.values():
            ws, request = session.ws, session.request
            session.ws = None
            session.request = None
            if ws is None:
                continue
            if code is None and request is not None and request.transport is not None:
                request.transport.close()
            else:
                await self._close(ws, code or 4000, b"stand-in drop")

    async def invalidate(self) -> None:
        """Op 9 (d=false) to every live session: the client must IDENTIFY again (a new READY)."""
        for session in list(self.sessions.values()):
            ws = session.ws
            self.sessions.pop(session.id, None)
            session.ws = None
            if ws is not None and not ws.closed:
                await ws.send_json({"op": 9, "s": None, "t": None, "d": False})

    async def request_reconnect(self) -> None:
        """Op 7 RECONNECT to every live session: the client reconnects and RESUMEs."""
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.send_json({"op": 7, "s": None, "t": None, "d": None})

    async def _close(self, ws: web.WebSocketResponse, code: int, reason: bytes) -> None:
        """Close with a gateway close code, remembered in `close_codes` for tests."""
        self.close_codes.append(code)
        await ws.close(code=code, message=reason)

    async def close(self) -> None:
        for session in self.sessions.values():
            if session.ws is not None:
                await self._close(session.ws, 1001, b"stand-in stopping")
        for task in list(self._tasks):
            task.cancel()
        self.sessions.clear()

    # The websocket ---------------------------------------------------------------------

    def _ack_heartbeat(self, ws: web.WebSocketResponse) -> None:
        """ACK a heartbeat a moment later, as over a real network: discord.py's keep-alive
        thread records the send only after it completes, so an instant loopback ACK can beat
        it and be reported as "Can't keep up ... 41s behind"."""

        async def ack() -> None:
            await asyncio.sleep(ACK_DELAY)
            if not ws.closed:
                with contextlib.suppress(ConnectionError, RuntimeError):
                    await ws.send_json({"op": 11, "s": None, "t": None, "d": None})

        task = asyncio.create_task(ack())
        self._acks.add(task)
        task.add_done_callback(self._acks.discard)

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        await ws.send_json(
            {"op": 10, "s": None, "t": None, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}}
        )
        session: Session | None = None
        writer: asyncio.Task[None] | None = None
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    payload = json.loads(msg.data)
                    op = payload["op"]
                except (ValueError, KeyError, TypeError):
                    await self._close(ws, 4002, b"Error while decoding payload.")
                    break
                data = payload.get("d")
                if op == 1:
                    self._ack_heartbeat(ws)
                elif op in (2, 6):
                    if session is not None:
                        await self._close(ws, 4005, b"Already authenticated.")
                        break
                    session = await (
                        self._identify(ws, data) if op == 2 else self._resume(ws, data)
                    )
                    if session is None:
                        break
                    session.request = request
                    writer = asyncio.create_task(self._write(session, ws))
                    self._tasks.add(writer)
                    writer.add_done_callback(self._tasks.discard)
                    self._activity()
                elif session is None:
                    await self._close(ws, 4003, b"Not authenticated.")
                    break
                elif op in (3, 4, 8):
                    # Presence, voice state and member requests: accepted, nothing to send back
                    # (the stand-in never makes the client request chunks).
                    continue
                else:
                    await self._close(ws, 4001, b"Unknown opcode.")
                    break
        finally:
            if writer is not None:
                writer.cancel()
            if session is not None and session.ws is ws:
                session.ws = None
                session.request = None
                # A client that closes with 1000/1001 ends its session; Discord will not resume it.
                if ws.close_code in (1000, 1001):
                    self.sessions.pop(session.id, None)
            self._activity()
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        if not isinstance(data, dict) or data.get("token") != self._token():
            await self._close(ws, 4004, b"Authentication failed.")
            return None
        intents = int(data.get("intents", 0))
        for intent, flags in PRIVILEGED.items():
            if intents & intent and not self.world.application_flags & flags:
                await self._close(ws, 4014, b"Disallowed intent(s).")
                return None
        shard = data.get("shard", [0, 1])
        if not _valid_shard(shard):
            await self._close(ws, 4010, b"Invalid shard.")
            return None
        session = Session(
            id=secrets.token_hex(16), intents=intents, shard_id=shard[0], shard_count=shard[1]
        )
        guilds = [g for g in self.world.joined_guilds if session.receives(g.id)]
        if len(guilds) > MAX_GUILDS_PER_SHARD:
            await self._close(ws, 4011, b"Sharding required.")
            return None
        self.identifies += 1
        self.sessions[session.id] = session
        session.ws = ws
        session.push("READY", self._ready(session, guilds))
        for guild in guilds:
            if intents & GUILDS:
                session.push("GUILD_CREATE", self._guild_create(intents, guild.create_json()))
        return session

    def _ready(self, session: Session, guilds: list[Any]) -> dict[str, Any]:
        bot = self.world.bot
        ready: dict[str, Any] = {
            "v": 10,
            "user": {**bot.json(), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self._url(),
            "application": {
                "id": str(self.world.application_id),
                "flags": self.world.application_flags,
            },
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["local"],
            "user_settings": {},
            "_trace": ["stand-in"],
        }
        if session.shard_count > 1 or session.shard_id:
            ready["shard"] = [session.shard_id, session.shard_count]
        return ready

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> Session | None:
        if not isinstance(data, dict) or data.get("token") != self._token():
            await self._close(ws, 4004, b"Authentication failed.")
            return None
        session = self.sessions.get(str(data.get("session_id")))
        seq = data.get("seq")
        oldest = session.buffer[0][0] if session and session.buffer else 1
        if session is None or seq is None or int(seq) < oldest - 1:
            # Not resumable: op 9 with d=false makes discord.py identify afresh.
            await ws.send_json({"op": 9, "s": None, "t": None, "d": False})
            await self._close(ws, 4009, b"Session timed out.")
            return None
        if session.ws is not None and session.ws is not ws:
            await self._close(session.ws, 4000, b"Session resumed elsewhere.")
        self.resumes += 1
        self.replayed_events += sum(1 for s, _ in session.buffer if s > int(seq))
        session.sent_upto = int(seq)
        session.ws = ws
        session.push("RESUMED", {"_trace": ["stand-in"]})
        return session

    async def _write(self, session: Session, ws: web.WebSocketResponse) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            while session.ws is ws and not ws.closed:
                pending = [p for s, p in session.buffer if s > session.sent_upto]
                for payload in pending:
                    if session.ws is not ws or ws.closed:
                        return
                    await ws.send_str(json.dumps(payload))
                    session.sent_upto = payload["s"]
                if session.sent_upto >= session.seq:
                    session.wake.clear()
                    await session.wake.wait()


def _valid_shard(shard: Any) -> bool:
    """IDENTIFY's `shard` is `[id, count]` with 0 <= id < count (else Discord closes 4010)."""
    return (
        isinstance(shard, list)
        and len(shard) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in shard)
        and 0 <= shard[0] < shard[1]
    )
