"""/listening commands end to end: setup permissions, status, tips, the weekly tip, the intent,
and what a member's data holds."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import EPHEMERAL, KEY, text_of

from bot.app import KindredBot
from bot.demo.harness import (
    ManualClock,
    SampleServer,
    build_sample_server,
    running_kindred,
)
from bot.listening.delivery import WEEKLY_TIP_KIND
from bot.standin import StandIn

SHARE = "I've been really struggling since I lost my job last week. I feel so anxious all the time"
FIXING = "you should just update your resume and apply everywhere"


async def _say(kindred: KindredBot, standin: StandIn, who: Any, where: Any, text: str) -> None:
    cog: Any = kindred.get_cog("ListeningCog")
    before = cog.handled
    await standin.post(who, where, text)
    await standin.wait_until(lambda: cog.handled > before, 5)


async def test_setup_needs_manage_server(kindred: KindredBot, server: SampleServer) -> None:
    it = await server.standin.slash(
        server.alice, server.general, "listening setup", options={"mode": "dm"}
    )
    response = await it.response()
    assert response["data"]["flags"] & EPHEMERAL
    assert "Manage Server" in response["data"]["content"]
    assert await kindred.store.listening_channels(server.guild.id) == []


async def test_setup_defaults_to_this_channel_and_status_lists_modes(
    kindred: KindredBot, server: SampleServer
) -> None:
    standin = server.standin
    it = await standin.slash(server.moderator, server.general, "listening setup", {"mode": "dm"})
    answer = (await it.response())["data"]["content"]
    assert f"<#{server.general.id}>" in answer and "private DM" in answer
    assert "one DM nudge every day" in answer and "one note every hour" in answer
    it = await standin.slash(
        server.admin,
        server.general,
        "listening setup",
        options={"mode": "channel", "channel": server.support, "channel_limit_minutes": 30},
    )
    assert "every 30 minutes" in (await it.response())["data"]["content"]

    it = await standin.slash(server.admin, server.general, "kindred status")
    text = text_of(await it.response())
    assert f"Active listening: <#{server.general.id}>: a private DM" in text
    assert f"<#{server.support.id}>: a generic note in the channel" in text
    assert "Nudges in the last 7 days: 0" in text


async def test_tip_is_private_and_rotates(kindred: KindredBot, server: SampleServer) -> None:
    shown = []
    for _ in range(2):
        it = await server.standin.slash(server.alice, server.general, "listening tip")
        response = await it.response()
        assert response["data"]["flags"] & EPHEMERAL
        (embed,) = response["data"]["embeds"]
        assert embed["description"] in kindred.library.listening.tips
        shown.append(embed["description"])
    assert shown[0] != shown[1]


async def test_weekly_tip_posts_once_on_its_day_and_can_be_turned_off(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    clock = ManualClock(datetime(2026, 11, 23, 6, 0, tzinfo=UTC))  # a Monday
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        it = await standin.slash(
            server.admin,
            server.general,
            "listening weekly-tip",
            options={"day": "wed", "time": "9am", "timezone": "Europe/Berlin"},
        )
        answer = (await it.response())["data"]["content"]
        assert "every Wednesday at 09:00 (Europe/Berlin)" in answer
        schedule = await bot.store.find_schedule(WEEKLY_TIP_KIND, guild_id=server.guild.id)
        assert schedule is not None and schedule.channel_id == server.general.id
        assert schedule.next_due_at == datetime(2026, 11, 25, 8, 0, tzinfo=UTC)

        clock.now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
        await bot.engine.run_due(clock.now)
        assert standin.messages(server.general) == []
        clock.now = datetime(2026, 11, 25, 8, 0, 30, tzinfo=UTC)
        report = await bot.engine.run_due(clock.now)
        assert report.delivered == 1
        (post,) = standin.messages(server.general)
        (embed,) = post["embeds"]
        assert embed["title"] == "Listening tip"
        assert embed["description"] in bot.library.listening.tips
        assert embed["footer"]["text"] == "Weekly listening tip · Wed 25 Nov"
        call = next(
            c for c in standin.calls if c.method == "POST" and c.json and c.json.get("nonce")
        )
        assert call.json["allowed_mentions"]["parse"] == []
        # the engine's recovery recognises the tip in history (no nonces there)
        handler: Any = bot.engine._handlers[WEEKLY_TIP_KIND]
        entry = (await bot.store.ledger_for_schedule(schedule.id))[0]
        from bot.schedule.jobs import DueJob

        job = DueJob(schedule, entry.local_date, entry.due_at, entry.nonce, False)
        assert await handler.already_delivered(job)

        it = await standin.slash(
            server.admin, server.general, "listening weekly-tip", {"day": "off"}
        )
        assert "off" in (await it.response())["data"]["content"]
        assert await bot.store.find_schedule(WEEKLY_TIP_KIND, guild_id=server.guild.id) is None
        clock.now += timedelta(days=7)
        await bot.engine.run_due(clock.now)
        assert len(standin.messages(server.general)) == 1


async def test_weekly_tip_rejects_a_bad_timezone(kindred: KindredBot, server: SampleServer) -> None:
    it = await server.standin.slash(
        server.admin,
        server.general,
        "listening weekly-tip",
        options={"day": "fri", "timezone": "Mars/Olympus"},
    )
    response = await it.response()
    assert response["data"]["flags"] & EPHEMERAL
    assert "timezone" in response["data"]["content"]


async def test_without_the_intent_it_stays_quiet_and_status_says_so(tmp_path: Path) -> None:
    async with StandIn(message_content=False) as standin:
        server = build_sample_server(standin)
        async with running_kindred(standin, tmp_path / "data", key=KEY) as bot:
            it = await standin.slash(
                server.admin, server.general, "listening setup", {"mode": "dm"}
            )
            assert "message-content intent is off" in (await it.response())["data"]["content"]
            await _say(bot, standin, server.alice, server.general, SHARE)
            await _say(bot, standin, server.bob, server.general, FIXING)
            assert standin.dms(server.bob) == []
            it = await standin.slash(server.admin, server.general, "kindred status")
            text = text_of(await it.response())
            assert "Active listening: paused — needs the message-content intent" in text


@pytest.mark.parametrize("mute_first", [False, True])
async def test_my_data_and_forget_me_cover_listening(
    kindred: KindredBot, server: SampleServer, mute_first: bool
) -> None:
    standin = server.standin
    await (
        await standin.slash(server.admin, server.general, "listening setup", {"mode": "dm"})
    ).response()
    if mute_first:
        await (await standin.slash(server.bob, server.general, "listening mute")).response()
    await _say(kindred, standin, server.alice, server.general, SHARE)
    await _say(kindred, standin, server.bob, server.general, FIXING)

    it = await standin.slash(server.bob, server.general, "kindred my-data")
    await it.response()
    (attachment,) = (await it.followup())["attachments"]
    listening = json.loads(standin.attachment_bytes(attachment))["data"]["listening"]
    assert listening["muted"] is mute_first
    assert (listening["mute"] is None) is not mute_first
    assert [n["kind"] for n in listening["nudges"]] == ([] if mute_first else ["fixing"])
    assert "job" not in json.dumps(listening)  # markers only, never text

    it = await standin.slash(server.bob, server.general, "kindred forget-me")
    await it.response()
    await it.followup()
    assert await kindred.store.export_listening_member(server.bob.id) == {
        "muted": False,
        "mute": None,
        "nudges": [],
    }


async def test_settings_and_mutes_survive_a_restart(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    async with running_kindred(standin, data_dir, key=KEY):
        it = await standin.slash(server.admin, server.general, "listening setup", {"mode": "dm"})
        await it.response()
        await (await standin.slash(server.moderator, server.general, "listening mute")).response()
    async with running_kindred(standin, data_dir, key=KEY) as bot:
        await _say(bot, standin, server.alice, server.general, SHARE)
        await _say(bot, standin, server.moderator, server.general, FIXING)
        await _say(bot, standin, server.bob, server.general, "have you tried a career coach?")
        assert standin.dms(server.moderator) == []
        assert len(standin.dms(server.bob)) == 1


async def test_weekly_tip_refuses_a_channel_kindred_cannot_post_in(
    kindred: KindredBot, server: SampleServer
) -> None:
    hidden = server.guild.add_text_channel(
        "quiet-room",
        overwrites=[{"id": server.guild.bot_role.id, "type": 0, "allow": 0, "deny": 1 << 11}],
    )
    it = await server.standin.slash(
        server.admin, server.general, "listening weekly-tip", {"day": "mon", "channel": hidden}
    )
    response = await it.response()
    assert response["data"]["flags"] & EPHEMERAL
    assert "can't post" in response["data"]["content"]
    assert "Send Messages" in response["data"]["content"]
    assert await kindred.store.find_schedule(WEEKLY_TIP_KIND, guild_id=server.guild.id) is None
