"""Joining and leaving servers: the welcome post, and deleting data 30 days after leaving."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import KEY

from bot.app import KindredBot
from bot.demo.harness import (
    BOT_PERMISSIONS,
    ManualClock,
    SampleServer,
    harness_settings,
    make_kindred,
    running_kindred,
)
from bot.schedule.rules import Rule, parse_time
from bot.standin import StandIn
from bot.store import Store


async def test_joining_a_server_posts_a_welcome_in_its_system_channel(
    kindred: KindredBot, standin: StandIn
) -> None:
    guild = standin.add_guild("New Place", bot_permissions=BOT_PERMISSIONS, joined=False)
    lobby = guild.add_text_channel("lobby")
    standin.join_guild(guild)
    welcome = await standin.wait_for_message(lobby, timeout=5)
    assert "Kindred" in welcome["content"]
    assert "/kindred help" in welcome["content"]
    assert welcome["mentions"] == [] and not welcome.get("mention_everyone")


async def test_no_welcome_where_kindred_may_not_post(kindred: KindredBot, standin: StandIn) -> None:
    guild = standin.add_guild("Quiet Place", bot_permissions=0, joined=False)
    lobby = guild.add_text_channel("lobby")
    standin.join_guild(guild)
    await standin.wait_until(lambda: kindred.get_guild(guild.id) is not None, timeout=5)
    assert standin.messages(lobby) == []


async def _departure_recorded(bot: KindredBot, guild_id: int) -> None:
    far_future = bot.clock() + timedelta(days=3650)
    for _ in range(250):
        if guild_id in await bot.store.guilds_left_before(far_future):
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the departure was never recorded")


async def test_a_left_servers_data_is_deleted_after_30_days(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    clock = ManualClock(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        rule = Rule(parse_time("09:00"), "Europe/Berlin", "*")
        await bot.engine.save_schedule(
            kind="prompt", rule=rule, guild_id=server.guild.id, channel_id=server.general.id
        )
        standin.remove_bot(server.guild)
        await _departure_recorded(bot, server.guild.id)

        clock.advance(days=29)
        await bot.run_maintenance()
        assert await bot.store.schedules_for_guild(server.guild.id) != []

        clock.advance(days=1, minutes=1)
        await bot.run_maintenance()
        assert await bot.store.schedules_for_guild(server.guild.id) == []


async def test_a_server_that_removed_kindred_while_it_was_offline_is_forgotten_too(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    clock = ManualClock(datetime(2026, 11, 23, 6, 30, tzinfo=UTC))
    rule = Rule(parse_time("09:00"), "Europe/Berlin", "*")
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await bot.engine.save_schedule(
            kind="prompt", rule=rule, guild_id=server.guild.id, channel_id=server.general.id
        )
    server.guild.joined = False  # kicked while Kindred was down: no GUILD_DELETE ever arrives
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        assert bot.get_guild(server.guild.id) is None
        clock.advance(days=29)
        await bot.run_maintenance()
        assert await bot.store.schedules_for_guild(server.guild.id) != []
        clock.advance(days=1, minutes=1)
        await bot.run_maintenance()
        assert await bot.store.schedules_for_guild(server.guild.id) == []


async def test_a_failed_command_sync_does_not_stop_the_bot(
    standin: StandIn, server: SampleServer, data_dir: Path, caplog: Any
) -> None:
    daily_limit = {"code": 30034, "message": "Max number of daily application command creates"}
    standin.fail_next("PUT", r"/applications/\d+/commands$", status=400, body=daily_limit)
    async with running_kindred(standin, data_dir, key=KEY) as bot:
        assert not bot.commands_synced_this_start
        assert any("could not sync commands" in r.getMessage() for r in caplog.records)
    # The hash was not stored, so the next start syncs.
    async with running_kindred(standin, data_dir, key=KEY) as bot:
        assert bot.commands_synced_this_start
    assert any(c["name"] == "kindred" for c in standin.commands())


async def test_stopping_while_ready_records_the_servers_waits_for_it(
    standin: StandIn, server: SampleServer, data_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    for i in range(30):
        standin.add_guild(f"Server {i}", bot_permissions=BOT_PERMISSIONS)
    settings = harness_settings(data_dir, standin)
    store = await Store.open(settings.db_path)
    entered, release = asyncio.Event(), asyncio.Event()
    record = store.guilds_present

    async def held(guild_ids: list[int], now: datetime) -> None:
        entered.set()
        await release.wait()
        await record(guild_ids, now)

    store.guilds_present = held  # type: ignore[method-assign]
    try:
        bot = await make_kindred(store, settings, key=KEY)
        async with standin.running(bot):
            await asyncio.wait_for(entered.wait(), 5)
            closing = asyncio.create_task(bot.close())
            await asyncio.sleep(0.2)
            assert not closing.done()  # a SIGTERM now waits for the servers to be recorded
            release.set()
            await asyncio.wait_for(closing, 10)
        # Every server was recorded: all 31 are known, and none had left.
        assert await store.mark_guilds_left_unless([], bot.clock()) == 31
    finally:
        await store.close()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
