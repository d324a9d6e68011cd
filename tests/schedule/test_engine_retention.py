"""The engine's daily prune step: the ledger after 90 days, a member's paused schedule after 90
days paused; a server's paused schedule stays (an admin's setting)."""

from __future__ import annotations

from datetime import timedelta

from scheduler_fakes import BERLIN_9, T0, Clock, Handler, Z, make_engine, save

from bot.schedule.engine import Delivered, DeliveryResult, DueJob, Failed
from bot.store import Store
from bot.store.schedule import PAUSED_MEMBER_RETENTION


def closed_dms(job: DueJob) -> DeliveryResult:
    return Failed("the member's DMs are closed (50007)", pause=True)


def prompt_result(job: DueJob) -> DeliveryResult:
    if job.schedule.guild_id == 2:
        return Failed("Unknown Channel", pause=True)
    return Delivered(message_id=9)


async def test_a_members_schedule_paused_for_90_days_is_deleted_by_the_prune_step(
    store: Store,
) -> None:
    assert timedelta(days=90) == PAUSED_MEMBER_RETENTION
    clock = Clock(T0)
    engine = make_engine(store, clock, Handler(prompt_result))
    engine.register("checkin", Handler(closed_dms))
    member = await engine.save_schedule(kind="checkin", rule=BERLIN_9, member_id=5)
    admin_paused = await save(engine, guild_id=1)
    await engine.pause(admin_paused.id)  # an admin paused it on purpose, at T0
    channel_gone = await save(engine, guild_id=2)

    paused_at = Z("2026-11-27 08:00")
    report = await engine.run_due(paused_at)
    assert report.paused == 2  # the member's DMs are closed; guild 2's channel is gone
    row = await store.get_schedule(member.id)
    assert row is not None and row.paused and row.updated_at == paused_at
    assert len(await store.ledger_rows_of_member(5)) == 1

    # The prune step runs at most once a day, in a pass at the engine's "now".
    await engine.run_due(paused_at + PAUSED_MEMBER_RETENTION - timedelta(minutes=1))
    assert await store.get_schedule(member.id) is not None
    await engine.run_due(paused_at + PAUSED_MEMBER_RETENTION + timedelta(days=1))
    assert await store.get_schedule(member.id) is None
    assert await store.ledger_rows_of_member(5) == []
    # The servers' paused schedules are the admins' settings: kept until changed or forgotten.
    kept = await store.get_schedules([admin_paused.id, channel_gone.id])
    assert sorted(kept) == sorted([admin_paused.id, channel_gone.id])
    assert all(s.paused for s in kept.values())


async def test_resuming_before_the_cut_off_keeps_a_members_schedule(store: Store) -> None:
    clock, handler = Clock(T0), Handler(closed_dms)
    engine = make_engine(store, clock, handler, paused_member_retention=timedelta(days=10))
    engine.register("checkin", handler)
    member = await engine.save_schedule(kind="checkin", rule=BERLIN_9, member_id=5)
    await engine.run_due(Z("2026-11-27 08:00"))  # paused: DMs closed
    clock.now = Z("2026-12-05 12:00")
    # The member allowed DMs and started again: a save (or resume) makes it unpaused.
    await engine.save_schedule(kind="checkin", rule=BERLIN_9, member_id=5)
    await engine.run_due(Z("2026-12-06 08:00"))  # paused again, a day later
    await engine.run_due(Z("2026-12-15 08:30"))  # 9 days after: kept
    again = await store.get_schedule(member.id)
    assert again is not None and again.paused
    await engine.run_due(Z("2026-12-16 09:00"))  # 10 days and an hour: gone
    assert await store.get_schedule(member.id) is None
