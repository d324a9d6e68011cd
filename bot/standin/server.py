"""The stand-in's HTTP server: aiohttp on 127.0.0.1, REST under /api/v10, gateway on /gateway.

`StandInServer` owns the world, the gateway, the record of calls and the rules applied to every
request (authentication, injected faults, the optional global rate limit, unknown routes). The
route handlers live in the `rest_*` modules; the test kit (`kit.StandIn`) builds on this class.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import math
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import discord
import yarl
from aiohttp import web

from bot.standin.gateway import Gateway
from bot.standin.interactions import Interaction
from bot.standin.messages import gateway_message
from bot.standin.ratelimits import InvalidRequests, RouteBuckets, SlidingWindow, Verdict
from bot.standin.rest_base import BODY, ApiError, Body, Call, json_response, read_body
from bot.standin.world import Channel, World

log = logging.getLogger(__name__)

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway"
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# The request's place in its per-route bucket; whether the connection was dropped unanswered.
ROUTE_BUCKET = web.RequestKey("route_bucket", Verdict)
DROPPED = web.RequestKey("dropped", bool)


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    status: int
    retry_after: float
    global_: bool
    remaining: int
    body: dict[str, Any] | None
    drop: bool = False


class StandInServer:
    """A fake Discord on a free local port. Use `kit.StandIn`, which adds the test actions."""

    def __init__(
        self,
        *,
        message_content: bool = True,
        members_intent: bool = False,
        presence_intent: bool = False,
        interaction_deadline: float = 3.0,
        bot_name: str = "Kindred",
        route_rate_limits: bool = True,
    ) -> None:
        self.world = World(bot_name=bot_name, message_content=message_content)
        if members_intent:
            self.world.application_flags |= 1 << 14
        if presence_intent:
            self.world.application_flags |= 1 << 12
        self.world._changed = self._world_changed
        self.interaction_deadline = interaction_deadline
        segment = base64.b64encode(str(self.world.bot.id).encode()).decode().rstrip("=")
        self.token = f"{segment}.standin.{secrets.token_urlsafe(27)}"
        self.gateway = Gateway(
            self.world, token=lambda: self.token, url=lambda: self.gateway_url, activity=self._poke
        )
        self.calls: list[Call] = []
        self.unknown_routes: list[tuple[str, str]] = []
        # Rate limits: the optional global one (requests/s), per-route buckets (always sent;
        # enforced unless `route_rate_limits=False` or `buckets.enforce = False`), and the
        # 429s and invalid requests (401/403/429) the bot drew.
        self.global_rate_limit: int | None = None
        self.buckets = RouteBuckets(enforce=route_rate_limits)
        self.global_429s = 0
        self.route_429s = 0
        self.invalid = InvalidRequests()
        self._global_window = SlidingWindow(1.0)
        self.command_sets: dict[int | None, list[dict[str, Any]]] = {}
        self.sync_count = 0
        # (channel id, nonce) -> (monotonic time, message) for enforce_nonce.
        self.nonces: dict[tuple[int, str], tuple[float, dict[str, Any]]] = {}
        # (message id, emoji key) -> ids of users who reacted.
        self.reactions: dict[tuple[str, str], list[int]] = {}
        self._faults: list[Fault] = []
        self.interactions: dict[int, Interaction] = {}
        self.interactions_by_token: dict[str, Interaction] = {}
        # Modals the bot opened, by custom_id (a submission must answer one of them).
        self.modals: dict[str, dict[str, Any]] = {}
        self._activity = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self._port = 0

    # Lifecycle --------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(middlewares=[self._middleware], client_max_size=64 * 1024 * 1024)
        app.router.add_get(GATEWAY_PATH, self.gateway.handle)
        app.router.add_get(GATEWAY_PATH + "/", self.gateway.handle)
        for route in self._routes():
            app.router.add_route(route.method, API_PREFIX + route.path, route.handler)
        # The CDN: attachment downloads, outside the API and without authentication.
        app.add_routes(self.world.cdn.routes())
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        sockets = getattr(server, "sockets", None) or []
        self._port = sockets[0].getsockname()[1]
        self.world.cdn.base = self.http_base
        log.info("stand-in listening on 127.0.0.1:%d", self._port)

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _routes(self) -> list[web.RouteDef]:
        # Imported here: the route modules import this module's types.
        from bot.standin import rest_channels, rest_core, rest_interactions, rest_messages

        return [
            *rest_core.routes(self),
            *rest_messages.routes(self),
            *rest_channels.routes(self),
            *rest_interactions.routes(self),
        ]

    @property
    def port(self) -> int:
        return self._port

    @property
    def http_base(self) -> str:
        """The server's origin; attachment URLs live here (`/attachments/...`, `/media/...`)."""
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_base(self) -> str:
        return f"{self.http_base}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self._port}{GATEWAY_PATH}"

    @property
    def application_id(self) -> int:
        return self.world.application_id

    @contextlib.contextmanager
    def patch_discord(self) -> Iterator[None]:
        """Point discord.py's REST base and default gateway at this stand-in, then restore."""
        old_base = discord.http.Route.BASE
        old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # Events -----------------------------------------------------------------------------

    def _world_changed(self, event: str, guild: Any, data: dict[str, Any]) -> None:
        if guild is None or guild.joined:
            self.dispatch(event, data)

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send an event to every gateway session (none for guilds the bot is not in)."""
        guild_id = data.get("guild_id")
        guild = self.world.guilds.get(int(guild_id)) if guild_id is not None else None
        if guild is None or guild.joined:
            self.gateway.dispatch(event, data)
        self._poke()

    def _poke(self) -> None:
        async def notify() -> None:
            async with self._activity:
                self._activity.notify_all()

        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().create_task(notify())

    async def wait_until(self, check: Callable[[], Any], timeout: float) -> Any:
        """Wait until `check()` returns something truthy. It is re-checked after every request
        and event, and every 20 ms for conditions on the bot's own state."""
        async with asyncio.timeout(timeout):
            while True:
                result = check()
                if result:
                    return result
                async with self._activity:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._activity.wait(), 0.02)

    def add_message(self, channel: Channel, message: dict[str, Any]) -> dict[str, Any]:
        """Store a new message and dispatch MESSAGE_CREATE, as Discord does for every post."""
        channel.messages.append(message)
        channel.total_sent += 1
        if channel.is_thread and channel.archived and not channel.locked:
            channel.archived = False
            self.dispatch("THREAD_UPDATE", channel.json())
        self.dispatch("MESSAGE_CREATE", gateway_message(message, channel, self.world))
        return message

    def find_message(self, message: dict[str, Any] | str | int) -> dict[str, Any] | None:
        """The current version of a message (channel history, or an ephemeral one) by id."""
        wanted = str(message["id"] if isinstance(message, dict) else message)
        channel = (
            self.world.channel(int(message["channel_id"])) if isinstance(message, dict) else None
        )
        channels = [channel] if channel else self._all_channels()
        for place in channels:
            for stored in place.messages:
                if stored["id"] == wanted:
                    return stored
        for it in self.interactions.values():
            for candidate in [it.original_message, *it.followups]:
                if candidate is not None and candidate["id"] == wanted:
                    return candidate
        return None

    def _all_channels(self) -> list[Channel]:
        channels = list(self.world.dm_channels.values())
        for guild in self.world.guilds.values():
            channels.extend(guild.channels.values())
        return channels

    def update_message(self, channel: Channel, message: dict[str, Any]) -> None:
        self.dispatch("MESSAGE_UPDATE", gateway_message(message, channel, self.world))

    # Faults and limits ------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path_regex: str,
        *,
        status: int = 429,
        retry_after: float = 0.05,
        global_: bool = False,
        count: int = 1,
        body: dict[str, Any] | None = None,
        drop: bool = False,
    ) -> None:
        """Answer the next `count` requests matching `method` and `path_regex` (searched in the
        path after /api/v10) with `status`; a 429 carries Discord's rate-limit headers and body.
        With `drop=True` the connection is closed instead, unanswered (the call's status is 0):
        aiohttp raises ServerDisconnectedError, which discord.py does not retry. aiohttp itself
        retries an idempotent request (GET, PUT, DELETE) once, so drop those with `count=2`."""
        pattern = re.compile(path_regex)
        fault = Fault(method.upper(), pattern, status, retry_after, global_, count, body, drop)
        self._faults.append(fault)

    def _take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.method in (method, "*") and fault.path.search(path):
                fault.remaining -= 1
                if fault.remaining <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _global_limited(self, path: str) -> float | None:
        """Seconds to wait when the opt-in global limit (`global_rate_limit` requests/s) is
        exceeded. Interaction callbacks and webhooks (followups) are exempt, as on Discord.
        Discord does not document the window's shape: the sliding 1 s window is the stand-in's
        choice (see `ratelimits.SlidingWindow`)."""
        if self.global_rate_limit is None or path.startswith(("/interactions/", "/webhooks/")):
            return None
        return self._global_window.take(self.global_rate_limit)

    @staticmethod
    def rate_limited(retry_after: float, *, global_: bool) -> web.Response:
        """Discord's 429 (docs/topics/rate-limits "Exceeding A Rate Limit"): `Retry-After` in
        whole seconds, `X-RateLimit-Scope` (`user` for a route bucket; `global` plus
        `X-RateLimit-Global: true` for the global limit), the JSON body with `retry_after` in
        float seconds, and `Via`, without which discord.py takes a 429 for a Cloudflare ban. A
        route 429 also gets its bucket's X-RateLimit-* headers, added by the middleware."""
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Scope": "global" if global_ else "user",
        }
        if global_:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": round(retry_after, 3),
            "global": global_,
        }
        return json_response(body, status=429, headers=headers)

    def _add_bucket_headers(
        self, request: web.Request, path: str, response: web.StreamResponse
    ) -> None:
        """Every REST answer carries its route bucket's headers, except a global 429 (Discord
        sends none there). Answers given before the bucket is counted describe it unspent."""
        if response.headers.get("X-RateLimit-Global") or response.prepared:
            return
        verdict = request.get(ROUTE_BUCKET) or self.buckets.peek(request.method, path)
        for name, value in verdict.headers().items():
            response.headers.setdefault(name, value)

    @staticmethod
    def _drop(request: web.Request) -> web.Response:
        """Close the connection without answering (the returned response is never sent)."""
        request[DROPPED] = True
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=204)

    # The middleware ---------------------------------------------------------------------

    @web.middleware
    async def _middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(API_PREFIX):
            return await handler(request)
        path = request.path[len(API_PREFIX) :]
        call = Call(request.method, path, None, 0, time.monotonic(), dict(request.query))
        self.calls.append(call)
        try:
            response = await self._answer(request, path, call, handler)
        except ApiError as error:
            response = error.response()
        call.status = 0 if request.get(DROPPED) else response.status
        if call.status:
            self._add_bucket_headers(request, path, response)
            self.invalid.record(call.status, response.headers.get("X-RateLimit-Scope"))
        self._poke()
        return response

    async def _answer(
        self, request: web.Request, path: str, call: Call, handler: Handler
    ) -> web.StreamResponse:
        body: Body = await read_body(request)
        request[BODY] = body
        call.json = body.json
        call.files = [u.filename for u in body.uploads]
        # Discord's OpenAPI request schemas (400 50035, recorded): see schemas.py.
        from bot.standin.schemas import check_request

        check_request(self, request.method, path, body.json)
        fault = self._take_fault(request.method, path)
        if fault is not None:
            log.info("stand-in injecting %d for %s %s", fault.status, request.method, path)
            if fault.drop:
                return self._drop(request)
            if fault.status == 429:
                return self.rate_limited(fault.retry_after, global_=fault.global_)
            default = {"message": f"{fault.status}: injected by the stand-in", "code": 0}
            return json_response(fault.body or default, status=fault.status)
        wait = self._global_limited(path)
        if wait is not None:
            self.global_429s += 1
            return self.rate_limited(wait, global_=True)
        bucket = request[ROUTE_BUCKET] = self.buckets.take(request.method, path)
        if bucket.limited:
            self.route_429s += 1
            return self.rate_limited(bucket.retry_after, global_=False)
        exempt = path.startswith(("/interactions/", "/webhooks/"))
        if not exempt and request.headers.get("Authorization") != f"Bot {self.token}":
            return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        try:
            return await handler(request)
        except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
            self.unknown_routes.append((request.method, path))
            log.warning("stand-in has no route for %s %s", request.method, path)
            return json_response({"message": "404: Not Found", "code": 0}, status=404)
