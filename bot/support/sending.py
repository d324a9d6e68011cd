"""Sending support messages, and telling people truly why one did not arrive.

A relay can fail for different reasons that call for different advice: the requester's DMs are
closed (50007), Discord refused the message itself (50035 and other 4xx), the thread or DM
channel is gone, or Discord had a passing problem. Each gets its own wording, so nobody is told
"their DMs are closed" when the message was in fact refused.
"""

from __future__ import annotations

import enum
import logging
from typing import Any

import discord

from bot.core.discord_codes import DMS_CLOSED

log = logging.getLogger(__name__)

# Codes meaning the place itself is gone or out of reach: unknown channel, missing access,
# unknown message, thread archived and locked.
PLACE_GONE = frozenset({10003, 10008, 50001, 50083})


class Outcome(enum.Enum):
    SENT = "sent"
    DMS_CLOSED = "dms closed"  # 50007
    REFUSED = "refused"  # Discord refused the message itself (50035 and other 4xx)
    GONE = "gone"  # the thread or DM channel no longer exists or can't be reached
    FAILED = "failed"  # a 5xx or other passing problem: trying again may work

    @property
    def sent(self) -> bool:
        return self is Outcome.SENT


def outcome_of(exc: discord.HTTPException) -> Outcome:
    if exc.code == DMS_CLOSED:
        return Outcome.DMS_CLOSED
    if exc.code in PLACE_GONE or isinstance(exc, discord.NotFound):
        return Outcome.GONE
    if 400 <= exc.status < 500:
        return Outcome.REFUSED
    return Outcome.FAILED


async def send_to(
    place: discord.abc.Messageable | None,
    content: str,
    *,
    view: discord.ui.View | None = None,
    files: list[discord.File] | None = None,
    what: str = "a support message",
) -> Outcome:
    """Send with every mention off; what happened, never an exception for Discord's answer."""
    if place is None:
        return Outcome.GONE
    mentions = discord.AllowedMentions.none()
    extra: dict[str, Any] = {}
    if view is not None:
        extra["view"] = view
    if files:
        extra["files"] = files
    try:
        await place.send(content, allowed_mentions=mentions, **extra)
    except discord.HTTPException as exc:
        outcome = outcome_of(exc)
        if outcome is not Outcome.DMS_CLOSED:
            log.warning("could not send %s: %s (code %s)", what, exc.status, exc.code)
        return outcome
    return Outcome.SENT


def why_not_to_requester(outcome: Outcome) -> str:
    """Why a reply did not reach the requester, for the responders (no identity in it)."""
    return {
        Outcome.DMS_CLOSED: "their DMs are closed right now",
        Outcome.GONE: "this request can no longer reach them",
        Outcome.REFUSED: "Discord refused that message (it may be too long or hold something "
        "Discord doesn't accept) — try a shorter one",
        Outcome.FAILED: "Discord had a passing problem — try again in a moment",
        Outcome.SENT: "",
    }[outcome]


def thread_note(outcome: Outcome) -> str:
    """What the thread is told when a reply posted there did not reach the requester."""
    stays = ""
    if outcome is Outcome.DMS_CLOSED:
        stays = " It stays here in the thread if they come back."
    return f"I couldn't pass that on: {why_not_to_requester(outcome)}.{stays}"


def requester_note(outcome: Outcome) -> str:
    """What the requester is told by DM when their answer did not reach the thread."""
    return {
        Outcome.GONE: "I couldn't reach that request's thread; it may have been removed.",
        Outcome.REFUSED: "Discord refused to post that message in the thread (it may be too long "
        "or hold something Discord doesn't accept). Please send it shorter or in parts.",
        Outcome.FAILED: "Discord had a passing problem and I couldn't pass that on. Please send "
        "it again in a moment.",
        Outcome.DMS_CLOSED: "I couldn't pass that on; please send it again in a moment.",
        Outcome.SENT: "",
    }[outcome]
