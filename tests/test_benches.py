"""The comparison benches (bench/interactions.py, messages.py, memory.py) and the scale-out
bench (bench/scaleout.py) run at tiny sizes.

Each runs the real Kindred and the bare discord.py bot in child processes against a stand-in
in the test's process, and must print JSON with a figure for both bots and a ratio, and a
table from it. Timings are never asserted: a loaded machine would make such a test flaky,
and the benches exist to measure, not to gate.
"""

from __future__ import annotations

import json
import math
import tracemalloc
from typing import Any

import pytest

from bench import child, interactions, memory, messages
from bench.procs import percentile


def run_json(main: Any, argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main([*argv, "--json"]) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    return result


def positive(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


def not_negative(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value >= 0


def test_interactions_bench_measures_both_bots(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(interactions.main, ["--runs", "1", "--unloaded", "5", "--burst", "5"], capsys)
    assert len(result["kindred"]) == len(result["bare"]) == 1
    assert set(result["kindred"][0]) == set(interactions.PAIRS)
    assert set(result["bare"][0]) == set(interactions.PAIRS.values())
    timed = [row for row in result["summary"] if "(ms)" in row["figure"]]
    assert len(timed) == 2 * len(interactions.PAIRS)
    for row in timed:
        assert positive(row["kindred"]) and positive(row["bare"]) and positive(row["ratio"])
    table = interactions.report(result)
    assert "/kindred status unloaded p50 (ms)" in table and "mood button burst p99" in table


def test_messages_bench_measures_both_bots(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--messages", "50", "--rounds", "1", "--only", "watched, crisis scan", "--idle", "0.5"]
    result = run_json(messages.main, argv, capsys)
    (row,) = result["summary"]
    assert row["scenario"] == "watched, crisis scan"
    # 50 messages cost the bare bot less than one clock tick of CPU (10 ms) on a fast machine,
    # so its figure may read 0 and the ratio None; only the shape is checked here.
    assert positive(row["kindred_cpu_ms_per_message"])
    assert not_negative(row["bare_cpu_ms_per_message"])
    assert row["ratio"] is None or positive(row["ratio"])
    assert all(isinstance(row[k], int) for k in ("nudges", "crisis_dms", "alerts"))
    assert "watched, crisis scan" in messages.report(result)


def test_memory_bench_measures_both_bots(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(memory.main, ["--servers", "20", "--runs", "1"], capsys)
    assert [m["servers"] for m in result["kindred"] + result["bare"]] == [20, 20]
    assert [row["figure"] for row in result["summary"]] == ["VmRSS (MiB)", "VmHWM (MiB)"]
    for row in result["summary"]:
        assert positive(row["kindred"]) and positive(row["bare"]) and positive(row["ratio"])
    assert "VmHWM (MiB)" in memory.report(result)


def test_the_message_mix_holds_every_kind_of_line() -> None:
    lines = list(messages.conversation(2000, 40))
    texts = {line.text for line in lines}
    for pool in (messages.SHARES, messages.ADVISING, messages.LISTENING, messages.BANTER):
        assert texts & set(pool)
    assert texts & set(messages.CRISIS)
    assert all(line.reply_to is None or line.reply_to < i for i, line in enumerate(lines))
    assert lines == list(messages.conversation(2000, 40))  # seeded: the same every run


def test_allocation_sites_are_listed_by_line_and_file() -> None:
    tracemalloc.start(2)
    try:
        kept = [bytearray(1000) for _ in range(100)]
        lines = child.top_allocations(3)
    finally:
        tracemalloc.stop()
    assert kept and lines[0].startswith("traced:")
    assert {"by line:", "by file:", "by Kindred line:"} <= set(lines)


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [([3.0, 1.0, 2.0], 50, 2.0), ([float(i) for i in range(1, 101)], 99, 99.0), ([5.0], 99, 5.0)],
)
def test_percentile_is_nearest_rank(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == expected


def test_scaleout_bench_runs_two_shard_processes_exactly_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from bench import scaleout

    assert scaleout.main(["--servers", "30", "--json"]) == 0
    runs = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert [r["processes"] for r in runs] == [2, 2]
    assert [r["restarts"] for r in runs] == [0, 1]
    assert runs[1]["killed_at"] is not None and runs[1]["killed_at"] < runs[1]["floor_s"]
    for r in runs:
        assert (r["duplicates"], r["without_thread"], r["missed"]) == (0, 0, 0)
        assert positive(r["ratio"])
        # Each at half the budget, together they keep the global limit. (Both at the whole
        # budget would send about 100 calls a second and draw dozens; jitter may draw one.)
        assert r["global_429s"] <= 2
