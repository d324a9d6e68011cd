"""The gateway: messages reaching the bot, intents, privileged intents, drops and RESUME."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import discord
import pytest
from discord.ext import commands

from bot.standin import Channel, Member, StandIn


def collect_messages(bot: commands.Bot) -> list[discord.Message]:
    received: list[discord.Message] = []

    @bot.listen("on_message")
    async def remember(message: discord.Message) -> None:
        received.append(message)

    return received


async def test_posts_and_dms_reach_the_bot(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    general: Channel,
    alice: Member,
) -> None:
    bot = make_bot()
    received = collect_messages(bot)
    async with standin.running(bot):
        first = await standin.post(alice, general, "hello everyone")
        await standin.post(alice, general, "a reply", reply_to=first)
        await standin.dm(alice, "psst")
        await standin.wait_until(lambda: len(received) == 3, 5)
    assert [m.content for m in received] == ["hello everyone", "a reply", "psst"]
    assert received[1].reference is not None and received[1].reference.message_id == int(
        first["id"]
    )
    assert isinstance(received[2].channel, discord.DMChannel)
    assert received[0].author.id == alice.id


async def test_without_message_content_intent_guild_content_is_empty(
    make_bot: Callable[..., commands.Bot],
) -> None:
    async with StandIn(message_content=False) as standin:
        guild = standin.add_guild("Sample")
        general = guild.add_text_channel("general")
        alice = guild.add_member("alice")
        bot = make_bot(message_content=False)
        received = collect_messages(bot)
        async with standin.running(bot):
            assert not bot.application_flags.gateway_message_content
            await standin.post(alice, general, "private thoughts")
            await standin.post(alice, general, f"hey <@{standin.application_id}>")
            await standin.dm(alice, "a DM")
            await standin.wait_until(lambda: len(received) == 3, 5)
    # Guild text is hidden; a mention of the bot and DMs keep their content, as on Discord.
    assert [m.content for m in received] == ["", f"hey <@{standin.application_id}>", "a DM"]


async def test_asking_for_message_content_without_it_closes_4014(
    make_bot: Callable[..., commands.Bot],
) -> None:
    async with StandIn(message_content=False) as standin:
        standin.add_guild("Sample")
        bot = make_bot(message_content=True)
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with standin.running(bot):
                pass
        assert 4014 in standin.gateway.close_codes


async def test_gateway_drop_then_resume_replays_missed_events(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    general: Channel,
    alice: Member,
) -> None:
    bot = make_bot()
    received = collect_messages(bot)
    resumed = asyncio.Event()

    @bot.listen("on_resumed")
    async def on_resumed() -> None:
        resumed.set()

    async with standin.running(bot):
        await standin.drop_gateway(4000)
        # Dispatched while the bot is disconnected: only a RESUME replay can deliver it.
        await standin.post(alice, general, "while you were away")
        await standin.wait_resumed()
        await asyncio.wait_for(resumed.wait(), 5)
        await standin.wait_until(lambda: received, 5)
        await standin.drop_gateway(None)  # an abrupt drop resumes too
        await standin.post(alice, general, "again")
        await standin.wait_resumed(count=2)
        await standin.wait_until(lambda: len(received) == 2, 5)
    assert [m.content for m in received] == ["while you were away", "again"]
    assert standin.gateway.identifies == 1
    assert standin.gateway.replayed_events >= 2


async def test_bot_added_to_and_removed_from_a_guild(
    standin: StandIn, make_bot: Callable[..., commands.Bot]
) -> None:
    standin.add_guild("Home")
    later = standin.add_guild("Later", joined=False)
    lobby = later.add_text_channel("lobby")
    bot = make_bot()
    joined: list[discord.Guild] = []
    removed: list[discord.Guild] = []

    @bot.listen("on_guild_join")
    async def on_join(guild: discord.Guild) -> None:
        joined.append(guild)

    @bot.listen("on_guild_remove")
    async def on_remove(guild: discord.Guild) -> None:
        removed.append(guild)

    async with standin.running(bot):
        assert bot.get_guild(later.id) is None
        with pytest.raises(discord.Forbidden):
            await bot.http.send_message(lobby.id, params=_text_params("not yet"))
        standin.join_guild(later)
        await standin.wait_until(lambda: joined, 5)
        assert joined[0].system_channel is not None and joined[0].system_channel.id == lobby.id
        await joined[0].system_channel.send("hello, new server")
        standin.remove_bot(later)
        await standin.wait_until(lambda: removed, 5)
    assert removed[0].id == later.id
    assert [m["content"] for m in standin.messages(lobby)] == ["hello, new server"]


def _text_params(text: str) -> discord.http.MultipartParameters:
    return discord.http.handle_message_parameters(content=text)


async def test_invalidated_session_identifies_again_and_reconnect_resumes(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    general: Channel,
    alice: Member,
) -> None:
    bot = make_bot()
    readies: list[int] = []
    received = collect_messages(bot)

    @bot.listen("on_ready")
    async def on_ready() -> None:
        readies.append(len(bot.guilds))

    async def identify_at_once(shard_id: int | None, *, initial: bool = False) -> None:
        """discord.py waits 5 s before a re-IDENTIFY (Discord's identify rate); not needed here."""

    bot.before_identify_hook = identify_at_once  # type: ignore[method-assign]

    async with standin.running(bot):
        await standin.invalidate_session()
        await standin.wait_until(lambda: len(readies) == 2, 5)
        await standin.request_reconnect()
        await standin.wait_resumed()
        await standin.post(alice, general, "still here")
        await standin.wait_until(lambda: received, 5)
    assert readies == [1, 1]
    assert standin.gateway.identifies == 2


async def test_a_bot_in_more_servers_than_the_replay_buffer_still_gets_ready(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A smaller buffer than the real one, so that one session (at most 2,500 servers, or
    # the stand-in closes it 4011 as Discord does) holds more servers than it.
    from bot.standin import gateway

    monkeypatch.setattr(gateway, "BUFFER_LIMIT", 1000)
    async with StandIn() as standin:
        for i in range(1500):
            standin.add_guild(f"Server {i}")
        client = discord.Client(intents=discord.Intents.default())
        async with standin.running(client, timeout=60):
            assert len(client.guilds) == 1500
