"""The due-work engine: the database is the schedule (DESIGN.md, "Scheduling").

Rows in ``schedules`` carry their rule and an indexed ``next_due_at``. The engine
claims due rows in the delivery ledger, hands each to the feature's handler,
records the outcome and moves the row to its next occurrence. APScheduler only
decides *when* to call :meth:`Engine.run_due` (a wake-up at the earliest due row
plus a safety-net tick); the engine's own clock decides what is due.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.core.clock import Clock, utc_now
from bot.schedule.jobs import (
    Delivered,
    DeliveryResult,
    DueHandler,
    DueJob,
    EngineHealth,
    Failed,
    Key,
    RunReport,
    Skipped,
    Unfinished,
    deliver_bounded,
)
from bot.schedule.rechecks import Rechecks, resolve_claims
from bot.schedule.rules import (
    Rule,
    in_quiet_hours,
    local_date_for,
    next_due_after,
    nonce_for,
)
from bot.schedule.wakeups import Wakeups
from bot.store.schedule import (
    PAUSED_MEMBER_RETENTION,
    Advance,
    Claim,
    Schedule,
    ScheduleStore,
    Settlement,
    ShardSlice,
)

log = logging.getLogger(__name__)

_PRUNE_EVERY = timedelta(days=1)


class Engine:
    """Claims due rows, calls the registered handler, confirms, reschedules."""

    def __init__(
        self,
        store: ScheduleStore,
        *,
        grace: timedelta = timedelta(minutes=180),
        clock: Clock = utc_now,
        tick_interval: float = 30.0,
        batch_size: int = 500,
        max_concurrency: int = 16,
        late_after: timedelta = timedelta(minutes=5),
        delivery_timeout: float = 120.0,
        ledger_retention: timedelta = timedelta(days=90),
        paused_member_retention: timedelta = PAUSED_MEMBER_RETENTION,
        owner: ShardSlice | None = None,
    ) -> None:
        self._store = store
        # One process of several: only the rows of its own shards (None: every row).
        self.owner = owner
        self._grace = grace
        self._clock = clock
        self._batch_size = batch_size
        self._max_concurrency = max_concurrency
        self._late_after = late_after
        self._delivery_timeout = delivery_timeout
        self._retention = ledger_retention
        self._paused_retention = paused_member_retention
        self._handlers: dict[str, DueHandler] = {}
        self._lock = asyncio.Lock()
        self._wakeups = Wakeups(
            self._on_job,
            tick_interval=tick_interval,
            misfire_grace=max(60, int(grace.total_seconds())),
        )
        self._runner: asyncio.Task[None] | None = None
        self._again = False
        self._recover_next = False
        self._stopping = False
        self._started_at: datetime | None = None
        self._last_tick_at: datetime | None = None
        self._last_run: RunReport | None = None
        self._last_error: str | None = None
        self._last_prune: datetime | None = None
        self._next_wakeup_at: datetime | None = None
        self._rechecks = Rechecks()

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(sorted(self._handlers))

    def register(self, kind: str, handler: DueHandler) -> None:
        """Deliver rows of ``kind`` through ``handler``; rows of unregistered kinds wait."""
        self._handlers[kind] = handler
        if self._wakeups.running:
            self._kick()  # rows of this kind may have been waiting for it

    # -- lifecycle -------------------------------------------------------------

    async def start(self) -> None:
        """Start APScheduler's tick and wake-up; recovery and catch-up run in the background.

        The first background pass resolves claims a crash left unconfirmed, then
        delivers everything due (late work within the grace window, once).
        """
        if self._wakeups.running:
            return
        self._stopping = False
        self._started_at = self._clock()
        self._wakeups.start()
        self._kick(recover=True)
        log.info("scheduler started (%s)", ", ".join(self.kinds) or "no kinds yet")

    async def shutdown(self, timeout: float = 10.0) -> None:
        """Stop starting deliveries, let in-flight ones finish (up to ``timeout`` s), stop."""
        self._stopping = True
        self._wakeups.shutdown()
        runner, self._runner = self._runner, None
        if runner is not None and not runner.done():
            try:
                await asyncio.wait_for(asyncio.shield(runner), timeout)
            except TimeoutError:
                runner.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await runner
        self._next_wakeup_at = None

    async def wait_idle(self) -> None:
        """Wait for the background pass (recovery/catch-up/wake-up) to finish."""
        while self._runner is not None and not self._runner.done():
            await asyncio.shield(self._runner)

    def health(self) -> EngineHealth:
        return EngineHealth(
            running=self._wakeups.running and not self._stopping,
            started_at=self._started_at,
            last_tick_at=self._last_tick_at,
            last_run=self._last_run,
            next_wakeup_at=self._next_wakeup_at,
            kinds=self.kinds,
            last_error=self._last_error,
        )

    def wake(self) -> None:
        """Ask for a pass over due work soon (what APScheduler's tick and wake-up do)."""
        if self._wakeups.running:
            self._kick()

    async def _on_job(self) -> None:
        self.wake()

    def _kick(self, *, recover: bool = False) -> None:
        self._recover_next |= recover
        if self._runner is not None and not self._runner.done():
            self._again = True  # the running pass goes round once more
            return
        self._runner = asyncio.create_task(self._run_loop())

    async def _run_loop(self) -> None:
        try:
            if self._recover_next:
                self._recover_next = False  # recover() sets it again while claims stay unknown
                await self.recover()
            while not self._stopping:
                self._again = False
                await self.run_due()
                if not self._again:
                    break
        except Exception as exc:
            # A database hiccup must not kill the engine: the next tick tries again, and
            # first resolves any claim this pass left unconfirmed.
            self._last_error = f"{type(exc).__name__}: {exc}"
            self._recover_next = True
            log.exception("scheduled work failed; the next tick retries")

    def _set_wakeup(self, at: datetime | None) -> None:
        self._next_wakeup_at = at
        self._wakeups.arm(None if at is None else at - self._clock())

    def _wake_by(self, at: datetime | None) -> None:
        if at is not None and (self._next_wakeup_at is None or at < self._next_wakeup_at):
            self._set_wakeup(at)

    # -- schedules -------------------------------------------------------------

    async def save_schedule(
        self,
        *,
        kind: str,
        rule: Rule,
        guild_id: int | None = None,
        member_id: int | None = None,
        channel_id: int | None = None,
        payload: Mapping[str, Any] | None = None,
        paused: bool = False,
    ) -> Schedule:
        """Create or replace the (kind, server, member) schedule; due next after now.

        A local date already in this schedule's ledger (delivered today, say, before the
        time was moved later) is skipped: the ledger would make it a no-op anyway, so the
        returned ``next_due_at`` is the occurrence that really delivers.
        """
        now = self._clock()
        next_due = None
        if not paused:
            existing = await self._store.find_schedule(kind, guild_id=guild_id, member_id=member_id)
            next_due = await self._next_open(None if existing is None else existing.id, rule, now)
        schedule = await self._store.upsert_schedule(
            kind=kind,
            rule=rule,
            next_due_at=next_due,
            now=now,
            guild_id=guild_id,
            member_id=member_id,
            channel_id=channel_id,
            payload=payload,
            paused=paused,
        )
        self._wake_by(next_due)
        return schedule

    async def _next_open(self, schedule_id: int | None, rule: Rule, now: datetime) -> datetime:
        """The first occurrence after ``now`` on a local date not yet in the ledger."""
        next_due = next_due_after(rule, now)
        if schedule_id is None:
            return next_due
        since = local_date_for(rule, now) - timedelta(days=1)
        taken = await self._store.ledger_dates(schedule_id, since)
        # Each taken date can hold at most two occurrences (fall-back day fires twice).
        for _ in range(2 * len(taken) + 1):
            if local_date_for(rule, next_due) not in taken:
                break
            next_due = next_due_after(rule, next_due)
        return next_due

    async def pause(self, schedule_id: int) -> Schedule | None:
        return await self._store.pause_schedule(schedule_id, self._clock())

    async def resume(self, schedule_id: int) -> Schedule | None:
        schedule = await self._store.get_schedule(schedule_id)
        if schedule is None:
            return None
        now = self._clock()
        next_due = await self._next_open(schedule.id, schedule.rule, now)
        resumed = await self._store.resume_schedule(schedule_id, next_due, now)
        self._wake_by(next_due)
        return resumed

    async def delete(self, schedule_id: int) -> bool:
        return await self._store.delete_schedule(schedule_id)

    # -- running due work ------------------------------------------------------

    async def run_due(self, now: datetime | None = None) -> RunReport:
        """Claim, deliver, confirm and reschedule everything due at ``now``."""
        async with self._lock:
            now = now or self._clock()
            self._last_tick_at = now
            report = RunReport(started_at=now)
            seen: dict[int, datetime | None] = {}
            while not self._stopping:
                rows = await self._store.due_schedules(
                    now, self._batch_size, self.kinds, self.owner
                )
                fresh = [r for r in rows if r.id not in seen or seen[r.id] != r.next_due_at]
                if not fresh:
                    if rows:  # due but could not be moved on; never spin on them
                        log.error("%d due schedules did not advance", len(rows))
                    break
                seen.update((r.id, r.next_due_at) for r in fresh)
                await self._run_batch(fresh, now, report)
            await self._maybe_prune(now)
            self._set_wakeup(await self._store.earliest_due(self.kinds, self.owner))
            self._wake_by(self._rechecks.earliest())  # a step to retry, a claim to recheck
            report.finished_at = self._clock()
            self._last_run = report
            if report.busy:
                log.info(
                    "scheduled work: %d due, %d delivered (%d late), %d failed, %d skipped, "
                    "%d already done",
                    report.due,
                    report.delivered,
                    report.late,
                    report.failed,
                    report.skipped,
                    report.duplicates,
                )
            return report

    async def _run_batch(self, rows: Sequence[Schedule], now: datetime, report: RunReport) -> None:
        claims: list[Claim] = []
        planned: dict[Key, tuple[Schedule, datetime, datetime]] = {}
        for row in rows:
            due = row.next_due_at
            assert due is not None  # due_schedules only returns scheduled rows
            day = local_date_for(row.rule, due)
            late_by = now - due
            state, reason, after = "claimed", None, due
            if late_by > self._grace:
                state, after = "skipped", now - self._grace
                reason = f"missed by {late_by} (more than the {self._grace} grace window)"
            elif self._is_late(late_by) and row.rule.quiet_hours and in_quiet_hours(row.rule, now):
                state, reason = "skipped", "catch-up would land in quiet hours (22:00-08:00)"
            claims.append(Claim(row.id, day, nonce_for(row.id, day), due, state, reason))
            planned[(row.id, day)] = (row, due, next_due_after(row.rule, after))
        report.due += len(rows)
        won = await self._store.claim_deliveries(claims, now)
        jobs: list[DueJob] = []
        advances: list[Advance] = []
        for claim in claims:
            key = (claim.schedule_id, claim.local_date)
            row, due, next_due = planned[key]
            if key in won and claim.state == "claimed":
                jobs.append(
                    DueJob(row, claim.local_date, due, claim.nonce, self._is_late(now - due))
                )
                continue
            if key in won:
                report.skipped += 1
            else:
                report.duplicates += 1  # this local date is already in the ledger
            advances.append(Advance(row.id, due, next_due))
        nexts = {key: planned[key][2] for key in ((j.schedule.id, j.local_date) for j in jobs)}
        await self._deliver_and_record(jobs, nexts, now, report, advances)

    def _is_late(self, late_by: timedelta) -> bool:
        return late_by > self._late_after

    async def recover(self, now: datetime | None = None) -> RunReport:
        """Resolve claims a crash left unconfirmed: confirm if the nonce is found, else redo.

        When the check itself fails the claim stays claimed and a later pass checks again
        (``report.unresolved``); past the grace window it is recorded failed, never redone
        blindly (that could post twice once Discord's nonce window is over).
        """
        async with self._lock:
            now = now or self._clock()
            report = RunReport(started_at=now)
            entries = await self._store.unconfirmed_claims(self.kinds, owner=self.owner)
            self._rechecks.keep_only({(e.schedule_id, e.local_date) for e in entries})
            schedules = await self._store.get_schedules([e.schedule_id for e in entries])
            plan = await resolve_claims(
                entries,
                schedules,
                self._handlers,
                self._store,
                now=now,
                grace=self._grace,
                late_after=self._late_after,
                rechecks=self._rechecks,
                report=report,
            )
            redo, nexts, advances = plan.redo, plan.nexts, plan.advances
            await self._store.settle_deliveries(plan.settlements, now)
            report.due = len(redo)
            await self._deliver_and_record(redo, nexts, now, report, advances)
            if report.unresolved or report.unfinished:
                self._recover_next = True  # the next tick looks again
                self._wake_by(self._rechecks.earliest())
            report.finished_at = self._clock()
            if report.busy or report.skipped or report.failed or report.unresolved:
                log.info(
                    "recovered unconfirmed deliveries: %d found sent, %d finished, %d redone, "
                    "%d skipped, %d failed, %d still unknown, %d still unfinished",
                    report.resolved,
                    report.finished,
                    report.delivered,
                    report.skipped,
                    report.failed,
                    report.unresolved,
                    report.unfinished,
                )
            return report

    async def _deliver_and_record(
        self,
        jobs: Sequence[DueJob],
        nexts: dict[Key, datetime],
        now: datetime,
        report: RunReport,
        advances: list[Advance],
    ) -> None:
        jobs = [dataclasses.replace(job, steps=self._record_step) for job in jobs]
        results = await deliver_bounded(
            jobs,
            self._handlers,
            max_concurrency=self._max_concurrency,
            timeout=self._delivery_timeout,
            stopping=lambda: self._stopping,
            on_start=self._mark_started,
        )
        settlements: list[Settlement] = []
        unstarted: list[Key] = []
        for job in jobs:
            key = (job.schedule.id, job.local_date)
            result = results.get(key)
            if result is None:
                unstarted.append(key)
                continue
            next_due = nexts[key]
            due = job.due_at
            if isinstance(result, Delivered):
                report.delivered += 1
                report.late += job.late
                settlements.append(Settlement(*key, "confirmed", message_id=result.message_id))
                advances.append(Advance(job.schedule.id, due, next_due, delivered_at=now))
            elif isinstance(result, Unfinished):
                # Out, but a step is missing: the claim stays claimed with its message, the
                # row moves on, and a recovery pass finishes it (backing off) later.
                report.unfinished += 1
                await self._store.record_step(*key, result.message_id, result.error)
                self._rechecks.later(key, now)
                self._recover_next = True
                advances.append(Advance(job.schedule.id, due, next_due, delivered_at=now))
            elif isinstance(result, Skipped):
                report.skipped += 1
                settlements.append(Settlement(*key, "skipped", error=result.reason))
                advances.append(Advance(job.schedule.id, due, next_due))
            else:
                report.failed += 1
                report.paused += result.pause
                settlements.append(Settlement(*key, "failed", error=result.error))
                advances.append(
                    Advance(job.schedule.id, due, next_due, error=result.error, pause=result.pause)
                )
        # Ledger first: if we die before the advance, the next pass sees the date
        # already settled and only moves the row on.
        await self._store.settle_deliveries(settlements, now)
        await self._store.advance_schedules(advances, now)
        if unstarted:  # shutting down: these were never attempted; deliver after restart
            await self._store.release_claims(unstarted)

    async def _mark_started(self, job: DueJob) -> None:
        await self._store.mark_started(job.schedule.id, job.local_date, self._clock())

    async def _record_step(self, key: Key, message_id: int) -> None:
        await self._store.record_step(*key, message_id)

    async def _maybe_prune(self, now: datetime) -> None:
        if self._last_prune is not None and now - self._last_prune < _PRUNE_EVERY:
            return
        self._last_prune = now
        pruned = await self._store.prune_ledger(now - self._retention)
        if pruned:
            log.info("pruned %d delivery-ledger rows older than %s", pruned, self._retention)
        dropped = await self._store.prune_paused_member_schedules(now - self._paused_retention)
        if dropped:
            log.info(
                "deleted %d members' schedules paused for over %s", dropped, self._paused_retention
            )


__all__ = [
    "Delivered",
    "DeliveryResult",
    "DueHandler",
    "DueJob",
    "Engine",
    "EngineHealth",
    "Failed",
    "RunReport",
    "Schedule",
    "Skipped",
    "Unfinished",
]
