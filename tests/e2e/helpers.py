"""Helpers shared by the end-to-end tests: reading what the bot sent, scheduling the daily
prompt, and driving /support (a request, and answering it with its Reply button)."""

from __future__ import annotations

from typing import Any

from sealing_key import KEY as KEY  # re-exported: the key the kindred fixture runs with

from bot.demo.harness import SampleServer
from bot.standin import StandIn

EPHEMERAL = 1 << 6


def text_of(payload: dict[str, Any]) -> str:
    """All visible text of a message, or of a callback/followup payload's message data."""
    data = payload.get("data", payload)
    parts = [str(data.get("content") or "")]
    for embed in data.get("embeds") or []:
        parts += [str(embed.get("title") or ""), str(embed.get("description") or "")]
        parts.append(str((embed.get("author") or {}).get("name") or ""))
        parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields") or []]
        parts.append(str((embed.get("footer") or {}).get("text") or ""))
    return "\n".join(parts)


def ids(message: dict[str, Any]) -> list[str]:
    """The custom ids of a message's buttons and selects, row by row."""
    return [c["custom_id"] for row in message.get("components") or [] for c in row["components"]]


def footer(message: dict[str, Any]) -> str:
    return str(message["embeds"][0]["footer"]["text"])


def prompt_posts(standin: StandIn, channel: Any) -> list[dict[str, Any]]:
    """Kindred's prompt posts in a channel (messages with a prompt embed), oldest first."""
    bot_id = str(standin.world.bot.id)
    return [
        m
        for m in standin.messages(channel)
        if m["author"]["id"] == bot_id
        and any("prompt" in (e.get("title") or "").lower() for e in m.get("embeds") or [])
    ]


async def refused(it: Any) -> str:
    """The ephemeral refusal text of an interaction (fails if it was public)."""
    response = await it.response()
    data = response.get("data") or {}
    if response["type"] == 5:
        data = await it.followup()
    assert int(data.get("flags") or 0) & EPHEMERAL, data
    return str(data.get("content") or "")


async def schedule_prompt(
    s: SampleServer,
    who: Any,
    channel: Any,
    *,
    time: str = "09:00",
    timezone: str = "UTC",
    days: str | None = None,
    where: Any = None,
) -> str:
    """Run ``/prompt schedule`` as ``who`` (in ``where``, by default #general) for ``channel``;
    returns the private answer's text, which must confirm the schedule.

    A test that expects a refusal or sends an odd option runs the command itself."""
    options: dict[str, Any] = {"channel": channel, "time": time, "timezone": timezone}
    if days is not None:
        options["days"] = days
    place = s.general if where is None else where
    it = await s.standin.slash(who, place, "prompt schedule", options=options)
    answer = text_of(await it.response())
    assert "Daily prompt set" in answer, answer
    return answer


async def prompt_posted_then_crash(s: SampleServer, bot: Any, clock: Any, *, recorded: bool) -> Any:
    """Schedule #general's 09:00 prompt, deliver it at 09:00 on ``clock``'s day, then leave
    the ledger as a crash would: claimed, with the post's message recorded or not. Returns
    the schedule."""
    await schedule_prompt(s, s.admin, s.general, time="09:00")
    clock.now = clock.now.replace(hour=9, minute=0)
    await bot.engine.run_due(clock.now)
    schedule = await bot.store.find_schedule("prompt", guild_id=s.guild.id)
    assert schedule is not None
    forget = "" if recorded else ", message_id = NULL"
    await bot.store.db.execute(
        f"UPDATE delivery_ledger SET state = 'claimed', confirmed_at = NULL{forget}"
    )
    return schedule


async def bot_dm(s: SampleServer, who: Any, needle: str) -> dict[str, Any]:
    """Wait for the bot's DM to ``who`` whose content contains ``needle``."""
    return await bot_said(s, s.standin.dm_channel(who), needle)


async def bot_said(s: SampleServer, place: Any, needle: str) -> dict[str, Any]:
    """Wait for the bot's message in ``place`` whose content contains ``needle``."""
    bot_id = str(s.standin.world.bot.id)
    return await s.standin.wait_for_message(
        place, lambda m: m["author"]["id"] == bot_id and needle in (m.get("content") or "")
    )


async def setup_support(s: SampleServer, *, role: bool = True) -> None:
    options: dict[str, Any] = {"channel": s.support}
    if role:
        options["responder_role"] = s.helpers
    it = await s.standin.slash(s.admin, s.general, "support setup", options=options)
    answer = await it.response()
    assert answer["data"]["flags"] & EPHEMERAL
    assert "Support requests are on" in text_of(answer), text_of(answer)


async def open_request(
    s: SampleServer,
    who: Any,
    title: str = "Rough week",
    text: str = "I've been feeling low and alone lately.",
    style: str = "listen",
) -> tuple[Any, dict[str, Any]]:
    """Run /support request and submit the form; returns the submit interaction and post."""
    before = len(s.standin.messages(s.support))
    it = await s.standin.slash(who, s.general, "support request", options={"style": style})
    first = await it.response()
    assert first["type"] == 9, first  # a modal
    custom_id = first["data"]["custom_id"]
    submit = await s.standin.submit_modal(
        who, s.general, custom_id, {"title": title, "message": text}
    )
    await submit.response()
    await submit.followup()
    posts = s.standin.messages(s.support)
    assert len(posts) == before + 1
    return submit, posts[-1]


def pseudonym_of(post: dict[str, Any]) -> str:
    """The pseudonym a support request's post shows (its embed's author line)."""
    return str(post["embeds"][0]["author"]["name"]).removeprefix("Anonymous · ")


def reply_id_of(post: dict[str, Any]) -> str:
    """The custom id of a request post's Reply button (``support:reply:<id>:<token>``)."""
    (button,) = [c for row in post["components"] for c in row["components"]]
    return str(button["custom_id"])


def request_id_of(post: dict[str, Any]) -> int:
    return int(reply_id_of(post).split(":")[2])


async def reply_with_button(
    s: SampleServer, responder: Any, post: dict[str, Any], text: str
) -> dict[str, Any]:
    """Answer a request as ``responder`` through its post's Reply button: press it, fill the form
    it opens with ``text`` and send it; returns the private note telling the responder where
    the reply went."""
    click = await s.standin.click(responder, post, reply_id_of(post))
    form = await click.response()
    assert form["type"] == 9, form  # a modal
    submit = await s.standin.submit_modal(
        responder, s.support, form["data"]["custom_id"], {"reply": text}, message=post
    )
    await submit.response()
    return await submit.followup()
