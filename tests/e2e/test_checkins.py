"""/checkin end to end: the real bot in the stand-in, the engine driven by a manual clock."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import EPHEMERAL, KEY, footer, ids, text_of

from bot.app import KindredBot
from bot.checkins.delivery import CheckinHandler
from bot.demo.harness import ManualClock, SampleServer, running_kindred
from bot.schedule.jobs import DueJob
from bot.schedule.rules import Rule, local_date_for
from bot.standin import StandIn
from bot.store.checkins_schema import member_hash

# Saturday 7 March 2026, 12:00 UTC: New York springs forward the next night (02:00 → 03:00).
START = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


def checkins(standin: StandIn, who: Any) -> list[dict[str, Any]]:
    return [m for m in standin.dms(who) if any(i.startswith("checkin:") for i in ids(m))]


async def run_at(kindred: KindredBot, clock: ManualClock, moment: datetime) -> None:
    clock.now = moment
    await kindred.engine.run_due(moment)


async def slash(standin: StandIn, who: Any, where: Any, command: str, **options: Any) -> Any:
    it = await standin.slash(who, where, command, options=options)
    return it


async def private_text(it: Any) -> str:
    response = await it.response()
    if response["type"] == 5:
        message = await it.followup()
        assert message["flags"] & EPHEMERAL
        return text_of(message)
    assert response["data"]["flags"] & EPHEMERAL
    return text_of(response["data"])


async def test_checkins_arrive_at_local_time_in_two_zones_across_dst(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    s = server.standin
    text = await private_text(
        await slash(
            s,
            server.alice,
            server.general,
            "checkin start",
            frequency="daily",
            time="09:00",
            timezone="America/New_York",
        )
    )
    assert "every day at 09:00 (America/New_York)" in text
    text = await private_text(
        await slash(s, server.bob, server.general, "checkin start", timezone="Europe/Berlin")
    )
    assert "every Sunday at 18:00 (Europe/Berlin)" in text  # weekly, Sunday, 18:00 by default

    # Saturday 09:00 EST is 14:00 UTC.
    await run_at(kindred, clock, datetime(2026, 3, 7, 13, 59, tzinfo=UTC))
    assert checkins(s, server.alice) == []
    await run_at(kindred, clock, datetime(2026, 3, 7, 14, 0, tzinfo=UTC))
    (first,) = checkins(s, server.alice)
    assert footer(first) == "Kindred check-in · Sat 7 Mar"
    assert len(ids(first)) == 7  # five moods, "I'd like to talk", "skip"
    assert first["embeds"][0]["title"] in kindred.library.checkins.questions

    # After the spring-forward change 09:00 EDT is 13:00 UTC, an hour earlier in UTC.
    await run_at(kindred, clock, datetime(2026, 3, 8, 12, 59, tzinfo=UTC))
    assert len(checkins(s, server.alice)) == 1
    await run_at(kindred, clock, datetime(2026, 3, 8, 13, 0, tzinfo=UTC))
    alice_dms = checkins(s, server.alice)
    assert [footer(m) for m in alice_dms] == [
        "Kindred check-in · Sat 7 Mar",
        "Kindred check-in · Sun 8 Mar",
    ]
    assert alice_dms[0]["embeds"][0]["title"] != alice_dms[1]["embeds"][0]["title"]

    # Bob: Sunday 18:00 CET is 17:00 UTC.
    assert checkins(s, server.bob) == []
    await run_at(kindred, clock, datetime(2026, 3, 8, 17, 0, tzinfo=UTC))
    (bobs,) = checkins(s, server.bob)
    assert footer(bobs) == "Kindred check-in · Sun 8 Mar"

    # A tap is recorded and acknowledged, in place.
    mood_id = next(i for i in ids(alice_dms[1]) if i.endswith(":4"))
    assert mood_id.startswith("checkin:mood:")
    tap = await s.click(server.alice, alice_dms[1], mood_id)
    update = await tap.response()
    assert update["type"] == 7
    assert "noted: **Good**" in update["data"]["content"]
    assert "checkin:note:" in " ".join(ids(update["data"]))
    history = await private_text(await slash(s, server.alice, server.general, "checkin history"))
    assert "4/5 · Good" in history
    assert "·▆" in history  # Saturday unanswered, Sunday "Good"
    assert "Week of 2 Mar: **4.0** (1 answer)" in history
    assert "1 check-in answered in a row" in history
    # Only her own: Bob's history knows nothing of Alice's answer.
    bob_history = await private_text(await slash(s, server.bob, server.general, "checkin history"))
    assert "No answers yet" in bob_history and "Good" not in bob_history


async def test_stop_ends_dms_and_now_sends_at_once(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    s = server.standin
    await (
        await slash(s, server.alice, server.general, "checkin start", frequency="daily")
    ).response()
    await run_at(kindred, clock, datetime(2026, 3, 7, 18, 0, tzinfo=UTC))
    assert len(checkins(s, server.alice)) == 1
    text = await private_text(await slash(s, server.alice, server.general, "checkin stop"))
    assert "stopped" in text
    for day in range(8, 12):
        await run_at(kindred, clock, datetime(2026, 3, day, 18, 0, tzinfo=UTC))
    assert len(checkins(s, server.alice)) == 1
    assert await kindred.store.find_schedule("checkin", member_id=server.alice.id) is None

    text = await private_text(await slash(s, server.alice, None, "checkin now"))
    assert "check your DMs" in text
    latest = checkins(s, server.alice)[-1]
    assert footer(latest) == "Kindred check-in (asked for) · Wed 11 Mar"
    # /checkin now sent one; it did not turn the schedule back on.
    await run_at(kindred, clock, datetime(2026, 3, 12, 18, 0, tzinfo=UTC))
    assert len(checkins(s, server.alice)) == 2


async def test_closed_dms_pause_without_retries_and_the_member_is_told(
    standin: StandIn, server: SampleServer, data_dir: Path, clock: ManualClock
) -> None:
    s, casey = server.standin, server.closed_dms
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await private_text(
            await slash(s, casey, server.general, "checkin start", frequency="daily")
        )
        await run_at(bot, clock, datetime(2026, 3, 7, 18, 0, tzinfo=UTC))
    # The notice is still due after a restart.
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await _closed_dms_after_restart(bot, server, clock)


async def _closed_dms_after_restart(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    s, casey = server.standin, server.closed_dms
    dm_path = f"/channels/{s.dm_channel(casey).id}/messages"
    attempts = [c for c in s.calls if c.method == "POST" and c.path == dm_path]
    assert [c.status for c in attempts] == [403]
    schedule = await kindred.store.find_schedule("checkin", member_id=casey.id)
    assert schedule is not None and schedule.paused and schedule.next_due_at is None
    member = await kindred.store.checkin_member(casey.id)
    assert member is not None and member.unreachable_at is not None
    for day in range(8, 14):
        await run_at(kindred, clock, datetime(2026, 3, day, 18, 0, tzinfo=UTC))
    assert len([c for c in s.calls if c.method == "POST" and c.path == dm_path]) == 1

    # The next command, whatever it is, is followed by a private note, once.
    it = await slash(s, casey, server.general, "kindred help")
    await it.response()
    notice = await it.followup()
    assert notice["flags"] & EPHEMERAL
    assert "paused" in notice["content"] and "Privacy Settings" in notice["content"]
    it = await slash(s, casey, server.general, "kindred help")
    await it.response()
    with pytest.raises(TimeoutError):
        await it.followup(timeout=0.3)

    # /checkin now explains at once.
    text = await private_text(await slash(s, casey, server.general, "checkin now"))
    assert "direct messages are closed" in text and "/checkin now" in text


async def test_buttons_work_after_a_restart(
    standin: StandIn, server: SampleServer, data_dir: Path, clock: ManualClock
) -> None:
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await (
            await slash(standin, server.alice, server.general, "checkin start", frequency="daily")
        ).response()
        await run_at(bot, clock, datetime(2026, 3, 7, 18, 0, tzinfo=UTC))
    (message,) = checkins(standin, server.alice)
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        mood_id = next(i for i in ids(message) if i.endswith(":2"))
        update = await (await standin.click(server.alice, message, mood_id)).response()
        assert update["type"] == 7 and "noted: **Low**" in update["data"]["content"]
        note_id = next(i for i in ids(update["data"]) if i.startswith("checkin:note:"))
        form = await (await standin.click(server.alice, message, note_id)).response()
    # A note form opened before a restart can still be sent after it.
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        it = await standin.submit_modal(
            server.alice, None, form["data"]["custom_id"], {"note": "slept badly"}
        )
        assert "Saved" in (await it.response())["data"]["content"]
        (delivery,) = await bot.store.checkin_deliveries_for(
            member_hash(bot.sealer, server.alice.id)
        )
        assert delivery.mood == 2 and delivery.note_sealed is not None


async def test_forged_stale_and_foreign_ids_get_a_polite_answer(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    s = server.standin
    await private_text(await slash(s, server.alice, None, "checkin now"))
    (message,) = checkins(s, server.alice)
    mood_id = ids(message)[0]

    # Someone else pressing Alice's button (as a forged client could).
    foreign = await (await s.click(server.bob, message, mood_id)).response()
    assert foreign["data"]["flags"] & EPHEMERAL and "doesn't work" in foreign["data"]["content"]

    stored = s.find_message(message)
    assert stored is not None
    for forged in ("checkin:mood:999999:3", "checkin:mood:abc:1", "checkin:bogus:1"):
        # A tampered client sends an id the bot never made.
        stored["components"][0]["components"][0]["custom_id"] = forged
        it = await s.click(server.alice, stored, forged)
        answer = await it.response()
        assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
        assert "doesn't work" in answer["data"]["content"]
    delivery_id = mood_id.split(":")[2]
    stored["components"][0]["components"][0]["custom_id"] = f"checkin:mood:{delivery_id}:9"
    answer = await (await s.click(server.alice, stored, f"checkin:mood:{delivery_id}:9")).response()
    assert "doesn't work" in answer["data"]["content"]
    (delivery,) = await kindred.store.checkin_deliveries_for(
        member_hash(kindred.sealer, server.alice.id)
    )
    assert delivery.mood is None  # nothing forged was recorded


async def test_no_catch_up_at_night_but_catch_up_by_day(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    s = server.standin
    # Alice 21:00 Berlin (20:00 UTC); Bob 09:00 Berlin (08:00 UTC). The bot was down.
    await (
        await slash(
            s,
            server.alice,
            server.general,
            "checkin start",
            frequency="daily",
            time="21:00",
            timezone="Europe/Berlin",
        )
    ).response()
    await (
        await slash(
            s,
            server.bob,
            server.general,
            "checkin start",
            frequency="daily",
            time="9am",
            timezone="Europe/Berlin",
        )
    ).response()
    # Back up at 22:30 Berlin: Alice's 21:00 check-in would land at night — skipped.
    await run_at(kindred, clock, datetime(2026, 3, 7, 21, 30, tzinfo=UTC))
    assert checkins(s, server.alice) == []
    # Next morning, down from 07:00 to 10:30 Berlin: Bob's 09:00 one is caught up, once.
    await run_at(kindred, clock, datetime(2026, 3, 8, 9, 30, tzinfo=UTC))
    await run_at(kindred, clock, datetime(2026, 3, 8, 9, 31, tzinfo=UTC))
    assert [footer(m) for m in checkins(s, server.bob)] == ["Kindred check-in · Sun 8 Mar"]
    assert checkins(s, server.alice) == []


async def test_two_low_answers_offer_support_and_a_crisis_note_gets_resources(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    s = server.standin
    resources = kindred.crisis.resources
    answers = []
    for mood in (2, 1):
        await private_text(await slash(s, server.alice, None, "checkin now"))
        message = checkins(s, server.alice)[-1]
        mood_id = next(i for i in ids(message) if i.endswith(f":{mood}"))
        answers.append(await (await s.click(server.alice, message, mood_id)).response())
    assert resources[:40] not in answers[0]["data"]["content"]
    assert resources[:40] in answers[1]["data"]["content"]
    assert kindred.library.checkins.low_offer[:40] in answers[1]["data"]["content"]

    answered = answers[1]["data"]
    note_id = next(i for i in ids(answered) if i.startswith("checkin:note:"))
    message = checkins(s, server.alice)[-1]
    form = await (await s.click(server.alice, message, note_id)).response()
    assert form["type"] == 9
    modal_id = form["data"]["custom_id"]
    it = await s.submit_modal(server.alice, None, modal_id, {"note": "I want to die tonight"})
    reply = await it.response()
    assert reply["data"]["flags"] & EPHEMERAL
    assert resources[:40] in reply["data"]["content"]


async def test_talk_without_the_support_feature_offers_resources(
    standin: StandIn, server: SampleServer, data_dir: Path, clock: ManualClock
) -> None:
    cogs = ("cogs.checkins", "cogs.kindred")
    async with running_kindred(standin, data_dir, clock=clock, key=KEY, cogs=cogs) as bot:
        assert bot.get_cog("SupportCog") is None
        await (await slash(standin, server.alice, server.general, "checkin start")).response()
        await private_text(await slash(standin, server.alice, None, "checkin now"))
        (message,) = checkins(standin, server.alice)
        talk = next(i for i in ids(message) if i.startswith("checkin:talk:"))
        answer = await (await standin.click(server.alice, message, talk)).response()
        assert answer["data"]["flags"] & EPHEMERAL
        assert "moderators" in answer["data"]["content"]
        assert bot.crisis.resources[:40] in answer["data"]["content"]


async def test_talk_opens_the_anonymous_support_form_for_the_home_server(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    if kindred.get_cog("SupportCog") is None:
        pytest.skip("the support feature (cogs/support.py) is not loaded in this build")
    s = server.standin
    setup = await s.slash(
        server.admin, server.general, "support setup", options={"channel": server.support}
    )
    await setup.response()
    await (await slash(s, server.alice, server.general, "checkin start")).response()
    await private_text(await slash(s, server.alice, None, "checkin now"))
    (message,) = checkins(s, server.alice)
    talk = next(i for i in ids(message) if i.startswith("checkin:talk:"))
    form = await (await s.click(server.alice, message, talk)).response()
    assert form["type"] == 9, form


async def test_timezone_defaults_to_the_servers_prompt_zone_and_autocompletes(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server.standin
    await kindred.engine.save_schedule(
        kind="prompt",
        rule=Rule(time(9, 0), "Asia/Tokyo"),
        guild_id=server.guild.id,
        channel_id=server.general.id,
        paused=True,
    )
    text = await private_text(await slash(s, server.alice, server.general, "checkin start"))
    assert "every Sunday at 18:00 (Asia/Tokyo)" in text
    # Running it again changes it; options not given keep their current value.
    text = await private_text(
        await slash(s, server.alice, server.general, "checkin start", day="wed", time="7:30pm")
    )
    assert "Check-ins updated: every Wednesday at 19:30 (Asia/Tokyo)" in text
    text = await private_text(
        await slash(s, server.alice, server.general, "checkin start", timezone="Mars/Olympus")
    )
    assert "I don't know the timezone" in text
    choices = await s.autocomplete(
        server.alice,
        server.general,
        "checkin start",
        options={"timezone": "berl"},
        focused="timezone",
    )
    assert "Europe/Berlin" in [c["value"] for c in choices]


async def test_a_sent_check_in_is_recognised_after_a_crash(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    s = server.standin
    await private_text(
        await slash(s, server.alice, server.general, "checkin start", frequency="daily")
    )
    schedule = await kindred.store.find_schedule("checkin", member_id=server.alice.id)
    assert schedule is not None and schedule.next_due_at is not None
    due = schedule.next_due_at
    await run_at(kindred, clock, due)
    day = local_date_for(schedule.rule, due)
    handler = CheckinHandler(kindred)
    job = DueJob(schedule, day, due, "n", late=False)
    assert await handler.already_delivered(job) is True
    next_day = DueJob(schedule, day + timedelta(days=1), due, "n", late=False)
    assert await handler.already_delivered(next_day) is False


async def test_skip_is_recorded_and_shows_as_no_answer(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    s = server.standin
    await private_text(await slash(s, server.alice, None, "checkin now"))
    (message,) = checkins(s, server.alice)
    skip = next(i for i in ids(message) if i.startswith("checkin:skip:"))
    update = await (await s.click(server.alice, message, skip)).response()
    assert update["type"] == 7 and update["data"]["content"].startswith("Skipped")
    assert not any(i.startswith("checkin:mood:") for i in ids(update["data"]))
    (delivery,) = await kindred.store.checkin_deliveries_for(
        member_hash(kindred.sealer, server.alice.id)
    )
    assert delivery.skipped and delivery.mood is None
