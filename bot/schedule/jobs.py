"""What the engine hands to feature handlers and gets back, and paced delivery.

Handlers import from here (or from ``bot.scheduler``, which re-exports all of it).
"""

from __future__ import annotations

import asyncio
import logging
import time as _time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from bot.store.schedule import Schedule

log = logging.getLogger(__name__)

Key = tuple[int, date]


@dataclass(frozen=True)
class DueJob:
    """One occurrence to deliver. ``nonce`` goes on the message (``send(nonce=...)``)."""

    schedule: Schedule
    local_date: date
    due_at: datetime
    nonce: str
    late: bool


@dataclass(frozen=True)
class Delivered:
    message_id: int | None = None


@dataclass(frozen=True)
class Failed:
    error: str
    pause: bool = False  # permanent (DMs closed, channel gone): stop the schedule


@dataclass(frozen=True)
class Skipped:
    reason: str


DeliveryResult = Delivered | Failed | Skipped


class DueHandler(Protocol):
    """What a feature registers for its schedule kind."""

    async def deliver(self, job: DueJob) -> DeliveryResult: ...

    async def already_delivered(self, job: DueJob) -> bool:
        """After a crash: is a message carrying ``job.nonce`` among the recent ones?

        Return False only when it surely is not; raise when it cannot be known (history
        unreadable, Discord or the network failing): the engine keeps the claim and asks
        again later instead of delivering a second time.
        """
        ...


@dataclass
class RunReport:
    """What one pass did; ``duplicates`` were already in the ledger (only moved on)."""

    started_at: datetime
    finished_at: datetime | None = None
    due: int = 0
    delivered: int = 0
    late: int = 0
    failed: int = 0
    skipped: int = 0
    duplicates: int = 0
    paused: int = 0
    resolved: int = 0  # unconfirmed claims found already delivered
    unresolved: int = 0  # unconfirmed claims whose check failed; left claimed for a later pass

    @property
    def busy(self) -> bool:
        return bool(self.due or self.resolved)


@dataclass(frozen=True)
class EngineHealth:
    running: bool
    started_at: datetime | None
    last_tick_at: datetime | None
    last_run: RunReport | None
    next_wakeup_at: datetime | None
    kinds: tuple[str, ...]
    last_error: str | None


class Pacer:
    """A token bucket of depth one: starts are spaced ``1/rate`` apart, never bursting."""

    def __init__(
        self,
        rate_per_second: float,
        *,
        monotonic: Callable[[], float] = _time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive (math.inf for no pacing)")
        self._interval = 1.0 / rate_per_second
        self._monotonic = monotonic
        self._sleep = sleep
        self._next_slot = -float("inf")

    async def wait(self) -> None:
        if self._interval == 0.0:
            return
        now = self._monotonic()
        # Reserve the slot before sleeping so concurrent callers queue up in order.
        slot = max(now, self._next_slot)
        self._next_slot = slot + self._interval
        if slot > now:
            await self._sleep(slot - now)


async def deliver_paced(
    jobs: Sequence[DueJob],
    handlers: Mapping[str, DueHandler],
    pacer: Pacer,
    *,
    max_concurrency: int,
    timeout: float,
    stopping: Callable[[], bool],
) -> dict[Key, DeliveryResult]:
    """Deliver ``jobs`` paced and with bounded concurrency; never raises for a handler.

    Jobs not started because ``stopping()`` turned true are missing from the result.
    """
    results: dict[Key, DeliveryResult] = {}
    slots = asyncio.Semaphore(max_concurrency)

    async def one(job: DueJob) -> None:
        try:
            results[(job.schedule.id, job.local_date)] = await _call(handlers, job, timeout)
        finally:
            slots.release()

    tasks: list[asyncio.Task[None]] = []
    for job in jobs:
        await slots.acquire()
        if stopping():
            slots.release()
            break
        await pacer.wait()
        tasks.append(asyncio.create_task(one(job)))
    await asyncio.gather(*tasks)
    return results


async def _call(handlers: Mapping[str, DueHandler], job: DueJob, timeout: float) -> DeliveryResult:
    schedule = job.schedule
    try:
        handler = handlers[schedule.kind]
        result: Any = await asyncio.wait_for(handler.deliver(job), timeout)
    except TimeoutError:
        result = Failed(f"timed out after {timeout:g} s")
    except Exception as exc:
        # One failing server never blocks the others: record it and move on.
        log.exception("delivering %s schedule %d raised", schedule.kind, schedule.id)
        result = Failed(f"{type(exc).__name__}: {exc}")
    if not isinstance(result, Delivered | Failed | Skipped):
        result = Failed(f"handler returned {type(result).__name__}, not a delivery result")
    if isinstance(result, Failed):
        log.warning(
            "%s schedule %d failed for %s%s: %s",
            schedule.kind,
            schedule.id,
            job.local_date,
            " (paused)" if result.pause else "",
            result.error,
        )
    return result
