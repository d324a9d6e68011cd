from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import KindredBot
from bot.demo.harness import SampleServer, build_sample_server, running_kindred
from bot.standin import StandIn
from bot.store import Store


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    async with StandIn(message_content=True) as fake_discord:
        yield fake_discord


@pytest.fixture
def server(standin: StandIn) -> SampleServer:
    return build_sample_server(standin)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
async def kindred(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> AsyncIterator[KindredBot]:
    async with running_kindred(standin, data_dir, key=b"k" * 32) as bot:
        yield bot


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh, migrated database in the test's own folder."""
    opened = await Store.open(tmp_path / "kindred.db")
    try:
        yield opened
    finally:
        await opened.close()
