"""Edits, deletes, history, reactions, pins and thread rules through discord.py's own calls."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import discord
import pytest
from discord.ext import commands

from bot.standin import Guild, StandIn

SEND_MESSAGES_IN_THREADS = 1 << 38


async def test_edit_delete_history_reactions_and_pins(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    discord_warnings: list[logging.LogRecord],
) -> None:
    guild = standin.add_guild("Sample", bot_permissions=1 << 13)  # + Manage Messages
    general = guild.add_text_channel("general")
    alice = guild.add_member("alice")
    bot = make_bot()
    edits: list[discord.RawMessageUpdateEvent] = []
    reactions: list[discord.RawReactionActionEvent] = []
    deleted = asyncio.Event()

    @bot.listen("on_raw_message_edit")
    async def on_edit(event: discord.RawMessageUpdateEvent) -> None:
        edits.append(event)

    @bot.listen("on_raw_reaction_add")
    async def on_reaction(event: discord.RawReactionActionEvent) -> None:
        reactions.append(event)

    @bot.listen("on_raw_message_delete")
    async def on_delete(event: discord.RawMessageDeleteEvent) -> None:
        deleted.set()

    async with standin.running(bot):
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        sent = [await channel.send(f"m{n}") for n in range(5)]
        await sent[0].edit(content="m0 edited")
        await standin.wait_until(lambda: edits, 5)
        assert standin.messages(general)[0]["content"] == "m0 edited"
        assert standin.messages(general)[0]["edited_timestamp"] is not None
        newest = [m.content async for m in channel.history(limit=2)]
        assert newest == ["m4", "m3"]
        older = [m.content async for m in channel.history(limit=10, before=sent[2])]
        assert older == ["m1", "m0 edited"]
        after = [
            m.content async for m in channel.history(limit=2, after=sent[1], oldest_first=True)
        ]
        assert after == ["m2", "m3"]
        fetched = await channel.fetch_message(sent[3].id)
        assert fetched.content == "m3"
        await sent[1].add_reaction("👍")
        people_said = await standin.post(alice, general, "hi bot")
        await standin.react(alice, people_said, "💛")
        await standin.wait_until(lambda: len(reactions) == 2, 5)
        await sent[2].pin()
        pins = [m async for m in channel.pins()]
        assert [p.id for p in pins] == [sent[2].id]
        await sent[4].delete()
        await asyncio.wait_for(deleted.wait(), 5)
        alice_message = await channel.fetch_message(int(people_said["id"]))
        with pytest.raises(discord.Forbidden) as caught:
            await alice_message.edit(content="not yours")
        assert caught.value.code == 50005
        await alice_message.delete()  # allowed: the bot has Manage Messages
    contents = [m["content"] for m in standin.messages(general)]
    assert contents == ["m0 edited", "m1", "m2", "m3"]
    assert standin.messages(general)[1]["reactions"][0]["emoji"]["name"] == "👍"
    assert standin.messages(general)[2]["pinned"]
    assert {r.emoji.name for r in reactions} == {"👍", "💛"}
    assert [r.getMessage() for r in discord_warnings] == []


async def test_posting_in_thread_needs_send_in_threads(
    standin: StandIn, make_bot: Callable[..., commands.Bot], guild: Guild
) -> None:
    general = guild.add_text_channel(
        "general", overwrites=[{"id": guild.id, "type": 0, "deny": SEND_MESSAGES_IN_THREADS}]
    )
    open_ = guild.add_text_channel("open")
    alice = guild.add_member("alice")
    existing = guild.add_thread(general, "old talk", owner=alice)
    bot = make_bot()
    async with standin.running(bot):
        thread = bot.get_channel(existing.id)
        assert isinstance(thread, discord.Thread)
        with pytest.raises(discord.Forbidden) as caught:
            await thread.send("hello")
        assert caught.value.code == 50013
        channel = bot.get_channel(open_.id)
        assert isinstance(channel, discord.TextChannel)
        private = await channel.create_thread(name="private talk")
        assert private.type is discord.ChannelType.private_thread
        await private.add_user(discord.Object(alice.id))
    made = standin.channel(private.id)
    assert alice.id in made.thread_member_ids
    assert [t.name for t in standin.threads_of(general)] == ["old talk"]
    assert [t.name for t in standin.threads_of(open_)] == ["private talk"]
    # A private thread has no "started a thread" notice in its parent.
    assert standin.messages(open_) == []
