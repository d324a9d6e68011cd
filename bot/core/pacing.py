"""One budget for every REST call Kindred makes (DESIGN.md, "Rate limits").

Discord allows a bot 50 REST calls per second in all (interaction callbacks and followups
excluded) and answers more with a global 429. discord.py keeps the *per-route* buckets
itself (it reads ``X-RateLimit-*`` on every answer and waits before a bucket runs dry) and
waits out a global 429 once it has drawn one, but it has no proactive global limiter. That
is the one piece this module adds, plugged into discord.py's documented ``http_trace`` hook
(an aiohttp ``TraceConfig``): ``on_request_start`` is awaited before each request goes on
the wire, so every attempt (discord.py's own retries included) takes one slot.

- **Even spacing, just under the limit.** Each call has a slot ``1/rate`` after the one
  before and never leaves before it. A call that leaves late (the event loop was busy)
  does not push the slots after it back, which would waste the budget, unless it left
  more than :data:`CATCH_UP` late: then the schedule restarts from there, so a stall never
  turns into a burst. On top, no call leaves within ``1 - CATCH_UP`` s of the call
  ``rate`` calls before it: any 0.99 s sees at most ``rate`` calls by when they left, any
  second at most ``rate + 1`` (50 at 49/s, Discord's limit). Measured against the
  stand-in's sliding second, this draws a few global 429s in thousands of calls (network
  and event-loop jitter); a strict second by when calls left drew fewer but lost 2% of
  the budget to lateness that never caught up (``python -m bench.fanout``, README).
- **Interactive first.** Scheduled work runs inside :func:`scheduled` (the engine does
  this); when slots are contended, a waiting interactive call (a button press's follow-up
  REST call, a relay) always takes the next slot before any scheduled one.
- **Exempt as on Discord.** Requests to ``/interactions/`` and ``/webhooks/`` (callbacks and
  followups) take no slot.
- **Learns from answers.** A global 429 (``"global": true`` or ``X-RateLimit-Scope:
  global``/``shared``) stops every slot for its ``retry_after``. 401, 403 and 429 answers
  count towards Discord's invalid-request limit (10,000 per 10 minutes, then an IP ban);
  past :data:`INVALID_SOFT_LIMIT` in ten minutes scheduled calls slow to one a second until
  the count falls, so a misconfigured fan-out can never approach the ban.

``aiolimiter`` (a leaky bucket) was the library candidate; its bucket lets a full second's
worth of calls out at once and it has no notion of priority, which are the two things this
needs, so this is written here in under two hundred lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

DEFAULT_RATE = 49.0  # Discord's 50/s global limit, with one call per second of headroom
INVALID_WINDOW = 600.0  # Discord counts invalid requests over 10 minutes
INVALID_SOFT_LIMIT = 1_000  # a tenth of Discord's 10,000: scheduled work slows past it
SLOWED_INTERVAL = 1.0  # seconds between scheduled calls while slowed
CATCH_UP = 0.01  # how late a call may leave before the slots after it move back
EXEMPT_PARTS = ("/interactions/", "/webhooks/")

_SCHEDULED: ContextVar[bool] = ContextVar("kindred_scheduled_call", default=False)


@contextlib.contextmanager
def scheduled() -> Iterator[None]:
    """Mark the REST calls made inside as scheduled work (they yield to interactive ones)."""
    token = _SCHEDULED.set(True)
    try:
        yield
    finally:
        _SCHEDULED.reset(token)


def is_scheduled() -> bool:
    return _SCHEDULED.get()


@dataclass
class BudgetStats:
    """What the budget has seen since start (``/kindred status`` and the fan-out bench)."""

    calls: int = 0
    exempt: int = 0
    scheduled: int = 0
    waited_s: float = 0.0
    global_429s: int = 0
    route_429s: int = 0
    invalid_recent: int = 0  # 401/403/429 answers in the last ten minutes


class CallBudget:
    """Spaces REST calls ``1/rate`` apart, interactive ones first; see the module doc."""

    def __init__(
        self,
        rate: float = DEFAULT_RATE,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self._interval = 1.0 / rate
        self._monotonic = monotonic
        self._sleep = sleep
        self._slot = -float("inf")  # the slot of the latest call (it left at or after it)
        # When the latest ``rate`` calls left: the next may leave a second after the oldest.
        self._left: deque[float] = deque(maxlen=max(1, int(rate)))
        self._paused_until = -float("inf")
        self._waiting: tuple[deque[asyncio.Future[None]], deque[asyncio.Future[None]]] = (
            deque(),  # interactive
            deque(),  # scheduled
        )
        self._dispatcher: asyncio.Task[None] | None = None
        self._invalid: deque[float] = deque()
        self._slowed = False
        self.stats = BudgetStats()

    # -- taking slots ----------------------------------------------------------------

    async def take(self, *, scheduled: bool | None = None) -> None:
        """Wait for this call's slot. ``scheduled`` defaults to the :func:`scheduled` mark."""
        background = is_scheduled() if scheduled is None else scheduled
        self.stats.calls += 1
        self.stats.scheduled += background
        start = self._monotonic()
        if not any(self._waiting) and self._free_at(background) <= start:
            self._advance(background, start)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting[1 if background else 0].append(future)
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = asyncio.create_task(self._dispatch())
        try:
            await future
        except asyncio.CancelledError:
            if not future.done():
                future.cancel()  # the dispatcher skips it
            raise
        self.stats.waited_s += self._monotonic() - start

    def _gap(self, background: bool) -> float:
        return SLOWED_INTERVAL if background and self._slowed else self._interval

    def _free_at(self, background: bool) -> float:
        at = max(self._slot + self._gap(background), self._paused_until)
        if len(self._left) == self._left.maxlen:
            at = max(at, self._left[0] + 1.0 - CATCH_UP)
        return at

    def _advance(self, background: bool, now: float) -> None:
        self._slot = max(self._slot + self._gap(background), now - CATCH_UP)
        self._left.append(now)

    async def _dispatch(self) -> None:
        while True:
            queue = self._next_queue()
            if queue is None:
                return
            now = self._monotonic()
            at = self._free_at(queue is self._waiting[1])
            if at > now:
                await self._sleep(at - now)
                continue  # an interactive call may have arrived meanwhile
            future = queue.popleft()
            if future.done():  # its caller gave up
                continue
            self._advance(queue is self._waiting[1], now)
            future.set_result(None)

    def _next_queue(self) -> deque[asyncio.Future[None]] | None:
        for queue in self._waiting:
            while queue and queue[0].done():
                queue.popleft()
            if queue:
                return queue
        return None

    # -- learning from answers ---------------------------------------------------------

    def note_answer(self, status: int, headers: Any, body: Any = None) -> None:
        """Learn from one answer: a global 429 pauses all calls; invalid ones are counted."""
        now = self._monotonic()
        if status in (401, 403, 429):
            self._invalid.append(now)
        while self._invalid and now - self._invalid[0] > INVALID_WINDOW:
            self._invalid.popleft()
        self.stats.invalid_recent = len(self._invalid)
        slowed = len(self._invalid) > INVALID_SOFT_LIMIT
        if slowed != self._slowed:
            self._slowed = slowed
            if slowed:
                log.warning(
                    "%d invalid REST answers (401/403/429) in ten minutes: scheduled work "
                    "slows to one call a second until that falls (Discord bans an IP at 10,000)",
                    len(self._invalid),
                )
        if status != 429:
            return
        scope = str(headers.get("X-RateLimit-Scope", "")).lower()
        data = body if isinstance(body, dict) else {}
        is_global = bool(data.get("global")) or scope in ("global", "shared")
        is_global |= str(headers.get("X-RateLimit-Global", "")).lower() == "true"
        if not is_global:
            self.stats.route_429s += 1  # discord.py waits that bucket out itself
            return
        self.stats.global_429s += 1
        try:
            retry_after = float(data.get("retry_after", headers.get("Retry-After", 1)))
        except (TypeError, ValueError):
            retry_after = 1.0
        self._paused_until = max(self._paused_until, now + retry_after)
        log.warning("global rate limit drawn: every REST call waits %.2f s", retry_after)

    # -- discord.py's hook -------------------------------------------------------------

    def trace_config(self) -> aiohttp.TraceConfig:
        """The ``http_trace`` to give ``discord.Client``: a slot before each request, and a
        look at each answer."""
        trace = aiohttp.TraceConfig()
        trace.on_request_start.append(self._on_start)
        trace.on_request_end.append(self._on_end)
        return trace

    async def _on_start(
        self, _session: aiohttp.ClientSession, _ctx: SimpleNamespace, params: Any
    ) -> None:
        if any(part in params.url.path for part in EXEMPT_PARTS):
            self.stats.exempt += 1
            return
        await self.take()

    async def _on_end(
        self, _session: aiohttp.ClientSession, _ctx: SimpleNamespace, params: Any
    ) -> None:
        if any(part in params.url.path for part in EXEMPT_PARTS):
            return
        response = params.response
        body = None
        if response.status == 429:
            with contextlib.suppress(Exception):  # aiohttp caches it for discord.py
                body = json.loads(await response.read())
        self.note_answer(response.status, response.headers, body)
