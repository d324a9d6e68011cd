"""The daily fan-out through a SIGKILL: the real bot in a child process, the stand-in with
Discord's global limit on, killed mid fan-out and restarted on the same data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_a_bot_killed_mid_fan_out_gives_every_server_exactly_one_post_with_its_thread() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.fanout", "--servers", "60", "--kill-at", "1.2", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    outcome = json.loads(done.stdout.strip().splitlines()[-1])
    assert outcome["killed_at"] is not None and outcome["restarts"] == 1
    # Killed before the end: 60 posts with threads are 120 calls, about 2.4 s at 49/s.
    assert outcome["killed_at"] < outcome["floor_s"]
    assert (outcome["duplicates"], outcome["without_thread"], outcome["missed"]) == (0, 0, 0)
    # Only deliveries caught between their post and its record read history again.
    assert outcome["history_reads_after_restart"] <= 16
