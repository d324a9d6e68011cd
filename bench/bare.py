"""The baseline of Kindred's benches: a bare discord.py 2.7 bot.

What any discord.py bot pays, and nothing of Kindred's: one slash command answering a fixed
ephemeral text, a persistent button answering a fixed ephemeral text (``/panel`` posts it),
an ``on_message`` listener that does nothing, the intents Kindred asks for (guilds, guild
messages, DMs, and message content when the application has it enabled, decided the same
way, in ``setup_hook``), no database, no cogs, no ``commands.Bot``.

This module imports nothing of Kindred's (``bot/``, ``cogs/``), so a bench's bare child
process loads only discord.py: its memory and CPU are the floor Kindred is compared with.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

COMMAND = "hello"
PANEL_COMMAND = "panel"
BUTTON_ID = "bare:press"
COMMAND_TEXT = "Hello! This is a bare discord.py bot."
BUTTON_TEXT = "Pressed. This is a bare discord.py bot."


def bare_intents() -> discord.Intents:
    """The intents Kindred's ``bot.app.base_intents`` asks for (copied, not imported)."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.dm_messages = True
    return intents


class PressView(discord.ui.View):
    """One persistent button (``timeout=None`` and a fixed ``custom_id``)."""

    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Press", custom_id=BUTTON_ID, style=discord.ButtonStyle.secondary)
    async def press(
        self, interaction: discord.Interaction[Any], button: discord.ui.Button[Any]
    ) -> None:
        await interaction.response.send_message(BUTTON_TEXT, ephemeral=True)


class BareBot(discord.Client):
    def __init__(self) -> None:
        super().__init__(intents=bare_intents(), allowed_mentions=discord.AllowedMentions.none())
        self.tree = app_commands.CommandTree(self)
        self.tree.add_command(
            app_commands.Command(name=COMMAND, description="A fixed answer", callback=_hello)
        )
        self.tree.add_command(
            app_commands.Command(
                name=PANEL_COMMAND, description="Post the persistent button", callback=_panel
            )
        )

    async def setup_hook(self) -> None:
        flags = self.application.flags if self.application is not None else None
        if flags and (flags.gateway_message_content or flags.gateway_message_content_limited):
            self._connection._intents.message_content = True
        self.add_view(PressView())
        await self.tree.sync()

    async def on_message(self, message: discord.Message) -> None:
        return None


async def _hello(interaction: discord.Interaction[Any]) -> None:
    await interaction.response.send_message(COMMAND_TEXT, ephemeral=True)


async def _panel(interaction: discord.Interaction[Any]) -> None:
    await interaction.response.send_message("The bare bot's button:", view=PressView())
