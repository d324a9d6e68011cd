"""Deliveries with steps (post, then thread): finished at the missing step, never posted twice."""

from __future__ import annotations

from datetime import date

from scheduler_fakes import T0, Clock, Handler, Z, claim_for, make_engine, save, started_claim

from bot.schedule.engine import Delivered, DeliveryResult, DueJob, Unfinished
from bot.store import Store

DAY = date(2026, 11, 27)
DUE = Z("2026-11-27 08:00")


class TwoSteps(Handler):
    """Posts (recording the step), then a thread that fails while ``broken``."""

    def __init__(self) -> None:
        super().__init__()
        self.broken = True
        self.finished: list[tuple[DueJob, int]] = []
        self.found: int | bool = False

    async def deliver(self, job: DueJob) -> DeliveryResult:
        self.jobs.append(job)
        message_id = 5000 + job.schedule.id
        await job.posted(message_id)
        if self.broken:
            return Unfinished(message_id, "thread: 503 Service Unavailable")
        return Delivered(message_id)

    async def finish(self, job: DueJob, message_id: int) -> DeliveryResult:
        self.finished.append((job, message_id))
        if self.broken:
            return Unfinished(message_id, "thread: 503 Service Unavailable")
        return Delivered(message_id)

    async def already_delivered(self, job: DueJob) -> int | bool:
        self.checked.append(job)
        return self.found


async def test_a_failed_thread_is_finished_later_on_the_same_post(store: Store) -> None:
    clock, handler = Clock(T0), TwoSteps()
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    report = await engine.run_due(DUE)
    assert (report.delivered, report.unfinished, report.failed) == (0, 1, 0)
    entry = await store.ledger_entry(row.id, DAY)
    assert entry is not None and entry.state == "claimed" and entry.message_id == 5001
    assert "503" in (entry.error or "")
    moved = await store.get_schedule(row.id)
    assert moved is not None and moved.next_due_at == Z("2026-11-28 08:00")  # the post is out
    assert engine.health().next_wakeup_at == Z("2026-11-27 08:01")  # the first retry

    # Too soon: the back-off holds; then still failing; then it works.
    assert (await engine.recover(Z("2026-11-27 08:00:30"))).unfinished == 1
    assert handler.finished == []
    assert (await engine.recover(Z("2026-11-27 08:01"))).unfinished == 1
    handler.broken = False
    report = await engine.recover(Z("2026-11-27 08:04"))
    assert (report.finished, report.delivered, report.unfinished) == (1, 0, 0)
    assert [m for _, m in handler.finished] == [5001, 5001]
    assert len(handler.jobs) == 1 and handler.checked == []  # never posted again, no history
    entry = await store.ledger_entry(row.id, DAY)
    assert entry is not None and entry.state == "confirmed" and entry.message_id == 5001


async def test_a_step_still_missing_past_grace_is_failed_with_its_post(store: Store) -> None:
    clock, handler = Clock(T0), TwoSteps()
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    await engine.run_due(DUE)
    report = await engine.recover(Z("2026-11-27 11:30"))  # past the 3 h grace
    assert (report.failed, report.unfinished) == (1, 0)
    entry = await store.ledger_entry(row.id, DAY)
    assert entry is not None and entry.state == "failed" and entry.message_id == 5001
    assert "grace" in (entry.error or "") and len(handler.jobs) == 1


async def test_a_crash_after_the_post_resumes_at_the_thread_without_history(
    store: Store,
) -> None:
    clock, handler = Clock(T0), TwoSteps()
    handler.broken = False
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    await started_claim(store, row.id, DAY, DUE, DUE)
    await store.record_step(row.id, DAY, 777)  # the post was out when the process died
    report = await engine.recover(Z("2026-11-27 08:02"))
    assert (report.finished, report.delivered) == (1, 0)
    assert [m for _, m in handler.finished] == [777]
    assert handler.jobs == [] and handler.checked == []


async def test_a_crash_before_anything_started_is_redone_without_asking_discord(
    store: Store,
) -> None:
    clock, handler = Clock(T0), TwoSteps()
    handler.broken = False
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    assert await store.claim_delivery(claim_for(row.id, DAY, DUE), DUE)  # claimed, not started
    report = await engine.recover(Z("2026-11-27 08:02"))
    assert report.delivered == 1 and handler.checked == []
    assert len(handler.jobs) == 1


async def test_a_post_found_in_history_gets_its_missing_thread(store: Store) -> None:
    clock, handler = Clock(T0), TwoSteps()
    handler.broken, handler.found = False, 888
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    await started_claim(store, row.id, DAY, DUE, DUE)  # died between the post and its record
    report = await engine.recover(Z("2026-11-27 08:02"))
    assert (report.resolved, report.finished, report.delivered) == (1, 1, 0)
    assert [m for _, m in handler.finished] == [888] and handler.jobs == []
    entry = await store.ledger_entry(row.id, DAY)
    assert entry is not None and entry.state == "confirmed" and entry.message_id == 888


async def test_a_one_step_handler_found_by_id_is_simply_confirmed(store: Store) -> None:
    clock, handler = Clock(T0), Handler()  # no finish(): the message is all of it
    engine = make_engine(store, clock, handler)
    row = await save(engine)
    await started_claim(store, row.id, DAY, DUE, DUE)
    await store.record_step(row.id, DAY, 999)
    report = await engine.recover(Z("2026-11-27 08:02"))
    assert report.finished == 1 and handler.jobs == [] and handler.checked == []
