"""Discord's application-command limits as the stand-in enforces them.

Shared builders and the table convention are in ``limit_payloads.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import discord
import pytest
from discord import app_commands
from limit_payloads import (
    BAD,
    CHOICES,
    MAX,
    NMAX,
    REQ,
    Limit,
    Path,
    Payload,
    choice,
    codes,
    limit_cases,
)

from bot.standin.limits import (
    check_commands,
)

# ------------------------------------------------------------ application commands


def command(name: str = "prompt", description: str | None = "Prompts", **extra: Any) -> Payload:
    return {"name": name, "description": description, "type": 1, **extra}


def option(name: str = "o", kind: int = 3, **extra: Any) -> Payload:
    return {"name": name, "description": "d", "type": kind, **extra}


def with_options(*options: Payload) -> list[Payload]:
    return [command(options=list(options))]


def with_choices(*choices: Payload, kind: int = 3) -> list[Payload]:
    return with_options(option(kind=kind, choices=list(choices)))


def sized(total: int) -> list[Payload]:
    """A command whose names, descriptions and choice text add up to ``total`` characters."""
    fixed = len("c") + 99 + len("o") + len("d")  # 102
    full = [choice("n" * 100, "v" * 100)] * 19  # 3800
    last = choice("n" * (total - fixed - 3800 - 1), "v")
    return [command("c", "d" * 99, options=[option("o", choices=[*full, last])])]


def context_menus(kind: int) -> Callable[[int], list[Payload]]:
    return lambda n: [{"name": f"Menu {i}", "type": kind} for i in range(n)]


O0 = (0, "options", 0)
C0 = (*O0, "choices", 0)
OPTION_KIND = "APPLICATION_COMMAND_OPTION_TYPE_INVALID"

# fmt: off
COMMAND_LIMITS: list[Limit] = [
    ("chat commands", lambda n: [command(f"c{i}") for i in range(n)], 100, (), MAX),
    ("user commands", context_menus(2), 15, (), MAX),
    ("message commands", context_menus(3), 15, (), MAX),
    ("name", lambda n: [command("x" * n)], 32, (0, "name"), BAD),
    ("description", lambda n: [command(description="x" * n)], 100, (0, "description"), BAD),
    ("context menu name", lambda n: [{"name": "X" * n, "type": 3}], 32, (0, "name"), BAD),
    ("options", lambda n: with_options(*(option(f"o{i}") for i in range(n))), 25,
     (0, "options"), MAX),
    ("subcommands", lambda n: with_options(*(option(f"s{i}", 1) for i in range(n))), 25,
     (0, "options"), MAX),
    ("option name", lambda n: with_options(option("o" * n)), 32, (*O0, "name"), BAD),
    ("option description", lambda n: with_options(option(description="x" * n)), 100,
     (*O0, "description"), BAD),
    ("choices", lambda n: with_choices(*(choice(f"c{i}", f"v{i}") for i in range(n))), 25,
     (*O0, "choices"), MAX),
    ("choice name", lambda n: with_choices(choice(name="x" * n)), 100, (*C0, "name"), BAD),
    ("choice value", lambda n: with_choices(choice(value="x" * n)), 100, (*C0, "value"), MAX),
    ("string max_length", lambda n: with_options(option(max_length=n)), 6000,
     (*O0, "max_length"), NMAX),
    ("command size", sized, 4000, (0,), "APPLICATION_COMMAND_TOO_LARGE"),
]

COMMAND_ERRORS: list[tuple[Any, Path, str]] = [
    ([command("Prompt")], (0, "name"), "STRING_TYPE_REGEX"),
    ([command("my prompt")], (0, "name"), "STRING_TYPE_REGEX"),
    ([command("café")], (0, "name"), "STRING_TYPE_REGEX"),
    ([command("")], (0, "name"), BAD),
    ([command(description=None)], (0, "description"), REQ),
    ([command(type=7)], (0, "type"), CHOICES),
    ([{"name": "Report", "type": 3, "description": "x"}], (0, "description"), MAX),
    ([{"name": "Report", "type": 2, "options": [option()]}], (0, "options"), MAX),
    (with_options(option("Time")), (*O0, "name"), "STRING_TYPE_REGEX"),
    (with_options(option(kind=12)), (*O0, "type"), CHOICES),
    (with_options(option("a"), option("a")), (0, "options", 1, "name"),
     "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS"),
    (with_options(option("a", required=False), option("b", required=True)), (0, "options", 1),
     "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"),
    (with_options(option("a"), option("b", required=True)), (0, "options", 1),
     "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID"),
    (with_options(option(autocomplete=True, choices=[choice()])), (*O0, "autocomplete"),
     "AUTOCOMPLETE_CHOICES_MUTUALLY_EXCLUSIVE"),
    (with_choices(choice(), kind=5), (*O0, "choices"),
     "APPLICATION_COMMAND_OPTION_CHOICES_INVALID"),
    (with_choices(choice(value="1"), kind=4), (*C0, "value"), "BASE_TYPE_BAD_TYPE"),
    (with_choices(choice(value=1.5), kind=4), (*C0, "value"), "NUMBER_TYPE_COERCE"),
    (with_choices(choice(value=1)), (*C0, "value"), "BASE_TYPE_BAD_TYPE"),
    (with_options(option("now", 1), option("text")), (0, "options"),
     "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID"),
    (with_options(option("g", 2, options=[option("g2", 2)])), (*O0, "options", 0, "type"),
     OPTION_KIND),
    (with_options(option("s", 1, options=[option("s2", 1)])), (*O0, "options", 0, "type"),
     OPTION_KIND),
    (with_options(option("g", 2, options=[option("s", 1, options=[option("BAD")])])),
     (*O0, "options", 0, "options", 0, "name"), "STRING_TYPE_REGEX"),
    (with_options(option(options=[option("x")])), (*O0, "options"), OPTION_KIND),
    ([command(), command()], (1, "name"), "APPLICATION_COMMANDS_DUPLICATE_NAME"),
    ({"name": "x"}, (), "LIST_TYPE_CONVERT"),
]

COMMANDS_ACCEPTED: list[list[Payload]] = [
    [],
    [command("a-b_c9"), command("prompt"), {"name": "prompt", "type": 2}],
    [command(f"c{i}") for i in range(100)] + context_menus(2)(15) + context_menus(3)(15),
    [{"name": "Report Message", "type": 3, "description": ""}],
    with_options(option("a", required=True), option("b"), option("c", required=False)),
    with_choices(choice("one", 1), kind=4),
    with_choices(choice("half", 0.5), choice("one", 1), kind=10),
    with_options(option(autocomplete=True)),
    with_options(option("g", 2, options=[option("s", 1, options=[option("x")])]), option("t", 1)),
]
# fmt: on


@limit_cases(COMMAND_LIMITS)
def test_command_limit_boundary(
    build: Callable[[int], list[Payload]], limit: int, path: Path, code: str
) -> None:
    assert check_commands(build(limit)) == []
    assert (path, code) in codes(check_commands(build(limit + 1)))


@pytest.mark.parametrize(("payload", "path", "code"), COMMAND_ERRORS)
def test_command_errors(payload: Any, path: Path, code: str) -> None:
    assert (path, code) in codes(check_commands(payload))


@pytest.mark.parametrize("payload", COMMANDS_ACCEPTED)
def test_commands_discord_accepts(payload: list[Payload]) -> None:
    assert check_commands(payload) == []


def test_discord_py_command_tree_passes() -> None:
    depths = [app_commands.Choice(name=d, value=d) for d in ("light", "medium", "deep")]

    class Prompt(app_commands.Group):
        @app_commands.command(description="Post a prompt here, now")
        @app_commands.choices(depth=depths)
        async def now(self, interaction: discord.Interaction, depth: str | None = None) -> None:
            """Unused: only the command's shape matters."""

        @app_commands.command(description="Set the daily schedule")
        async def schedule(
            self,
            interaction: discord.Interaction,
            channel: discord.TextChannel,
            time: str,
            timezone: str,
            days: str | None = None,
        ) -> None:
            """Unused."""

        @schedule.autocomplete("timezone")
        async def zones(
            self, interaction: discord.Interaction, current: str
        ) -> list[app_commands.Choice[str]]:
            return []

    @app_commands.context_menu(name="Report Message")
    async def report(interaction: discord.Interaction, message: discord.Message) -> None:
        """Unused."""

    tree = app_commands.CommandTree(discord.Client(intents=discord.Intents.none()))
    tree.add_command(Prompt(name="prompt", description="Conversation prompts"))
    tree.add_command(report)
    payload = [cmd.to_dict(tree) for cmd in tree.get_commands(type=None)]
    assert len(payload) == 2
    assert check_commands(payload, global_=False) == []


def test_command_count_error_names_the_scope() -> None:
    payload = [command(f"c{i}") for i in range(101)]
    assert "guild" in check_commands(payload, global_=False)[0].message
    assert "global" in check_commands(payload)[0].message
