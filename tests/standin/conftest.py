"""Shared fixtures for the stand-in's own tests: a running stand-in and a tiny plain bot."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator

import discord
import pytest
from discord.ext import commands

from bot.standin import Channel, Guild, Member, StandIn


class ParseWarnings(logging.Handler):
    """Collects warnings and errors discord.py logs (parse failures, ignored exceptions)."""

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        # Optional voice libraries are irrelevant to the stand-in.
        if "voice will NOT be supported" not in record.getMessage():
            self.records.append(record)


@pytest.fixture
def discord_warnings() -> Iterator[list[logging.LogRecord]]:
    """Warnings and errors discord.py logged during the test (parse problems show up here)."""
    handler = ParseWarnings()
    logger = logging.getLogger("discord")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


@pytest.fixture
async def standin() -> AsyncIterator[StandIn]:
    async with StandIn(interaction_deadline=0.5) as running:
        yield running


def _make_bot(*, message_content: bool = True) -> commands.Bot:
    intents = discord.Intents.default()
    intents.message_content = message_content
    return commands.Bot(command_prefix="!", intents=intents)


@pytest.fixture
def make_bot() -> Callable[..., commands.Bot]:
    """Builds a small plain discord.py bot (not Kindred) with default intents."""
    return _make_bot


@pytest.fixture
def guild(standin: StandIn) -> Guild:
    """A guild the bot is in, with its owner."""
    return standin.add_guild("Sample")


@pytest.fixture
def general(guild: Guild) -> Channel:
    return guild.add_text_channel("general")


@pytest.fixture
def alice(guild: Guild) -> Member:
    return guild.add_member("alice")
