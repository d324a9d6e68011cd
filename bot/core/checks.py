"""Run-time permission checks for subcommands.

Discord applies default member permissions to a whole top-level command, never to
one subcommand, so each subcommand that needs a permission checks it here when it
runs and refuses with a clear ephemeral message (DESIGN.md, "Permissions").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

from bot.core.errors import NotAllowed

T = TypeVar("T")


def _member_permissions(interaction: discord.Interaction[Any]) -> discord.Permissions:
    if interaction.guild is None:
        raise NotAllowed("This command works in a server, not in DMs.")
    # Interaction payloads carry the member's resolved permissions for this channel.
    return interaction.permissions


def require_manage_server(interaction: discord.Interaction[Any]) -> None:
    perms = _member_permissions(interaction)
    if not (perms.manage_guild or perms.administrator):
        raise NotAllowed(
            "Only members with the **Manage Server** permission can do this. "
            "Ask a server admin if you think it should be changed."
        )


def require_manage_messages(interaction: discord.Interaction[Any]) -> None:
    perms = _member_permissions(interaction)
    if not (perms.manage_messages or perms.administrator):
        raise NotAllowed(
            "Only members with the **Manage Messages** permission can do this — "
            "usually the server's moderators."
        )


def require_manage_messages_server_wide(interaction: discord.Interaction[Any]) -> None:
    """Manage Messages in the server itself, not only in the channel the command runs in: for
    actions that reach the whole server (a channel overwrite grants it in one channel only)."""
    if interaction.guild is None:
        raise NotAllowed("This command works in a server, not in DMs.")
    member = interaction.user
    perms = member.guild_permissions if isinstance(member, discord.Member) else None
    if perms is None or not (perms.manage_messages or perms.administrator):
        raise NotAllowed(
            "Only members with the **Manage Messages** permission for the whole server can do "
            "this — usually the server's moderators."
        )


def require_guild(interaction: discord.Interaction[Any]) -> None:
    if interaction.guild is None:
        raise NotAllowed("This command works in a server, not in DMs.")


def _as_check(rule: Callable[[discord.Interaction[Any]], None]) -> Callable[[T], T]:
    def predicate(interaction: discord.Interaction[Any]) -> bool:
        rule(interaction)
        return True

    return app_commands.check(predicate)


def manage_server_only() -> Callable[[T], T]:
    """Decorator: the subcommand needs Manage Server (or Administrator)."""
    return _as_check(require_manage_server)


def manage_messages_only() -> Callable[[T], T]:
    """Decorator: the subcommand needs Manage Messages (or Administrator)."""
    return _as_check(require_manage_messages)


def manage_messages_server_wide() -> Callable[[T], T]:
    """Decorator: the subcommand needs Manage Messages server-wide (or Administrator)."""
    return _as_check(require_manage_messages_server_wide)


def guild_only() -> Callable[[T], T]:
    """Decorator: the subcommand only makes sense in a server."""
    return _as_check(require_guild)
