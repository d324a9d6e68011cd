"""Discord's rate limits as the stand-in enforces them: per-route buckets and their headers, the
global limit's 429, the counts of 429s and invalid requests, and the connection faults."""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
import discord
import pytest
from discord.ext import commands

from bot.standin import Channel, Guild, Member, StandIn
from bot.standin.ratelimits import (
    DEFAULT_LIMIT,
    InvalidRequests,
    RouteBuckets,
    SlidingWindow,
    limit_for,
    route_template,
)

BUCKET_HEADERS = (
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
    "X-RateLimit-Reset-After",
    "X-RateLimit-Bucket",
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


# The pure module --------------------------------------------------------------------------


def test_route_template_keeps_top_level_resources_as_major_parameters() -> None:
    assert route_template("/channels/1/messages/2") == ("/channels/{channel_id}/messages/{id}", "1")
    assert route_template("/guilds/3/members/4") == ("/guilds/{guild_id}/members/{id}", "3")
    assert route_template("/webhooks/5/tok/messages/@original") == (
        "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
        "5+tok",
    )
    assert route_template("/applications/6/guilds/7/commands") == (
        "/applications/{id}/guilds/{guild_id}/commands",
        "7",
    )
    reaction, major = route_template("/channels/1/messages/2/reactions/👍/@me")
    assert (reaction, major) == ("/channels/{channel_id}/messages/{id}/reactions/{emoji}/@me", "1")
    assert limit_for("PUT", reaction).family == "reaction"
    assert limit_for("POST", "/channels/{channel_id}/messages").limit == 5
    assert limit_for("GET", "/nowhere") is DEFAULT_LIMIT


def test_bucket_counts_down_refuses_then_resets_per_channel() -> None:
    clock = FakeClock()
    buckets = RouteBuckets(clock=clock, wall=lambda: 1_000.0)
    seen = [buckets.take("POST", "/channels/1/messages") for _ in range(5)]
    assert [v.remaining for v in seen] == [4, 3, 2, 1, 0]
    assert not any(v.limited for v in seen)
    assert len({v.bucket for v in seen}) == 1 and len(seen[0].bucket) == 32
    clock.now += 1.25
    refused = buckets.take("POST", "/channels/1/messages")
    assert refused.limited and refused.remaining == 0
    assert refused.retry_after == pytest.approx(3.75)
    assert refused.headers()["X-RateLimit-Reset"] == "1003.750"
    assert refused.headers()["X-RateLimit-Reset-After"] == "3.750"
    other = buckets.take("POST", "/channels/2/messages")  # another channel: its own bucket
    assert not other.limited and other.remaining == 4 and other.bucket == refused.bucket
    clock.now += 3.75
    assert buckets.take("POST", "/channels/1/messages").remaining == 4
    assert buckets.take("PATCH", "/channels/1/messages/9").bucket != refused.bucket


def test_peek_and_relaxed_buckets_spend_nothing() -> None:
    clock = FakeClock()
    buckets = RouteBuckets(clock=clock)
    buckets.take("PUT", "/channels/1/messages/2/reactions/x/@me")
    assert buckets.peek("PUT", "/channels/1/messages/2/reactions/x/@me").remaining == 0
    assert buckets.take("PUT", "/channels/1/messages/2/reactions/y/@me").limited  # per channel
    buckets.enforce = False
    for _ in range(10):
        verdict = buckets.take("POST", "/channels/1/messages")
        assert not verdict.limited and verdict.remaining == verdict.limit


def test_sliding_window_and_invalid_requests() -> None:
    clock = FakeClock()
    window = SlidingWindow(1.0, clock=clock)
    assert [window.take(2) for _ in range(2)] == [None, None]
    clock.now += 0.4
    assert window.take(2) == pytest.approx(0.6)
    clock.now += 0.6
    assert window.take(2) is None
    invalid = InvalidRequests(clock=clock)
    for status, scope in [(401, None), (403, None), (404, None), (429, "user"), (429, "shared")]:
        invalid.record(status, scope)
    assert invalid.total == 3 and invalid.recent() == 3
    clock.now += 600
    assert invalid.recent() == 0 and invalid.total == 3


# The server, seen by a plain HTTP client ----------------------------------------------------


@pytest.fixture
async def http(standin: StandIn) -> AsyncIterator[aiohttp.ClientSession]:
    headers = {"Authorization": f"Bot {standin.token}"}
    async with aiohttp.ClientSession(base_url=standin.api_base + "/", headers=headers) as session:
        yield session


async def _answer(response: aiohttp.ClientResponse) -> tuple[int, dict[str, str], Any]:
    return response.status, dict(response.headers), json.loads(await response.read() or b"null")


async def test_every_rest_answer_carries_bucket_headers(
    standin: StandIn, http: aiohttp.ClientSession, general: Channel
) -> None:
    async with http.get("users/@me") as response:
        status, headers, _ = await _answer(response)
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert headers["X-RateLimit-Limit"] == str(DEFAULT_LIMIT.limit)
    assert headers["X-RateLimit-Remaining"] == str(DEFAULT_LIMIT.limit - 1)
    reset_after = float(headers["X-RateLimit-Reset-After"])
    assert 0 < reset_after <= DEFAULT_LIMIT.per
    assert float(headers["X-RateLimit-Reset"]) == pytest.approx(time.time() + reset_after, abs=1)
    assert len(headers["X-RateLimit-Bucket"]) == 32
    for path, expected in [(f"channels/{general.id}/messages/1", 404), ("nowhere/at/all", 404)]:
        async with http.get(path) as response:
            status, headers, _ = await _answer(response)
        assert status == expected
        assert all(name in headers for name in BUCKET_HEADERS), headers
    async with http.post(f"channels/{general.id}/messages", json={"content": "hi"}) as response:
        status, headers, _ = await _answer(response)
    assert (status, headers["X-RateLimit-Limit"], headers["X-RateLimit-Remaining"]) == (
        200,
        "5",
        "4",
    )
    async with http.get("users/@me", headers={"Authorization": "Bot wrong"}) as response:
        status, headers, _ = await _answer(response)
    assert status == 401 and all(name in headers for name in BUCKET_HEADERS)
    assert standin.invalid.total == 1 and standin.route_429s == standin.global_429s == 0


async def test_exhausted_bucket_answers_discords_429(
    standin: StandIn, http: aiohttp.ClientSession, general: Channel
) -> None:
    path = f"channels/{general.id}/messages"
    answers = []
    for n in range(6):
        async with http.post(path, json={"content": f"m{n}"}) as response:
            answers.append(await _answer(response))
    assert [status for status, _, _ in answers] == [200] * 5 + [429]
    _, headers, body = answers[-1]
    assert set(body) == {"message", "retry_after", "global"}
    assert body["message"] == "You are being rate limited." and body["global"] is False
    assert isinstance(body["retry_after"], float) and 0 < body["retry_after"] <= 5
    assert headers["Content-Type"] == "application/json"
    assert headers["Via"]  # without it discord.py takes the 429 for a Cloudflare ban
    assert headers["Retry-After"] == str(math.ceil(body["retry_after"]))
    assert headers["X-RateLimit-Scope"] == "user" and "X-RateLimit-Global" not in headers
    assert headers["X-RateLimit-Remaining"] == "0" and headers["X-RateLimit-Limit"] == "5"
    assert headers["X-RateLimit-Bucket"] == answers[0][1]["X-RateLimit-Bucket"]
    assert float(headers["X-RateLimit-Reset-After"]) == body["retry_after"]
    assert len(standin.messages(general)) == 5  # the refused post did not happen
    assert (standin.route_429s, standin.global_429s, standin.invalid.total) == (1, 0, 1)


async def test_bucket_allows_again_after_retry_after(
    standin: StandIn, http: aiohttp.ClientSession, general: Channel, alice: Member
) -> None:
    said = await standin.post(alice, general, "react to me")
    path = f"channels/{general.id}/messages/{said['id']}/reactions/%F0%9F%91%8D/@me"
    async with http.put(path) as response:
        assert response.status == 204
        assert response.headers["X-RateLimit-Limit"] == "1"
    async with http.delete(path) as response:
        assert response.status == 204  # DELETE has its own counter
    async with http.put(path) as response:
        status, _, body = await _answer(response)
    assert status == 429 and body["retry_after"] <= 0.25
    await asyncio.sleep(body["retry_after"])
    async with http.put(path) as response:
        assert response.status == 204
    assert standin.route_429s == 1


async def test_global_limit_answers_discords_global_429(
    standin: StandIn, http: aiohttp.ClientSession, general: Channel
) -> None:
    standin.global_rate_limit = 2
    answers = []
    for _ in range(3):
        async with http.get(f"channels/{general.id}") as response:
            answers.append(await _answer(response))
    # Interaction callbacks and webhooks are not bound to the global limit.
    async with http.post("interactions/1/nope/callback", json={"type": 1}) as response:
        exempt = response.status
    standin.global_rate_limit = None
    assert [status for status, _, _ in answers] == [200, 200, 429]
    _, headers, body = answers[-1]
    assert set(body) == {"message", "retry_after", "global"}
    assert body["message"] == "You are being rate limited." and body["global"] is True
    assert isinstance(body["retry_after"], float) and 0 < body["retry_after"] <= 1
    assert headers["Content-Type"] == "application/json"
    assert headers["Retry-After"] == "1"
    assert headers["X-RateLimit-Global"] == "true"
    assert headers["X-RateLimit-Scope"] == "global"
    assert headers["Via"]
    assert not any(name in headers for name in BUCKET_HEADERS)  # none on a global 429
    assert exempt != 429
    assert (standin.global_429s, standin.route_429s, standin.invalid.total) == (1, 0, 1)


async def test_dropped_connection_is_a_client_connection_error(
    standin: StandIn, http: aiohttp.ClientSession, general: Channel
) -> None:
    path = f"channels/{general.id}"
    standin.fail_next("POST", rf"^/{path}/messages$", drop=True)
    with pytest.raises((aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)):
        async with http.post(f"{path}/messages", json={"content": "lost"}) as response:
            await response.read()
    # aiohttp retries an idempotent request (GET, PUT, DELETE) once on a dropped connection:
    # one drop goes unnoticed, two reach the caller.
    standin.fail_next("GET", rf"^/{path}$", drop=True)
    async with http.get(path) as response:
        assert response.status == 200
    standin.fail_next("GET", rf"^/{path}$", drop=True, count=2)
    with pytest.raises((aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)):
        async with http.get(path) as response:
            await response.read()
    async with http.get(path) as response:
        assert response.status == 200
    assert [c.status for c in standin.calls] == [0, 0, 200, 0, 0, 200]
    assert standin.messages(general) == []


# discord.py against the stand-in -----------------------------------------------------------


async def test_discord_py_paces_itself_by_the_headers_and_draws_no_429(
    standin: StandIn, make_bot: Callable[..., commands.Bot], general: Channel
) -> None:
    bot = make_bot()
    async with standin.running(bot):
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        await asyncio.gather(*(channel.send(f"message {n}") for n in range(7)))
    posts = [c for c in standin.calls if c.method == "POST" and c.path.endswith("/messages")]
    assert [c.status for c in posts] == [200] * 7
    assert (standin.route_429s, standin.global_429s, standin.invalid.total) == (0, 0, 0)
    assert len(standin.messages(general)) == 7
    # Five fit in one window; discord.py waited for the reset before the sixth.
    assert posts[5].at - posts[0].at >= 4.9


async def test_followups_to_one_interaction_draw_no_429(
    standin: StandIn, make_bot: Callable[..., commands.Bot], general: Channel, alice: Member
) -> None:
    bot = make_bot()

    @bot.tree.command(name="chatty", description="Answers, then follows up six times")
    async def chatty(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")
        for n in range(6):
            await interaction.followup.send(f"followup {n}")

    async with standin.running(bot):
        await bot.tree.sync()
        it = await standin.slash(alice, general, "chatty")
        await standin.wait_until(lambda: len(it.followups) == 6, 10)
    assert [f["content"] for f in it.followups] == [f"followup {n}" for n in range(6)]
    assert (standin.route_429s, standin.global_429s, standin.invalid.total) == (0, 0, 0)


async def test_dropped_connection_and_503_reach_discord_py_unretried(
    standin: StandIn, make_bot: Callable[..., commands.Bot], general: Channel
) -> None:
    bot = make_bot()
    async with standin.running(bot):
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        standin.fail_next("POST", rf"^/channels/{general.id}/messages$", drop=True)
        with pytest.raises((aiohttp.ServerDisconnectedError, aiohttp.ClientOSError)):
            await channel.send("lost on the wire")
        standin.fail_next("POST", rf"^/channels/{general.id}/messages$", status=503)
        with pytest.raises(discord.DiscordServerError) as caught:
            await channel.send("Discord is unavailable")
        assert caught.value.status == 503
        await channel.send("and then it works")
    posts = [c.status for c in standin.calls if c.method == "POST" and c.path.endswith("/messages")]
    assert posts == [0, 503, 200]
    assert [m["content"] for m in standin.messages(general)] == ["and then it works"]


async def test_relaxed_buckets_never_wait(make_bot: Callable[..., commands.Bot]) -> None:
    async with StandIn(route_rate_limits=False) as standin:
        guild: Guild = standin.add_guild("Sample")
        general = guild.add_text_channel("general")
        bot = make_bot()
        async with standin.running(bot):
            channel = bot.get_channel(general.id)
            assert isinstance(channel, discord.TextChannel)
            started = time.monotonic()
            for n in range(7):
                await channel.send(f"quick {n}")
            assert time.monotonic() - started < 2
        assert len(standin.messages(general)) == 7 and standin.route_429s == 0
