"""Payload builders and table helpers shared by the stand-in's limit tests (test_limits_*.py).

Every limit table row builds a body with ``n`` of something: at Discord's limit it must pass,
one over it must fail with the given code at the given path. The tables are kept one row a
line (``fmt: off``) so they read as tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.standin.limits import FieldError

Payload = dict[str, Any]
Path = tuple[str | int, ...]
Limit = tuple[str, Callable[[int], Any], int, Path, str]

MAX, BAD, REQ = "BASE_TYPE_MAX_LENGTH", "BASE_TYPE_BAD_LENGTH", "BASE_TYPE_REQUIRED"
NMAX, CHOICES, UNION = "NUMBER_TYPE_MAX", "BASE_TYPE_CHOICES", "UNION_TYPE_CHOICES"
DUP_ID = "COMPONENT_CUSTOM_ID_DUPLICATED"
V2 = 1 << 15


def codes(errors: list[FieldError]) -> set[tuple[Path, str]]:
    return {(e.path, e.code) for e in errors}


def limit_cases(table: list[Limit]) -> Any:
    return pytest.mark.parametrize(
        ("build", "limit", "path", "code"),
        [case[1:] for case in table],
        ids=[case[0] for case in table],
    )


# Message payloads (also the parts of interaction responses).


def button(custom_id: str | None = "b", **extra: Any) -> Payload:
    return {"type": 2, "style": 1, "label": "ok", "custom_id": custom_id, **extra}


def row(*items: Payload) -> Payload:
    return {"type": 1, "components": list(items)}


def in_row(item: Payload) -> Payload:
    return {"components": [row(item)]}


def select(n_options: int = 1, **extra: Any) -> Payload:
    options = [{"label": f"o{i}", "value": f"v{i}"} for i in range(n_options)]
    return {"type": 3, "custom_id": "s", "options": options, **extra}


def option_of(label: str = "l", value: str = "v") -> Payload:
    return in_row(select(options=[{"label": label, "value": value}]))


def embed(**fields: Any) -> Payload:
    return {"title": "t", **fields}


def emb(**fields: Any) -> Payload:
    return {"embeds": [embed(**fields)]}


def field(name: str | None = "n", value: str = "v") -> Payload:
    return emb(fields=[{"name": name, "value": value}])


def poll(question: str = "q", answers: int = 1) -> Payload:
    answer = {"poll_media": {"text": "a"}}
    return {"poll": {"question": {"text": question}, "answers": [answer] * answers}}


def v2(*components: Payload) -> Payload:
    return {"flags": V2, "components": list(components)}


def text(content: str = "x") -> Payload:
    return {"type": 10, "content": content}


def buttons(n: int) -> list[Payload]:
    return [button(f"b{i}") for i in range(n)]


def two_embeds(total: int) -> Payload:
    return {"embeds": [{"description": "x" * 4000}, {"description": "y" * (total - 4000)}]}


def choice(name: str = "a", value: Any = "a") -> Payload:
    """An autocomplete or command-option choice."""
    return {"name": name, "value": value}
