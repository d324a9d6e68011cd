"""Timezone choices for slash-command autocomplete (used by every scheduling command)."""

from __future__ import annotations

import functools
import zoneinfo
from typing import Any

import discord
from discord import app_commands

MAX_CHOICES = 25  # Discord's limit per autocomplete answer

# Offered first when nothing is typed yet: a spread around the world.
POPULAR = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Africa/Johannesburg",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)


@functools.cache
def all_timezones() -> tuple[str, ...]:
    names = {n for n in zoneinfo.available_timezones() if not n.startswith(("Etc/", "SystemV/"))}
    return tuple(sorted(names | {"UTC"}))


def matching_timezones(current: str, limit: int = MAX_CHOICES) -> list[str]:
    """Names that start with, then contain, what was typed (case- and space-insensitive)."""
    typed = current.strip().casefold().replace(" ", "_")
    if not typed:
        return list(POPULAR[:limit])
    names = all_timezones()
    starts = [n for n in names if n.casefold().startswith(typed)]
    # "berlin" should find Europe/Berlin: match the city part too.
    city = [n for n in names if n not in starts and n.casefold().split("/")[-1].startswith(typed)]
    contains = [n for n in names if n not in starts and n not in city and typed in n.casefold()]
    return (starts + city + contains)[:limit]


async def timezone_autocomplete(
    interaction: discord.Interaction[Any], current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=n, value=n) for n in matching_timezones(current)]
