"""Forged and misplaced use of support (issue 16, items 6 and 10): a Reply form that turns up
outside its request's server, post or thread reaches nobody, and a server-wide block needs
Manage Messages for the whole server, not one channel's overwrite."""

from __future__ import annotations

import asyncio
from typing import Any

from helpers import EPHEMERAL, open_request, pseudonym_of, reply_id_of, setup_support, text_of

from bot.app import KindredBot
from bot.demo.harness import SampleServer
from bot.support.lifecycle import RELAY_BURST
from bot.support.names import handle_of

MANAGE_MESSAGES = 1 << 13


async def open_reply_form(s: SampleServer, responder: Any, post: dict[str, Any]) -> str:
    click = await s.standin.click(responder, post, reply_id_of(post))
    form = await click.response()
    assert form["type"] == 9, form
    return str(form["data"]["custom_id"])


def replies_reaching(s: SampleServer, who: Any) -> list[str]:
    return [m["content"] for m in s.standin.dms(who) if "answered your request" in m["content"]]


async def test_a_reply_form_sent_from_a_dm_reaches_nobody(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)  # no responder role: any member of the server answers
    _, post = await open_request(s, s.alice)
    form = await open_reply_form(s, s.bob, post)
    forged = await s.standin.submit_modal(
        s.bob, s.standin.dm_channel(s.bob), form, {"reply": "hello from a DM"}
    )
    answer = await forged.response()
    assert answer["data"]["flags"] & EPHEMERAL
    assert "only in its own server" in text_of(answer)
    assert replies_reaching(s, s.alice) == []


async def test_a_reply_form_sent_from_another_channel_reaches_nobody(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    _, post = await open_request(s, s.alice)
    form = await open_reply_form(s, s.bob, post)
    elsewhere = await s.standin.submit_modal(s.bob, s.general, form, {"reply": "from #general"})
    answer = await elsewhere.response()
    assert "from its post or its thread" in text_of(answer)
    assert replies_reaching(s, s.alice) == []
    # the same form from the request's own channel still works
    proper = await s.standin.submit_modal(s.bob, s.support, form, {"reply": "right here"})
    await proper.response()
    await proper.followup()
    assert any("right here" in r for r in replies_reaching(s, s.alice))


async def test_a_channel_overwrite_does_not_grant_a_server_wide_block(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s)
    _, post = await open_request(s, s.alice)
    handle = pseudonym_of(post)
    olive = s.guild.add_member("Olive")
    s.guild.edit_channel(
        s.general,
        overwrites=[{"id": olive.id, "type": 1, "allow": MANAGE_MESSAGES, "deny": 0}],
    )
    it = await s.standin.slash(olive, s.general, "support block", options={"handle": handle})
    answer = await it.response()
    assert answer["data"]["flags"] & EPHEMERAL
    assert "for the whole server" in text_of(answer)
    assert not await kindred.store.is_support_blocked(s.guild.id, _member_key(kindred, s, s.alice))
    # a moderator (Manage Messages from a role) still can
    it = await s.standin.slash(s.moderator, s.general, "support block", options={"handle": handle})
    assert "Done" in text_of(await it.response())
    assert await kindred.store.is_support_blocked(s.guild.id, _member_key(kindred, s, s.alice))


def _member_key(kindred: KindredBot, s: SampleServer, who: Any) -> str:
    return kindred.sealer.keyed_hash("support-member", s.guild.id, who.id)


async def test_tampered_support_buttons_get_a_polite_answer(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s)
    _, post = await open_request(s, s.alice)
    stored = s.standin.find_message(post)
    assert stored is not None
    for forged in ("support:reply:abc", "support:bogus:1", "support:pick:1"):
        # a tampered client sends an id Kindred never made
        stored["components"][0]["components"][0]["custom_id"] = forged
        it = await s.standin.click(s.bob, stored, forged)
        answer = await it.response()
        assert answer["type"] == 4 and answer["data"]["flags"] & EPHEMERAL
        assert "doesn't work any more" in answer["data"]["content"]


async def test_relayed_links_show_where_they_go(kindred: KindredBot, server: SampleServer) -> None:
    s = server
    await setup_support(s)
    await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    await s.standin.post(s.bob, thread, "here are [official resources](https://evil.example/x)")
    dm = next(
        m
        for m in await _wait_dms(s, s.alice, "official resources")
        if "official resources" in m["content"]
    )
    assert "official resources (<https://evil.example/x>)" in dm["content"]
    assert "](https://" not in dm["content"]
    assert "not from Kindred" in dm["content"]


async def _wait_dms(s: SampleServer, who: Any, needle: str) -> list[dict[str, Any]]:
    await s.standin.wait_for_message(
        s.standin.dm_channel(who), lambda m: needle in (m.get("content") or "")
    )
    return s.standin.dms(who)


async def test_forms_sent_at_once_cannot_pass_the_daily_limit_together(
    kindred: KindredBot, server: SampleServer
) -> None:
    # issue 16, item 9: the limit was checked before, and counted after, several network calls
    s = server
    await setup_support(s)
    limit = kindred.settings.support_limit
    opened = [
        await s.standin.slash(s.alice, s.general, "support request") for _ in range(limit + 2)
    ]
    forms = [(await it.response())["data"]["custom_id"] for it in opened]
    submits = await asyncio.gather(
        *(
            s.standin.submit_modal(s.alice, s.general, form, {"title": "t", "message": "hi all"})
            for form in forms
        )
    )
    for submit in submits:
        first = await submit.response()
        if first["type"] == 5:  # deferred: the request is being posted; wait for its answer
            await submit.followup()
    posts = [m for m in s.standin.messages(s.support) if m.get("embeds")]
    assert len(posts) == limit


async def test_the_requester_posting_in_their_thread_looks_like_anyone_else(
    kindred: KindredBot, server: SampleServer
) -> None:
    # issue 16, item 5: a relay failure note on everyone's posts but the requester's named them
    s = server
    await setup_support(s, role=False)
    await open_request(s, s.closed_dms, text="it's been a hard week")  # Casey: DMs closed
    (thread,) = s.standin.threads_of(s.support)

    def notes() -> int:
        return len([m for m in s.standin.messages(thread) if "couldn't" in m["content"]])

    await s.standin.post(s.bob, thread, "I'm here for you")
    await s.standin.wait_until(lambda: notes() == 1, 5)
    await s.standin.post(s.closed_dms, thread, "thank you")  # the requester, as themselves
    await s.standin.wait_until(lambda: notes() == 2, 5)
    first, second = [m for m in s.standin.messages(thread) if "couldn't" in m["content"]]
    assert first["content"] == second["content"]


async def test_a_requester_posting_as_themselves_is_warned_by_dm(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    await s.standin.post(s.alice, thread, "oops, wrote here")
    warning = await s.standin.wait_for_message(
        s.standin.dm_channel(s.alice), lambda m: "under your name" in (m.get("content") or "")
    )
    assert "oops, wrote here" not in warning["content"]
    assert not any("couldn't" in m["content"] for m in s.standin.messages(thread))


async def test_blocking_closes_the_members_open_requests_so_relays_stop(
    kindred: KindredBot, server: SampleServer
) -> None:
    # issue 16, item 7: a block stopped new requests but the open one kept relaying
    s = server
    await setup_support(s)
    _, post = await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    handle = pseudonym_of(post)
    it = await s.standin.slash(s.moderator, s.general, "support block", options={"handle": handle})
    answer = text_of(await it.response())
    assert "will be closed" in answer
    await s.standin.wait_until(
        lambda: any("moderator closed" in m["content"] for m in s.standin.messages(thread)), 5
    )
    (request,) = await kindred.store.support_requests_by_handle(s.guild.id, handle_of(handle))
    assert not request.is_open
    before = len(s.standin.messages(thread))
    await s.standin.dm(s.alice, "are you still there?")
    await s.standin.wait_until(lambda: len(s.standin.dms(s.alice)) > 0, 5)
    assert len(s.standin.messages(thread)) == before  # nothing more is relayed


async def test_a_moderator_closes_a_request_by_its_handle(
    kindred: KindredBot, server: SampleServer
) -> None:
    # issue 16, item 7: moderators had no way to end one request
    s = server
    await setup_support(s)
    _, post = await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    handle = pseudonym_of(post)
    it = await s.standin.slash(s.bob, s.general, "support close", options={"handle": handle})
    assert "Manage Messages" in text_of(await it.response())
    it = await s.standin.slash(s.moderator, s.general, "support close", options={"handle": handle})
    answer = await it.response()
    assert answer["data"]["flags"] & EPHEMERAL and "Closing" in text_of(answer)
    await s.standin.wait_until(lambda: thread.locked, 5)
    assert any("moderator closed" in m["content"] for m in s.standin.messages(thread))
    again = await s.standin.slash(
        s.moderator, s.general, "support close", options={"handle": handle}
    )
    assert "already closed" in text_of(await again.response())
    assert not await kindred.store.is_support_blocked(s.guild.id, _member_key(kindred, s, s.alice))


async def test_reply_ids_carry_a_keyed_token_and_old_ids_keep_working(
    kindred: KindredBot, server: SampleServer
) -> None:
    # issue 16, item 6: request ids are sequential, so a working Reply id could be guessed
    s = server
    await setup_support(s)
    _, post = await open_request(s, s.alice)
    reply_id = reply_id_of(post)
    prefix, request_id, token = reply_id.rsplit(":", 2)
    assert prefix == "support:reply" and len(token) == 12
    stored = s.standin.find_message(post)
    assert stored is not None
    button = stored["components"][0]["components"][0]
    # a guessed token is refused, and no form opens
    button["custom_id"] = f"support:reply:{request_id}:{'0' * 12}"
    guessed = await s.standin.click(s.bob, stored, button["custom_id"])
    answer = await guessed.response()
    assert answer["type"] == 4 and "doesn't work any more" in answer["data"]["content"]
    # a button posted before tokens existed still opens the form (same checks as ever)
    button["custom_id"] = f"support:reply:{request_id}"
    old = await s.standin.click(s.bob, stored, button["custom_id"])
    assert (await old.response())["type"] == 9


async def test_a_flood_of_relays_pauses_but_crisis_care_does_not(
    kindred: KindredBot, server: SampleServer
) -> None:
    # issue 16, item 7: relays had no rate limit of their own
    s = server
    await setup_support(s)
    await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    # Discord paces posts to one channel at 5 per 5 s, so these 20 relays would take ~20 s and
    # each would wait ~4.9 s against the 5 s waits below: this test is about Kindred's own pause,
    # so it relaxes the stand-in's per-route buckets (docs/standin.md, `route_rate_limits`).
    s.standin.buckets.enforce = False

    def relayed() -> int:
        return len([m for m in s.standin.messages(thread) if "(who asked)" in m["content"]])

    for n in range(RELAY_BURST):
        await s.standin.dm(s.alice, f"message {n}")
        await s.standin.wait_until(lambda n=n: relayed() == n + 1, 5)
    await s.standin.dm(s.alice, "one too many")
    await s.standin.wait_for_message(
        s.standin.dm_channel(s.alice), lambda m: "pausing" in (m.get("content") or "")
    )
    await s.standin.dm(s.alice, "i dont want to wake up tomorrow")
    await s.standin.wait_for_message(
        s.standin.dm_channel(s.alice), lambda m: "findahelpline" in (m.get("content") or "")
    )
    assert relayed() == RELAY_BURST  # nothing more reached the thread
    pauses = [m for m in s.standin.dms(s.alice) if "pausing" in (m.get("content") or "")]
    assert len(pauses) == 1  # said once, not once a message


async def test_a_responder_flooding_a_requester_is_paused(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    # Discord paces posts to one channel at 5 per 5 s, so these 20 relays would take ~20 s and
    # each would wait ~4.9 s against the 5 s waits below: this test is about Kindred's own pause,
    # so it relaxes the stand-in's per-route buckets (docs/standin.md, `route_rate_limits`).
    s.standin.buckets.enforce = False

    def reached() -> int:
        return len([m for m in s.standin.dms(s.alice) if "answered your request" in m["content"]])

    for n in range(RELAY_BURST):
        await s.standin.post(s.bob, thread, f"reply {n}")
        await s.standin.wait_until(lambda n=n: reached() == n + 1, 5)
    await s.standin.post(s.bob, thread, "one too many")
    await s.standin.wait_for_message(thread, lambda m: "a lot of messages at once" in m["content"])
    assert reached() == RELAY_BURST
