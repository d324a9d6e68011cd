"""Backup while running → lose the database → restore → schedules resume, nothing doubles."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from helpers import KEY, prompt_posts, schedule_prompt

from bot.demo.harness import ManualClock, SampleServer, running_kindred
from bot.standin import StandIn

REPO = Path(__file__).resolve().parents[2]


def _backup(data_dir: Path, target: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KINDRED_", "DISCORD_"))}
    env.update(KINDRED_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "backup", str(target)],
        env=env,
        cwd=data_dir.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


async def test_restored_backup_resumes_and_the_next_post_happens_once(
    standin: StandIn, server: SampleServer, data_dir: Path, tmp_path: Path
) -> None:
    clock = ManualClock(datetime(2026, 6, 1, 7, 0, tzinfo=UTC))
    backup = tmp_path / "kindred-backup.db"
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await schedule_prompt(server, server.admin, server.general, time="09:00")
        await bot.engine.run_due(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
        assert len(prompt_posts(standin, server.general)) == 1
        _backup(data_dir, backup)  # online, while the bot runs

    # Disaster: the database is gone. Restore the backup, keep the key.
    for suffix in ("", "-wal", "-shm"):
        (data_dir / f"kindred.db{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, data_dir / "kindred.db")

    clock.now = datetime(2026, 6, 2, 8, 0, tzinfo=UTC)
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await bot.engine.wait_idle()
        # Today's post was already made before the backup: no repeat.
        await bot.engine.run_due(clock.now)
        assert len(prompt_posts(standin, server.general)) == 1
        # The next due post happens, exactly once, however often the engine runs.
        clock.now = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
        for _ in range(3):
            await bot.engine.run_due(clock.now)
        assert len(prompt_posts(standin, server.general)) == 2
        it = await standin.slash(server.alice, server.general, "prompt status")
        response = await it.response()
        assert "09:00" in str(response["data"])
