"""Shared helpers of the /prompt end-to-end tests."""

from __future__ import annotations

from typing import Any

from bot.standin import StandIn

EPHEMERAL = 1 << 6
KEY = b"k" * 32


def text_of(payload: dict[str, Any]) -> str:
    """All visible text of a callback/followup payload's message data."""
    data = payload.get("data", payload)
    parts = [str(data.get("content") or "")]
    for embed in data.get("embeds") or []:
        parts += [str(embed.get("title") or ""), str(embed.get("description") or "")]
        parts += [f"{f['name']}: {f['value']}" for f in embed.get("fields") or []]
        parts.append(str((embed.get("footer") or {}).get("text") or ""))
    return "\n".join(parts)


def prompt_posts(standin: StandIn, channel: Any) -> list[dict[str, Any]]:
    """Kindred's prompt posts in a channel (messages with a prompt embed), oldest first."""
    bot_id = str(standin.world.bot.id)
    return [
        m
        for m in standin.messages(channel)
        if m["author"]["id"] == bot_id
        and any("prompt" in (e.get("title") or "").lower() for e in m.get("embeds") or [])
    ]


def footer(message: dict[str, Any]) -> str:
    return str(message["embeds"][0]["footer"]["text"])


async def refused(it: Any) -> str:
    """The ephemeral refusal text of an interaction (fails if it was public)."""
    response = await it.response()
    data = response.get("data") or {}
    if response["type"] == 5:
        data = await it.followup()
    assert int(data.get("flags") or 0) & EPHEMERAL, data
    return str(data.get("content") or "")
