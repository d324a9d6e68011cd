"""Discord's rate limits for the stand-in: per-route buckets, the global window, invalid requests.

Pure (no aiohttp, no I/O) and driven by injectable clocks, so it is unit-testable; the server
(`server.StandInServer`) asks it before answering and copies its headers onto every REST answer.

Discord's documented behaviour (docs/topics/rate-limits): every route answer carries
`X-RateLimit-Limit`, `-Remaining`, `-Reset` (epoch seconds), `-Reset-After` (seconds, with
millisecond decimals) and `-Bucket` (an opaque hash, not including the top-level resources);
per-route limits count per top-level resource (`channel_id`, `guild_id`, `webhook_id` +
`webhook_token`); an exhausted bucket answers 429 with `X-RateLimit-Scope: user` and
`{"message": "You are being rate limited.", "retry_after": <float s>, "global": false}`.

Discord says not to hard-code its limits, and publishes none per route: the values in
`ROUTE_LIMITS` are the stand-in's choice, shaped like the headers bots observe. A bucket's window
opens at its first request and resets `per` seconds later (how `Reset-After` is seen to count
down); the clock is `time.monotonic`, real time, because discord.py sleeps in real time.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

Clock = Callable[[], float]

# Top-level resources whose id is part of a bucket's key ("major parameters").
TOP_LEVEL = ("channels", "guilds", "webhooks")


@dataclass(frozen=True)
class RouteLimit:
    """`limit` requests per `per` seconds for the routes `methods` × `templates`.

    A template is a normalized path (see `route_template`); `*` in one matches one segment."""

    family: str
    methods: frozenset[str]
    templates: tuple[str, ...]
    limit: int
    per: float

    def matches(self, method: str, template: str) -> bool:
        if method not in self.methods:
            return False
        return any(_template_matches(t, template) for t in self.templates)


def _limit(family: str, methods: str, *templates: str, limit: int, per: float) -> RouteLimit:
    return RouteLimit(family, frozenset(methods.split()), templates, limit, per)


CHANNEL = "/channels/{channel_id}"
MESSAGE = CHANNEL + "/messages/{id}"
WEBHOOK = "/webhooks/{webhook_id}/{webhook_token}"

# The stand-in's choice of limits (Discord publishes none per route and says not to hard-code
# them; these follow the shape of the headers Discord is seen to send). First match wins; each
# (method, route) still has its own counter and bucket hash, so routes never share a bucket.
ROUTE_LIMITS: tuple[RouteLimit, ...] = (
    _limit("message create", "POST", CHANNEL + "/messages", limit=5, per=5.0),
    _limit("message edit", "PATCH", MESSAGE, limit=5, per=5.0),
    # Deleting messages has its own, higher limit (so moderation bots can clean up quickly).
    _limit("message delete", "DELETE", MESSAGE, limit=5, per=1.0),
    _limit("message read", "GET", CHANNEL + "/messages", MESSAGE, limit=5, per=1.0),
    # Adding or removing reactions: one per 0.25 s per channel, the best-known Discord limit.
    _limit("reaction", "PUT DELETE", MESSAGE + "/reactions/{emoji}/*", limit=1, per=0.25),
    _limit("reaction read", "GET", MESSAGE + "/reactions/{emoji}", limit=5, per=1.0),
    _limit(
        "pins",
        "PUT DELETE",
        CHANNEL + "/pins/{id}",
        CHANNEL + "/messages/pins/{id}",
        limit=5,
        per=5.0,
    ),
    _limit("thread create", "POST", CHANNEL + "/threads", MESSAGE + "/threads", limit=5, per=5.0),
    _limit("thread members", "PUT DELETE", CHANNEL + "/thread-members/*", limit=5, per=5.0),
    # Channel edits (archive, lock, rename). Discord's extra 2-per-10-minutes limit on name and
    # topic changes is a sub-limit the stand-in does not model.
    _limit("channel edit", "PATCH", CHANNEL, limit=5, per=5.0),
    _limit("dm open", "POST", "/users/@me/channels", limit=5, per=5.0),
    _limit(
        "command sync",
        "PUT",
        "/applications/*/commands",
        "/applications/*/guilds/{guild_id}/commands",
        limit=5,
        per=20.0,
    ),
    # One callback per interaction is allowed anyway; the limit keeps Remaining above 0 so
    # discord.py (one lock for every callback) never pauses between interactions.
    _limit(
        "interaction callback",
        "POST",
        "/interactions/{interaction_id}/{interaction_token}/callback",
        limit=5,
        per=5.0,
    ),
    # Webhooks, interaction followups among them: 5 per 2 s per webhook id + token.
    _limit("webhook", "GET POST PATCH DELETE", WEBHOOK, WEBHOOK + "/messages/*", limit=5, per=2.0),
)
# Every other route (reads of users, guilds, channels, commands; login; unknown routes).
DEFAULT_LIMIT = _limit("other", "GET POST PUT PATCH DELETE", "*", limit=5, per=1.0)


def _template_matches(pattern: str, template: str) -> bool:
    if pattern == "*":
        return True
    want, have = pattern.split("/"), template.split("/")
    return len(want) == len(have) and all(w in ("*", h) for w, h in zip(want, have, strict=True))


def route_template(path: str) -> tuple[str, str]:
    """The route template and the major parameters of a REST path (after `/api/v10`).

    `/channels/1/messages/2` gives `("/channels/{channel_id}/messages/{id}", "1")`: the first
    id after channels/guilds/webhooks (and a guild id anywhere), a webhook's token and an
    interaction's id and token are major; other ids become `{id}`, emoji `{emoji}`."""
    parts = path.strip("/").split("/")
    template: list[str] = []
    major: list[str] = []
    for index, part in enumerate(parts):
        before = parts[index - 1] if index else ""
        top = parts[0]
        if (index == 1 and top in TOP_LEVEL) or (before == "guilds" and part.isdigit()):
            template.append("{" + before[:-1] + "_id}")
            major.append(part)
        elif index == 2 and top == "webhooks":
            template.append("{webhook_token}")
            major.append(part)
        elif index in (1, 2) and top == "interactions":
            template.append("{interaction_id}" if index == 1 else "{interaction_token}")
            major.append(part)
        elif before == "reactions":
            template.append("{emoji}")
        elif part.isdigit():
            template.append("{id}")
        else:
            template.append(part)
    return "/" + "/".join(template), "+".join(major)


def limit_for(
    method: str, template: str, table: tuple[RouteLimit, ...] = ROUTE_LIMITS
) -> RouteLimit:
    return next((row for row in table if row.matches(method, template)), DEFAULT_LIMIT)


def bucket_hash(method: str, template: str) -> str:
    """An opaque 32-hex-digit bucket id, like Discord's, stable per method and route."""
    return hashlib.md5(f"{method} {template}".encode(), usedforsecurity=False).hexdigest()


def _ceil_ms(seconds: float) -> float:
    """Round up to the millisecond: a client that waits what it is told is never early."""
    return max(0.001, math.ceil(round(seconds * 1000, 6)) / 1000)


@dataclass(frozen=True)
class Verdict:
    """One request's place in its bucket; `limited` means answer 429 instead."""

    family: str
    bucket: str
    limit: int
    remaining: int
    reset_after: float
    reset: float
    limited: bool = False

    @property
    def retry_after(self) -> float:
        return self.reset_after

    def headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": f"{self.reset:.3f}",
            "X-RateLimit-Reset-After": f"{self.reset_after:.3f}",
            "X-RateLimit-Bucket": self.bucket,
        }


@dataclass
class _Window:
    remaining: int
    reset_at: float


class RouteBuckets:
    """Per-route buckets keyed by method + route template + major parameters.

    `take` spends one request (or refuses it); `peek` describes the bucket without spending,
    for answers the stand-in gives before counting (injected faults, unreadable bodies). With
    `enforce=False` (the kit's switch for a test that must not wait) nothing is spent and
    nothing is refused, and the headers always show a full bucket."""

    def __init__(
        self,
        table: tuple[RouteLimit, ...] = ROUTE_LIMITS,
        *,
        clock: Clock = time.monotonic,
        wall: Clock = time.time,
        enforce: bool = True,
    ) -> None:
        self.table = table
        self.clock = clock
        self.wall = wall
        self.enforce = enforce
        self._windows: dict[tuple[str, str, str], _Window] = {}

    def take(self, method: str, path: str) -> Verdict:
        return self._visit(method.upper(), path, spend=self.enforce)

    def peek(self, method: str, path: str) -> Verdict:
        return self._visit(method.upper(), path, spend=False)

    def _visit(self, method: str, path: str, *, spend: bool) -> Verdict:
        template, major = route_template(path)
        row = limit_for(method, template, self.table)
        key = (method, template, major)
        now = self.clock()
        window = self._windows.get(key)
        if window is None or now >= window.reset_at:
            window = _Window(row.limit, now + row.per)
            if spend:
                self._windows[key] = window
                self._prune(now)
        limited = spend and window.remaining <= 0
        if spend and not limited:
            window.remaining -= 1
        reset_after = _ceil_ms(window.reset_at - now)
        return Verdict(
            family=row.family,
            bucket=bucket_hash(method, template),
            limit=row.limit,
            remaining=max(0, window.remaining),
            reset_after=reset_after,
            reset=self.wall() + reset_after,
            limited=limited,
        )

    def _prune(self, now: float) -> None:
        if len(self._windows) > 4096:
            for key in [k for k, w in self._windows.items() if now >= w.reset_at]:
                del self._windows[key]


class SlidingWindow:
    """At most `limit` requests in any `window` seconds: the stand-in's global limit.

    Discord documents 50 requests per second per bot but not the window's shape; a sliding
    window is the stand-in's choice (stricter than a fixed one: no burst of 2 × limit across a
    boundary). Refused requests are not counted."""

    def __init__(self, window: float = 1.0, *, clock: Clock = time.monotonic) -> None:
        self.window = window
        self.clock = clock
        self._times: deque[float] = deque()

    def take(self, limit: int) -> float | None:
        """None if the request fits (and is counted), else the seconds until one would."""
        now = self.clock()
        while self._times and now - self._times[0] >= self.window:
            self._times.popleft()
        if len(self._times) >= limit:
            return _ceil_ms(self.window - (now - self._times[0]))
        self._times.append(now)
        return None


INVALID_STATUSES = frozenset({401, 403, 429})


class InvalidRequests:
    """Answers Discord counts toward its Cloudflare ban: 401, 403 and 429 (except 429s with
    `X-RateLimit-Scope: shared`), 10,000 per 10 minutes per IP before a temporary ban."""

    LIMIT = 10_000
    WINDOW = 600.0

    def __init__(self, *, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.total = 0
        self._times: deque[float] = deque()

    def record(self, status: int, scope: str | None = None) -> None:
        if status not in INVALID_STATUSES or (status == 429 and scope == "shared"):
            return
        self.total += 1
        self._times.append(self.clock())

    def recent(self) -> int:
        """Invalid answers in the last 10 minutes, the count Cloudflare's limit applies to."""
        now = self.clock()
        while self._times and now - self._times[0] >= self.WINDOW:
            self._times.popleft()
        return len(self._times)
