"""Sharding as Discord does it: a recommended count, guilds by `(id >> 22) % count`, DMs on 0."""

from __future__ import annotations

import aiohttp
import discord
import pytest
from discord.ext import commands

from bot.standin import StandIn, gateway
from bot.standin.gateway import shard_of


def sharded_bot(shard_id: int, shard_count: int) -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = True
    return commands.Bot(
        command_prefix="!", intents=intents, shard_id=shard_id, shard_count=shard_count
    )


def received_messages(bot: commands.Bot) -> list[str]:
    seen: list[str] = []

    @bot.listen("on_message")
    async def remember(message: discord.Message) -> None:
        seen.append(message.content)

    return seen


async def test_guilds_made_in_one_burst_spread_over_shards(standin: StandIn) -> None:
    guilds = [standin.add_guild(f"Server {i}") for i in range(40)]
    assert len({g.id for g in guilds}) == 40
    for count in (2, 3, 8):
        counts = [sum(1 for g in guilds if shard_of(g.id, count) == s) for s in range(count)]
        assert min(counts) >= 40 // count - 1, counts


async def test_gateway_bot_recommends_a_shard_per_thousand_guilds(standin: StandIn) -> None:
    async def recommended() -> int:
        headers = {"Authorization": f"Bot {standin.token}"}
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"{standin.api_base}/gateway/bot", headers=headers) as response,
        ):
            assert response.status == 200
            return int((await response.json())["shards"])

    assert await recommended() == 1
    for i in range(1001):
        standin.add_guild(f"Server {i}")
    assert await recommended() == 2


async def test_a_shard_receives_only_its_guilds_and_dms_only_on_shard_zero(
    standin: StandIn,
) -> None:
    guilds = [standin.add_guild(f"Server {i}") for i in range(6)]
    mine = [g for g in guilds if shard_of(g.id, 2) == 1]
    other = [g for g in guilds if shard_of(g.id, 2) == 0]
    assert mine and other
    here = mine[0].add_text_channel("general")
    there = other[0].add_text_channel("general")
    alice = mine[0].add_member("alice")
    bob = other[0].add_member("bob")
    shard_one = sharded_bot(1, 2)
    seen = received_messages(shard_one)
    async with standin.running(shard_one):
        assert {g.id for g in shard_one.guilds} == {g.id for g in mine}
        await standin.post(bob, there, "on shard 0")
        await standin.dm(alice, "a DM travels on shard 0")
        await standin.post(alice, here, "on shard 1")
        await standin.wait_until(lambda: seen, 5)
        # A guild of the other shard joined later never reaches this session either.
        late = standin.add_guild("Late arrival")
        while shard_of(late.id, 2) == 1:
            late = standin.add_guild("Late arrival")
        await standin.post(alice, here, "still shard 1")
        await standin.wait_until(lambda: len(seen) == 2, 5)
        assert shard_one.get_guild(late.id) is None
    assert seen == ["on shard 1", "still shard 1"]

    shard_zero = sharded_bot(0, 2)
    seen_zero = received_messages(shard_zero)
    async with standin.running(shard_zero):
        await standin.dm(alice, "a DM travels on shard 0")
        await standin.wait_until(lambda: seen_zero, 5)
        assert late.id in {g.id for g in shard_zero.guilds}
    assert seen_zero == ["a DM travels on shard 0"]


async def test_a_shard_id_outside_the_count_closes_4010(standin: StandIn) -> None:
    standin.add_guild("Sample")
    with pytest.raises(discord.ConnectionClosed):
        async with standin.running(sharded_bot(2, 2)):
            pass
    assert 4010 in standin.gateway.close_codes


async def test_too_many_guilds_for_one_session_closes_4011(
    standin: StandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gateway, "MAX_GUILDS_PER_SHARD", 3)
    for i in range(4):
        standin.add_guild(f"Server {i}")
    plain = commands.Bot(command_prefix="!", intents=discord.Intents.default())
    with pytest.raises(discord.ConnectionClosed):
        async with standin.running(plain):
            pass
    assert 4011 in standin.gateway.close_codes
