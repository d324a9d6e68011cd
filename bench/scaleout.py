"""Benchmark: Kindred as two shard processes on one database, through a SIGKILL (issue 14).

Run with ``python -m bench.scaleout`` (``--servers N``, default 1,000; ``--json``). N servers
have their daily prompt due in the same minute; the bot runs as two processes, shards 0 and 1
of 2 (``KINDRED_SHARD_COUNT=2``, ``KINDRED_SHARD_IDS=0`` and ``=1``), on one database, each
with half of Discord's global budget, against the stand-in enforcing the global limit. Two
runs: both processes to the end; then shard 0's process SIGKILLed a quarter of the way
through the floor and restarted on the same data. Each prints the time to the last post with
its thread against the floor (N × 2 ÷ 50 s, the baseline no bot can beat), the global 429s,
and per server duplicates and misses.

The database is the embedded SQLite file both processes open (WAL); the PostgreSQL backend
issue 14 asks for is not built yet (docs/postgresql-port.md). Built on ``bench.fanout``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from dataclasses import asdict

from bench.fanout import Outcome, run


def table(runs: list[tuple[str, Outcome]]) -> str:
    lines = [
        "| run | floor | last post with its thread | ratio | global 429s | "
        "duplicates / without thread / missed |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, o in runs:
        last = "not reached" if o.last_done_s is None else f"{o.last_done_s:.2f} s"
        ratio = "—" if o.ratio is None else f"{o.ratio:.3f}"
        lines.append(
            f"| {name} | {o.floor_s:.2f} s | {last} | {ratio} | {o.global_429s} | "
            f"{o.duplicates} / {o.without_thread} / {o.missed} |"
        )
    return "\n".join(lines)


async def scaleout(servers: int) -> list[tuple[str, Outcome]]:
    plain = await run(servers, processes=2)
    kill_at = round(plain.floor_s / 4, 1)
    killed = await run(servers, processes=2, kill_at=kill_at)
    at = killed.killed_at if killed.killed_at is not None else kill_at
    return [
        (f"{servers:,} servers, 2 shard processes", plain),
        (f"the same, shard 0's process SIGKILLed at {at:.1f} s and restarted", killed),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scaleout", description=__doc__)
    parser.add_argument("--servers", type=int, default=1000)
    parser.add_argument("--json", action="store_true", help="print the outcomes as JSON")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    runs = asyncio.run(scaleout(args.servers))
    if args.json:
        print(json.dumps([{"run": n, **asdict(o), "ratio": o.ratio} for n, o in runs]))
    else:
        print(
            f"scale-out bench: {args.servers} servers due in one minute, two shard processes "
            "on one SQLite database, Discord's global limit on"
        )
        print(table(runs))
    return 0 if all(o.complete for _, o in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
