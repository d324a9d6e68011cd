"""The /kindred scene: help, privacy, status, and a member's own data."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.demo.run import Demo

ORDER = 90


async def play(demo: Demo) -> None:
    s, t = demo.server, demo.t
    t.scene("Getting to know Kindred")
    await demo.slash(s.alice, s.general, "kindred help")
    await demo.slash(s.alice, s.general, "kindred privacy")
    t.scene("An admin checks on the bot")
    await demo.slash(s.admin, s.general, "kindred status")
    await demo.slash(s.alice, s.general, "kindred status")
    t.note("Admin subcommands check permissions when they run: Alice is told, privately.")
    t.scene("A member looks at, then deletes, their data")
    await demo.slash(s.alice, s.general, "kindred my-data")
    await demo.slash(s.alice, s.general, "kindred forget-me")
