"""Kindred's persistent buttons: state in the custom id, errors answered like a command's.

The shape of discord.py's ``examples/views/dynamic_counter.py``: each button class sets a
``template`` whose named groups carry its state (``checkin:mood:<delivery>:<1-5>``), builds
itself from a match in :meth:`KindredButton.from_match`, decides who may press it inside
:meth:`KindredButton.handle`, and is registered with ``bot.add_dynamic_items`` so it works
across restarts. A press that raises is answered with one ephemeral message and logged once
(``reporting_errors``), as a slash command's error is.
"""

from __future__ import annotations

import abc
import re
from typing import Any, Self

import discord

from bot.core.errors import reporting_errors

__all__ = ["KindredButton", "make_button"]


def make_button(
    custom_id: str,
    label: str,
    *,
    style: discord.ButtonStyle = discord.ButtonStyle.secondary,
    emoji: str | None = None,
) -> discord.ui.Button[Any]:
    """A button within Discord's limits (label 80, custom id 100 characters)."""
    return discord.ui.Button(label=label[:80], style=style, emoji=emoji, custom_id=custom_id[:100])


class KindredButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"$^"):
    """Base of every persistent button; ``$^`` matches nothing, subclasses set the template."""

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls.from_match(match)

    @classmethod
    @abc.abstractmethod
    def from_match(cls, match: re.Match[str]) -> Self:
        """The button for a custom id its template matched."""

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        async with reporting_errors(interaction, where=f"button {type(self).__name__}"):
            await self.handle(interaction)

    @abc.abstractmethod
    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        """What a press does; a ``UserFacingError`` becomes an ephemeral answer."""
