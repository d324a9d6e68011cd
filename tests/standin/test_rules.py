"""Discord's rules as the stand-in enforces them, seen through a plain discord.py bot."""

from __future__ import annotations

import io
from collections.abc import Callable

import discord
import pytest
from discord.ext import commands

from bot.standin import Channel, Guild, StandIn

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
READ_MESSAGE_HISTORY = 1 << 16
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38


async def test_dm_to_member_with_closed_dms_is_50007(
    standin: StandIn, make_bot: Callable[..., commands.Bot], guild: Guild
) -> None:
    closed = guild.add_member("closed", dms_open=False)
    open_ = guild.add_member("open")
    bot = make_bot()
    async with standin.running(bot):
        user = await bot.fetch_user(closed.id)
        with pytest.raises(discord.Forbidden) as caught:
            await user.send("hello")
        assert caught.value.code == 50007
        reachable = await bot.fetch_user(open_.id)
        await reachable.send("hello there")
    assert standin.dms(closed) == []
    assert [m["content"] for m in standin.dms(open_)] == ["hello there"]


async def test_rate_limit_429_is_retried_by_discord_py(
    standin: StandIn, make_bot: Callable[..., commands.Bot], general: Channel
) -> None:
    bot = make_bot()
    async with standin.running(bot):
        standin.fail_next("POST", rf"^/channels/{general.id}/messages$", retry_after=0.05)
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("after one 429")
    posts = [c for c in standin.calls if c.method == "POST" and c.path.endswith("/messages")]
    assert [c.status for c in posts] == [429, 200]
    assert [m["id"] for m in standin.messages(general)] == [str(sent.id)]


async def test_global_rate_limit_blocks_then_recovers(
    standin: StandIn, make_bot: Callable[..., commands.Bot], general: Channel
) -> None:
    bot = make_bot()
    async with standin.running(bot):
        standin.fail_next("GET", r"^/channels/\d+$", retry_after=0.05, global_=True)
        fetched = await bot.fetch_channel(general.id)
    assert fetched.id == general.id
    gets = [c.status for c in standin.calls if c.path == f"/channels/{general.id}"]
    assert gets == [429, 200]


async def test_over_long_message_is_50035(
    standin: StandIn, make_bot: Callable[..., commands.Bot], general: Channel
) -> None:
    bot = make_bot()
    async with standin.running(bot):
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as caught:
            await channel.send("x" * 2001)
        assert caught.value.status == 400 and caught.value.code == 50035
        assert "content" in caught.value.text
        with pytest.raises(discord.HTTPException) as embed_error:
            await channel.send(embed=discord.Embed(title="t" * 257))
        assert embed_error.value.code == 50035
        # Discord's OpenAPI description has the title limit too (its content limit is 4,000,
        # so 2,001 characters were the stand-in's own check): refused first there, recorded.
        assert [v.errors[0].path for v in standin.schema_violations] == [("embeds", 0, "title")]
        standin.schema_violations.clear()
        await channel.send("x" * 2000)
    assert [len(m["content"]) for m in standin.messages(general)] == [2000]


async def test_missing_permissions_is_50013(
    standin: StandIn, make_bot: Callable[..., commands.Bot]
) -> None:
    guild = standin.add_guild("Sample", bot_permissions=0)
    # @everyone may not post in #quiet; the bot's role has nothing extra.
    quiet = guild.add_text_channel(
        "quiet", overwrites=[{"id": guild.id, "type": 0, "deny": SEND_MESSAGES}]
    )
    hidden = guild.add_text_channel(
        "hidden", overwrites=[{"id": guild.id, "type": 0, "deny": VIEW_CHANNEL}]
    )
    bot = make_bot()
    async with standin.running(bot):
        channel = bot.get_channel(quiet.id)
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.Forbidden) as caught:
            await channel.send("hello")
        assert caught.value.code == 50013
        secret = bot.get_channel(hidden.id)
        assert isinstance(secret, discord.TextChannel)
        with pytest.raises(discord.Forbidden) as no_access:
            await secret.send("hello")
        # Discord answers 50001 Missing Access when the channel cannot even be seen.
        assert no_access.value.code == 50001
        # Granting the permission through an overwrite for the bot's member fixes it.
        guild.edit_channel(
            quiet,
            overwrites=[
                *quiet.overwrites,
                {"id": standin.application_id, "type": 1, "allow": SEND_MESSAGES},
            ],
        )
        await standin.wait_until(lambda: channel.overwrites_for(channel.guild.me).send_messages, 5)
        await channel.send("now allowed")
    assert [m["content"] for m in standin.messages(quiet)] == ["now allowed"]


async def test_thread_creation_needs_permission_and_dispatches(
    standin: StandIn, make_bot: Callable[..., commands.Bot], guild: Guild, general: Channel
) -> None:
    locked = guild.add_text_channel(
        "no-threads", overwrites=[{"id": guild.id, "type": 0, "deny": CREATE_PUBLIC_THREADS}]
    )
    bot = make_bot()
    async with standin.running(bot):
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        starter = await channel.send("prompt of the day")
        thread = await starter.create_thread(name="Replies", auto_archive_duration=1440)
        assert thread.id == starter.id  # Discord reuses the message id for its thread
        await thread.send("first reply")
        await standin.wait_until(lambda: bot.get_channel(thread.id) is not None, 5)
        await thread.edit(archived=True)
        other = bot.get_channel(locked.id)
        assert isinstance(other, discord.TextChannel)
        with pytest.raises(discord.Forbidden) as caught:
            await other.create_thread(name="nope", type=discord.ChannelType.public_thread)
        assert caught.value.code == 50013
        with pytest.raises(discord.HTTPException) as bad_name:
            await channel.create_thread(name="n" * 101, type=discord.ChannelType.public_thread)
        assert bad_name.value.code == 50035
        assert [v.errors[0].path for v in standin.schema_violations] == [("name",)]
        standin.schema_violations.clear()
    [made] = standin.threads_of(general)
    assert made.name == "Replies" and made.archived
    assert [m["content"] for m in standin.messages(made)] == ["first reply"]
    assert standin.messages(general)[0]["thread"]["id"] == str(made.id)


async def test_nonce_with_enforce_returns_the_earlier_message(
    standin: StandIn, make_bot: Callable[..., commands.Bot], general: Channel
) -> None:
    bot = make_bot()
    async with standin.running(bot):
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        first = await channel.send("daily prompt", nonce="ledger-42")
        again = await channel.send("daily prompt", nonce="ledger-42")
        other = await channel.send("daily prompt", nonce="ledger-43")
        assert again.id == first.id and other.id != first.id
        history = [m async for m in channel.history(limit=10)]
    assert [m["content"] for m in standin.messages(general)] == ["daily prompt"] * 2
    assert [m.id for m in history] == [other.id, first.id]
    # Like Discord, history does not echo nonces.
    assert all(m.nonce is None for m in history)


async def test_attachments_are_recorded(
    standin: StandIn, make_bot: Callable[..., commands.Bot], general: Channel
) -> None:
    bot = make_bot()
    async with standin.running(bot):
        channel = bot.get_channel(general.id)
        assert isinstance(channel, discord.TextChannel)
        sent = await channel.send("data", file=discord.File(io.BytesIO(b"abc" * 10), "export.json"))
        assert sent.attachments[0].filename == "export.json"
    [stored] = standin.messages(general)
    assert stored["attachments"][0]["filename"] == "export.json"
    assert stored["attachments"][0]["size"] == 30
    assert standin.calls[-1].files == ["export.json"] or any(
        c.files == ["export.json"] for c in standin.calls
    )
