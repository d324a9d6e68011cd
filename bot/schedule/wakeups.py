"""When the engine runs: APScheduler's safety-net tick and a wake-up at the earliest due row.

APScheduler holds two jobs, never one per row (DESIGN.md, "the database is the
schedule"). It reads wall time and has no injectable clock, so the engine hands
it delays measured on the engine's own clock.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler

TICK_JOB = "kindred-engine-tick"
WAKE_JOB = "kindred-engine-wakeup"


class Wakeups:
    """Calls ``callback`` every ``tick_interval`` seconds and once at each armed moment."""

    def __init__(
        self,
        callback: Callable[[], Awaitable[None]],
        *,
        tick_interval: float,
        misfire_grace: int,
    ) -> None:
        self._callback = callback
        self._tick_interval = tick_interval
        # Generous: a wake-up delayed by a busy loop must still run, never be dropped.
        self._misfire_grace = misfire_grace
        self._scheduler: AsyncIOScheduler | None = None

    @property
    def running(self) -> bool:
        return self._scheduler is not None

    def start(self) -> None:
        if self._scheduler is not None:
            return
        scheduler = AsyncIOScheduler(timezone=UTC)
        scheduler.add_job(
            self._callback,
            "interval",
            seconds=self._tick_interval,
            id=TICK_JOB,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=self._misfire_grace,
        )
        scheduler.start()
        self._scheduler = scheduler

    def shutdown(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            scheduler.shutdown(wait=False)

    def arm(self, delay: timedelta | None) -> None:
        """Wake once after ``delay`` (replacing the previous wake-up); None disarms."""
        scheduler = self._scheduler
        if scheduler is None:
            return
        if delay is None:
            with contextlib.suppress(JobLookupError):
                scheduler.remove_job(WAKE_JOB)
            return
        scheduler.add_job(
            self._callback,
            "date",
            run_date=datetime.now(UTC) + max(delay, timedelta(0)),
            id=WAKE_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=self._misfire_grace,
        )

    def jobs(self) -> list[str]:
        """Ids of the jobs APScheduler holds (for tests and health)."""
        return [] if self._scheduler is None else [j.id for j in self._scheduler.get_jobs()]
