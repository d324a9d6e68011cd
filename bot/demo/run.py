"""`python -m bot demo`: the real bot in a sample server on the local stand-in.

No token, no network, a temporary database and an accelerated clock: the
transcript shows what each person in the server sees. Each feature adds its
scene as a module in ``bot/demo/scenes/`` (``ORDER`` and ``async def play(demo)``).
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import re
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.app import KindredBot, quiet_voice_warnings
from bot.core.clock import relative
from bot.demo import scenes as demo_scenes
from bot.demo.harness import (
    ManualClock,
    SampleServer,
    build_sample_server,
    running_kindred,
)
from bot.demo.transcript import Transcript
from bot.standin import StandIn

log = logging.getLogger(__name__)

# Monday 23 November 2026, 07:30 in Europe/Berlin: the sample server's morning.
DEMO_START = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)
EPHEMERAL = 1 << 6


@dataclass
class Demo:
    """What a scene works with: the world, the bot, the clock and the transcript."""

    t: Transcript
    server: SampleServer
    bot: KindredBot
    clock: ManualClock

    @property
    def standin(self) -> StandIn:
        return self.server.standin

    async def slash(self, who: Any, channel: Any, command: str, /, **options: Any) -> Any:
        """Run a slash command as ``who`` and show what they (or the channel) see."""
        shown = " ".join(f"{k}:{getattr(v, 'name', v)}" for k, v in options.items())
        where = f"#{channel.name}" if channel is not None else "DM"
        self.t.said(who.name, where, f"/{command}" + (f" {shown}" if shown else ""))
        it = await self.standin.slash(who, channel, command, options=options)
        await self.show_response(who, where, it)
        return it

    async def show_response(self, who: Any, where: str, it: Any) -> None:
        response = await it.response()
        data = response.get("data") or {}
        if response["type"] == 5:  # deferred: the answer comes as a followup
            message = await it.followup()
            private = bool(int(message.get("flags") or 0) & EPHEMERAL)
            self.t.message("Kindred", who.name if private else where, message, private=private)
        elif response["type"] in (4, 7):
            private = bool(int(data.get("flags") or 0) & EPHEMERAL)
            self.t.message("Kindred", who.name if private else where, data, private=private)
        elif response["type"] == 9:
            self.t.note(f"{who.name} sees a form: “{data.get('title')}”")

    async def advance_to(self, moment: datetime) -> None:
        """Move the accelerated clock and let the scheduler do what is now due."""
        self.clock.now = moment
        await self.bot.engine.run_due(moment)


Scene = Callable[[Demo], Awaitable[None]]

_CHANNEL = re.compile(r"<#([0-9]+)>")
_ROLE = re.compile(r"<@&([0-9]+)>")
_USER = re.compile(r"<@!?([0-9]+)>")
_TIME = re.compile(r"<t:(-?[0-9]+)(?::([tTdDfFR]))?>")


def markup_resolver(standin: StandIn, clock: ManualClock) -> Callable[[str], str]:
    """Show mentions and timestamps as a Discord client renders them."""
    world = standin.world

    def channel(match: re.Match[str]) -> str:
        for guild in world.guilds.values():
            found = guild.channels.get(int(match[1]))
            if found is not None:
                return f"#{found.name}"
        return "#unknown-channel"

    def role(match: re.Match[str]) -> str:
        for guild in world.guilds.values():
            found = guild.roles.get(int(match[1]))
            if found is not None:
                return f"@{found.name}"
        return "@unknown-role"

    def user(match: re.Match[str]) -> str:
        found = world.users.get(int(match[1]))
        return f"@{found.name}" if found is not None else "@unknown-user"

    def timestamp(match: re.Match[str]) -> str:
        moment = datetime.fromtimestamp(int(match[1]), tz=UTC)
        if match[2] == "R":
            return relative(moment, clock())
        return moment.strftime("%a %d %b %Y, %H:%M UTC")

    def resolve(text: str) -> str:
        text = _CHANNEL.sub(channel, text)
        text = _ROLE.sub(role, text)
        text = _USER.sub(user, text)
        return _TIME.sub(timestamp, text)

    return resolve


def discover_scenes() -> list[tuple[int, str, Scene]]:
    scenes: list[tuple[int, str, Scene]] = []
    for info in pkgutil.iter_modules(demo_scenes.__path__):
        module = importlib.import_module(f"{demo_scenes.__name__}.{info.name}")
        scenes.append((int(module.ORDER), info.name, module.play))
    return sorted(scenes, key=lambda s: (s[0], s[1]))


async def run_demo(*, verbose: bool = False, echo: bool = True) -> Transcript:
    # The transcript is the output; logs only for errors (or everything with --verbose).
    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
    )
    quiet_voice_warnings()
    started = time.monotonic()
    clock = ManualClock(DEMO_START)
    with tempfile.TemporaryDirectory(prefix="kindred-demo-") as tmp:
        async with StandIn(message_content=True) as standin:
            t = Transcript(echo=echo, resolve=markup_resolver(standin, clock))
            t.add("Kindred demo: the real bot, logged into a local Discord stand-in (no network).")
            server = build_sample_server(standin)
            async with running_kindred(standin, Path(tmp) / "data", clock=clock) as bot:
                t.note(
                    f"Server '{server.guild.name}': #general, #support; members "
                    f"{server.admin.name}, {server.moderator.name}, "
                    f"{server.alice.name}, {server.bob.name}, {server.closed_dms.name}."
                )
                demo = Demo(t=t, server=server, bot=bot, clock=clock)
                for _, _, play in discover_scenes():
                    await play(demo)
                if standin.unknown_routes:
                    t.note(f"stand-in saw unknown routes: {standin.unknown_routes}")
                for violation in standin.schema_violations:
                    t.note(f"stand-in refused a body Discord's description refuses: {violation}")
    t.scene(f"Done in {time.monotonic() - started:.1f} s")
    return t
