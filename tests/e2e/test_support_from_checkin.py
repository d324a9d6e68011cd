"""A request opened from a check-in is posted a few random minutes later (issue 16, item 2).

Posted at once, its time (public in Discord) would sit a minute after the member's low mood
in their check-in. A crisis is never held back.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from helpers import bot_dm, setup_support
from test_support_lifecycle import talk_button

from bot.app import KindredBot
from bot.demo.harness import SampleServer

EPHEMERAL = 1 << 6


async def _submit_from_checkin(s: SampleServer, title: str, text: str) -> Any:
    message, talk = await talk_button(s)
    form = await (await s.standin.click(s.alice, message, talk)).response()
    assert form["type"] == 9 and form["data"]["custom_id"].endswith(":later"), form
    submit = await s.standin.submit_modal(
        s.alice, None, form["data"]["custom_id"], {"title": title, "message": text}
    )
    await submit.response()
    return submit


async def test_a_request_from_a_check_in_waits_a_random_few_minutes(
    kindred: KindredBot, server: SampleServer, data_dir: Path
) -> None:
    s = server
    await setup_support(s, role=False)
    answer = await (
        await _submit_from_checkin(s, "After my check-in", "Today was heavy.")
    ).response()
    assert answer["data"]["flags"] & EPHEMERAL
    assert "within the next 15 minutes" in answer["data"]["content"]
    assert s.standin.messages(s.support) == []  # not yet
    sent = kindred.clock()
    async with kindred.store.db.execute("SELECT due_at FROM support_delayed") as cur:
        (due,) = [datetime.fromisoformat(r[0]) for r in await cur.fetchall()]
    assert sent + timedelta(minutes=1, seconds=59) < due <= sent + timedelta(minutes=15)
    assert b"Today was heavy" not in (data_dir / "kindred.db").read_bytes()  # sealed
    mine = await kindred.privacy.export_member(s.alice.id)
    (held,) = mine["support"]["requests_to_be_posted"]
    assert held["request"]["text"] == "Today was heavy."
    assert (await kindred.privacy.export_member(s.bob.id))["support"]["requests_to_be_posted"] == []

    cog: Any = kindred.get_cog("SupportCog")
    assert await cog.service.later.post_due(due - timedelta(seconds=1)) == 0
    assert await cog.service.later.post_due(due) == 1
    (post,) = s.standin.messages(s.support)
    assert post["embeds"][0]["description"] == "Today was heavy."
    await bot_dm(s, s.alice, "Your request is posted anonymously")
    async with kindred.store.db.execute("SELECT COUNT(*) FROM support_delayed") as cur:
        assert (await cur.fetchone())[0] == 0
    assert await cog.service.later.post_due(due + timedelta(hours=1)) == 0  # posted once


async def test_a_crisis_from_a_check_in_is_posted_and_answered_at_once(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    submit = await _submit_from_checkin(
        s, "Tonight", "I have the pills ready and I want to die tonight."
    )
    assert (await submit.response())["type"] == 5  # deferred: being posted now, not held
    await submit.followup()
    resources = await submit.followup()
    assert "988" in resources["content"] or "findahelpline" in resources["content"]
    (post,) = s.standin.messages(s.support)
    assert "pills" in post["embeds"][0]["description"]
    await bot_dm(s, s.alice, "Your request is posted anonymously")
    async with kindred.store.db.execute("SELECT COUNT(*) FROM support_delayed") as cur:
        assert (await cur.fetchone())[0] == 0


async def test_forget_me_removes_a_request_still_waiting(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    await _submit_from_checkin(s, "Later", "Something I want to share.")
    forget = await s.standin.slash(s.alice, s.general, "kindred forget-me")
    await forget.response()
    await forget.followup()
    cog: Any = kindred.get_cog("SupportCog")
    assert await cog.service.later.post_due(kindred.clock() + timedelta(minutes=16)) == 0
    assert s.standin.messages(s.support) == []
