"""Sharding by settings: `python -m bot` started with KINDRED_SHARD_COUNT / KINDRED_SHARD_IDS
connects as those shards, receives only their servers and answers their commands."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

from helpers import bot_dm, bot_said, open_request, setup_support, text_of
from sealing_key import KEY

from bot.app import KindredBot, ShardedKindredBot
from bot.core.settings import SETTINGS, Sharding
from bot.demo.harness import BOT_PERMISSIONS, build_sample_server, running_kindred
from bot.standin import Channel, Guild, Member, StandIn
from bot.standin.gateway import shard_of

ROOT = Path(__file__).resolve().parents[2]


@contextlib.asynccontextmanager
async def kindred_process(
    standin: StandIn, data_dir: Path, **env: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m bot run` in a child process, logged into `standin`, stopped with SIGTERM."""
    clean = {k: v for k, v in os.environ.items() if k not in {s.name for s in SETTINGS}}
    child_env = {
        **clean,
        "DISCORD_TOKEN": standin.token,
        "DISCORD_API_BASE": standin.api_base,
        "DISCORD_GATEWAY_URL": standin.gateway_url,
        "KINDRED_DATA_DIR": str(data_dir),
        "KINDRED_SECRET_KEY": base64.b64encode(KEY).decode(),
        **env,
    }
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=ROOT, env=child_env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        yield child
    finally:
        if child.returncode is None:
            child.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(child.wait(), 20)
            except TimeoutError:
                child.kill()
                await child.wait()


def servers_on_both_shards(standin: StandIn) -> tuple[list[Guild], list[Guild]]:
    guilds = [standin.add_guild(f"Server {i}", bot_permissions=BOT_PERMISSIONS) for i in range(6)]
    for guild in guilds:
        guild.add_text_channel("general")
        guild.add_member(f"member of {guild.name}")
    ones = [g for g in guilds if shard_of(g.id, 2) == 1]
    zeros = [g for g in guilds if shard_of(g.id, 2) == 0]
    assert ones and zeros
    return ones, zeros


def member_and_channel(guild: Guild) -> tuple[Member, Channel]:
    member = next(m for m in guild.members.values() if m.user.name.startswith("member of"))
    return member, guild.text_channels[0]


async def test_a_process_run_as_shard_1_of_2_gets_only_its_servers_and_answers_them(
    standin: StandIn, data_dir: Path
) -> None:
    ones, zeros = servers_on_both_shards(standin)
    async with kindred_process(
        standin, data_dir, KINDRED_SHARD_COUNT="2", KINDRED_SHARD_IDS="1"
    ) as child:

        def connected() -> bool:
            live = [s for s in standin.gateway.sessions.values() if s.ws is not None]
            return bool(live) and bool(standin.commands())

        await standin.wait_until(connected, 30)
        sessions = list(standin.gateway.sessions.values())
        assert [(s.shard_id, s.shard_count) for s in sessions] == [(1, 2)]

        member, channel = member_and_channel(ones[0])
        it = await standin.slash(member, channel, "kindred help")
        assert "/kindred privacy" in text_of(await it.response(timeout=15))

        # A server on shard 0 is not this process's: its command reaches no session here.
        member, channel = member_and_channel(zeros[0])
        other = await standin.slash(member, channel, "kindred help")
        await asyncio.sleep(1.0)
        assert not other.acknowledged
        assert child.returncode is None
    assert child.returncode == 0, (await child.stdout.read()).decode()  # type: ignore[union-attr]


async def test_unset_shard_settings_keep_the_plain_bot_and_a_count_makes_it_sharded(
    standin: StandIn, data_dir: Path
) -> None:
    ones, zeros = servers_on_both_shards(standin)
    async with running_kindred(standin, data_dir / "plain", key=KEY) as plain:
        assert type(plain) is KindredBot
        assert len(plain.guilds) == len(ones) + len(zeros)
    async with running_kindred(
        standin, data_dir / "sharded", key=KEY, sharding=Sharding(count=2)
    ) as sharded:
        assert isinstance(sharded, ShardedKindredBot)
        assert sorted(sharded.shards) == [0, 1]
        assert {g.id for g in sharded.guilds} == {g.id for g in [*ones, *zeros]}
        member, channel = member_and_channel(zeros[0])
        it = await standin.slash(member, channel, "kindred help")
        assert "/kindred privacy" in text_of(await it.response())
        it = await standin.slash(ones[0].owner, ones[0].text_channels[0], "kindred status")
        shard = next(
            f for f in (await it.response())["data"]["embeds"][0]["fields"] if f["name"] == "Shard"
        )
        assert shard["value"] == "this server: 1 of 2; this process: shards 0-1 of 2"


async def test_a_requesters_dm_on_shard_0_reaches_the_thread_of_a_server_on_shard_1(
    standin: StandIn, data_dir: Path
) -> None:
    """Two processes on one database, shards 0 and 1 of 2. Discord sends every DM to shard 0,
    so the requester's answer reaches the process that does not hold the server: it relays
    it into the request's thread all the same, still anonymous."""
    s = build_sample_server(standin)
    while shard_of(s.guild.id, 2) != 1:
        s = build_sample_server(standin)
    async with (
        running_kindred(standin, data_dir, key=KEY, sharding=Sharding(2, (1,))) as one,
        running_kindred(standin, data_dir, key=KEY, sharding=Sharding(2, (0,))) as zero,
    ):
        assert one.get_guild(s.guild.id) is not None and zero.get_guild(s.guild.id) is None
        await setup_support(s)
        await open_request(s, s.alice)
        (thread,) = standin.threads_of(s.support)
        await standin.post(s.bob, thread, "I hear you. That sounds heavy.")
        await bot_dm(s, s.alice, "That sounds heavy")
        await standin.dm(s.alice, "Thank you, it helps to say it.")
        back = await bot_said(s, thread, "it helps to say it")
        assert "(who asked)" in back["content"] and "Alice" not in back["content"]
        await bot_dm(s, s.alice, "Passed on")
