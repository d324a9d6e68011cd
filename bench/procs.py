"""The bench's side of a bot child process, and what the comparison benches share.

Each measurement runs one bot (``kindred`` or ``bare``, see :mod:`bench.child`) in a fresh
process against a fresh stand-in in this process, Kindred and bare alternating (their order
flips each run, so drift on a shared machine falls on both). CPU time and memory are read
from ``/proc/<pid>/stat`` and ``/proc/<pid>/status``: whole-process figures, every thread
(aiosqlite's included) and threads that already ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import math
import os
import pstats
import statistics
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.demo.harness import BOT_PERMISSIONS
from bot.standin import StandIn, schemas

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("kindred", "bare")
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the whole process (``/proc/<pid>/stat`` fields 14 and 15)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    fields = stat[stat.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def memory_kib(pid: int) -> dict[str, int]:
    """``VmRSS`` (resident now) and ``VmHWM`` (peak resident) in KiB."""
    found: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            found[name] = int(value.split()[0])
    return found


class BotProcess:
    """One bot child; see :mod:`bench.child` for its stdin protocol."""

    def __init__(self, kind: str, process: asyncio.subprocess.Process, servers: int) -> None:
        self.kind = kind
        self.process = process
        self.servers = servers

    @classmethod
    async def start(
        cls,
        kind: str,
        standin: StandIn,
        data: Path,
        *,
        tracemalloc: int = 0,
        guild_ready: float | None = None,
        timeout: float = 300,
    ) -> BotProcess:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        if guild_ready is not None:
            env["BENCH_GUILD_READY"] = repr(guild_ready)
        args = [kind, standin.api_base, standin.gateway_url, standin.token]
        args += [str(standin.application_id), str(data)]
        # Tracing from the interpreter's start, keeping `tracemalloc` frames per allocation.
        flags = ["-X", f"tracemalloc={tracemalloc}"] if tracemalloc else []
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *flags,
            "-m",
            "bench.child",
            *args,
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert process.stdout is not None
        async with asyncio.timeout(timeout):
            while not (line := (await process.stdout.readline()).decode()).startswith("READY"):
                if not line:
                    raise RuntimeError(f"the {kind} bot stopped before it was ready")
        return cls(kind, process, int(line.split()[1]))

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def memory_kib(self) -> dict[str, int]:
        return memory_kib(self.pid)

    async def ask(self, command: str, timeout: float = 120) -> list[str]:
        """Send one command line; the lines the child answers, up to its ``END``."""
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None and stdout is not None
        stdin.write(command.encode() + b"\n")
        await stdin.drain()
        lines: list[str] = []
        async with asyncio.timeout(timeout):
            while (line := (await stdout.readline()).decode().rstrip("\n")) != "END":
                if not line and stdout.at_eof():
                    raise RuntimeError(f"the {self.kind} bot exited during {command!r}")
                lines.append(line)
        return lines

    async def stop(self) -> None:
        if self.process.returncode is None and self.process.stdin is not None:
            with contextlib.suppress(ConnectionError):
                self.process.stdin.write(b"quit\n")
                await self.process.stdin.drain()
                self.process.stdin.close()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.process.wait(), 20)
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


@contextlib.asynccontextmanager
async def running(
    kind: str, standin: StandIn, *, tracemalloc: int = 0, guild_ready: float | None = None
) -> AsyncIterator[BotProcess]:
    """A fresh ``kind`` bot child on a fresh data folder, stopped on exit. ``tracemalloc``:
    frames kept per allocation, traced from the start (0: off; tracing slows start-up about
    tenfold with one frame, more with each one added)."""
    with tempfile.TemporaryDirectory(prefix=f"kindred-bench-{kind}-") as tmp:
        child = await BotProcess.start(
            kind,
            standin,
            Path(tmp),
            tracemalloc=tracemalloc,
            guild_ready=guild_ready,
            timeout=3600 if tracemalloc else 300,
        )
        try:
            yield child
        finally:
            await child.stop()


def delivered(standin: StandIn) -> bool:
    """Whether the stand-in's gateway has written every event it dispatched."""
    return all(s.sent_upto >= s.seq for s in standin.gateway.sessions.values())


async def drained(standin: StandIn, timeout: float = 300) -> None:
    async with asyncio.timeout(timeout):
        while not delivered(standin):
            await asyncio.sleep(0.002)


async def settle(
    child: BotProcess,
    standin: StandIn,
    *,
    quiet: float = 0.5,
    poll: float = 0.05,
    timeout: float = 600,
) -> float:
    """Wait until the stand-in has delivered every event and the child's CPU time has not
    moved for ``quiet`` seconds; return that CPU time. (It moves in clock ticks, 10 ms.)"""
    loop = asyncio.get_running_loop()
    last, still_since = child.cpu_seconds(), loop.time()
    async with asyncio.timeout(timeout):
        while True:
            await asyncio.sleep(poll)
            now, used = loop.time(), child.cpu_seconds()
            if used != last or not delivered(standin):
                last, still_since = used, now
            elif now - still_since >= quiet:
                return used


def _no_body_check(server: object, method: str, path: str, payload: Any) -> None:
    return None


@contextlib.contextmanager
def body_checks_off() -> Iterator[None]:
    """Switch off the stand-in's check of request bodies against Discord's OpenAPI
    description while measuring latency. The check runs in the stand-in's process, in
    Python, and is cached by body: a bot repeating one body (the bare bot) pays it once,
    while Kindred, whose bodies differ each time (a check-in's buttons carry its delivery),
    pays about 30 ms of stand-in time per answer, and a burst then measures the stand-in."""
    checking = schemas.check_request
    schemas.check_request = _no_body_check
    try:
        yield
    finally:
        schemas.check_request = checking


def order(run: int) -> tuple[str, str]:
    """Kindred first on even runs, bare first on odd ones."""
    return KINDS if run % 2 == 0 else (KINDS[1], KINDS[0])


@dataclass
class World:
    """One server as the benches use it: #general, #random, #support, the owner, members."""

    guild: Any
    general: Any
    random: Any
    support: Any
    owner: Any
    members: list[Any] = field(default_factory=list)


def build_world(standin: StandIn, members: int, *, name: str = "Bench Commons") -> World:
    guild = standin.add_guild(name, bot_permissions=BOT_PERMISSIONS)
    guild.add_role("Helpers", permissions=0, mentionable=True)
    return World(
        guild=guild,
        general=guild.add_text_channel("general"),
        random=guild.add_text_channel("random"),
        support=guild.add_text_channel("support"),
        owner=guild.owner,
        members=[guild.add_member(f"member-{i}") for i in range(members)],
    )


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q`` percentile (0 < q <= 100)."""
    ranked = sorted(values)
    return ranked[max(0, math.ceil(q / 100 * len(ranked)) - 1)]


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ratio(kindred: float, bare: float) -> float | None:
    return kindred / bare if bare > 0 else None


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        return "  ".join(
            [first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))]
        )

    return "\n".join([line(headers), line(["-" * w for w in widths]), *map(line, rows)])


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def profile_summary(path: Path, top: int = 25) -> str:
    """The top functions of a cProfile dump, by own time and by cumulative time."""
    out = io.StringIO()
    stats = pstats.Stats(str(path), stream=out)
    stats.strip_dirs()
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def profile_path(prefix: str) -> Path:
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".prof")
    os.close(fd)
    return Path(name)
