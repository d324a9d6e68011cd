"""Discord's limits on application commands (``PUT /applications/{id}/commands``)."""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.standin.limits_base import Collector, FieldError, Path, check_choices

log = logging.getLogger(__name__)

# Per scope (global, or one guild): CHAT_INPUT, USER and MESSAGE commands counted separately.
COMMAND_TYPE_LIMITS = {1: 100, 2: 15, 3: 15, 4: 1}
COMMAND_SIZE_MAX = 4000
CHAT_INPUT_NAME = re.compile(r"^[-_a-z0-9]{1,32}$")
SUBCOMMAND, SUBCOMMAND_GROUP = 1, 2
CHOICE_OPTION_TYPES = (3, 4, 10)

# --------------------------------------------------------- application commands


def check_commands(payload: list[dict[str, Any]], *, global_: bool = True) -> list[FieldError]:
    """Problems in a bulk overwrite (``PUT .../commands``), global or for one guild."""
    c = Collector()
    if not isinstance(payload, list):
        c.fail((), "LIST_TYPE_CONVERT")
        return c.errors
    counts: dict[int, int] = {}
    names: set[tuple[int, str]] = set()
    for i, raw in enumerate(payload):
        if (command := c.obj(raw, (i,))) is None:
            continue
        kind = c.choice(command, "type", (i,), tuple(COMMAND_TYPE_LIMITS)) or 1
        counts[kind] = counts.get(kind, 0) + 1
        name = _command(c, command, (i,), kind)
        if name is not None and (kind, name) in names:
            c.fail(
                (i, "name"),
                "APPLICATION_COMMANDS_DUPLICATE_NAME",
                f"Application command names must be unique: {name}",
            )
        elif name is not None:
            names.add((kind, name))
    scope = "global" if global_ else "guild"
    for kind, count in counts.items():
        if count > COMMAND_TYPE_LIMITS[kind]:
            c.fail(
                (),
                "BASE_TYPE_MAX_LENGTH",
                f"Must be {COMMAND_TYPE_LIMITS[kind]} or fewer in length "
                f"({scope} commands of type {kind}).",
            )
    return c.errors


def _name(c: Collector, obj: dict[str, Any], path: Path) -> str | None:
    """A CHAT_INPUT command or option name: lowercase ``^[-_a-z0-9]{1,32}$``."""
    name = c.text(obj, "name", path, 32, lo=1, required=True)
    if name is not None and 1 <= len(name) <= 32 and not CHAT_INPUT_NAME.match(name):
        c.fail((*path, "name"), "STRING_TYPE_REGEX")
    return name


def _command(c: Collector, command: dict[str, Any], path: Path, kind: int) -> str | None:
    if kind != 1:
        # USER / MESSAGE (and entry point) commands: any 1..32 name, no description, no options.
        name = c.text(command, "name", path, 32, lo=1, required=True)
        c.text(command, "description", path, 0)
        c.array(command, "options", path, 0)
        return name
    name = _name(c, command, path)
    description = c.text(command, "description", path, 100, lo=1, required=True)
    size = len(name or "") + len(description or "")
    size += _options(c, command, path, level=0)
    if size > COMMAND_SIZE_MAX:
        c.fail(
            path,
            "APPLICATION_COMMAND_TOO_LARGE",
            f"Command exceeds maximum size ({COMMAND_SIZE_MAX})",
        )
    return name


def _options(c: Collector, owner: dict[str, Any], path: Path, *, level: int) -> int:
    """Checks ``owner["options"]``; returns the characters they add to the command's size.

    level 0: the command (subcommands/groups, or plain options, never both); level 1: inside a
    group (subcommands only) or a subcommand (plain options only).
    """
    options = c.array(owner, "options", path, 25) or []
    size = 0
    names: set[str] = set()
    seen_optional = False
    nested_kinds = [
        o.get("type") in (SUBCOMMAND, SUBCOMMAND_GROUP) for o in options if isinstance(o, dict)
    ]
    if any(nested_kinds) and not all(nested_kinds):
        c.fail((*path, "options"), "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID")
    owner_kind = owner.get("type") if level > 0 else None
    for j, raw in enumerate(options):
        op = (*path, "options", j)
        if (option := c.obj(raw, op)) is None:
            continue
        kind = c.choice(option, "type", op, tuple(range(1, 12)), required=True)
        if kind is None:
            continue
        allowed = (
            (SUBCOMMAND,)
            if owner_kind == SUBCOMMAND_GROUP
            else tuple(range(3, 12))
            if owner_kind == SUBCOMMAND
            else tuple(range(1, 12))
        )
        if kind not in allowed:
            c.fail((*op, "type"), "APPLICATION_COMMAND_OPTION_TYPE_INVALID")
            continue
        name = _name(c, option, op)
        description = c.text(option, "description", op, 100, lo=1, required=True)
        size += len(name or "") + len(description or "")
        if name is not None and name in names:
            c.fail((*op, "name"), "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS")
        elif name is not None:
            names.add(name)
        if kind in (SUBCOMMAND, SUBCOMMAND_GROUP):
            size += _options(c, option, op, level=level + 1)
            continue
        if option.get("required") is True and seen_optional:
            c.fail(op, "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID")
        seen_optional = seen_optional or option.get("required") is not True
        size += _plain_option(c, option, op, kind)
    return size


def _plain_option(c: Collector, option: dict[str, Any], path: Path, kind: int) -> int:
    """Choices, autocomplete and length bounds of a value option; returns its choice text."""
    if option.get("options"):
        c.fail(
            (*path, "options"),
            "APPLICATION_COMMAND_OPTION_TYPE_INVALID",
            "Only sub-commands and groups can have options.",
        )
    has_choices = bool(option.get("choices"))
    if has_choices and kind not in CHOICE_OPTION_TYPES:
        c.fail((*path, "choices"), "APPLICATION_COMMAND_OPTION_CHOICES_INVALID")
    if option.get("autocomplete") is True and (has_choices or kind not in CHOICE_OPTION_TYPES):
        c.fail((*path, "autocomplete"), "AUTOCOMPLETE_CHOICES_MUTUALLY_EXCLUSIVE")
    if kind == 3:
        c.integer(option, "min_length", path, 0, 6000)
        c.integer(option, "max_length", path, 1, 6000)
    size = 0
    for choice in check_choices(c, option, path, kind):
        if isinstance(choice, dict):
            size += len(str(choice.get("name") or "")) + len(str(choice.get("value") or ""))
    return size
