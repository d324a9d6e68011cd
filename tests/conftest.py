"""Fixtures for every test: the stand-in, the sample server, the running Kindred, a store.

The test folders mirror the packages and have no ``__init__.py``, so pytest puts each test's
own folder on ``sys.path`` and this file puts tests/ there: the helper modules here
(sealing_key, library_helpers, scheduler_fakes, import_rules) import by plain name anywhere,
and every test file's name must be unique across the whole tree.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sealing_key import KEY

from bot.app import KindredBot
from bot.core.clock import Clock, utc_now
from bot.demo.harness import SampleServer, build_sample_server, running_kindred
from bot.standin import StandIn, schemas
from bot.store import Store


@pytest.fixture(autouse=True)
def no_schema_violations() -> Iterator[None]:
    """Fails a test whose stand-ins (fixture or built in the test) saw a request body that
    Discord's OpenAPI description refuses: the bot may have handled the 400 quietly. A test
    that sends one on purpose asserts it and clears ``standin.schema_violations``."""
    schemas.forget()
    yield
    found = schemas.outstanding()
    schemas.forget()
    if found:
        listed = "\n".join(f"  {v}" for v in found)
        pytest.fail(
            f"request bodies Discord's OpenAPI description refuses:\n{listed}", pytrace=False
        )


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
def clock() -> Clock:
    """The running bot's clock: the real one, unless the test module defines its own ``clock``
    fixture (usually a ManualClock), which then drives ``kindred`` too."""
    return utc_now


@pytest.fixture
async def kindred(
    standin: StandIn, server: SampleServer, data_dir: Path, clock: Clock
) -> AsyncIterator[KindredBot]:
    """Kindred on the sample server, on the ``clock`` fixture, sealing with the shared KEY."""
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as running:
        yield running


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    """A fresh, migrated database in the test's own folder."""
    opened = await Store.open(tmp_path / "kindred.db")
    try:
        yield opened
    finally:
        await opened.close()
