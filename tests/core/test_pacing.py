"""The REST call budget: even spacing, interactive calls first, learning from 429s."""

from __future__ import annotations

import asyncio
import itertools

import pytest
from multidict import CIMultiDict

from bot.core.pacing import CATCH_UP, INVALID_SOFT_LIMIT, CallBudget, scheduled


class FakeTime:
    """Monotonic time that moves only when the budget sleeps."""

    def __init__(self) -> None:
        self.t = 100.0

    def monotonic(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        for _ in range(3):  # callers already released run "now", before time moves
            await asyncio.sleep(0)
        self.t += seconds


def budget(rate: float = 10.0) -> tuple[CallBudget, FakeTime]:
    fake = FakeTime()
    return CallBudget(rate, monotonic=fake.monotonic, sleep=fake.sleep), fake


async def test_calls_leave_evenly_spaced_and_at_most_the_rate_in_0_99_s() -> None:
    pacer, fake = budget(10.0)
    left: list[float] = []

    async def call() -> None:
        await pacer.take()
        left.append(fake.t)

    await asyncio.gather(*(call() for _ in range(50)))
    assert len(left) == 50
    gaps = [b - a for a, b in itertools.pairwise(left)]
    # After idle a slot may come CATCH_UP early, never earlier, and never a burst.
    assert min(gaps) >= 0.1 - CATCH_UP - 1e-9 and max(gaps) <= 0.1 + CATCH_UP + 1e-9
    assert left[-1] - left[0] == pytest.approx(4.9, abs=0.06)  # 10 a second, sustained
    for first in left:  # never more than the rate in 0.99 s, nor rate + 1 in a second
        assert sum(first <= t < first + 1.0 - CATCH_UP - 1e-9 for t in left) <= 10
        assert sum(first <= t < first + 1.0 - 1e-9 for t in left) <= 11
    assert pacer.stats.calls == 50 and pacer.stats.waited_s > 0


async def test_an_interactive_call_overtakes_every_waiting_scheduled_one() -> None:
    pacer, _ = budget(10.0)
    order: list[str] = []

    async def call(name: str, background: bool) -> None:
        await pacer.take(scheduled=background)
        order.append(name)

    with scheduled():  # tasks created here inherit the mark, as the engine's do
        batch = [asyncio.create_task(call(f"s{i}", True)) for i in range(20)]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    press = asyncio.create_task(call("press", False))
    await asyncio.gather(*batch, press)
    # The first scheduled call took the free slot; the press went next, ahead of 19 others.
    assert order.index("press") <= 2
    assert order[-1] == "s19"


async def test_the_scheduled_mark_reaches_calls_made_inside_it() -> None:
    pacer, _ = budget(10.0)
    with scheduled():
        await pacer.take()
    await pacer.take()
    assert (pacer.stats.calls, pacer.stats.scheduled) == (2, 1)


async def test_a_global_429_stops_every_call_for_its_retry_after() -> None:
    pacer, fake = budget(10.0)
    await pacer.take()
    start = fake.t
    headers = CIMultiDict({"X-RateLimit-Scope": "global", "Retry-After": "3"})
    pacer.note_answer(429, headers, {"retry_after": 2.5, "global": True})
    await pacer.take()
    assert fake.t - start == pytest.approx(2.5)
    assert pacer.stats.global_429s == 1 and pacer.stats.invalid_recent == 1


async def test_a_route_429_is_left_to_discord_py() -> None:
    pacer, fake = budget(10.0)
    await pacer.take()
    start = fake.t
    headers = CIMultiDict({"X-RateLimit-Scope": "user"})
    pacer.note_answer(429, headers, {"retry_after": 2.5, "global": False})
    await pacer.take()
    assert fake.t - start == pytest.approx(0.1 - CATCH_UP)  # only the usual spacing
    assert (pacer.stats.global_429s, pacer.stats.route_429s) == (0, 1)


async def test_many_invalid_answers_slow_scheduled_work_but_not_interactive() -> None:
    pacer, fake = budget(40.0)
    for _ in range(INVALID_SOFT_LIMIT + 1):
        pacer.note_answer(403, CIMultiDict())
    await pacer.take(scheduled=True)
    start = fake.t
    await pacer.take(scheduled=True)
    assert fake.t - start == pytest.approx(1.0 - CATCH_UP)  # one a second while slowed
    start = fake.t
    await pacer.take(scheduled=False)
    assert fake.t - start == pytest.approx(1 / 40)
    fake.t += 601  # ten minutes on, the count has fallen
    pacer.note_answer(200, CIMultiDict())
    start = fake.t
    await pacer.take(scheduled=True)
    assert fake.t - start == pytest.approx(0.0)


async def test_a_caller_that_gives_up_frees_its_place() -> None:
    pacer, fake = budget(1.0)
    await pacer.take()
    waiting = asyncio.create_task(pacer.take())
    await asyncio.sleep(0)
    waiting.cancel()
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await pacer.take()
    assert fake.t == pytest.approx(101.0 - CATCH_UP)  # the cancelled call took no slot


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        CallBudget(0)


async def test_a_late_call_does_not_push_the_schedule_back_nor_a_stall_make_a_burst() -> None:
    pacer, fake = budget(10.0)
    await pacer.take()  # slot 99.99 (idle), left at 100.0
    fake.t += 0.095  # the loop was busy: the next call asks 5 ms after its slot (100.09)
    await pacer.take()
    start = fake.t
    await pacer.take()  # the one after keeps the original spacing: slot 100.19
    assert fake.t - start == pytest.approx(0.1 - 0.005)
    fake.t += 2.0  # a long stall: the schedule restarts, it does not release a backlog
    await pacer.take()
    start = fake.t
    await pacer.take()
    assert fake.t - start == pytest.approx(0.1 - CATCH_UP)


async def test_calls_that_caught_up_still_keep_the_rate_in_0_99_s() -> None:
    pacer, fake = budget(10.0)
    left: list[float] = []
    for i in range(40):
        await pacer.take()
        left.append(fake.t)
        if i % 10 == 0:
            fake.t += 0.008  # now and then a call leaves late, inside CATCH_UP
    for first in left:
        assert sum(first <= t < first + 1.0 - CATCH_UP - 1e-9 for t in left) <= 10
        assert sum(first <= t < first + 1.0 - 1e-9 for t in left) <= 11
    # and the late ones cost almost nothing: 40 calls in about 3.9 s, not 4.0 + lateness
    assert left[-1] - left[0] < 3.9 + 0.04
