"""The local Discord stand-in: a fake Discord the real bot logs into.

`StandIn` (in `kit`) is the entry point: an aiohttp REST + gateway server on 127.0.0.1 that
speaks Discord's wire format, enforces its documented limits, and acts for the people in its
world (slash commands, button clicks, modal submits, posts, DMs). See docs/standin.md.
"""

from __future__ import annotations

from bot.standin.interactions import Interaction
from bot.standin.kit import StandIn
from bot.standin.rest_base import Call
from bot.standin.world import (
    DEFAULT_EVERYONE,
    Channel,
    Guild,
    Member,
    Role,
    User,
)

__all__ = [
    "DEFAULT_EVERYONE",
    "Call",
    "Channel",
    "Guild",
    "Interaction",
    "Member",
    "Role",
    "StandIn",
    "User",
]
