"""Check-in privacy end to end: nothing private in logs, my-data shows it, forget-me erases it."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import EPHEMERAL, ids

from bot.app import KindredBot
from bot.demo.harness import ManualClock, SampleServer
from bot.store.checkins_schema import SEAL_NOTE, member_hash, note_binding

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
NOTE = "Quietly proud of finishing the quilt for my grandmother"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


async def answer_with_note(kindred: KindredBot, server: SampleServer, clock: ManualClock) -> None:
    """Alice opts in, gets a scheduled check-in, taps "Great" and writes a note."""
    s = server.standin
    start = await s.slash(
        server.alice, server.general, "checkin start", options={"frequency": "daily"}
    )
    await start.response()
    clock.now = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    await kindred.engine.run_due(clock.now)
    (message,) = s.dms(server.alice)
    great = next(i for i in ids(message) if i.endswith(":5"))
    update = await (await s.click(server.alice, message, great)).response()
    note_id = next(i for i in ids(update["data"]) if i.startswith("checkin:note:"))
    form = await (await s.click(server.alice, message, note_id)).response()
    it = await s.submit_modal(server.alice, None, form["data"]["custom_id"], {"note": NOTE})
    saved = await it.response()
    assert "Saved" in saved["data"]["content"]
    await s.wait_until(lambda: len(it.callbacks) >= 1, 2)
    assert it.refused == []  # answered exactly once
    assert not kindred._connection._view_store._modals  # the listener alone handles notes


async def test_notes_and_moods_never_reach_the_logs(
    kindred: KindredBot, server: SampleServer, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    caplog.set_level(logging.DEBUG, logger="cogs")
    caplog.set_level(logging.INFO)
    await answer_with_note(kindred, server, clock)
    it = await server.standin.slash(server.alice, server.general, "checkin history")
    assert "Great" in str(await it.response())
    ours = [r for r in caplog.records if r.name.startswith(("bot", "cogs"))]
    assert ours, "the flow logs something (the scheduler's pass), so the check is real"
    for record in caplog.records:
        line = record.getMessage()
        assert "quilt" not in line and NOTE not in line
    for record in ours:
        line = record.getMessage().lower()
        assert "great" not in line and "mood" not in line


async def test_note_is_sealed_at_rest(
    kindred: KindredBot, server: SampleServer, clock: ManualClock, data_dir: Path
) -> None:
    await answer_with_note(kindred, server, clock)
    (delivery,) = await kindred.store.checkin_deliveries_for(
        member_hash(kindred.sealer, server.alice.id)
    )
    assert delivery.note_sealed is not None and "quilt" not in delivery.note_sealed
    assert (
        kindred.sealer.open(
            delivery.note_sealed, purpose=SEAL_NOTE, bind=note_binding(delivery.id, delivery.member)
        )
        == NOTE
    )
    assert b"quilt" not in (data_dir / "kindred.db").read_bytes()


async def test_my_data_shows_subscription_answers_and_notes(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    await answer_with_note(kindred, server, clock)
    it = await server.standin.slash(server.alice, server.general, "kindred my-data")
    await it.response()
    followup = await it.followup()
    (attachment,) = followup["attachments"]
    document = json.loads(server.standin.attachment_bytes(attachment))
    area = document["data"]["checkins"]
    assert area["subscription"]["home_server_id"] == server.guild.id
    (answer,) = area["check_ins"]
    assert answer["mood"] == 5 and answer["note"] == NOTE
    assert any(s["kind"] == "checkin" for s in document["data"]["schedules"])


async def test_forget_me_leaves_no_row_for_the_member(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    await answer_with_note(kindred, server, clock)
    # Bob's check-ins are untouched by Alice's forget-me.
    bob_start = await server.standin.slash(server.bob, server.general, "checkin start")
    await bob_start.response()
    it = await server.standin.slash(server.alice, server.general, "kindred forget-me")
    await it.response()
    assert "deleted" in (await it.followup())["content"]

    db = kindred.store.db
    alice_hash = member_hash(kindred.sealer, server.alice.id)
    for table, column, value in (
        ("checkin_members", "member_id", server.alice.id),
        ("checkin_deliveries", "member_hash", alice_hash),
        ("schedules", "member_id", server.alice.id),
    ):
        async with db.execute(f"SELECT COUNT(*) FROM {table} WHERE {column} = ?", (value,)) as cur:
            row = await cur.fetchone()
        assert row is not None and row[0] == 0, table
    assert await kindred.store.find_schedule("checkin", member_id=server.bob.id) is not None

    # The old check-in's buttons now get a polite answer, and nothing more is sent.
    (message,) = server.standin.dms(server.alice)
    current = server.standin.find_message(message)
    assert current is not None
    talk = next(i for i in ids(current) if i.startswith("checkin:talk:"))
    answer = await (await server.standin.click(server.alice, current, talk)).response()
    assert answer["data"]["flags"] & EPHEMERAL and "doesn't work" in answer["data"]["content"]
    clock.now = datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
    await kindred.engine.run_due(clock.now)
    assert len(server.standin.dms(server.alice)) == 1


async def test_forget_server_keeps_members_check_ins(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    await answer_with_note(kindred, server, clock)
    counts = await kindred.forget_server(server.guild.id)
    assert counts["checkins"] == 1  # only the link to the server
    member = await kindred.store.checkin_member(server.alice.id)
    assert member is not None and member.home_guild_id is None
    assert await kindred.store.find_schedule("checkin", member_id=server.alice.id) is not None
    assert (
        len(
            await kindred.store.checkin_deliveries_for(member_hash(kindred.sealer, server.alice.id))
        )
        == 1
    )


async def test_answers_are_swept_after_365_days(
    kindred: KindredBot, server: SampleServer, clock: ManualClock
) -> None:
    await answer_with_note(kindred, server, clock)
    cog: Any = kindred.get_cog("CheckinsCog")
    clock.now += timedelta(days=364)
    assert await cog.sweep() == 0
    clock.now += timedelta(days=2)
    assert await cog.sweep() == 1
    assert (
        await kindred.store.checkin_deliveries_for(member_hash(kindred.sealer, server.alice.id))
        == []
    )


async def test_forget_server_leaves_no_copy_of_the_home_server_in_schedules(
    kindred: KindredBot, server: SampleServer
) -> None:
    # issue 16, item 11: the check-in schedule's payload kept the home server past forget-server
    s = server.standin
    it = await s.slash(server.alice, server.general, "checkin start", options={"time": "21:00"})
    await it.response()
    (schedule,) = await kindred.store.schedules_for_member(server.alice.id)
    assert str(server.guild.id) not in json.dumps(dict(schedule.payload))
    await kindred.forget_server(server.guild.id)
    (schedule,) = await kindred.store.schedules_for_member(server.alice.id)  # hers, kept
    assert str(server.guild.id) not in json.dumps(dict(schedule.payload))
    member = await kindred.store.checkin_member(server.alice.id)
    assert member is not None and member.home_guild_id is None
