"""What one feature offers another, as protocols: features never import each other.

A check-in's "I'd like to talk" opens a support request; active listening asks support what a
thread's request wants and hears the answers given with the Reply button; support tells
check-ins when a member's home server is gone. Each offer is one small protocol, so a feature
depends on just what it uses; it is implemented by the offering feature's cog and found through
a typed accessor on ``KindredBot`` (``bot.request_opener``, ``bot.thread_styles``,
``bot.crisis_alerts``, ``bot.checkin_homes``, ``bot.reply_listener``), None while that cog is
not loaded.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import discord

__all__ = ["CheckinHomes", "CrisisAlerts", "ReplyListener", "RequestOpener", "ThreadStyles"]


@runtime_checkable
class RequestOpener(Protocol):
    """Offered by the support feature, used by check-ins ("I'd like to talk")."""

    async def open_request_modal(
        self,
        interaction: discord.Interaction[Any],
        guild_id: int,
        *,
        style: str = "either",
        from_checkin: bool = False,
    ) -> None:
        """Answer ``interaction`` with the request form for ``guild_id``, or say why not.
        ``from_checkin``: the request is posted a few random minutes after it is sent."""
        ...


@runtime_checkable
class ThreadStyles(Protocol):
    """Offered by the support feature, used by active listening in support threads."""

    async def style_for_thread(self, thread_id: int) -> str | None:
        """ "listen", "advice" or "either" for a support request's thread; None otherwise."""
        ...


@runtime_checkable
class CrisisAlerts(Protocol):
    """Offered by the support feature (it holds the server's crisis settings, resources text and
    support channel), used by active listening to care for crises in watched channels."""

    async def crisis_scan_enabled(self, guild_id: int) -> bool:
        """True if the server asked for its watched channels to be checked for crises."""
        ...

    async def server_resources(self, guild_id: int) -> str | None:
        """The server's own crisis-resources text, if it set one."""
        ...

    async def alert_public_crisis(self, message: discord.Message, *, reached_writer: bool) -> bool:
        """Tell the moderators (support channel, jump link) when alerts are on or the writer
        could not be reached privately. True if a note was posted."""
        ...


@runtime_checkable
class CheckinHomes(Protocol):
    """Offered by the check-ins feature, used by support."""

    async def forget_home_server(self, member_id: int, guild_id: int) -> bool:
        """The member left ``guild_id`` (or Kindred did): "I'd like to talk" stops pointing
        there. True if it was their home server."""
        ...


@runtime_checkable
class ReplyListener(Protocol):
    """Offered by the active-listening feature, used by support's Reply form."""

    async def observe_reply(
        self, thread_id: int, author_id: int, text: str, *, message_id: int | None = None
    ) -> None:
        """Judge a responder's Reply-button answer in a support thread as their reply."""
        ...
