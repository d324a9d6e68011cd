"""The due-work engine after downtime and crashes: grace windows, quiet hours, claims."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest
from scheduler_fakes import (
    T0,
    Clock,
    Handler,
    Z,
    make_engine,
    save,
    started_claim,
)

from bot.schedule.engine import DeliveryResult, DueJob
from bot.schedule.rules import Rule, nonce_for
from bot.store import Store


async def test_down_one_hour_with_three_hours_grace_delivers_once_late(store: Store) -> None:
    clock, handler = Clock(T0), Handler()
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    report = await engine.run_due(Z("2026-11-27 09:00"))
    assert (report.delivered, report.late, report.skipped) == (1, 1, 0)
    assert handler.jobs[0].late is True
    assert (await engine.run_due(Z("2026-11-27 09:01"))).delivered == 0
    after = await store.get_schedule(row.id)
    assert after is not None and after.next_due_at == Z("2026-11-28 08:00")


async def test_down_five_hours_skips_to_the_next_occurrence(store: Store) -> None:
    clock, handler = Clock(T0), Handler()
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    report = await engine.run_due(Z("2026-11-27 13:00"))
    assert (report.delivered, report.skipped) == (0, 1)
    assert handler.jobs == []
    entry = await store.ledger_entry(row.id, date(2026, 11, 27))
    assert entry is not None and entry.state == "skipped" and "grace" in (entry.error or "")
    after = await store.get_schedule(row.id)
    assert after is not None and after.next_due_at == Z("2026-11-28 08:00")


async def test_down_more_than_a_day_skips_the_old_one_and_delivers_the_recent_one(
    store: Store,
) -> None:
    clock, handler = Clock(T0), Handler()
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    report = await engine.run_due(Z("2026-11-28 09:30"))  # Friday's missed, Saturday's 1.5 h late
    assert (report.skipped, report.delivered, report.late) == (1, 1, 1)
    assert [j.local_date for j in handler.jobs] == [date(2026, 11, 28)]
    states = {e.local_date: e.state for e in await store.ledger_for_schedule(row.id)}
    assert states == {date(2026, 11, 27): "skipped", date(2026, 11, 28): "confirmed"}


@pytest.mark.parametrize(("quiet", "delivered"), [(True, 0), (False, 1)])
async def test_quiet_hours_catch_up_is_skipped(store: Store, quiet: bool, delivered: int) -> None:
    clock, handler = Clock(T0), Handler()
    engine = make_engine(store, clock, handler)
    engine.register("checkin", handler)
    rule = Rule(time(21, 0), "America/New_York", quiet_hours=quiet)  # 02:00Z
    row = await engine.save_schedule(kind="checkin", rule=rule, member_id=5)
    report = await engine.run_due(Z("2026-11-27 03:30"))  # 22:30 local, 1.5 h late
    assert report.delivered == delivered
    assert report.skipped == 1 - delivered
    after = await store.get_schedule(row.id)
    assert after is not None and after.next_due_at == Z("2026-11-28 02:00")
    # On time, quiet hours do not apply even to a late-evening rule.
    await engine.run_due(Z("2026-11-28 02:00:05"))
    assert [j.local_date for j in handler.jobs][-1] == date(2026, 11, 27)


class Crash(BaseException):
    """The process dying mid-delivery."""


@pytest.mark.parametrize("sent_before_crash", [True, False])
async def test_crash_between_claim_and_confirm_never_loses_or_doubles(
    tmp_path: Path, sent_before_crash: bool
) -> None:
    path = tmp_path / "kindred.db"
    store = await Store.open(path)
    clock = Clock(T0)
    sent: set[str] = set()

    def crash(job: DueJob) -> DeliveryResult:
        if sent_before_crash:
            sent.add(job.nonce)  # the message reached Discord, then we died
        raise Crash

    first = make_engine(store, clock, Handler(crash))
    row = await save(first)
    with pytest.raises(Crash):
        await first.run_due(Z("2026-11-27 08:00:05"))
    await store.close()
    store = await Store.open(path)
    try:
        [claim] = await store.unconfirmed_claims()
        assert claim.state == "claimed"

        handler = Handler()
        handler.sent_nonces = sent
        clock.now = Z("2026-11-27 08:30")
        second = make_engine(store, clock, handler)
        recovered = await second.recover()
        assert [j.nonce for j in handler.checked] == [claim.nonce]
        assert recovered.resolved == int(sent_before_crash)
        assert recovered.delivered == int(not sent_before_crash)
        # The redelivery (if any) carries the same nonce, so Discord would dedupe it too.
        assert [j.nonce for j in handler.jobs] == ([] if sent_before_crash else [claim.nonce])
        await second.run_due(Z("2026-11-27 08:31"))
        assert len(handler.jobs) == int(not sent_before_crash)
        entry = await store.ledger_entry(row.id, date(2026, 11, 27))
        assert entry is not None and entry.state == "confirmed"
        assert await store.unconfirmed_claims() == []
        after = await store.get_schedule(row.id)
        assert after is not None and after.next_due_at == Z("2026-11-28 08:00")
    finally:
        await store.close()


async def test_unconfirmed_claim_past_grace_is_skipped_not_redone(store: Store) -> None:
    clock, handler = Clock(T0), Handler()
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    await started_claim(
        store, row.id, date(2026, 11, 27), Z("2026-11-27 08:00"), Z("2026-11-27 08:00")
    )
    report = await engine.recover(Z("2026-11-27 14:00"))
    assert (report.resolved, report.delivered, report.skipped) == (0, 0, 1)
    assert handler.jobs == [] and len(handler.checked) == 1


class Unreadable(Handler):
    """A handler whose history check fails (a 5xx, a network error, a 403 on history)."""

    def __init__(self) -> None:
        super().__init__()
        self.broken = True

    async def already_delivered(self, job: DueJob) -> bool:
        self.checked.append(job)
        if self.broken:
            raise ConnectionError("Discord answered 503")
        return job.nonce in self.sent_nonces


async def test_a_failed_check_keeps_the_claim_and_a_later_pass_resolves_it(store: Store) -> None:
    clock, handler = Clock(T0), Unreadable()
    handler.sent_nonces.add(nonce_for(1, date(2026, 11, 27)))  # it did reach Discord
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    assert row.id == 1
    day = date(2026, 11, 27)
    await started_claim(store, row.id, day, Z("2026-11-27 08:00"), Z("2026-11-27 08:00"))

    report = await engine.recover(Z("2026-11-27 08:10"))
    # Unknown is not "not sent": nothing is redone, the claim stays for a later pass.
    assert (report.unresolved, report.delivered, report.failed) == (1, 0, 0)
    assert handler.jobs == []
    entry = await store.ledger_entry(row.id, day)
    assert entry is not None and entry.state == "claimed"
    # The next tick does not hammer Discord: the next check waits its back-off.
    again = await engine.recover(Z("2026-11-27 08:10:30"))
    assert again.unresolved == 1 and len(handler.checked) == 1

    handler.broken = False
    later = await engine.recover(Z("2026-11-27 08:12"))
    assert (later.resolved, later.delivered, later.unresolved) == (1, 0, 0)
    assert handler.jobs == [] and len(handler.checked) == 2
    entry = await store.ledger_entry(row.id, day)
    assert entry is not None and entry.state == "confirmed"


async def test_a_check_failing_until_past_grace_is_recorded_failed_never_redone(
    store: Store,
) -> None:
    clock, handler = Clock(T0), Unreadable()
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    day = date(2026, 11, 27)
    await started_claim(store, row.id, day, Z("2026-11-27 08:00"), Z("2026-11-27 08:00"))
    assert (await engine.recover(Z("2026-11-27 09:00"))).unresolved == 1
    report = await engine.recover(Z("2026-11-27 11:30"))  # 3.5 h late: past the 3 h grace
    assert (report.failed, report.delivered, report.unresolved) == (1, 0, 0)
    assert handler.jobs == []
    entry = await store.ledger_entry(row.id, day)
    assert entry is not None and entry.state == "failed" and "twice" in (entry.error or "")
    assert await store.unconfirmed_claims() == []


async def test_an_unknown_claim_makes_the_background_loop_check_again(store: Store) -> None:
    clock, handler = Clock(Z("2026-11-27 08:10")), Unreadable()
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    day = date(2026, 11, 27)
    handler.sent_nonces.add(nonce_for(row.id, day))
    await started_claim(store, row.id, day, Z("2026-11-27 08:00"), Z("2026-11-27 08:00"))
    await engine.start()
    try:
        await engine.wait_idle()
        assert len(handler.checked) == 1 and handler.jobs == []
        handler.broken = False
        clock.now = Z("2026-11-27 08:12")
        engine.wake()  # what APScheduler's tick does
        await engine.wait_idle()
        entry = await store.ledger_entry(row.id, day)
        assert entry is not None and entry.state == "confirmed"
        assert handler.jobs == []
    finally:
        await engine.shutdown()
