"""Retention end to end (issue #16, item 11): each feature's periodic sweep, on the bot's manual
clock, deletes what is past its rule and keeps the rest; my-data shows a member's schedules with
their delivery ledger, and forgetting removes those ledger rows too."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from helpers import schedule_prompt, text_of

from bot.app import KindredBot
from bot.demo.harness import ManualClock, SampleServer
from bot.standin import StandIn

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday
SHARE = "I've been really struggling since I lost my job last week. I feel so anxious all the time"
FIXING = "you should just update your resume and apply everywhere"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def my_data(standin: StandIn, who: Any, where: Any) -> dict[str, Any]:
    it = await standin.slash(who, where, "kindred my-data")
    await it.response()
    (attachment,) = (await it.followup())["attachments"]
    document: dict[str, Any] = json.loads(standin.attachment_bytes(attachment))
    return document["data"]


async def run_at(kindred: KindredBot, clock: ManualClock, moment: datetime) -> None:
    clock.now = moment
    await kindred.engine.run_due(moment)


async def test_my_data_shows_the_check_in_schedule_and_its_ledger_and_forget_me_clears_them(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    s = server.standin
    it = await s.slash(
        server.alice,
        server.general,
        "checkin start",
        options={"frequency": "daily", "time": "18:00", "timezone": "Europe/Berlin"},
    )
    await it.response()
    await run_at(kindred, clock, datetime(2026, 11, 23, 17, 0, tzinfo=UTC))  # 18:00 in Berlin
    (dm,) = s.dms(server.alice)

    (schedule,) = (await my_data(s, server.alice, server.general))["schedules"]
    assert schedule["kind"] == "checkin" and schedule["payload"] == {}
    assert (schedule["time"], schedule["timezone"], schedule["paused"]) == (
        "18:00",
        "Europe/Berlin",
        False,
    )
    (delivery,) = schedule["deliveries"]
    assert delivery["local_date"] == "2026-11-23" and delivery["state"] == "confirmed"
    assert delivery["message_id"] == int(dm["id"])
    assert (await my_data(s, server.bob, server.general))["schedules"] == []

    row = await kindred.store.find_schedule("checkin", member_id=server.alice.id)
    assert row is not None and len(await kindred.store.ledger_for_schedule(row.id)) == 1
    it = await s.slash(server.alice, server.general, "kindred forget-me")
    await it.response()
    await it.followup()
    assert await kindred.store.ledger_for_schedule(row.id) == []  # by schedule id: no join


async def test_forget_server_removes_the_ledger_rows_of_its_schedules(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    await schedule_prompt(server, server.admin, server.general, time="10:00")
    await run_at(kindred, clock, START.replace(hour=10))
    row = await kindred.store.find_schedule("prompt", guild_id=server.guild.id)
    assert row is not None
    (entry,) = await kindred.store.ledger_for_schedule(row.id)
    assert entry.state == "confirmed"
    await kindred.forget_server(server.guild.id)
    assert await kindred.store.ledger_for_schedule(row.id) == []


async def test_a_suggestion_nobody_reviews_is_swept_90_days_after_it_was_made(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    s = server.standin
    old_text, new_text = "What small thing made you smile today?", "Who taught you to be kind?"
    it = await s.slash(server.alice, server.general, "prompt suggest", options={"text": old_text})
    assert "deleted" in text_of(await it.response())  # the member is told the rule
    clock.advance(days=30)
    it = await s.slash(server.bob, server.general, "prompt suggest", options={"text": new_text})
    await it.response()
    (mine,) = (await my_data(s, server.alice, server.general))["prompts"]["suggestions"]
    assert mine["status"] == "pending"
    assert mine["kept_until"] == (START + timedelta(days=90)).isoformat()

    prompts: Any = kindred.get_cog("PromptsCog")
    service = prompts.service
    clock.now = START + timedelta(days=90)
    await service.prune()  # exactly 90 days: still waiting
    assert len(await kindred.store.suggestions_by_member(server.alice.id)) == 1
    clock.advance(hours=1)
    await service.prune()
    assert await kindred.store.suggestions_by_member(server.alice.id) == []
    assert len(await kindred.store.suggestions_by_member(server.bob.id)) == 1

    it = await s.slash(server.admin, server.general, "prompt review")
    card = (await it.response())["data"]
    (embed,) = card["embeds"]
    assert embed["title"] == "Suggestion 1 of 1 waiting" and embed["description"] == new_text
    assert "nobody reviews is deleted 90 days" in embed["footer"]["text"]  # admins are told too


async def _say(kindred: KindredBot, standin: StandIn, who: Any, where: Any, text: str) -> None:
    cog: Any = kindred.get_cog("ListeningCog")
    before = cog.handled
    await standin.post(who, where, text)
    await standin.wait_until(lambda: cog.handled > before, 5)


async def test_a_mute_is_kept_while_it_holds_back_nudges_and_swept_after_a_year_unused(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    s = server.standin
    await (
        await s.slash(server.admin, server.general, "listening setup", {"mode": "dm"})
    ).response()
    for who in (server.bob, server.moderator):
        it = await s.slash(who, server.general, "listening mute")
        assert "a whole year" in text_of(await it.response())

    held_back_at = clock.advance(days=300)
    await _say(kindred, s, server.alice, server.general, SHARE)
    await _say(kindred, s, server.bob, server.general, FIXING)
    assert s.dms(server.bob) == []  # the mute held the nudge back, and so is in use
    listening = (await my_data(s, server.bob, server.general))["listening"]
    assert listening["muted"] is True
    assert listening["mute"]["muted_at"] == START.isoformat()
    assert listening["mute"]["last_used_at"] == held_back_at.isoformat()

    cog: Any = kindred.get_cog("ListeningCog")
    clock.now = START + timedelta(days=365)
    await cog.prune()  # a year to the minute: kept
    assert await kindred.store.listening_muted(server.moderator.id)
    clock.advance(hours=1)
    await cog.prune()
    assert not await kindred.store.listening_muted(server.moderator.id)  # never used
    assert await kindred.store.listening_muted(server.bob.id)
    clock.now = held_back_at + timedelta(days=365, hours=1)
    await cog.prune()
    assert not await kindred.store.listening_muted(server.bob.id)


async def test_a_check_in_paused_by_closed_dms_is_deleted_after_90_days_paused(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    s, casey = server.standin, server.closed_dms
    it = await s.slash(casey, server.general, "checkin start", options={"frequency": "daily"})
    await it.response()
    await schedule_prompt(server, server.admin, server.general, time="10:00")
    it = await s.slash(server.admin, server.general, "prompt pause")
    await it.response()
    paused_at = START.replace(hour=18)
    await run_at(kindred, clock, paused_at)  # Discord refuses the DM: 50007
    row = await kindred.store.find_schedule("checkin", member_id=casey.id)
    assert row is not None and row.paused

    await run_at(kindred, clock, paused_at + timedelta(days=89))
    assert await kindred.store.find_schedule("checkin", member_id=casey.id) is not None
    await run_at(kindred, clock, paused_at + timedelta(days=90, hours=1))
    assert await kindred.store.find_schedule("checkin", member_id=casey.id) is None
    assert await kindred.store.ledger_for_schedule(row.id) == []
    # Its subscription state goes with it at the check-in sweep, so no "paused" notice remains.
    assert await kindred.store.checkin_member(casey.id) is not None
    cog: Any = kindred.get_cog("CheckinsCog")
    await cog.sweep()
    assert await kindred.store.checkin_member(casey.id) is None
    prompt = await kindred.store.find_schedule("prompt", guild_id=server.guild.id)
    assert prompt is not None and prompt.paused  # an admin's pause stays until they resume
