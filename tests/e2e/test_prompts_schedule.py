"""/prompt schedule end to end: local times, two timezones, DST, restarts, pause and status."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import (
    KEY,
    footer,
    prompt_posted_then_crash,
    prompt_posts,
    refused,
    schedule_prompt,
    text_of,
)

from bot.demo.harness import (
    BOT_PERMISSIONS,
    ManualClock,
    SampleServer,
    running_kindred,
)
from bot.standin import StandIn


async def test_one_post_and_thread_at_local_time_in_two_timezones_across_dst(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    other = standin.add_guild("Harbour", bot_permissions=BOT_PERMISSIONS)
    harbour = other.add_text_channel("daily")
    # Saturday 24 October 2026; Europe/Berlin falls back from CEST to CET on Sunday 25th.
    clock = ManualClock(datetime(2026, 10, 24, 5, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        answer = await schedule_prompt(
            server, server.admin, server.general, time="9am", timezone="Europe/Berlin"
        )
        assert "09:00" in answer and "Europe/Berlin" in answer
        answer = await schedule_prompt(
            server, other.owner, harbour, time="18:30", timezone="America/New_York", where=harbour
        )
        assert "18:30" in answer

        await bot.engine.run_due(datetime(2026, 10, 24, 6, 59, tzinfo=UTC))
        assert prompt_posts(standin, server.general) == []
        # 09:00 CEST is 07:00 UTC.
        await bot.engine.run_due(datetime(2026, 10, 24, 7, 0, tzinfo=UTC))
        (first,) = prompt_posts(standin, server.general)
        assert footer(first).startswith("Daily prompt · Sat 24 Oct")
        (thread,) = standin.threads_of(server.general)
        assert thread.id == int(first["id"]) and 1 <= len(thread.name) <= 100
        await bot.engine.run_due(datetime(2026, 10, 24, 7, 30, tzinfo=UTC))
        assert len(prompt_posts(standin, server.general)) == 1
        # 18:30 EDT is 22:30 UTC.
        await bot.engine.run_due(datetime(2026, 10, 24, 22, 29, tzinfo=UTC))
        assert prompt_posts(standin, harbour) == []
        await bot.engine.run_due(datetime(2026, 10, 24, 22, 30, tzinfo=UTC))
        assert len(prompt_posts(standin, harbour)) == 1
        assert len(standin.threads_of(harbour)) == 1

        # After the change 09:00 CET is 08:00 UTC: nothing at 07:00, one post at 08:00.
        await bot.engine.run_due(datetime(2026, 10, 25, 7, 0, tzinfo=UTC))
        assert len(prompt_posts(standin, server.general)) == 1
        await bot.engine.run_due(datetime(2026, 10, 25, 8, 0, tzinfo=UTC))
        await bot.engine.run_due(datetime(2026, 10, 25, 9, 0, tzinfo=UTC))
        posts = prompt_posts(standin, server.general)
        assert len(posts) == 2
        assert footer(posts[1]).startswith("Daily prompt · Sun 25 Oct")
        assert len(standin.threads_of(server.general)) == 2
        # Two different prompts: nothing repeats.
        assert posts[0]["embeds"][0]["description"] != posts[1]["embeds"][0]["description"]

    creates = [c for c in standin.calls if c.method == "POST" and c.path.endswith("/messages")]
    prompt_creates = [c for c in creates if (c.json or {}).get("embeds")]
    assert all(c.json["allowed_mentions"]["parse"] == [] for c in prompt_creates)
    assert all(c.json.get("enforce_nonce") for c in prompt_creates)


async def test_restarts_between_due_times_and_after_a_missed_one(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    clock = ManualClock(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY):
        await schedule_prompt(server, server.admin, server.general, time="09:00")

    # Restart before the due time: the schedule survives and posts once.
    clock.now = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await bot.engine.wait_idle()
        await bot.engine.run_due(clock.now)
        await bot.engine.run_due(clock.now + timedelta(minutes=1))
    assert len(prompt_posts(standin, server.general)) == 1

    # Down through the next due time, back within the grace window: caught up, once.
    clock.now = datetime(2026, 6, 2, 10, 30, tzinfo=UTC)
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await bot.engine.start()
        await bot.engine.wait_idle()
        await bot.engine.run_due(clock.now)
    posts = prompt_posts(standin, server.general)
    assert len(posts) == 2 and "Tue 2 Jun" in footer(posts[1])

    # Down for longer than the grace window (3 h): that day is skipped, the next one posts.
    clock.now = datetime(2026, 6, 3, 13, 0, tzinfo=UTC)
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await bot.engine.start()
        await bot.engine.wait_idle()
        await bot.engine.run_due(clock.now)
        assert len(prompt_posts(standin, server.general)) == 2
        clock.now = datetime(2026, 6, 4, 9, 0, tzinfo=UTC)
        await bot.engine.run_due(clock.now)
    posts = prompt_posts(standin, server.general)
    assert len(posts) == 3 and "Thu 4 Jun" in footer(posts[2])
    assert len(standin.threads_of(server.general)) == 3


async def test_a_post_made_before_a_crash_is_found_not_repeated(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    clock = ManualClock(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        # The process died after Discord took the post but before it was recorded.
        schedule = await prompt_posted_then_crash(server, bot, clock, recorded=False)
    before = len(standin.calls)
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await bot.engine.start()  # recovery runs first, in the background
        await bot.engine.wait_idle()
        entry = await bot.store.ledger_entry(schedule.id, clock.now.date())
        assert entry is not None and entry.state == "confirmed"
    later = standin.calls[before:]
    # Found in the channel's history; not posted again (not even as a nonce retry).
    assert any(c.method == "GET" and c.path.endswith("/messages") for c in later)
    assert not any(c.method == "POST" and c.path.endswith("/messages") for c in later)
    assert len(prompt_posts(standin, server.general)) == 1


@pytest.mark.parametrize("thread_made", [False, True], ids=["thread-missing", "answer-lost"])
async def test_a_post_recorded_before_a_crash_is_finished_without_reading_history(
    standin: StandIn, server: SampleServer, data_dir: Path, thread_made: bool
) -> None:
    clock = ManualClock(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        # Died after the post was recorded in the ledger, before the thread was asked for.
        schedule = await prompt_posted_then_crash(server, bot, clock, recorded=True)
        await bot.store.db.execute("UPDATE prompt_posts SET thread_id = NULL")
        (post,) = prompt_posts(standin, server.general)
        thread = standin.world.channel(int(post["id"]))
        assert thread is not None and thread.guild is not None
        if not thread_made:  # died before the thread call; else its answer was lost (160004)
            thread.guild.channels.pop(thread.id)
            stored = standin.find_message(post["id"])
            assert stored is not None
            stored.pop("thread")
            stored["flags"] &= ~(1 << 5)  # HAS_THREAD
    before = len(standin.calls)
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await bot.engine.start()
        await bot.engine.wait_idle()
        entry = await bot.store.ledger_entry(schedule.id, clock.now.date())
        assert entry is not None and entry.state == "confirmed"
        threads_recorded = await bot.store.db.execute_fetchall("SELECT thread_id FROM prompt_posts")
    later = standin.calls[before:]
    assert not any(c.method == "GET" and c.path.endswith("/messages") for c in later)
    assert not any(c.method == "POST" and c.path.endswith("/messages") for c in later)
    threads = [c for c in later if c.method == "POST" and c.path.endswith("/threads")]
    path = f"/channels/{server.general.id}/messages/{post['id']}/threads"
    assert [(c.path, c.status) for c in threads] == [(path, 400 if thread_made else 201)]
    assert standin.world.channel(int(post["id"])) is not None
    assert [r[0] for r in threads_recorded] == [int(post["id"])]
    assert len(prompt_posts(standin, server.general)) == 1


async def test_pause_resume_and_status(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    clock = ManualClock(datetime(2026, 6, 1, 6, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        it = await standin.slash(server.alice, server.general, "prompt status")
        assert "Not scheduled" in text_of(await it.response())
        await schedule_prompt(
            server,
            server.admin,
            server.general,
            time="9:30am",
            timezone="Europe/Berlin",
            days="weekdays",
        )
        it = await standin.slash(server.alice, server.general, "prompt status")
        status = text_of(await it.response())
        assert it.ephemeral
        assert "Mon 1 Jun, 09:30 (Europe/Berlin)" in status and "in 1 hour" in status
        assert "light" in status and "Nothing posted yet" in status

        it = await standin.slash(server.admin, server.general, "prompt pause")
        assert "paused" in await refused(it)
        await bot.engine.run_due(datetime(2026, 6, 1, 7, 30, tzinfo=UTC))
        assert prompt_posts(standin, server.general) == []
        it = await standin.slash(server.alice, server.general, "prompt status")
        assert "Paused" in text_of(await it.response())

        clock.now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
        it = await standin.slash(server.admin, server.general, "prompt resume")
        assert "Tue 2 Jun, 09:30" in await refused(it)
        clock.now = datetime(2026, 6, 2, 7, 30, tzinfo=UTC)
        await bot.engine.run_due(clock.now)
        assert len(prompt_posts(standin, server.general)) == 1
        it = await standin.slash(server.alice, server.general, "prompt status")
        status = text_of(await it.response())
        assert "Wed 3 Jun, 09:30" in status and "just now" in status


async def test_bad_input_and_missing_permission_are_refused_privately(
    kindred: object, standin: StandIn, server: SampleServer
) -> None:
    base = {"channel": server.general, "time": "09:00", "timezone": "Europe/Berlin"}
    cases = [
        (server.admin, {**base, "timezone": "Mars/Olympus"}, "timezone"),
        (server.admin, {**base, "time": "25:99"}, "can't read the time"),
        (server.admin, {**base, "days": "someday"}, "can't read the days"),
        (server.alice, base, "Manage Server"),
    ]
    for who, options, expected in cases:
        it = await standin.slash(who, server.general, "prompt schedule", options=options)
        assert expected in await refused(it)
    it = await standin.slash(server.alice, server.general, "prompt status")
    assert "Not scheduled" in text_of(await it.response())
    assert prompt_posts(standin, server.general) == []


async def test_a_channel_kindred_cannot_thread_in_is_refused_at_schedule_time(
    kindred: object, standin: StandIn, server: SampleServer
) -> None:
    no_threads = server.guild.add_text_channel(
        "quiet-room",
        overwrites=[
            {"id": server.guild.bot_role.id, "type": 0, "allow": 0, "deny": 1 << 35},
        ],
    )
    it = await standin.slash(
        server.admin,
        server.general,
        "prompt schedule",
        options={"channel": no_threads, "time": "09:00", "timezone": "UTC"},
    )
    answer = await refused(it)
    assert "Create Public Threads" in answer and f"<#{no_threads.id}>" in answer
    it = await standin.slash(server.alice, server.general, "prompt status")
    assert "Not scheduled" in text_of(await it.response())
