"""Benchmark: the database-backed schedule against one APScheduler 3 job per row.

Run with ``python -m bench.scheduler`` (``--rows``, ``--seed``). Both sides are
measured in the same run on the same rows: ``--rows`` schedules over a few hundred
timezones, local times clustered the way communities pick them (on the hour,
mornings and evenings), so one UTC minute is much busier than the rest.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import random
import shutil
import sqlite3
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.schedule.engine import (
    Delivered,
    DeliveryResult,
    DueJob,
    Engine,
)
from bot.schedule.rules import Rule, next_due_after
from bot.store import DB_FILENAME, Store
from bot.store.schedule_rows import ts

START = datetime(2026, 12, 1, 0, 0, tzinfo=UTC)  # a Tuesday
POPULAR = [(clock_time(9, 0), 30), (clock_time(20, 0), 20), (clock_time(12, 0), 10)]
POPULAR += [(clock_time(18, 0), 10), (clock_time(21, 0), 5)]
DAYS = [("*", 70), ("mon-fri", 20), ("sat,sun", 5), ("sun", 5)]


@dataclass(frozen=True)
class Row:
    kind: str
    owner: int
    rule: Rule


@dataclass
class Burst:
    due: int
    seconds: float
    delivered: int

    @property
    def per_row_us(self) -> float:
        return self.seconds / self.due * 1e6


@dataclass
class Result:
    ready_s: float = 0.0
    peak_bytes: int = 0
    bursts: list[Burst] = field(default_factory=list)


class NoopHandler:
    def __init__(self) -> None:
        self.count = 0

    async def deliver(self, job: DueJob) -> DeliveryResult:
        self.count += 1
        return Delivered(message_id=job.schedule.id)

    async def already_delivered(self, job: DueJob) -> bool:
        return False


def make_rows(count: int, rng: random.Random) -> list[Row]:
    zones = sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))
    zones = rng.sample(zones, min(300, len(zones)))
    times, time_weights = zip(*POPULAR, strict=True)
    days, day_weights = zip(*DAYS, strict=True)
    rows: list[Row] = []
    for i in range(1, count + 1):
        if rng.random() < sum(time_weights) / 100:
            at = rng.choices(times, time_weights)[0]
        else:
            at = clock_time(rng.randrange(24), rng.randrange(60))
        rule = Rule(at, rng.choice(zones), rng.choices(days, day_weights)[0])
        rows.append(Row("checkin" if i % 10 < 3 else "prompt", i, rule))
    return rows


def busiest_minute(rows: list[Row]) -> tuple[datetime, list[datetime]]:
    """The UTC minute with the most rows due in the first day, and each row's next due time."""
    due = [next_due_after(r.rule, START) for r in rows]
    window = START + timedelta(days=1)
    minute, _ = Counter(d for d in due if d < window).most_common(1)[0]
    # Re-base every row on that minute so nothing is due before it.
    base = minute - timedelta(microseconds=1)
    due = [
        d if d >= minute else next_due_after(r.rule, base) for d, r in zip(due, rows, strict=True)
    ]
    return minute, due


async def create_db(path: Path, rows: list[Row], due: list[datetime]) -> None:
    store = await Store.open(path)  # runs the migrations
    await store.close()
    con = sqlite3.connect(path)
    stamp = ts(START)
    with con:
        con.executemany(
            "INSERT INTO schedules (id, kind, guild_id, member_id, channel_id, local_time, "
            "timezone, days, quiet_hours, payload, paused, next_due_at, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, '{}', 0, ?, ?, ?)",
            (
                (
                    r.owner,
                    r.kind,
                    r.owner if r.kind == "prompt" else None,
                    r.owner if r.kind == "checkin" else None,
                    r.owner,
                    r.rule.hhmm,
                    r.rule.timezone,
                    r.rule.days,
                    ts(d),
                    stamp,
                    stamp,
                )
                for r, d in zip(rows, due, strict=True)
            ),
        )
    con.close()


async def force_due(path: Path, ids: list[int], at: datetime) -> None:
    """Make ``ids`` all due at ``at``: a synthetic burst larger than any real minute."""
    con = sqlite3.connect(path)
    with con:
        con.executemany(
            "UPDATE schedules SET next_due_at = ? WHERE id = ?", ((ts(at), i) for i in ids)
        )
    con.close()


async def traced(work: Awaitable[Result]) -> int:
    """Peak Python memory (tracemalloc) while ``work`` runs."""
    tracemalloc.start()
    try:
        await work
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def run_ours(path: Path, minute: datetime, expected: int) -> Result:
    """Open the store, start the engine, then run everything due in ``minute``."""
    result = Result()
    began = time.perf_counter()
    store = await Store.open(path)
    # Unpaced: this measures the engine's own cost. In production 40 starts/s
    # spread a burst over due/40 seconds by design.
    engine = Engine(store, clock=lambda: minute - timedelta(seconds=1))
    handler = NoopHandler()
    engine.register("prompt", handler)
    engine.register("checkin", handler)
    await engine.start()
    await engine.wait_idle()
    result.ready_s = time.perf_counter() - began

    began = time.perf_counter()
    report = await engine.run_due(minute + timedelta(seconds=59))
    seconds = time.perf_counter() - began
    await engine.shutdown()
    async with store.db.execute(
        "SELECT COUNT(*) FROM delivery_ledger WHERE state = 'confirmed'"
    ) as cur:
        row = await cur.fetchone()
    await store.close()
    confirmed = int(row[0]) if row else 0
    if not (report.delivered == handler.count == confirmed == expected):
        raise SystemExit(f"ours lost work: {report} handler={handler.count} ledger={confirmed}")
    result.bursts.append(Burst(expected, seconds, confirmed))
    return result


def cron_job_trigger(rule: Rule) -> CronTrigger:
    return CronTrigger(
        hour=rule.local_time.hour,
        minute=rule.local_time.minute,
        day_of_week=rule.days,
        timezone=ZoneInfo(rule.timezone),
    )


async def noop_job() -> None:
    return None


async def run_baseline(rows: list[Row], bursts: list[list[int]]) -> Result:
    """One APScheduler 3 job per row in a MemoryJobStore, default misfire grace (1 s)."""
    result = Result()
    began = time.perf_counter()
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start(paused=True)
    for row in rows:
        scheduler.add_job(noop_job, cron_job_trigger(row.rule), id=str(row.owner))
    result.ready_s = time.perf_counter() - began
    for ids in bursts:
        result.bursts.append(await baseline_burst(scheduler, {str(i) for i in ids}))
        scheduler.pause()
    scheduler.shutdown(wait=False)
    return result


async def baseline_burst(scheduler: AsyncIOScheduler, burst: set[str]) -> Burst:
    """Make ``burst`` come due at one instant and count what ran and what was dropped."""
    ran: set[str] = set()
    missed: set[str] = set()
    done = asyncio.Event()

    def listener(event: JobExecutionEvent) -> None:
        if event.job_id in burst:
            (ran if event.code == EVENT_JOB_EXECUTED else missed).add(event.job_id)
            if len(ran) + len(missed) == len(burst):
                done.set()

    # APScheduler reads wall time, so the burst is replayed at "now + 2 s": every one
    # of those jobs comes due at the same instant, as they would at 09:00.
    scheduler.add_listener(listener, EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)
    at = datetime.now(UTC) + timedelta(seconds=2)
    for job_id in burst:
        scheduler.modify_job(job_id, next_run_time=at)
    lead = (at - datetime.now(UTC)).total_seconds()
    began = time.perf_counter()
    scheduler.resume()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), timeout=60)
    scheduler.remove_listener(listener)
    # From the moment they all came due to the last one run or dropped.
    return Burst(len(burst), time.perf_counter() - began - lead, len(ran))


def ratio(ours: float, base: float) -> str:
    return "n/a" if base == 0 else f"{ours / base:.3f}"


async def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scheduler")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--burst", type=int, default=10_000, help="synthetic same-minute burst")
    parser.add_argument("--memory-rows", type=int, default=10_000, help="baseline memory sample")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    # The baseline's drops are counted from its events; one warning line per drop is noise.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    rng = random.Random(args.seed)
    began = time.perf_counter()

    rows = make_rows(args.rows, rng)
    minute, due = busiest_minute(rows)
    window = minute + timedelta(minutes=1)
    busiest = [r.owner for r, d in zip(rows, due, strict=True) if minute <= d < window]
    synthetic = sorted(rng.sample([r.owner for r in rows], min(args.burst, len(rows))))
    # An hour before the busiest minute nothing else is due.
    synthetic_minute = minute - timedelta(hours=1)
    zones = len({r.rule.timezone for r in rows})

    with tempfile.TemporaryDirectory(prefix="kindred-bench-") as tmp:
        path = Path(tmp) / DB_FILENAME
        await create_db(path, rows, due)
        setup_s = time.perf_counter() - began
        db_mib = path.stat().st_size / 2**20
        forced, traced_copy = Path(tmp) / "forced.db", Path(tmp) / "traced.db"
        shutil.copy(path, forced)
        await force_due(forced, synthetic, synthetic_minute)
        shutil.copy(forced, traced_copy)

        ours = await run_ours(path, minute, len(busiest))
        ours.bursts += (await run_ours(forced, synthetic_minute, len(synthetic))).bursts
        ours.peak_bytes = await traced(run_ours(traced_copy, synthetic_minute, len(synthetic)))

    base = await run_baseline(rows, [busiest, synthetic])
    sample = rows[: args.memory_rows]
    base.peak_bytes = await traced(run_baseline(sample, [])) * len(rows) // len(sample)

    print(f"rows: {len(rows):,} over {zones} timezones; setup (insert) {setup_s:.1f} s, ", end="")
    print(f"database {db_mib:.1f} MiB")
    print(f"busiest real minute: {minute:%Y-%m-%d %H:%M} UTC, {len(busiest):,} rows due; ", end="")
    print(f"synthetic burst: {len(synthetic):,} random rows forced due in one minute")
    print()
    print(
        "| measure | ours (SQLite rows + engine) "
        "| APScheduler 3, one job per row | ours / baseline |"
    )
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| ready after start, {len(rows):,} rows | {ours.ready_s * 1000:.0f} ms "
        f"(open store, start engine) | {base.ready_s:.2f} s (add_job x {len(rows):,}) "
        f"| {ratio(ours.ready_s, base.ready_s)} |"
    )
    print(
        f"| peak Python memory (tracemalloc) | {ours.peak_bytes / 2**20:.1f} MiB "
        f"| {base.peak_bytes / 2**20:.0f} MiB (x{len(rows) // len(sample)} of "
        f"{len(sample):,} jobs measured) | {ratio(ours.peak_bytes, base.peak_bytes)} |"
    )
    for label, mine, theirs in zip(
        ("busiest real minute", "synthetic burst"), ours.bursts, base.bursts, strict=True
    ):
        print(
            f"| {label} ({mine.due:,} due): per row | {mine.per_row_us:.0f} µs (claim, no-op "
            f"handler, confirm, reschedule) | {theirs.per_row_us:.0f} µs (run or drop) "
            f"| {ratio(mine.seconds, theirs.seconds)} |"
        )
        print(
            f"| {label}: delivered / dropped | {mine.delivered:,} / {mine.due - mine.delivered:,} "
            f"| {theirs.delivered:,} / {theirs.due - theirs.delivered:,} (missed) | |"
        )
    print()
    worst = max(b.per_row_us for b in ours.bursts)
    goals = [
        ("ready <= 2 s", ours.ready_s <= 2.0),
        ("<= 1 ms per due row", worst <= 1000),
        ("nothing lost", all(b.delivered == b.due for b in ours.bursts)),
    ]
    print("goals: " + ", ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in goals))
    print(
        "notes: ours runs unpaced here to measure the engine itself (in production 40 starts/s "
        f"spread the {len(synthetic):,}-row burst over {len(synthetic) / 40:.0f} s by design); "
        "tracemalloc counts Python allocations only (SQLite's page cache is outside it); the "
        "baseline's memory was measured on a sample and scaled linearly to keep the run short; "
        "APScheduler has no injectable clock, so its bursts are replayed at wall time now + 2 s; "
        "the baseline's per-row time covers running or dropping a job in memory, ours covers "
        "durable ledger writes and the CronTrigger reschedule; "
        f"total {time.perf_counter() - began:.0f} s."
    )


if __name__ == "__main__":
    asyncio.run(main())
