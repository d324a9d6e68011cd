"""The due-work engine: on-time delivery, DST, failures, pacing, pause/resume, lifecycle.

Downtime and crash recovery are in test_engine_recovery.py; fakes in scheduler_fakes.py.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time

import pytest
from scheduler_fakes import (
    T0,
    Clock,
    Handler,
    Z,
    claim_for,
    make_engine,
    save,
    started_claim,
)

from bot.schedule.engine import (
    Delivered,
    DeliveryResult,
    DueJob,
    Engine,
    Failed,
    Skipped,
)
from bot.schedule.rules import Rule, nonce_for
from bot.store import Store
from bot.store.schedule import Settlement


async def test_on_time_delivery_confirms_and_moves_to_the_next_day(store: Store) -> None:
    clock, handler = Clock(T0), Handler()
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    assert row.next_due_at == Z("2026-11-27 08:00")

    assert (await engine.run_due(Z("2026-11-27 07:59:59"))).due == 0
    report = await engine.run_due(Z("2026-11-27 08:00:10"))
    assert (report.due, report.delivered, report.late) == (1, 1, 0)
    [job] = handler.jobs
    assert (job.local_date, job.due_at, job.late) == (
        date(2026, 11, 27),
        Z("2026-11-27 08:00"),
        False,
    )
    assert job.nonce == nonce_for(row.id, date(2026, 11, 27))
    assert job.schedule.channel_id == 77

    entry = await store.ledger_entry(row.id, date(2026, 11, 27))
    assert entry is not None and (entry.state, entry.message_id) == ("confirmed", 1000 + row.id)
    after = await store.get_schedule(row.id)
    assert after is not None and after.next_due_at == Z("2026-11-28 08:00")
    assert after.last_delivered_at == Z("2026-11-27 08:00:10")
    assert (await engine.run_due(Z("2026-11-27 08:00:20"))).due == 0
    assert len(handler.jobs) == 1


@pytest.mark.parametrize(
    ("rule", "saved_at", "fires", "days"),
    [
        # New York fall back: 01:30 happens twice; the second is a ledger no-op.
        (
            Rule(time(1, 30), "America/New_York"),
            "2026-10-31 12:00",
            ["2026-11-01 05:30", "2026-11-01 06:30", "2026-11-02 06:30"],
            ["2026-11-01", "2026-11-02"],
        ),
        # New York spring forward: 02:30 does not exist; delivered at 03:30 EDT.
        (
            Rule(time(2, 30), "America/New_York"),
            "2026-03-07 12:00",
            ["2026-03-08 07:30", "2026-03-09 06:30"],
            ["2026-03-08", "2026-03-09"],
        ),
        # Sydney fall back (April): 02:30 twice; local date is a day ahead of UTC.
        (
            Rule(time(2, 30), "Australia/Sydney"),
            "2026-04-04 00:00",
            ["2026-04-04 15:30", "2026-04-04 16:30", "2026-04-05 16:30"],
            ["2026-04-05", "2026-04-06"],
        ),
        # Berlin fall back on a weekday mask that includes only Sunday.
        (
            Rule(time(2, 30), "Europe/Berlin", "sun"),
            "2026-10-20 12:00",
            ["2026-10-25 00:30", "2026-10-25 01:30", "2026-11-01 01:30"],
            ["2026-10-25", "2026-11-01"],
        ),
    ],
)
async def test_dst_through_the_engine(
    store: Store, rule: Rule, saved_at: str, fires: list[str], days: list[str]
) -> None:
    clock, handler = Clock(Z(saved_at)), Handler()
    engine = make_engine(store, clock, handler)
    row = await save(engine, rule=rule)
    seen: list[datetime] = []
    for fire in fires:
        current = await store.get_schedule(row.id)
        assert current is not None and current.next_due_at is not None
        seen.append(current.next_due_at)
        await engine.run_due(Z(fire))
    assert seen == [Z(f) for f in fires]
    assert [j.local_date.isoformat() for j in handler.jobs] == days
    assert all(not j.late for j in handler.jobs)


async def test_failures_are_recorded_and_do_not_block_other_servers(store: Store) -> None:
    def result(job: DueJob) -> DeliveryResult:
        guild = job.schedule.guild_id
        if guild == 2:
            raise RuntimeError("boom")
        if guild == 3:
            return Failed("Unknown Channel", pause=True)
        if guild == 4:
            return Skipped("no prompts left at this depth")
        if guild == 5:
            return "oops"  # type: ignore[return-value]
        return Delivered(message_id=9)

    clock, handler = Clock(T0), Handler(result)
    engine = make_engine(store, clock, handler)
    rows = [await save(engine, guild_id=g) for g in range(1, 7)]
    report = await engine.run_due(Z("2026-11-27 08:00"))
    assert (report.delivered, report.failed, report.skipped, report.paused) == (2, 3, 1, 1)
    after = {r.guild_id: r for r in [await store.get_schedule(x.id) for x in rows] if r}
    assert after[2].last_error == "RuntimeError: boom" and after[2].next_due_at == Z(
        "2026-11-28 08:00"
    )
    assert after[3].paused and after[3].next_due_at is None
    assert after[5].last_error is not None and "not a delivery result" in after[5].last_error
    assert after[4].last_error is None and after[4].next_due_at == Z("2026-11-28 08:00")
    assert after[6].last_delivered_at == Z("2026-11-27 08:00")
    assert [f.error for f in await store.recent_failures(2)] == ["RuntimeError: boom"]
    # The failed row is not retried for the same date; it runs again tomorrow.
    assert (await engine.run_due(Z("2026-11-27 08:30"))).due == 0
    assert (await engine.run_due(Z("2026-11-28 08:00"))).due == 5  # the paused one stays out


async def test_a_large_batch_drains_in_one_pass(store: Store) -> None:
    clock, handler = Clock(T0), Handler()
    engine = make_engine(store, clock, handler, batch_size=3, max_concurrency=2)
    for guild in range(10):
        await save(engine, guild_id=guild)
    report = await engine.run_due(Z("2026-11-27 08:00"))
    assert report.delivered == 10 and len({j.schedule.id for j in handler.jobs}) == 10


async def test_pause_resume_delete(store: Store) -> None:
    clock, handler = Clock(T0), Handler()
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    paused = await engine.pause(row.id)
    assert paused is not None and paused.next_due_at is None
    assert (await engine.run_due(Z("2026-11-30 08:00"))).due == 0
    clock.now = Z("2026-11-30 09:00")
    resumed = await engine.resume(row.id)
    assert resumed is not None and resumed.next_due_at == Z("2026-12-01 08:00")
    await engine.run_due(Z("2026-12-01 08:00"))
    assert [j.local_date for j in handler.jobs] == [date(2026, 12, 1)]
    assert await engine.delete(row.id) is True
    assert await store.ledger_for_schedule(row.id) == []
    assert await engine.resume(row.id) is None
    assert (await engine.run_due(Z("2026-12-02 08:00"))).due == 0


async def test_rows_of_an_unregistered_kind_wait_for_their_handler(store: Store) -> None:
    clock, handler = Clock(T0), Handler()
    engine = make_engine(store, clock, handler)
    tip = await save(engine, kind="listening_tip")
    assert (await engine.run_due(Z("2026-11-27 08:00"))).due == 0
    engine.register("listening_tip", handler)
    report = await engine.run_due(Z("2026-11-27 08:30"))
    assert report.delivered == 1 and handler.jobs[0].schedule.id == tip.id


async def test_shutdown_mid_burst_releases_unstarted_claims(store: Store) -> None:
    clock = Clock(T0)
    engine: Engine

    async def stop_after_first(job: DueJob) -> DeliveryResult:
        await engine.shutdown()
        return Delivered()

    handler = Handler()
    handler.deliver = stop_after_first  # type: ignore[method-assign]
    engine = make_engine(store, clock, handler, max_concurrency=1)
    rows = [await save(engine, guild_id=g) for g in range(5)]
    report = await engine.run_due(Z("2026-11-27 08:00"))
    assert report.delivered == 1
    assert await store.unconfirmed_claims() == []
    still_due = await store.due_schedules(Z("2026-11-27 08:00"), 10)
    assert len(still_due) == 4

    after_restart = make_engine(store, clock, Handler())
    assert (await after_restart.run_due(Z("2026-11-27 08:05"))).delivered == 4
    assert len({e.schedule_id for r in rows for e in await store.ledger_for_schedule(r.id)}) == 5


async def test_start_recovers_catches_up_and_shutdown_stops(store: Store) -> None:
    clock, handler = Clock(T0), Handler()
    setup = make_engine(store, clock, handler)
    missed = await save(setup, guild_id=1)
    crashed = await save(setup, guild_id=2)
    await started_claim(
        store, crashed.id, date(2026, 11, 27), Z("2026-11-27 08:00"), Z("2026-11-27 08:00")
    )
    handler.sent_nonces.add(nonce_for(crashed.id, date(2026, 11, 27)))

    clock.now = Z("2026-11-27 08:40")  # restarted 40 minutes after both were due
    engine = make_engine(store, clock, handler)
    assert engine.health().running is False
    await engine.start()
    await engine.wait_idle()
    health = engine.health()
    assert health.running and health.last_tick_at == clock.now
    assert [j.schedule.id for j in handler.jobs] == [missed.id]
    assert handler.jobs[0].late is True
    assert health.next_wakeup_at == Z("2026-11-28 08:00")
    for row in (missed, crashed):
        entry = await store.ledger_entry(row.id, date(2026, 11, 27))
        assert entry is not None and entry.state == "confirmed"

    sooner = await engine.save_schedule(
        kind="prompt", rule=Rule(time(10, 0), "Europe/Berlin"), guild_id=3
    )
    assert engine.health().next_wakeup_at == sooner.next_due_at == Z("2026-11-27 09:00")
    await engine.start()  # idempotent
    await engine.shutdown()
    assert engine.health().running is False
    await engine.shutdown()  # idempotent


async def test_a_failed_pass_is_resolved_by_the_next_one(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock, handler = Clock(T0), Handler()
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    real_settle = store.settle_deliveries
    failures: list[str] = []

    async def locked_once(settlements: list[Settlement], now: datetime) -> int:
        if settlements and not failures:
            failures.append("locked")
            raise sqlite3.OperationalError("database is locked")
        return await real_settle(settlements, now)

    monkeypatch.setattr(store, "settle_deliveries", locked_once)
    clock.now = Z("2026-11-27 08:00:05")
    await engine.start()
    await engine.wait_idle()
    health = engine.health()
    assert health.running and "database is locked" in (health.last_error or "")
    assert len(handler.jobs) == 1
    assert len(await store.unconfirmed_claims()) == 1  # delivered, but not recorded

    engine.wake()  # the next tick
    await engine.wait_idle()
    assert await store.unconfirmed_claims() == []
    assert len(handler.jobs) == 1  # found by its nonce, not sent twice
    entry = await store.ledger_entry(row.id, date(2026, 11, 27))
    assert entry is not None and entry.state == "confirmed"
    after = await store.get_schedule(row.id)
    assert after is not None and after.next_due_at == Z("2026-11-28 08:00")
    await engine.shutdown()


async def test_moving_the_time_later_on_a_delivered_day_promises_the_true_next_post(
    store: Store,
) -> None:
    clock, handler = Clock(Z("2026-11-27 07:00")), Handler()
    engine = make_engine(store, clock, handler)
    row = await save(engine)  # 09:00 Berlin = 08:00Z
    await engine.run_due(Z("2026-11-27 08:00"))
    clock.now = Z("2026-11-27 10:00")
    # 18:00 Berlin today would be a no-op (the ledger already has today): tomorrow it is.
    moved = await save(engine, rule=Rule(time(18, 0), "Europe/Berlin"))
    assert moved.id == row.id and moved.next_due_at == Z("2026-11-28 17:00")
    assert (await engine.run_due(Z("2026-11-27 17:00"))).due == 0
    await engine.run_due(Z("2026-11-28 17:00"))
    assert [j.local_date for j in handler.jobs] == [date(2026, 11, 27), date(2026, 11, 28)]
    # Resume skips a delivered day the same way.
    await engine.pause(row.id)
    clock.now = Z("2026-11-28 17:30")
    await store.claim_delivery(claim_for(row.id, date(2026, 11, 29), Z("2026-11-29 17:00")), T0)
    resumed = await engine.resume(row.id)
    assert resumed is not None and resumed.next_due_at == Z("2026-11-30 17:00")
    # Another schedule's ledger does not count, and a new one starts today.
    other = await save(engine, guild_id=2, rule=Rule(time(19, 0), "Europe/Berlin"))
    assert other.next_due_at == Z("2026-11-28 18:00")
