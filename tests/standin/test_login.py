"""Logging a plain discord.py bot into the stand-in: READY, GUILD_CREATE, command sync."""

from __future__ import annotations

import logging
from collections.abc import Callable

import discord
import pytest
from discord import app_commands
from discord.ext import commands

from bot.standin import Channel, Guild, StandIn


async def test_login_receives_ready_and_every_guild(
    standin: StandIn,
    make_bot: Callable[..., commands.Bot],
    discord_warnings: list[logging.LogRecord],
    guild: Guild,
    general: Channel,
) -> None:
    helpers = guild.add_role("Helpers", mentionable=True)
    alice = guild.add_member("alice", roles=[helpers])
    second = standin.add_guild("Second")
    bot = make_bot()
    async with standin.running(bot):
        assert bot.user is not None and bot.user.id == standin.application_id
        assert bot.application_id == standin.application_id
        assert {g.id for g in bot.guilds} == {guild.id, second.id}
        seen = bot.get_guild(guild.id)
        assert seen is not None and seen.name == "Sample"
        assert seen.get_channel(general.id) is not None
        assert seen.get_role(helpers.id) is not None
        # Without the members intent only the bot's own member comes with GUILD_CREATE.
        assert seen.get_member(alice.id) is None
        member = await seen.fetch_member(alice.id)
        assert helpers.id in [r.id for r in member.roles]
        assert seen.me is not None and seen.owner_id == guild.owner.id
        assert seen.member_count == len(guild.members)
        assert bot.application_flags.gateway_message_content
    assert standin.gateway.identifies == 1
    assert [r.getMessage() for r in discord_warnings] == []


async def test_command_sync_is_recorded(
    standin: StandIn, make_bot: Callable[..., commands.Bot], guild: Guild
) -> None:
    bot = make_bot()

    @app_commands.command(name="ping", description="Answer pong")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("pong")

    group = app_commands.Group(name="kindred", description="Kindred things")

    @group.command(name="status", description="Show status")
    async def status(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok")

    bot.tree.add_command(ping)
    bot.tree.add_command(group)
    async with standin.running(bot):
        synced = await bot.tree.sync()
        assert {c.name for c in synced} == {"ping", "kindred"}
        assert standin.sync_count == 1
        names = [c["name"] for c in standin.commands()]
        assert sorted(names) == ["kindred", "ping"]
        first_ids = {c["name"]: c["id"] for c in standin.commands()}
        await bot.tree.sync()
        # A bulk overwrite keeps the ids of commands that stay.
        assert {c["name"]: c["id"] for c in standin.commands()} == first_ids
        assert standin.sync_count == 2
        assert standin.commands(guild) == []
        bot.tree.copy_global_to(guild=discord.Object(guild.id))
        await bot.tree.sync(guild=discord.Object(guild.id))
        assert len(standin.commands(guild)) == 2


async def test_unknown_route_is_recorded(
    standin: StandIn, make_bot: Callable[..., commands.Bot]
) -> None:
    standin.add_guild("Sample")
    bot = make_bot()
    async with standin.running(bot):
        route = discord.http.Route("GET", "/nothing/here/{x}", x=1)
        try:
            await bot.http.request(route)
        except discord.NotFound as exc:
            assert exc.code == 0
        else:
            raise AssertionError("an unknown route must answer 404")
    assert ("GET", "/nothing/here/1") in standin.unknown_routes


async def test_members_intent_gets_every_member_without_chunking(
    make_bot: Callable[..., commands.Bot],
) -> None:
    async with StandIn(members_intent=True) as standin:
        guild = standin.add_guild("Sample")
        alice = guild.add_member("alice")
        intents = discord.Intents.default()
        intents.members = True
        bot = commands.Bot(command_prefix="!", intents=intents)
        async with standin.running(bot, timeout=3):
            seen = bot.get_guild(guild.id)
            assert seen is not None and seen.chunked
            assert seen.get_member(alice.id) is not None
            late = guild.add_member("late")
            await standin.wait_until(lambda: seen.get_member(late.id) is not None, 5)
    async with StandIn(members_intent=False) as standin:
        standin.add_guild("Sample")
        intents = discord.Intents.default()
        intents.members = True
        with pytest.raises(discord.PrivilegedIntentsRequired):
            async with standin.running(commands.Bot(command_prefix="!", intents=intents)):
                pass
