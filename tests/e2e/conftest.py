"""End-to-end fixtures; the stand-in, sample server and data dir are in tests/conftest.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from helpers import KEY

from bot.app import KindredBot
from bot.demo.harness import ManualClock, SampleServer, running_kindred
from bot.standin import StandIn


@pytest.fixture
async def bot(
    standin: StandIn, server: SampleServer, data_dir: Path, clock: ManualClock
) -> AsyncIterator[KindredBot]:
    """Kindred on the sample server, its engine on the test module's own ``clock`` fixture."""
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as kindred:
        yield kindred
