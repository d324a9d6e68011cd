"""Fakes for the due-work engine's tests: a settable clock, a fake monotonic time, a handler
that records what it was asked to deliver, and engine/schedule builders."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, time

from bot.schedule.engine import (
    Delivered,
    DeliveryResult,
    DueJob,
    Engine,
)
from bot.schedule.rules import Rule, nonce_for
from bot.store import Store
from bot.store.schedule import Claim, Schedule

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # a Thursday
BERLIN_9 = Rule(time(9, 0), "Europe/Berlin")  # 08:00Z in November


def Z(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class FakeTime:
    """A monotonic clock that only moves when the engine sleeps."""

    def __init__(self) -> None:
        self.t = 0.0
        self.slept = 0.0

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        # Let tasks already started reach their handler "now", before time moves
        # (wait_for wraps the handler in a task of its own: a few loop turns).
        for _ in range(5):
            await asyncio.sleep(0)
        self.t += seconds
        self.slept += seconds


class Handler:
    def __init__(self, result: Callable[[DueJob], DeliveryResult] | None = None) -> None:
        self.jobs: list[DueJob] = []
        self.checked: list[DueJob] = []
        self.sent_nonces: set[str] = set()
        self.result = result or (lambda job: Delivered(message_id=1000 + job.schedule.id))

    async def deliver(self, job: DueJob) -> DeliveryResult:
        self.jobs.append(job)
        outcome = self.result(job)
        self.sent_nonces.add(job.nonce)
        return outcome

    async def already_delivered(self, job: DueJob) -> bool:
        self.checked.append(job)
        return job.nonce in self.sent_nonces


def make_engine(store: Store, clock: Clock, handler: Handler, **kw: object) -> Engine:
    engine = Engine(store, clock=clock, **kw)  # type: ignore[arg-type]
    engine.register("prompt", handler)
    return engine


async def save(
    engine: Engine, guild_id: int = 1, rule: Rule = BERLIN_9, kind: str = "prompt"
) -> Schedule:
    return await engine.save_schedule(kind=kind, rule=rule, guild_id=guild_id, channel_id=77)


async def started_claim(store: Store, sid: int, day: date, due: datetime, at: datetime) -> None:
    """What a crash mid-delivery leaves: claimed, started, no message recorded."""
    assert await store.claim_delivery(claim_for(sid, day, due), at)
    await store.mark_started(sid, day, at)


def claim_for(sid: int, day: date, due: datetime) -> Claim:
    """A ledger claim for one schedule and local date, with the nonce the engine would use."""
    return Claim(sid, day, nonce_for(sid, day), due)
