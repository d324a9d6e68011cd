"""/support end to end: the real bot in the stand-in, driven as members would."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    EPHEMERAL,
    KEY,
    bot_dm,
    bot_said,
    open_request,
    pseudonym_of,
    reply_id_of,
    reply_with_button,
    setup_support,
    text_of,
)

from bot.app import KindredBot
from bot.core import log_privacy
from bot.demo.harness import (
    ManualClock,
    SampleServer,
    build_sample_server,
    running_kindred,
)
from bot.standin import StandIn


@pytest.fixture(autouse=True)
def _log_privacy() -> None:
    log_privacy.install()


async def test_request_is_posted_anonymously_with_thread_and_role_ping(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s)
    submit, post = await open_request(
        s, s.alice, text=f"Help please @everyone <@&{s.helpers.id}> <@{s.bob.id}> @here"
    )
    confirmation = submit.followups[0]
    assert confirmation["flags"] & EPHEMERAL
    assert "posted anonymously" in confirmation["content"]
    shown = text_of(post)
    assert "Alice" not in shown and str(s.alice.id) not in shown
    assert "Anonymous ·" in shown and "Just listen" in shown
    assert "@everyone" in shown  # the text is shown as written, but pings no one
    (call,) = [
        c
        for c in s.standin.calls
        if c.method == "POST" and c.path == f"/channels/{s.support.id}/messages"
    ]
    mentions = call.json["allowed_mentions"]
    assert mentions["parse"] == []  # no @everyone, no users, no roles parsed from text
    assert [int(r) for r in mentions["roles"]] == [s.helpers.id]
    assert "users" not in mentions
    assert post["mention_everyone"] is False
    assert [int(r) for r in post["mention_roles"]] == [s.helpers.id]
    assert post["mentions"] == []
    (thread,) = s.standin.threads_of(s.support)
    assert int(thread.id) == int(post["id"])
    welcome = s.standin.dms(s.alice)[-1]
    assert "posted anonymously" in welcome["content"]
    labels = [c["label"] for row in welcome["components"] for c in row["components"]]
    assert labels == ["I feel heard — close", "Keep open"]


def contents(messages: list[dict[str, Any]]) -> str:
    return "\n".join(str(m.get("content") or "") for m in messages)


async def test_thread_reply_reaches_requester_and_dm_answer_reaches_thread(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s)
    await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    await s.standin.post(s.moderator, thread, "not a helper")  # no responder role: not relayed
    await s.standin.post(s.bob, thread, "I hear you. That sounds heavy.")
    relayed = await bot_dm(s, s.alice, "That sounds heavy")
    assert "**Bob** answered" in relayed["content"]
    assert "not a helper" not in contents(s.standin.dms(s.alice))
    await s.standin.dm(s.alice, "Thank you, it helps to say it.")
    back = await bot_said(s, thread, "it helps to say it")
    assert "(who asked)" in back["content"] and "Alice" not in back["content"]
    await bot_dm(s, s.alice, "Passed on")
    cog: Any = kindred.get_cog("SupportCog")
    assert await cog.style_for_thread(thread.id) == "listen"
    assert await cog.style_for_thread(s.general.id) is None


async def test_reply_button_works_without_message_content(data_dir: Path) -> None:
    async with StandIn(message_content=False) as standin:
        s = build_sample_server(standin)
        async with running_kindred(standin, data_dir, key=KEY) as bot:
            assert not bot.message_content_enabled
            await setup_support(s)
            _, post = await open_request(s, s.alice)
            (thread,) = standin.threads_of(s.support)
            await standin.post(s.bob, thread, "lost without the intent")  # arrives empty
            custom_id = reply_id_of(post)
            outsider = await standin.click(s.alice, post, custom_id)
            refused = await outsider.response()
            assert refused["data"]["flags"] & EPHEMERAL
            assert "Only responders" in refused["data"]["content"]
            done = await reply_with_button(s, s.bob, post, "You're not alone.")
            assert done["flags"] & EPHEMERAL and "Sent to" in done["content"]
            relayed = await bot_dm(s, s.alice, "You're not alone.")
            assert "**Bob** answered" in relayed["content"]
            assert "lost without" not in contents(standin.dms(s.alice))
            await bot_said(s, thread, "You're not alone.")


async def test_choosing_between_two_open_requests(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s, role=False)
    _, first = await open_request(s, s.alice, title="One")
    _, second = await open_request(s, s.alice, title="Two")
    await s.standin.dm(s.alice, "This is for the second one.")
    ask = await bot_dm(s, s.alice, "Which one is this message for?")
    buttons = [c for row in ask["components"] for c in row["components"]]
    assert [b["label"] for b in buttons] == [
        pseudonym_of(first),
        pseudonym_of(second),
    ]
    # Until Alice chooses, the message waits, sealed; my-data opens it for her alone.
    (waiting,) = (await kindred.privacy.export_member(s.alice.id))["support"]["waiting_messages"]
    assert waiting["text"] == "This is for the second one."
    assert (await kindred.privacy.export_member(s.bob.id))["support"]["waiting_messages"] == []
    stranger = await s.standin.click(s.bob, ask, buttons[1]["custom_id"])
    assert "someone else" in (await stranger.response())["data"]["content"]
    click = await s.standin.click(s.alice, ask, buttons[1]["custom_id"])
    await click.response()
    await bot_said(s, s.standin.channel(int(second["id"])), "for the second one")
    assert "second one" not in contents(s.standin.messages(s.standin.channel(int(first["id"]))))
    await bot_dm(s, s.alice, "Passed on to the thread of")
    assert not (s.standin.find_message(ask) or {}).get("components")  # one choice only
    assert (await kindred.privacy.export_member(s.alice.id))["support"]["waiting_messages"] == []


async def test_close_from_dm_locks_and_archives(kindred: KindredBot, server: SampleServer) -> None:
    s = server
    await setup_support(s)
    _, post = await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    welcome = s.standin.dms(s.alice)[-1]
    close_id = welcome["components"][0]["components"][0]["custom_id"]
    keep_id = welcome["components"][0]["components"][1]["custom_id"]
    keep = await s.standin.click(s.alice, welcome, keep_id)
    assert "stays open" in (await keep.response())["data"]["content"]
    other = await s.standin.click(s.bob, welcome, close_id)
    assert "someone else" in (await other.response())["data"]["content"]
    click = await s.standin.click(s.alice, welcome, close_id)
    await click.response()
    done = await click.followup()
    assert "Closed" in done["content"] and done["flags"] & EPHEMERAL
    await bot_said(s, thread, "feels heard")
    await s.standin.wait_until(lambda: bool(thread.archived and thread.locked), 5)
    current = s.standin.find_message(post)
    assert current is not None and not current.get("components")
    await s.standin.dm(s.alice, "one more thing")  # nothing open: not relayed
    twice = await s.standin.click(s.alice, welcome, close_id)
    assert "closed" in (await twice.response())["data"]["content"]
    assert "one more thing" not in contents(s.standin.messages(thread))


async def test_idle_request_closes_itself_and_is_deleted_after_retention(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    s = server
    clock = ManualClock(datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    async with running_kindred(standin, data_dir, clock=clock, key=KEY) as bot:
        await setup_support(s)
        await open_request(s, s.alice)
        (thread,) = standin.threads_of(s.support)
        cog: Any = bot.get_cog("SupportCog")
        assert (await cog.sweep(clock.advance(days=13)))["closed"] == 0
        assert (await cog.sweep(clock.advance(days=1, minutes=1)))["closed"] == 1
        await bot_said(s, thread, "quiet for 14 days")
        await bot_dm(s, s.alice, "quiet for 14 days")
        assert thread.archived and thread.locked
        assert (await cog.sweep(clock.advance(days=29)))["deleted"] == 0
        assert (await cog.sweep(clock.advance(days=1, minutes=1)))["deleted"] == 1
        assert await bot.store.support_request_by_thread(thread.id) is None


async def test_block_by_handle(kindred: KindredBot, server: SampleServer) -> None:
    s = server
    await setup_support(s)
    _, post = await open_request(s, s.alice)
    pseudonym = pseudonym_of(post)
    denied = await s.standin.slash(s.bob, s.general, "support block", options={"handle": pseudonym})
    assert "Manage Messages" in (await denied.response())["data"]["content"]
    wrong = await s.standin.slash(
        s.moderator, s.general, "support block", options={"handle": "Nobody Here · fff"}
    )
    assert "can't find" in (await wrong.response())["data"]["content"]
    it = await s.standin.slash(
        s.moderator, s.general, "support block", options={"handle": pseudonym.lower()}
    )
    answer = await it.response()
    assert answer["data"]["flags"] & EPHEMERAL
    assert "Done" in answer["data"]["content"] and "Alice" not in answer["data"]["content"]
    again = await s.standin.slash(s.alice, s.general, "support request")
    refusal = await again.response()
    assert refusal["type"] == 4 and refusal["data"]["flags"] & EPHEMERAL
    assert "aren't available to you" in refusal["data"]["content"]
    other = await s.standin.slash(s.bob, s.general, "support request")
    assert (await other.response())["type"] == 9


async def test_rate_limit_per_member(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    s = server
    async with running_kindred(standin, data_dir, key=KEY, support_limit=2):
        await setup_support(s)
        await open_request(s, s.alice)
        await open_request(s, s.alice)
        it = await standin.slash(s.alice, s.general, "support request")
        refusal = await it.response()
        assert refusal["data"]["flags"] & EPHEMERAL
        assert "last 24 hours" in refusal["data"]["content"]
        await open_request(s, s.bob)


async def test_closed_dms_at_request_time(kindred: KindredBot, server: SampleServer) -> None:
    s = server
    await setup_support(s)
    submit, post = await open_request(s, s.closed_dms)
    note = submit.followups[0]
    assert note["flags"] & EPHEMERAL
    assert "DMs are closed" in note["content"]
    assert "Casey" not in text_of(post)
    (thread,) = s.standin.threads_of(s.support)
    await s.standin.post(s.bob, thread, "Are you there?")
    await bot_said(s, thread, "their DMs are closed")


async def test_crisis_request_gets_resources_privately_and_thread_note(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s)
    resources = kindred.crisis.resources
    submit, _ = await open_request(s, s.alice, text="Honestly I can't go on like this.")
    await submit.followup()
    private = [f for f in submit.followups if resources in (f.get("content") or "")]
    assert private and private[0]["flags"] & EPHEMERAL
    await bot_dm(s, s.alice, resources[:40])
    (thread,) = s.standin.threads_of(s.support)
    await bot_said(s, thread, "note for responders")
    calm, _ = await open_request(s, s.bob, text="Just a bit tired this week.")
    assert not any(resources in (f.get("content") or "") for f in calm.followups)
    assert resources not in contents(s.standin.dms(s.bob))


async def test_crisis_in_relayed_dm_sends_this_servers_resources(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    it = await s.standin.slash(
        s.admin,
        s.general,
        "support setup",
        options={"channel": s.support, "resources": "Call the Willow helpline at 555-0100."},
    )
    await it.response()
    await open_request(s, s.alice)
    (thread,) = s.standin.threads_of(s.support)
    assert "Willow helpline" not in contents(s.standin.dms(s.alice))
    await s.standin.dm(s.alice, "some days I want to die")
    await bot_dm(s, s.alice, "Willow helpline")
    await bot_said(s, thread, "note for responders")


async def test_setup_refuses_clearly(kindred: KindredBot, server: SampleServer) -> None:
    s = server
    it = await s.standin.slash(s.alice, s.general, "support setup", options={"channel": s.support})
    assert "Manage Server" in (await it.response())["data"]["content"]
    none = await s.standin.slash(s.alice, s.general, "support request")
    assert "aren't set up" in (await none.response())["data"]["content"]
    quiet = s.guild.add_role("Quiet", permissions=0, mentionable=False)
    it = await s.standin.slash(
        s.admin, s.general, "support setup", options={"channel": s.support, "responder_role": quiet}
    )
    assert "can't mention" in (await it.response())["data"]["content"]
    hidden = s.guild.add_text_channel(
        "hidden",
        overwrites=[{"id": s.guild.bot_role.id, "type": 0, "allow": 0, "deny": 1 << 35}],
    )
    it = await s.standin.slash(s.admin, s.general, "support setup", options={"channel": hidden})
    assert "Create Public Threads" in (await it.response())["data"]["content"]


async def test_form_limits_and_a_submit_from_a_dm(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s)
    it = await s.standin.slash(s.alice, s.general, "support request")
    modal = (await it.response())["data"]
    inputs = {c["custom_id"]: c for row in modal["components"] for c in row["components"]}
    assert inputs["title"]["max_length"] == 100 and inputs["message"]["max_length"] == 1800
    with pytest.raises(ValueError):
        await s.standin.submit_modal(
            s.alice, s.general, modal["custom_id"], {"title": "x" * 101, "message": "hi there"}
        )
    # The form also works when submitted outside the server (check-ins open it from a DM).
    submit = await s.standin.submit_modal(
        s.alice, None, modal["custom_id"], {"title": "From a DM", "message": "Hello there"}
    )
    await submit.response()
    assert "posted anonymously" in (await submit.followup())["content"]
    assert "From a DM" in text_of(s.standin.messages(s.support)[-1])


async def test_buttons_and_relays_survive_a_restart(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    s = server
    async with running_kindred(standin, data_dir, key=KEY):
        await setup_support(s)
        await open_request(s, s.alice)
    (thread,) = standin.threads_of(s.support)
    welcome = standin.dms(s.alice)[-1]
    async with running_kindred(standin, data_dir, key=KEY):
        await standin.post(s.bob, thread, "Still here after a restart")
        await bot_dm(s, s.alice, "Still here after a restart")
        click = await standin.click(
            s.alice, welcome, welcome["components"][0]["components"][0]["custom_id"]
        )
        await click.response()
        assert "Closed" in (await click.followup())["content"]
        await bot_said(s, thread, "feels heard")


async def test_kindred_status_shows_support(kindred: KindredBot, server: SampleServer) -> None:
    s = server
    it = await s.standin.slash(s.admin, s.general, "kindred status")
    assert "Support requests: Not set up" in text_of(await it.response())
    await setup_support(s)
    await open_request(s, s.alice)
    it = await s.standin.slash(s.admin, s.general, "kindred status")
    shown = text_of(await it.response())
    assert f"<#{s.support.id}>" in shown and "1 open" in shown


async def test_a_thread_discord_refused_is_started_later_on_the_same_post(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server
    await setup_support(s)
    s.standin.fail_next("POST", r"/channels/\d+/messages/\d+/threads$", status=503)
    submit, post = await open_request(s, s.alice)  # exactly one post, checked inside
    told = text_of(submit.followups[0])
    assert "posted anonymously" in told and "Nothing was shared" not in told
    assert s.standin.threads_of(s.support) == []
    # The requester answers: the thread is started on the original post, then used.
    await bot_dm(s, s.alice, "posted anonymously")
    await s.standin.dm(s.alice, "Still here, still low.")
    (thread,) = await s.standin.wait_until(lambda: s.standin.threads_of(s.support), 5)
    assert thread.id == int(post["id"])
    await bot_said(s, thread, "Still here, still low.")
    assert len(s.standin.messages(s.support)) == 1
    await s.standin.post(s.bob, thread, "I'm listening.")
    await bot_dm(s, s.alice, "I'm listening.")
