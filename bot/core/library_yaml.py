"""Reading prompts.yaml as YAML nodes, so every problem names its file, line, entry and field.

``yaml.safe_load`` returns plain dicts and lists that have forgotten where they came from;
composing the document into nodes keeps each value's position for the error message.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import NoReturn

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_STR_TAG = "tag:yaml.org,2002:str"
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_TAG_NAMES = {
    "tag:yaml.org,2002:int": "a number",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "true/false (put the text in quotes if you meant the word)",
    "tag:yaml.org,2002:null": "empty",
    "tag:yaml.org,2002:timestamp": "a date (put it in quotes if you meant text)",
    "tag:yaml.org,2002:str": "text",
}


class LibraryError(Exception):
    """The prompt library cannot be used; says where (file:line, entry, field) and why."""

    def __init__(
        self,
        message: str,
        *,
        file: Path,
        line: int | None = None,
        entry: str | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.entry = entry
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = [f"{self.file}:{self.line}" if self.line is not None else str(self.file)]
        if self.entry:
            parts.append(self.entry)
        if self.field:
            parts.append(f"field '{self.field}'")
        parts.append(self.message)
        return ": ".join(parts)


def line_of(node: Node | None) -> int | None:
    """1-based line where ``node`` starts."""
    return None if node is None else node.start_mark.line + 1


def describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping (key: value lines)"
    if isinstance(node, SequenceNode):
        return "a list"
    return _TAG_NAMES.get(node.tag, f"a value tagged {node.tag}")


class NodeReader:
    """Typed access to composed YAML nodes; every failure raises :class:`LibraryError`."""

    def __init__(self, file: Path) -> None:
        self.file = file

    def fail(
        self,
        node: Node | None,
        message: str,
        *,
        entry: str | None = None,
        field: str | None = None,
        line: int | None = None,
    ) -> NoReturn:
        raise LibraryError(
            message,
            file=self.file,
            line=line if line is not None else line_of(node),
            entry=entry,
            field=field,
        )

    def compose(self) -> MappingNode:
        """Read and compose the file; the root must be a mapping."""
        try:
            text = self.file.read_text(encoding="utf-8")
        except FileNotFoundError:
            self.fail(None, "the file does not exist")
        except UnicodeDecodeError as exc:
            self.fail(None, f"the file is not UTF-8 text ({exc.reason} at byte {exc.start})")
        except OSError as exc:
            self.fail(None, f"cannot read the file: {exc.strerror}")
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message = f"invalid YAML: {exc.problem or exc.context or 'cannot parse'}"
            if exc.problem and exc.context and exc.context_mark is not None:
                # e.g. an unclosed quote is noticed at the end of the file; say where it opened.
                message += f" ({exc.context} on line {exc.context_mark.line + 1})"
            self.fail(None, message, line=mark.line + 1 if mark is not None else None)
        except yaml.YAMLError as exc:
            self.fail(None, f"invalid YAML: {exc}")
        if root is None:
            self.fail(
                None,
                "the file is empty; it needs the sections prompts, framing, "
                "listening, checkins and safety",
            )
        if not isinstance(root, MappingNode):
            self.fail(root, f"the top level must be a mapping of sections, not {describe(root)}")
        return root

    def fields(
        self,
        node: Node,
        *,
        entry: str | None,
        required: Iterable[str],
        optional: Iterable[str] = (),
        any_keys: bool = False,
        field: str | None = None,
    ) -> dict[str, Node]:
        """The mapping's values by key; unknown, duplicate and missing keys are errors.

        ``entry`` names the mapping in errors; ``field`` is the key that holds it (if any).
        ``any_keys`` accepts keys beyond ``required`` and ``optional`` (free-form names).
        """
        if not isinstance(node, MappingNode):
            self.fail(
                node,
                f"must be a mapping (key: value lines), not {describe(node)}",
                entry=entry,
                field=field,
            )
        required = tuple(required)
        allowed = required + tuple(optional)
        found: dict[str, Node] = {}
        key_lines: dict[str, int | None] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag != _STR_TAG:
                self.fail(key_node, f"keys must be names, not {describe(key_node)}", entry=entry)
            key = str(key_node.value)
            if key not in allowed and not any_keys:
                self.fail(
                    key_node, f"unknown field; expected {_one_of(allowed)}", entry=entry, field=key
                )
            if key in found:
                self.fail(
                    key_node,
                    f"appears twice (first on line {key_lines[key]})",
                    entry=entry,
                    field=key,
                )
            found[key] = value_node
            key_lines[key] = line_of(key_node)
        for key in required:
            if key not in found:
                self.fail(node, "is missing", entry=entry, field=key)
        return found

    @staticmethod
    def peek_text(node: Node, key: str) -> str | None:
        """The text under ``key`` if ``node`` is a mapping that has it; no validation."""
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                if (
                    isinstance(key_node, ScalarNode)
                    and key_node.value == key
                    and isinstance(value_node, ScalarNode)
                    and value_node.tag == _STR_TAG
                ):
                    return str(value_node.value).strip() or None
        return None

    def items(
        self, node: Node, *, entry: str | None, field: str | None, min_items: int = 1
    ) -> list[Node]:
        """The nodes of a list with at least ``min_items`` items."""
        if not isinstance(node, SequenceNode):
            self.fail(
                node,
                f"must be a list (lines starting with '- '), not {describe(node)}",
                entry=entry,
                field=field,
            )
        if len(node.value) < min_items:
            self.fail(
                node,
                f"needs at least {min_items} item{'s' if min_items != 1 else ''}, "
                f"has {len(node.value)}",
                entry=entry,
                field=field,
            )
        return list(node.value)

    def text(self, node: Node, *, entry: str | None, field: str | None, max_len: int) -> str:
        """A non-empty string of at most ``max_len`` characters, stripped of outer whitespace."""
        if not isinstance(node, ScalarNode) or node.tag != _STR_TAG:
            if isinstance(node, ScalarNode) and node.tag.endswith(":null"):
                self.fail(node, "must not be empty", entry=entry, field=field)
            self.fail(node, f"must be text, not {describe(node)}", entry=entry, field=field)
        value = str(node.value).strip()
        if not value:
            self.fail(node, "must not be empty", entry=entry, field=field)
        if len(value) > max_len:
            self.fail(
                node,
                f"is {len(value)} characters; the limit is {max_len}",
                entry=entry,
                field=field,
            )
        return value

    def text_list(
        self,
        node: Node,
        *,
        entry: str,
        field: str | None,
        max_len: int,
        min_items: int = 1,
    ) -> tuple[str, ...]:
        """A list of texts; each item is named ``entry.field[i]`` in errors."""
        base = f"{entry}.{field}" if field else entry
        return tuple(
            self.text(item, entry=f"{base}[{index}]", field=None, max_len=max_len)
            for index, item in enumerate(
                self.items(node, entry=entry, field=field, min_items=min_items)
            )
        )

    def number(
        self, node: Node, *, entry: str | None, field: str | None, integer: bool = False
    ) -> float:
        """A YAML number (a whole number if ``integer``); text like "2" is refused."""
        tags = (_INT_TAG,) if integer else (_INT_TAG, _FLOAT_TAG)
        if not isinstance(node, ScalarNode) or node.tag not in tags:
            wanted = "a whole number" if integer else "a number"
            self.fail(node, f"must be {wanted}, not {describe(node)}", entry=entry, field=field)
        try:
            value = float(int(node.value)) if node.tag == _INT_TAG else float(node.value)
        except ValueError:
            self.fail(node, f"'{node.value}' is not a usable number", entry=entry, field=field)
        if value != value or value in (float("inf"), float("-inf")):
            self.fail(node, "must be a finite number", entry=entry, field=field)
        return value

    def choice(self, node: Node, *, entry: str | None, field: str, choices: tuple[str, ...]) -> str:
        value = self.text(node, entry=entry, field=field, max_len=100)
        if value not in choices:
            self.fail(node, f"must be one of {', '.join(choices)}", entry=entry, field=field)
        return value


def _one_of(names: tuple[str, ...]) -> str:
    return ", ".join(names)
