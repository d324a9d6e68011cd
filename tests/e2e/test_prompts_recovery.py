"""Daily prompts when things go wrong: unreadable history after a restart, a thread that cannot
be started, a changed schedule, a forgotten server, retried sends and private channels."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
from helpers import KEY, prompt_posted_then_crash, prompt_posts, refused, schedule_prompt, text_of

import bot.standin.rest_messages as rest_messages
from bot.demo.harness import (
    BOT_PERMISSIONS,
    ManualClock,
    SampleServer,
    running_kindred,
)
from bot.standin import StandIn
from cogs.prompts import PRUNE_EVERY

VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11


async def test_a_restart_that_cannot_read_history_never_posts_twice(
    standin: StandIn, server: SampleServer, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = ManualClock(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        # As if the process died after Discord took the post but before it was recorded.
        schedule = await prompt_posted_then_crash(server, bot, clock, recorded=False)
    monkeypatch.setattr(rest_messages, "NONCE_WINDOW_S", 0.0)  # Discord's dedupe is over
    clock.now = datetime(2026, 6, 1, 9, 10, tzinfo=UTC)
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        standin.fail_next("GET", r"/channels/\d+/messages", status=503, count=3)
        await bot.engine.start()
        await bot.engine.wait_idle()
        day = clock.now.date()
        entry = await bot.store.ledger_entry(schedule.id, day)
        assert entry is not None and entry.state == "claimed"  # unknown: kept, not redone
        assert len(prompt_posts(standin, server.general)) == 1

        # Later passes check again (backing off) until Discord answers; nothing is reposted.
        for _ in range(5):
            clock.now += timedelta(minutes=5)
            report = await bot.engine.recover(clock.now)
            assert report.delivered == 0
            if report.resolved:
                break
        assert report.resolved == 1
        entry = await bot.store.ledger_entry(schedule.id, day)
        assert entry is not None and entry.state == "confirmed"
        assert len(prompt_posts(standin, server.general)) == 1


async def test_a_network_error_starting_the_thread_keeps_the_post_and_finishes_later(
    standin: StandIn, server: SampleServer, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def reset(self: discord.Message, **kwargs: Any) -> discord.Thread:
        raise aiohttp.ClientConnectionError("connection reset")

    clock = ManualClock(datetime(2026, 11, 26, 7, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await schedule_prompt(server, server.admin, server.general, time="09:00")
        monkeypatch.setattr(discord.Message, "create_thread", reset)
        clock.now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
        report = await bot.engine.run_due(clock.now)
        assert (report.delivered, report.unfinished, report.failed) == (0, 1, 0)
        schedule = await bot.store.find_schedule("prompt", guild_id=server.guild.id)
        assert schedule is not None
        (entry,) = await bot.store.ledger_for_schedule(schedule.id)
        (post,) = prompt_posts(standin, server.general)
        assert entry.state == "claimed" and entry.message_id == int(post["id"])
        settings = await bot.store.get_prompt_settings(server.guild.id)
        assert settings is not None and "thread could not be started" in (
            settings.last_failure or ""
        )

        it = await standin.slash(server.admin, server.general, "prompt now")
        assert "Posted in" in await refused(it)  # not "I couldn't post", inviting a second try
        assert len(prompt_posts(standin, server.general)) == 2

        monkeypatch.undo()  # the network is back: the next pass starts the missing thread
        clock.now += timedelta(minutes=2)
        report = await bot.engine.recover(clock.now)
        assert (report.finished, report.delivered) == (1, 0)
        thread = standin.world.channel(int(post["id"]))
        assert thread is not None and thread.is_thread
        assert len(prompt_posts(standin, server.general)) == 2


async def test_moving_the_time_later_after_todays_post_names_tomorrow(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    clock = ManualClock(datetime(2026, 11, 26, 7, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        answer = await schedule_prompt(server, server.admin, server.general, time="09:00")
        assert "Thu 26 Nov, 09:00" in answer
        clock.now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
        await bot.engine.run_due(clock.now)
        clock.now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
        answer = await schedule_prompt(server, server.admin, server.general, time="18:00")
        assert "The next one is Fri 27 Nov, 18:00 (UTC), in 1 day" in answer
        it = await standin.slash(server.alice, server.general, "prompt status")
        assert "Fri 27 Nov, 18:00 (UTC)" in text_of(await it.response())
        await bot.engine.run_due(datetime(2026, 11, 26, 18, 0, tzinfo=UTC))
        assert len(prompt_posts(standin, server.general)) == 1
        await bot.engine.run_due(datetime(2026, 11, 27, 18, 0, tzinfo=UTC))
        assert len(prompt_posts(standin, server.general)) == 2


async def test_a_forgotten_servers_old_threads_count_toward_nothing(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    harbour = standin.add_guild("Harbour", bot_permissions=BOT_PERMISSIONS)
    daily = harbour.add_text_channel("daily")
    clock = ManualClock(datetime(2026, 11, 26, 7, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        it = await standin.slash(server.admin, server.general, "prompt now")
        await refused(it)
        old_thread = standin.threads_of(server.general)[-1]
        old = await bot.store.last_prompt_post(server.guild.id)
        assert old is not None
        await bot.forget_server(server.guild.id)
        service = bot.get_cog("PromptsCog").service  # type: ignore[union-attr]
        assert old_thread.id not in service.tracked

        it = await standin.slash(harbour.owner, daily, "prompt now")
        await refused(it)
        new = await bot.store.last_prompt_post(harbour.id)
        assert new is not None and new.id == old.id  # SQLite reused the id
        for who in (server.alice, server.bob, server.moderator):
            await standin.post(who, old_thread, "a reply in the forgotten server's thread")
        await standin.post(harbour.owner, standin.threads_of(daily)[-1], "a real reply")
        counted = await _replies_counted(bot, harbour.id)
        assert (counted.replies, counted.repliers) == (1, 1)


async def _replies_counted(bot: Any, guild_id: int) -> Any:
    """The server's last post once a reply has been counted (gateway events are async)."""
    for _ in range(100):
        post = await bot.store.last_prompt_post(guild_id)
        if post is not None and post.replies:
            return post
        await asyncio.sleep(0.02)
    raise AssertionError("no reply was counted")


async def test_prompt_now_retries_with_one_nonce_so_discord_can_refuse_a_twin(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    async with running_kindred(standin, data_dir, key=KEY) as bot:
        bot.get_cog("PromptsCog").service.retry_delays = (0.0, 0.0)  # type: ignore[union-attr]
        # A 503 may come after Discord stored the message: the retry must carry the same
        # nonce (discord.py would otherwise draw a new random one for every send()).
        standin.fail_next("POST", r"/channels/\d+/messages$", status=503)
        it = await standin.slash(server.moderator, server.general, "prompt now")
        assert "Posted in" in await refused(it)
        it = await standin.slash(server.moderator, server.general, "prompt now")
        assert "Posted in" in await refused(it)
    sends = [
        c.json
        for c in standin.calls
        if c.method == "POST" and c.path == f"/channels/{server.general.id}/messages"
    ]
    assert len(sends) == 3
    nonces = [s.get("nonce") for s in sends]
    assert all(isinstance(n, str) and 0 < len(n) <= 25 for n in nonces)
    assert nonces[0] == nonces[1] != nonces[2]  # one post's attempts share it; posts differ
    assert all(s.get("enforce_nonce") is True for s in sends)
    assert len(prompt_posts(standin, server.general)) == 2


async def test_status_never_shows_a_private_channels_name_or_prompt_to_outsiders(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    guild = server.guild
    secret = guild.add_text_channel(
        "secret-circle",
        overwrites=[
            {"id": guild.id, "type": 0, "deny": VIEW_CHANNEL},
            {"id": guild.bot_role.id, "type": 0, "allow": VIEW_CHANNEL},
        ],
    )
    clock = ManualClock(datetime(2026, 11, 26, 7, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await schedule_prompt(server, server.admin, secret, time="09:00")
        clock.now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
        await bot.engine.run_due(clock.now)
        (post,) = prompt_posts(standin, secret)
        question = post["embeds"][0]["description"].split("**")[1]

        it = await standin.slash(server.alice, server.general, "prompt status")
        outsider = text_of(await it.response())
        assert f"<#{secret.id}>" in outsider
        assert question not in outsider and "discord.com/channels" not in outsider
        it = await standin.slash(server.admin, server.general, "prompt status")
        insider = text_of(await it.response())
        assert question in insider and f"/{secret.id}/{post['id']}" in insider

        # A failure names the channel only as a mention, rendered per viewer by Discord.
        guild.edit_channel(
            secret,
            overwrites=[
                {"id": guild.id, "type": 0, "deny": VIEW_CHANNEL},
                {"id": guild.bot_role.id, "type": 0, "allow": VIEW_CHANNEL, "deny": SEND_MESSAGES},
            ],
        )
        await standin.wait_until(
            lambda: (
                not bot.get_channel(secret.id)
                .permissions_for(bot.get_guild(guild.id).me)  # type: ignore[union-attr]
                .send_messages
            ),
            2,
        )
        await bot.engine.run_due(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
        it = await standin.slash(server.alice, server.general, "prompt status")
        outsider = text_of(await it.response())
        assert "missing Send Messages" in outsider
        assert "secret-circle" not in outsider and f"<#{secret.id}>" in outsider


def test_reply_markers_are_pruned_within_the_hour_after_the_first_day() -> None:
    # docs/prompts.md promises markers only "during the post's first day" (and the hour after).
    assert timedelta(hours=1) >= PRUNE_EVERY


@pytest.mark.parametrize("status", [503, 403, 0], ids=["503", "403", "dropped-connection"])
async def test_a_thread_call_discord_py_does_not_retry_is_finished_on_the_same_post(
    standin: StandIn, server: SampleServer, data_dir: Path, status: int
) -> None:
    clock = ManualClock(datetime(2026, 11, 26, 7, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await schedule_prompt(server, server.admin, server.general, time="09:00")
        threads = r"/channels/\d+/messages/\d+/threads$"
        if status:
            standin.fail_next("POST", threads, status=status, count=2)
        else:  # the connection closes unanswered (the stand-in records status 0)
            standin.fail_next("POST", threads, drop=True, count=2)
        clock.now = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
        report = await bot.engine.run_due(clock.now)
        assert (report.delivered, report.unfinished) == (0, 1)
        (post,) = prompt_posts(standin, server.general)
        assert standin.world.channel(int(post["id"])) is None  # no thread yet

        # The engine's clock drives the retries: too soon, then failing again, then through.
        def tries() -> list[Any]:
            return [c for c in standin.calls if c.method == "POST" and c.path.endswith("/threads")]

        assert len(tries()) == 1
        clock.now += timedelta(seconds=30)
        assert (await bot.engine.recover(clock.now)).unfinished == 1
        assert len(tries()) == 1  # backing off: Discord is not asked again yet
        clock.now += timedelta(minutes=1)
        assert (await bot.engine.recover(clock.now)).unfinished == 1
        assert len(tries()) == 2
        clock.now += timedelta(minutes=2)
        report = await bot.engine.recover(clock.now)
        assert (report.finished, report.delivered, report.unfinished) == (1, 0, 0)
        assert [c.status for c in tries()] == [status, status, 201]
        thread = standin.world.channel(int(post["id"]))
        assert thread is not None and thread.is_thread and thread.parent is server.general
        assert len(prompt_posts(standin, server.general)) == 1  # never a second post
        schedule = await bot.store.find_schedule("prompt", guild_id=server.guild.id)
        assert schedule is not None
        entry = await bot.store.ledger_entry(schedule.id, date(2026, 11, 26))
        assert entry is not None and entry.state == "confirmed"
        assert entry.message_id == int(post["id"])
