"""What the engine hands to feature handlers and gets back, and bounded delivery.

Handlers import from here (or from ``bot.schedule.engine``, which re-exports all of it).
Deliveries are not paced here: every REST call is, in one budget (``bot.core.pacing``);
the calls made inside a delivery are marked scheduled, so interactive work goes first.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol, runtime_checkable

from bot.core.pacing import scheduled
from bot.store.schedule import Schedule

log = logging.getLogger(__name__)

Key = tuple[int, date]
StepRecorder = Callable[[Key, int], Awaitable[None]]


@dataclass(frozen=True)
class DueJob:
    """One occurrence to deliver. ``nonce`` goes on the message (``send(nonce=...)``)."""

    schedule: Schedule
    local_date: date
    due_at: datetime
    nonce: str
    late: bool
    # Set by the engine: records in the ledger that the first visible step is out.
    steps: StepRecorder | None = field(default=None, compare=False, repr=False)

    @property
    def key(self) -> Key:
        return (self.schedule.id, self.local_date)

    async def posted(self, message_id: int) -> None:
        """Call as soon as the message is out, before any further step (a thread, an edit):
        after a crash or a failed later step the engine resumes at that step with this
        message, and never posts again."""
        if self.steps is not None:
            await self.steps(self.key, message_id)


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


@dataclass(frozen=True)
class Unfinished:
    """The message is out (``message_id``) but a later step failed: the engine calls the
    handler's ``finish`` for it later, with back-off, and never delivers it again."""

    message_id: int
    error: str


DeliveryResult = Delivered | Failed | Skipped | Unfinished


class DueHandler(Protocol):
    """What a feature registers for its schedule kind."""

    async def deliver(self, job: DueJob) -> DeliveryResult: ...

    async def already_delivered(self, job: DueJob) -> bool | int:
        """After a crash: is a message carrying ``job.nonce`` among the recent ones?

        Return False only when it surely is not; the found message's id (or True) when it
        is; raise when it cannot be known (history unreadable, Discord or the network
        failing): the engine keeps the claim and asks again later instead of delivering a
        second time. Asked only when the delivery started and no step was recorded.
        """
        ...


@runtime_checkable
class FinishingHandler(DueHandler, Protocol):
    """A handler whose delivery has steps after the post (a thread, say)."""

    async def finish(self, job: DueJob, message_id: int) -> DeliveryResult:
        """Do whatever of the delivery is still missing for the message ``message_id``
        (already out); Delivered when all of it is done. Never posts again."""
        ...


async def finish(handler: DueHandler, job: DueJob, message_id: int) -> DeliveryResult:
    """The missing steps of a delivery whose message is out (never raises)."""
    if not isinstance(handler, FinishingHandler):
        return Delivered(message_id)  # one step only: the message is all of it
    return await _call(handler, job, 120.0, lambda h, j: h.finish(j, message_id))


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
    unfinished: int = 0  # out, with a later step still missing (finished later)
    finished: int = 0  # unfinished deliveries completed by this pass
    resolved: int = 0  # unconfirmed claims found already delivered
    unresolved: int = 0  # unconfirmed claims whose check failed; left claimed for a later pass

    @property
    def busy(self) -> bool:
        return bool(self.due or self.resolved or self.finished or self.unfinished)


@dataclass(frozen=True)
class EngineHealth:
    running: bool
    started_at: datetime | None
    last_tick_at: datetime | None
    last_run: RunReport | None
    next_wakeup_at: datetime | None
    kinds: tuple[str, ...]
    last_error: str | None


async def deliver_bounded(
    jobs: Sequence[DueJob],
    handlers: Mapping[str, DueHandler],
    *,
    max_concurrency: int,
    timeout: float,
    stopping: Callable[[], bool],
    on_start: Callable[[DueJob], Awaitable[None]],
) -> dict[Key, DeliveryResult]:
    """Deliver ``jobs`` with bounded concurrency, their REST calls marked scheduled; never
    raises for a handler. ``on_start`` runs (and must succeed) before each delivery starts.

    Jobs not started because ``stopping()`` turned true are missing from the result.
    """
    results: dict[Key, DeliveryResult] = {}
    slots = asyncio.Semaphore(max_concurrency)

    async def one(job: DueJob) -> None:
        try:
            await on_start(job)
            results[job.key] = await _call(handlers[job.schedule.kind], job, timeout, _deliver)
        finally:
            slots.release()

    tasks: list[asyncio.Task[None]] = []
    with scheduled():  # tasks copy the context: every call they make is scheduled work
        for job in jobs:
            await slots.acquire()
            if stopping():
                slots.release()
                break
            tasks.append(asyncio.create_task(one(job)))
    await asyncio.gather(*tasks)
    return results


def _deliver(handler: DueHandler, job: DueJob) -> Awaitable[DeliveryResult]:
    return handler.deliver(job)


async def _call(
    handler: DueHandler,
    job: DueJob,
    timeout: float,
    step: Callable[[Any, DueJob], Awaitable[DeliveryResult]],
) -> DeliveryResult:
    schedule = job.schedule
    try:
        with scheduled():
            result: Any = await asyncio.wait_for(step(handler, job), timeout)
    except TimeoutError:
        result = Failed(f"timed out after {timeout:g} s")
    except Exception as exc:
        # One failing server never blocks the others: record it and move on.
        log.exception("delivering %s schedule %d raised", schedule.kind, schedule.id)
        result = Failed(f"{type(exc).__name__}: {exc}")
    if not isinstance(result, Delivered | Failed | Skipped | Unfinished):
        result = Failed(f"handler returned {type(result).__name__}, not a delivery result")
    if isinstance(result, Failed | Unfinished):
        log.warning(
            "%s schedule %d %s for %s%s: %s",
            schedule.kind,
            schedule.id,
            "failed" if isinstance(result, Failed) else "is out but unfinished",
            job.local_date,
            " (paused)" if isinstance(result, Failed) and result.pause else "",
            result.error,
        )
    return result
