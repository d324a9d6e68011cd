"""/support relays that are long, many-lined or refused: delivered whole, or truthfully explained.

Quoting adds "> " to every line, so a reply of many short lines that fits the form's 1,800
characters used to grow past Discord's 2,000 and be refused (50035) — and both sides were told
a false reason. These drive the real bot in the stand-in, which enforces the 2,000 limit.
"""

from __future__ import annotations

from typing import Any

from helpers import EPHEMERAL, bot_dm, bot_said, open_request, reply_with_button, setup_support

from bot.app import KindredBot
from bot.demo.harness import SampleServer

MANY_LINES = "\n".join(["ok"] * 600)  # 1,799 characters; quoted, 2,999


def bot_messages(s: SampleServer, place: Any) -> list[dict[str, Any]]:
    bot_id = str(s.standin.world.bot.id)
    return [m for m in s.standin.messages(place) if m["author"]["id"] == bot_id]


async def test_a_many_line_thread_reply_reaches_the_requester(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    await s.standin.post(s.bob, thread, MANY_LINES)
    relayed = await bot_dm(s, s.alice, "**Bob** answered")
    assert len(relayed["content"]) <= 2000
    assert relayed["content"].endswith(MANY_LINES)  # all of it, in one block quote
    assert not any("couldn't pass" in m["content"] for m in bot_messages(s, thread))


async def test_a_many_line_dm_answer_reaches_the_thread(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    answer = "\n".join(["i"] * 700)  # 1,399 characters; quoted line by line, 2,799
    await s.standin.dm(s.alice, answer)
    back = await bot_said(s, thread, "(who asked)")
    assert len(back["content"]) <= 2000 and back["content"].endswith(answer)
    await bot_dm(s, s.alice, "Passed on")
    assert not any("removed" in m["content"] for m in s.standin.dms(s.alice))


async def test_a_many_line_reply_button_answer_arrives_both_ways(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    _, post = await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    told = await reply_with_button(s, s.bob, post, MANY_LINES)
    assert told["flags"] & EPHEMERAL
    assert "by DM, and copied into the thread" in told["content"], told["content"]
    relayed = await bot_dm(s, s.alice, "**Bob** answered")
    assert len(relayed["content"]) <= 2000 and relayed["content"].endswith(MANY_LINES)
    copy = await bot_said(s, thread, "replied with the Reply button")
    assert len(copy["content"]) <= 2000 and copy["content"].endswith(MANY_LINES)


async def test_a_refused_message_is_not_blamed_on_closed_dms(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    dm = s.standin.dm_channel(s.alice)
    refused = {"code": 50035, "message": "Invalid Form Body"}
    s.standin.fail_next("POST", rf"/channels/{dm.id}/messages$", status=400, body=refused)
    await s.standin.post(s.bob, thread, "Something Discord refuses")
    note = await bot_said(s, thread, "couldn't pass that on")
    assert "Discord refused" in note["content"]
    assert "DMs are closed" not in note["content"]

    # The other way: the thread refuses the requester's answer; they hear the true reason.
    s.standin.fail_next("POST", rf"/channels/{thread.id}/messages$", status=400, body=refused)
    await s.standin.dm(s.alice, "An answer Discord refuses")
    told = await bot_dm(s, s.alice, "Discord refused")
    assert "removed" not in told["content"]


async def test_reply_button_says_truly_when_neither_copy_arrived(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    _, post = await open_request(s, s.closed_dms)
    (thread,) = s.standin.threads_of(s.support)
    s.standin.fail_next("POST", rf"/channels/{thread.id}/messages$", status=403, body={
        "code": 50001, "message": "Missing Access"
    })  # fmt: skip
    told = (await reply_with_button(s, s.bob, post, "Are you there?"))["content"]
    assert "couldn't deliver your reply" in told and "DMs are closed" in told
    assert "is in the thread" not in told
