"""/kindred status reports on every feature for the server it is run in."""

from __future__ import annotations

from typing import Any

from bot.app import KindredBot
from bot.demo.harness import SampleServer


def _fields(response: dict[str, Any]) -> dict[str, str]:
    (embed,) = response["data"]["embeds"]
    return {f["name"]: f["value"] for f in embed["fields"]}


async def test_status_has_a_line_for_every_feature(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    fields = _fields(await (await s.standin.slash(s.admin, s.general, "kindred status")).response())
    for feature in ("Scheduler", "Daily prompts", "Support requests", "Active listening"):
        assert feature in fields, fields
    assert fields["Check-ins"] == "No one has started check-ins from this server."

    it = await s.standin.slash(s.alice, s.general, "checkin start", options={"time": "19:00"})
    await it.response()
    it = await s.standin.slash(s.closed_dms, s.general, "checkin start", options={"time": "19:00"})
    await it.response()
    await kindred.store.mark_checkin_unreachable(s.closed_dms.id, kindred.clock())
    fields = _fields(await (await s.standin.slash(s.admin, s.general, "kindred status")).response())
    assert fields["Check-ins"] == (
        "2 members check in privately from here; 1 paused because their DMs are closed."
    )
