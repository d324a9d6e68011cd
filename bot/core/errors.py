"""The one user-facing error type and the one place that turns errors into replies."""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from typing import Any

import discord
from discord import app_commands

log = logging.getLogger(__name__)

APOLOGY = (
    "Sorry — something went wrong on Kindred's side and this didn't work. "
    "Nothing you did caused it. If it keeps happening, tell a server admin and "
    "mention error reference `{ref}`."
)


class UserFacingError(app_commands.AppCommandError):
    """An error a user can cause; its message is safe to show them and says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(app_commands.CheckFailure, UserFacingError):
    """A run-time permission check refused the command (see bot/core/checks.py)."""

    def __init__(self, message: str) -> None:
        UserFacingError.__init__(self, message)


def user_facing(error: BaseException) -> UserFacingError | None:
    """The UserFacingError behind ``error`` (discord.py wraps errors raised in commands)."""
    seen: BaseException | None = error
    for _ in range(4):
        if isinstance(seen, UserFacingError):
            return seen
        if seen is None:
            break
        seen = getattr(seen, "original", None) or seen.__cause__
    return None


async def send_ephemeral(interaction: discord.Interaction[Any], content: str) -> None:
    """Answer privately, whether or not the interaction was already acknowledged."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(content, ephemeral=True)
        else:
            await interaction.response.send_message(content, ephemeral=True)
    except discord.HTTPException as exc:
        # The token may have expired (10062) or the channel vanished; nothing more to say.
        log.warning("could not deliver an error reply: %s (code %s)", exc.status, exc.code)


async def report_error(
    interaction: discord.Interaction[Any], error: BaseException, *, where: str
) -> None:
    """Turn ``error`` into an ephemeral reply; log anything unexpected with a reference."""
    expected = user_facing(error)
    if expected is not None:
        await send_ephemeral(interaction, expected.message)
        return
    if isinstance(error, app_commands.CommandOnCooldown):
        await send_ephemeral(
            interaction, f"Slow down a little — try again in {error.retry_after:.0f} seconds."
        )
        return
    if isinstance(error, app_commands.NoPrivateMessage):
        await send_ephemeral(interaction, "This command works in a server, not in DMs.")
        return
    ref = secrets.token_hex(4)
    original = getattr(error, "original", error)
    log.error(
        "unexpected error in %s (reference %s)",
        where,
        ref,
        exc_info=(type(original), original, original.__traceback__),
    )
    await send_ephemeral(interaction, APOLOGY.format(ref=ref))


@contextlib.asynccontextmanager
async def reporting_errors(
    interaction: discord.Interaction[Any], *, where: str
) -> AsyncIterator[None]:
    """For callbacks discord.py only logs (DynamicItem): answer the user the same way."""
    try:
        yield
    except Exception as exc:
        await report_error(interaction, exc, where=where)


class KindredTree(app_commands.CommandTree[Any]):
    """The command tree with Kindred's single error handler."""

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError, /
    ) -> None:
        command = interaction.command.qualified_name if interaction.command else "a command"
        await report_error(interaction, error, where=f"/{command}")


class KindredView(discord.ui.View):
    """A view whose callback errors get the same treatment as command errors."""

    async def on_error(
        self,
        interaction: discord.Interaction[Any],
        error: Exception,
        item: discord.ui.Item[Any],
        /,
    ) -> None:
        await report_error(interaction, error, where=f"component {type(item).__name__}")


class KindredModal(discord.ui.Modal):
    """A modal whose submit errors get the same treatment as command errors."""

    async def on_error(  # type: ignore[override]  # Modal narrows View.on_error
        self, interaction: discord.Interaction[Any], error: Exception, /
    ) -> None:
        await report_error(interaction, error, where=f"modal {type(self).__name__}")
