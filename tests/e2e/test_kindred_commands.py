"""/kindred end to end: the real bot in the stand-in, driven by slash commands and clicks."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import EPHEMERAL, KEY, text_of

from bot.app import KindredBot
from bot.demo.harness import SampleServer, running_kindred
from bot.standin import StandIn


async def test_login_syncs_commands_once(
    standin: StandIn, server: SampleServer, data_dir: Path
) -> None:
    async with running_kindred(standin, data_dir, key=KEY) as bot:
        assert bot.commands_synced_this_start
    names = {c["name"] for c in standin.commands()}
    assert "kindred" in names
    kindred = next(c for c in standin.commands() if c["name"] == "kindred")
    subs = {o["name"] for o in kindred["options"]}
    assert {"help", "privacy", "my-data", "forget-me", "status", "forget-server"} <= subs
    syncs = standin.sync_count

    async with running_kindred(standin, data_dir, key=KEY) as bot:
        assert not bot.commands_synced_this_start
    assert standin.sync_count == syncs


async def test_help_lists_commands_privately(kindred: KindredBot, server: SampleServer) -> None:
    it = await server.standin.slash(server.alice, server.general, "kindred help")
    response = await it.response()
    assert response["type"] == 4
    assert response["data"]["flags"] & EPHEMERAL
    text = text_of(response)
    for command in (
        "/kindred privacy",
        "/kindred my-data",
        "/kindred forget-me",
        "/kindred status",
    ):
        assert command in text


async def test_privacy_shows_retention(kindred: KindredBot, server: SampleServer) -> None:
    it = await server.standin.slash(server.alice, server.general, "kindred privacy")
    response = await it.response()
    assert response["data"]["flags"] & EPHEMERAL
    text = text_of(response)
    assert "30 days after the request closes" in text
    assert "365 days" in text and "7 days" in text and "90 days" in text


async def test_my_data_is_a_private_json_file(kindred: KindredBot, server: SampleServer) -> None:
    it = await server.standin.slash(server.alice, server.general, "kindred my-data")
    first = await it.response()
    assert first["type"] == 5 and first["data"]["flags"] & EPHEMERAL
    followup = await it.followup()
    assert followup["flags"] & EPHEMERAL
    (attachment,) = followup["attachments"]
    assert attachment["filename"] == "kindred-my-data.json"
    document = json.loads(server.standin.attachment_bytes(attachment))
    assert document["user_id"] == str(server.alice.id)
    assert "schedules" in document["data"]
    assert followup["content"] == "Kindred stores nothing about you right now. The file shows that."

    # Once something is stored, the answer says so.
    it = await server.standin.slash(server.alice, server.general, "listening mute")
    await it.response()
    it = await server.standin.slash(server.alice, server.general, "kindred my-data")
    await it.response()
    assert (await it.followup())["content"] == "Here is everything Kindred stores about you."


async def test_forget_me_answers_privately(kindred: KindredBot, server: SampleServer) -> None:
    it = await server.standin.slash(server.alice, server.general, "kindred forget-me")
    await it.response()
    followup = await it.followup()
    assert followup["flags"] & EPHEMERAL
    assert "deleted" in followup["content"]


async def test_status_for_admins(kindred: KindredBot, server: SampleServer) -> None:
    it = await server.standin.slash(server.admin, server.general, "kindred status")
    response = await it.response()
    assert response["data"]["flags"] & EPHEMERAL
    text = text_of(response)
    assert "Scheduler" in text and "running" in text
    assert "All features available." in text
    assert "Database" in text
    shown = re.search(r"([\d,]+) paced at 49/s at most", text)
    assert shown is not None  # the login and command sync were paced calls
    assert 0 < int(shown.group(1).replace(",", "")) <= kindred.rest_budget.stats.calls
    assert "global rate limits hit: 0" in text


@pytest.mark.parametrize("command", ["kindred status", "kindred forget-server"])
async def test_admin_commands_refuse_plain_members(
    kindred: KindredBot, server: SampleServer, command: str
) -> None:
    it = await server.standin.slash(server.alice, server.general, command)
    response = await it.response()
    assert response["data"]["flags"] & EPHEMERAL
    assert "Manage Server" in response["data"]["content"]


async def test_forget_server_needs_a_confirming_click(
    kindred: KindredBot, server: SampleServer
) -> None:
    await kindred.store.set_meta("probe", "1")  # the core's own rows are not server data
    it = await server.standin.slash(server.admin, server.general, "kindred forget-server")
    response = await it.response()
    assert response["data"]["flags"] & EPHEMERAL
    (row,) = response["data"]["components"]
    (button,) = row["components"]
    assert button["custom_id"] == f"kindred:forget-server:{server.guild.id}"

    # A plain member who somehow gets the button is refused at click time.
    message = it.original()
    assert message is not None
    refused = await server.standin.click(server.alice, message, button["custom_id"])
    assert "Manage Server" in (await refused.response())["data"]["content"]

    done = await server.standin.click(server.admin, message, button["custom_id"])
    update = await done.response()
    assert update["type"] == 6  # deferred: deleting may take longer than the deadline
    edited = await server.standin.wait_until(
        lambda: (m := done.original()) is not None and m["content"].startswith("Done.") and m,
        timeout=5,
    )
    assert edited["components"] == []


async def test_unexpected_error_gets_an_apology_and_the_bot_keeps_serving(
    kindred: KindredBot, server: SampleServer, monkeypatch: pytest.MonkeyPatch, caplog: Any
) -> None:
    async def broken() -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(kindred.store, "size_bytes", broken)
    it = await server.standin.slash(server.admin, server.general, "kindred status")
    response = await it.response()
    assert response["data"]["flags"] & EPHEMERAL
    assert "something went wrong" in response["data"]["content"]
    assert "error reference" in response["data"]["content"]
    assert any(r.exc_info and "disk on fire" in str(r.exc_info[1]) for r in caplog.records)

    it = await server.standin.slash(server.alice, server.general, "kindred help")
    assert (await it.response())["type"] == 4


async def test_without_message_content_the_bot_starts_degraded(tmp_path: Path) -> None:
    async with StandIn(message_content=False) as standin:
        from bot.demo.harness import build_sample_server

        server = build_sample_server(standin)
        async with running_kindred(standin, tmp_path / "data", key=KEY) as bot:
            assert not bot.message_content_enabled
            it = await standin.slash(server.admin, server.general, "kindred status")
            text = text_of(await it.response())
            assert "message-content intent is off" in text


async def test_kindred_rest_rate_sets_the_pace_a_process_keeps(
    standin: StandIn, server: SampleServer, tmp_path: Path
) -> None:
    # Several processes on one token split Discord's 50/s: each keeps its own share.
    rooms = [server.guild.add_text_channel(f"room-{i}") for i in range(12)]  # one bucket each
    async with running_kindred(standin, tmp_path / "data", key=KEY, rest_rate=10) as bot:
        it = await standin.slash(server.admin, server.general, "kindred status")
        assert "paced at 10/s at most" in text_of(await it.response())
        assert bot.rest_budget.rate == 10
        began = len(standin.calls)
        await asyncio.gather(*(bot.fetch_channel(room.id) for room in rooms))
        fetches = [c.at for c in standin.calls[began:] if c.method == "GET"]
        assert len(fetches) == 12 and max(fetches) - min(fetches) >= 1.0  # 10 a second


async def test_my_data_and_checkin_now_pause_after_a_few_in_a_row(
    kindred: KindredBot, server: SampleServer
) -> None:
    # issue 16, item 9: both read or send on every call, with no limit
    s = server
    for command in ("kindred my-data", "checkin now"):
        for _ in range(3):
            it = await s.standin.slash(s.bob, s.general, command)
            first = await it.response()
            assert first["type"] == 5, command  # working on it
            await it.followup()
        it = await s.standin.slash(s.bob, s.general, command)
        refused = await it.response()
        assert refused["type"] == 4 and refused["data"]["flags"] & EPHEMERAL
        assert "a few minutes" in refused["data"]["content"]
