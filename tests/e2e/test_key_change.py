"""A changed sealing key: refused until confirmed; then what it loses is lost, all else works."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import bot_said, open_request, prompt_posts, schedule_prompt, setup_support

from bot.core.sealing import KeyChangedError, Sealer, verify_key
from bot.demo.harness import ManualClock, SampleServer, running_kindred
from bot.standin import StandIn
from bot.store import Store

OLD_KEY, NEW_KEY = b"o" * 32, b"n" * 32


async def test_new_key_refused_then_accepted_and_everything_else_works(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    s = server
    clock = ManualClock(datetime(2026, 6, 1, 7, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=OLD_KEY):
        await setup_support(s)
        await open_request(s, s.alice)
        await schedule_prompt(s, s.admin, s.general, time="09:00")
    (old_thread,) = standin.threads_of(s.support)

    store = await Store.open(data_dir / "kindred.db")
    try:
        with pytest.raises(KeyChangedError) as refused:
            await verify_key(store, Sealer(NEW_KEY), accept_new_key=False)
        explanation = str(refused.value)
        assert "--accept-new-key" in explanation
        for lost in ("support", "block", "rate-limit", "notes"):
            assert lost in explanation
        assert (await verify_key(store, Sealer(NEW_KEY), accept_new_key=True)).status == "replaced"
    finally:
        await store.close()

    async with running_kindred(standin, data_dir, clock=clock, key=NEW_KEY) as bot:
        # The old request's requester can no longer be reached; the thread says so, no crash.
        await standin.post(s.bob, old_thread, "Still here for you.")
        await bot_said(s, old_thread, "can no longer reach them")
        assert not any("Still here" in (m.get("content") or "") for m in standin.dms(s.alice))
        # Everything else works: schedules, new requests and their relays, status.
        clock.now = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
        await bot.engine.run_due(clock.now)
        assert len(prompt_posts(standin, s.general)) == 1
        await open_request(s, s.bob, title="New week", text="I could use some company.")
        new_thread = standin.threads_of(s.support)[-1]
        await standin.post(s.bob, new_thread, "ok")  # the requester in their own thread: quiet
        it = await standin.slash(s.admin, s.general, "kindred status")
        assert (await it.response())["type"] == 4
