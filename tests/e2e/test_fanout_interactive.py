"""A member's taps during a big fan-out: interactive calls go ahead of 1,000 scheduled posts."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from datetime import time as clock_time
from pathlib import Path

from helpers import KEY, ids, text_of

from bot.demo.harness import BOT_PERMISSIONS, ManualClock, build_sample_server, running_kindred
from bot.schedule.rules import Rule
from bot.standin import StandIn

SERVERS = 1000


async def test_a_tap_during_a_fan_out_of_1000_posts_is_answered_within_3_s(
    data_dir: Path,
) -> None:
    async with StandIn() as standin:
        standin.global_rate_limit = 50  # Discord's, enforced by the stand-in
        s = build_sample_server(standin)
        channels = {}
        for i in range(SERVERS):
            guild = standin.add_guild(f"Server {i}", bot_permissions=BOT_PERMISSIONS)
            channels[guild.id] = guild.add_text_channel("daily").id
        clock = ManualClock(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
        async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
            rule = Rule(clock_time(9, 0), "UTC")
            for guild_id, channel_id in channels.items():
                await bot.engine.save_schedule(
                    kind="prompt", rule=rule, guild_id=guild_id, channel_id=channel_id
                )
            start = await standin.slash(
                s.alice, s.general, "checkin start", options={"frequency": "daily"}
            )
            await start.response()
            clock.now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
            fan_out = asyncio.create_task(bot.engine.run_due(clock.now))
            posts = lambda: sum(  # noqa: E731
                1 for c in standin.calls if c.method == "POST" and c.path.endswith("/messages")
            )
            await standin.wait_until(lambda: posts() >= 40, 10)
            assert bot.rest_budget.stats.scheduled > 0

            # /checkin now: answered in time, and its DM (a REST call, through the same
            # budget as the fan-out) arrives in well under Discord's 3 s.
            began, mark = time.monotonic(), len(standin.calls)
            now = await standin.slash(s.alice, s.general, "checkin now")
            await now.response(timeout=3)
            dms = lambda: [m for m in standin.dms(s.alice) if m.get("embeds")]  # noqa: E731
            (dm,) = await standin.wait_until(dms, 3)
            assert time.monotonic() - began < 3
            # It went ahead of the queued posts: at most the calls already on their way
            # slipped in between (first come, first served would let 16 or more through).
            dm_post = next(
                i
                for i, c in enumerate(standin.calls)
                if i >= mark
                and c.method == "POST"
                and c.path == f"/channels/{dm['channel_id']}/messages"
            )
            between = [
                c
                for c in standin.calls[mark:dm_post]
                if not c.path.startswith(("/interactions/", "/webhooks/", "/users/@me"))
            ]
            assert len(between) <= 4, [c.path for c in between]
            mood = next(i for i in ids(dm) if i.endswith(":4"))
            tap = await standin.click(s.alice, dm, mood)
            answer = await tap.response(timeout=3)
            assert "noted: **Good**" in text_of(answer["data"])

            assert not fan_out.done()  # all of this happened mid fan-out
            assert posts() < SERVERS
            await bot.engine.shutdown(timeout=30)
            fan_out.cancel()
        assert standin.global_429s == 0
