"""The bot's side of the benches: one bot (Kindred or the bare baseline) in its own process.

Started by :mod:`bench.procs` as ``python -m bench.child KIND API GATEWAY TOKEN APP_ID DATA``
(KIND ``kindred`` or ``bare``), logged into the stand-in that runs in the bench's process. It
prints ``READY <servers>`` once discord.py is ready and every server's GUILD_CREATE has
arrived, then answers one command per stdin line, each answer ending with a line ``END``:

- ``profile start`` / ``profile stop PATH``: cProfile around a measurement (main thread only:
  aiosqlite's worker thread is not seen), stats written to PATH;
- ``tracemalloc N``: the top N allocation sites (:func:`top_allocations`; the process must
  run with ``-X tracemalloc=F``, which starts tracing before the first import);
- ``quit`` (or end of input): close the bot and exit.

Kindred is imported only when KIND is ``kindred``: the bare child loads discord.py and nothing
of Kindred's, so its memory and CPU are a true floor.
"""

from __future__ import annotations

import asyncio
import cProfile
import logging
import os
import sys
import tracemalloc
from collections.abc import Awaitable, Callable
from pathlib import Path

import discord
import yarl

from bench.bare import BareBot

KEY = bytes(range(32))  # the sealing key of every Kindred bench child
ROOT = Path(__file__).resolve().parents[1]
KINDRED_DIRS = (str(ROOT / "bot") + "/", str(ROOT / "cogs") + "/")
Closer = Callable[[], Awaitable[None]]


async def start_kindred(
    api: str, gateway: str, token: str, app_id: int, data: str
) -> tuple[discord.Client, Closer]:
    """KindredBot built as ``python -m bot`` builds it (``bot.__main__.run_bot``): the
    library, the store opened and migrated by ``open_core``, the bot on them.

    Not ``bot.demo.harness.make_kindred``: importing the harness imports the stand-in with
    it (aiohttp's server, jsonschema, 78 modules in all), which a deployed Kindred never
    loads and which would be counted against it here."""
    # Costly and optional: only the Kindred child may load Kindred (see the module docstring).
    from bench.settings import stand_in_settings
    from bot.__main__ import open_core, point_discord_at
    from bot.app import kindred_class
    from bot.core import log_privacy
    from bot.core.library import load_library

    log_privacy.install()
    settings = stand_in_settings(token, app_id, data, api, gateway, secret_key=KEY)
    library = load_library(settings.prompts_path)
    store, sealer, _ = await open_core(settings, accept_new_key=True)
    point_discord_at(settings)
    bot = kindred_class(settings)(store=store, settings=settings, sealer=sealer, library=library)
    return bot, store.close


async def start_bare(api: str, gateway: str) -> tuple[discord.Client, Closer]:
    discord.http.Route.BASE = api
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)

    async def nothing() -> None:
        return None

    return BareBot(), nothing


def all_guilds_arrived(bot: discord.Client) -> bool:
    return bot.is_ready() and not any(guild.unavailable for guild in bot.guilds)


async def stdin_lines() -> asyncio.StreamReader:
    """stdin as a stream on the event loop (no reader thread, which would cost memory)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


def answer(lines: list[str]) -> None:
    print("\n".join([*lines, "END"]), flush=True)


def top_allocations(count: int) -> list[str]:
    """Where the memory still allocated was allocated, three ways, ``count`` rows each:

    - by line: the innermost frame outside the import machinery (what a module allocates
      while it is imported counts against its own line);
    - by file: the same, summed per file;
    - by Kindred line, when more than one frame is traced: the innermost frame in ``bot/``
      or ``cogs/``, so what the libraries it calls allocate (compiled patterns, parsed YAML,
      discord.py's caches) is charged to the line of Kindred's that asked; an allocation
      deeper than the frames kept counts as "(not seen)"."""
    if not tracemalloc.is_tracing():
        return ["tracemalloc is off: start the child with -X tracemalloc=F"]
    views: dict[str, dict[str, list[int]]] = {"by line": {}, "by file": {}}
    if tracemalloc.get_traceback_limit() > 1:
        views["by Kindred line"] = {}
    total = 0
    for trace in tracemalloc.take_snapshot().traces:
        frames = list(trace.traceback)  # the most recent frame is last
        outside = [f for f in frames if not f.filename.startswith("<frozen")] or frames
        own = [f for f in frames if f.filename.startswith(KINDRED_DIRS)]
        keys = {
            "by line": f"{outside[-1].filename}:{outside[-1].lineno}",
            "by file": outside[-1].filename,
            "by Kindred line": f"{own[-1].filename}:{own[-1].lineno}" if own else "(not seen)",
        }
        for view, rows in views.items():
            found = rows.setdefault(keys[view], [0, 0])
            found[0] += trace.size
            found[1] += 1
        total += trace.size
    lines = [f"traced: {total / 2**20:.1f} MiB still allocated"]
    for view, rows in views.items():
        lines.append(f"{view}:")
        for key, (size, blocks) in sorted(rows.items(), key=lambda kv: -kv[1][0])[:count]:
            lines.append(f"{size / 1024:9.1f} KiB {blocks:8d} blocks  {key}")
    return lines


async def serve(kind: str, api: str, gateway: str, token: str, app_id: int, data: str) -> None:
    if kind == "kindred":
        bot, close_store = await start_kindred(api, gateway, token, app_id, data)
    elif kind == "bare":
        bot, close_store = await start_bare(api, gateway)
    else:
        raise SystemExit(f"unknown bot kind {kind!r}")
    # discord.py waits 2 s after the last GUILD_CREATE before on_ready; the stand-in sends
    # them all at once (the test kit's fast_ready does the same).
    bot._connection.guild_ready_timeout = float(os.environ.get("BENCH_GUILD_READY", "0.05"))
    profiler: cProfile.Profile | None = None
    try:
        await bot.login(token)
        runner = asyncio.create_task(bot.connect())
        while not all_guilds_arrived(bot):
            if runner.done():
                runner.result()
                raise RuntimeError("the bot stopped before it was ready")
            await asyncio.sleep(0.01)
        print(f"READY {len(bot.guilds)}", flush=True)
        commands = await stdin_lines()
        while line := (await commands.readline()).decode().strip():
            verb, _, rest = line.partition(" ")
            if verb == "quit":
                break
            if verb == "profile" and rest == "start":
                profiler = cProfile.Profile()
                profiler.enable()
                answer([])
            elif verb == "profile" and rest.startswith("stop ") and profiler is not None:
                profiler.disable()
                profiler.dump_stats(rest.removeprefix("stop "))
                profiler = None
                answer([])
            elif verb == "tracemalloc":
                answer(top_allocations(int(rest or "25")))
            else:
                answer([f"unknown command {line!r}"])
    finally:
        await bot.close()
        await close_store()


def main(argv: list[str]) -> int:
    kind, api, gateway, token, app_id, data = argv
    logging.basicConfig(
        level=logging.WARNING,
        format=f"%(asctime)s {kind} %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("discord.client").setLevel(logging.ERROR)  # no voice: no PyNaCl warning
    asyncio.run(serve(kind, api, gateway, token, int(app_id), data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
