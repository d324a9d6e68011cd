"""Active listening in real support threads: the request is the share, its style decides."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import KindredBot
from bot.harness import SampleServer

REQUEST = "I've been feeling really low and alone lately, work is crushing me and I can't sleep"
FIXING = "you should just quit that job honestly, and have you tried melatonin?"
KIND = "That sounds so heavy. I'm really glad you said something. I'm here."


async def _slash(s: SampleServer, who: Any, command: str, **options: Any) -> dict[str, Any]:
    it = await s.standin.slash(who, s.general, command, options=options)
    return await it.response()


async def _request(s: SampleServer, style: str) -> Any:
    first = await _slash(s, s.alice, "support request", style=style)
    submit = await s.standin.submit_modal(
        s.alice, s.general, first["data"]["custom_id"], {"title": "Rough week", "message": REQUEST}
    )
    await submit.response()
    await submit.followup()  # the request is posted and its thread opened by now
    (thread,) = s.standin.threads_of(s.support)
    return thread


async def _reply(bot: KindredBot, s: SampleServer, who: Any, thread: Any, text: str) -> None:
    cog: Any = bot.get_cog("ListeningCog")
    before = cog.handled
    await s.standin.post(who, thread, text)
    await s.standin.wait_until(lambda: cog.handled > before, 5)


@pytest.mark.parametrize(
    ("style", "nudged"), [("listen", True), ("either", True), ("advice", False)]
)
async def test_a_fix_under_a_support_request_follows_its_style(
    kindred: KindredBot, server: SampleServer, style: str, nudged: bool
) -> None:
    s = server
    await _slash(s, s.admin, "support setup", channel=s.support)
    await _slash(s, s.admin, "listening setup", mode="dm", channel=s.support)
    thread = await _request(s, style)

    await _reply(kindred, s, s.moderator, thread, KIND)
    assert s.standin.dms(s.moderator) == []
    await _reply(kindred, s, s.bob, thread, FIXING)
    nudges = [m for m in s.standin.dms(s.bob) if m.get("embeds")]
    assert len(nudges) == int(nudged)
    if nudges:
        body = nudges[0]["embeds"][0]["description"]
        assert "#support" in body and "Support ·" not in body and "Alice" not in body
