"""The shared machinery of the stand-in's limit checks: Discord-style field errors.

``Collector`` walks a request body and records each problem the way Discord reports it
(path, code, message); ``invalid_form_body`` turns the list into Discord's 50035 answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

Path = tuple[str | int, ...]

# Discord's wording for the errors whose message does not depend on the value. Codes Discord
# documents or is seen returning, and for the few rules where neither is known, a code in the
# same style (the stand-in's callers match on paths and 50035, rarely on these codes).
_MESSAGES = {
    "BASE_TYPE_REQUIRED": "This field is required",
    "DICT_TYPE_CONVERT": "Only dictionaries may be used in a DictType",
    "LIST_TYPE_CONVERT": "Only iterables may be used in a ListType",
    "COMPONENT_CUSTOM_ID_DUPLICATED": "Component custom id cannot be duplicated",
    "COMPONENT_LAYOUT_WIDTH_EXCEEDED": "The specified component exceeds the maximum width",
    "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED": "The specified option value is already used",
    "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED": "A custom id required",
    "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED": "This button style cannot have a custom id",
    "BUTTON_COMPONENT_URL_NOT_ALLOWED": "Only link buttons can have a url",
    "NONCE_TYPE_INVALID": "Nonce must be an integer or a string.",
    "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2": (
        "The 'content', 'embeds', 'stickers' and 'poll' fields cannot be used when using "
        "MessageFlags.IS_COMPONENTS_V2"
    ),
    "BASE_TYPE_BAD_TYPE": "Value is not of the option's type.",
    "STRING_TYPE_REGEX": "String value did not match validation regex.",
    "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID": (
        "Sub-command and sub-command group option types are mutually exclusive to all other types"
    ),
    "APPLICATION_COMMAND_OPTION_TYPE_INVALID": "This option type is not allowed here.",
    "APPLICATION_COMMAND_OPTIONS_NAME_ALREADY_EXISTS": "Option names must be unique",
    "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID": (
        "Required options must be placed before non-required options"
    ),
    "APPLICATION_COMMAND_OPTION_CHOICES_INVALID": (
        "Only string, integer and number options can have choices."
    ),
    "AUTOCOMPLETE_CHOICES_MUTUALLY_EXCLUSIVE": (
        "Autocomplete cannot be set with choices, and only on string, integer and number options."
    ),
}


@dataclass(frozen=True)
class FieldError:
    """One problem in a request body, located like Discord does (``("embeds", 0, "title")``)."""

    path: Path
    code: str
    message: str


class Collector:
    """Walks a payload and records Discord-style errors; helpers return the value if usable."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, path: Path, code: str, message: str | None = None) -> None:
        self.errors.append(FieldError(path, code, message or _MESSAGES[code]))

    def required(self, path: Path) -> None:
        self.fail(path, "BASE_TYPE_REQUIRED")

    def obj(self, value: Any, path: Path) -> dict[str, Any] | None:
        if isinstance(value, dict):
            return value
        self.fail(path, "DICT_TYPE_CONVERT")
        return None

    def text(
        self,
        obj: dict[str, Any],
        key: str,
        path: Path,
        hi: int,
        *,
        lo: int = 0,
        required: bool = False,
    ) -> str | None:
        p = (*path, key)
        value = obj.get(key)
        if value is None or (required and lo == 0 and value == ""):
            if required:
                self.required(p)
            return None
        if not isinstance(value, str):
            self.fail(p, "STRING_TYPE_CONVERT", f'Could not interpret "{value!r}" as string.')
            return None
        if lo > 0 and not lo <= len(value) <= hi:
            self.fail(p, "BASE_TYPE_BAD_LENGTH", f"Must be between {lo} and {hi} in length.")
        elif len(value) > hi:
            self.fail(p, "BASE_TYPE_MAX_LENGTH", f"Must be {hi} or fewer in length.")
        return value

    def integer(
        self,
        obj: dict[str, Any],
        key: str,
        path: Path,
        lo: int,
        hi: int,
        *,
        required: bool = False,
    ) -> int | None:
        p = (*path, key)
        value = obj.get(key)
        if value is None:
            if required:
                self.required(p)
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(p, "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
            return None
        if value < lo:
            self.fail(p, "NUMBER_TYPE_MIN", f"int value should be greater than or equal to {lo}.")
        elif value > hi:
            self.fail(p, "NUMBER_TYPE_MAX", f"int value should be less than or equal to {hi}.")
        return value

    def choice(
        self,
        obj: dict[str, Any],
        key: str,
        path: Path,
        choices: tuple[Any, ...],
        *,
        required: bool = False,
    ) -> Any:
        p = (*path, key)
        value = obj.get(key)
        if value is None:
            if required:
                self.required(p)
            return None
        if isinstance(value, bool) or value not in choices:
            shown = ", ".join(repr(c) if isinstance(c, str) else str(c) for c in choices)
            self.fail(p, "BASE_TYPE_CHOICES", f"Value must be one of ({shown}).")
            return None
        return value

    def array(
        self,
        obj: dict[str, Any],
        key: str,
        path: Path,
        hi: int,
        *,
        lo: int = 0,
        required: bool = False,
    ) -> list[Any] | None:
        p = (*path, key)
        value = obj.get(key)
        if value is None:
            if required:
                self.required(p)
            return None
        if not isinstance(value, list):
            self.fail(p, "LIST_TYPE_CONVERT")
            return None
        if lo > 0 and not lo <= len(value) <= hi:
            self.fail(p, "BASE_TYPE_BAD_LENGTH", f"Must be between {lo} and {hi} in length.")
        elif len(value) > hi:
            self.fail(p, "BASE_TYPE_MAX_LENGTH", f"Must be {hi} or fewer in length.")
        return value

    def type_choices(self, path: Path, allowed: tuple[int, ...]) -> None:
        shown = ", ".join(str(t) for t in allowed) + ("," if len(allowed) == 1 else "")
        self.fail(
            (*path, "type"),
            "UNION_TYPE_CHOICES",
            f'Value of field "type" must be one of ({shown}).',
        )

    def custom_id(self, item: dict[str, Any], path: Path, seen: set[str]) -> None:
        """custom_id 1..100 and unique within one message or modal."""
        value = self.text(item, "custom_id", path, 100, lo=1, required=True)
        if value is None:
            return
        if value in seen:
            self.fail((*path, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED")
        seen.add(value)


def check_choices(
    c: Collector, owner: dict[str, Any], path: Path, value_type: int | None = None
) -> list[Any]:
    """Autocomplete answers and command option choices: 25 at most, name 1..100, value a
    string of up to 100 or a number (of the option's type, for commands)."""
    choices = c.array(owner, "choices", path, 25) or []
    for i, raw in enumerate(choices):
        cp = (*path, "choices", i)
        choice = c.obj(raw, cp)
        if choice is None:
            continue
        c.text(choice, "name", cp, 100, lo=1, required=True)
        value = choice.get("value")
        if value is None:
            c.required((*cp, "value"))
        elif isinstance(value, str) and value_type in (None, 3):
            c.text(choice, "value", cp, 100)
        elif value_type == 3 or isinstance(value, bool | str) or not isinstance(value, int | float):
            c.fail((*cp, "value"), "BASE_TYPE_BAD_TYPE")
        elif value_type == 4 and not isinstance(value, int):
            c.fail((*cp, "value"), "NUMBER_TYPE_COERCE", f'Value "{value}" is not int.')
    return choices


# ------------------------------------------------------------------ errors


def invalid_form_body(errors: list[FieldError]) -> dict[str, Any]:
    """Discord's 50035 body: errors nested by path, list indexes as string keys."""
    tree: dict[str, Any] = {}
    for error in errors:
        node = tree
        for part in error.path:
            node = node.setdefault(str(part), {})
        node.setdefault("_errors", []).append({"code": error.code, "message": error.message})
    return {"code": 50035, "message": "Invalid Form Body", "errors": tree}
