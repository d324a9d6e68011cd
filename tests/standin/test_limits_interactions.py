"""Discord's interaction-response limits (messages, modals, autocomplete) in the stand-in.

Shared builders and the table convention are in ``limit_payloads.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import discord
import pytest
from limit_payloads import (
    BAD,
    CHOICES,
    DUP_ID,
    MAX,
    NMAX,
    REQ,
    UNION,
    Limit,
    Path,
    Payload,
    button,
    choice,
    codes,
    embed,
    limit_cases,
    row,
    select,
    text,
)

from bot.standin.limits import (
    check_interaction_response,
)

# ------------------------------------------------------------ interaction responses


def modal(*components: Payload, **extra: Any) -> Payload:
    data = {"title": "T", "custom_id": "m", "components": list(components), **extra}
    return {"type": 9, "data": data}


def text_input(custom_id: str = "t", **extra: Any) -> Payload:
    return {"type": 4, "custom_id": custom_id, "style": 1, "label": "L", **extra}


def input_row(**extra: Any) -> Payload:
    return row(text_input(**extra))


def labelled(component: Payload, **extra: Any) -> Payload:
    return {"type": 18, "label": "L", "component": component, **extra}


def autocomplete(*choices: Payload) -> Payload:
    return {"type": 8, "data": {"choices": list(choices)}}


def rows_of_inputs(n: int) -> Payload:
    return modal(*(row(text_input(f"t{i}")) for i in range(n)))


D = ("data",)
D_ROW0 = ("data", "components", 0, "components", 0)
D_C0 = ("data", "components", 0)
D_CHOICE0 = ("data", "choices", 0)
LABEL_TEXT_INPUT = text_input(label=None)

# fmt: off
RESPONSE_LIMITS: list[Limit] = [
    ("message content", lambda n: {"type": 4, "data": {"content": "x" * n}}, 2000,
     (*D, "content"), MAX),
    ("update embeds", lambda n: {"type": 7, "data": {"embeds": [embed()] * n}}, 10,
     (*D, "embeds"), MAX),
    ("choices", lambda n: autocomplete(*[choice()] * n), 25, (*D, "choices"), MAX),
    ("choice name", lambda n: autocomplete(choice(name="x" * n)), 100, (*D_CHOICE0, "name"), BAD),
    ("choice value", lambda n: autocomplete(choice(value="x" * n)), 100,
     (*D_CHOICE0, "value"), MAX),
    ("modal title", lambda n: modal(input_row(), title="x" * n), 45, (*D, "title"), BAD),
    ("modal custom_id", lambda n: modal(input_row(), custom_id="x" * n), 100,
     (*D, "custom_id"), BAD),
    ("modal rows", rows_of_inputs, 5, (*D, "components"), BAD),
    ("input label", lambda n: modal(input_row(label="x" * n)), 45, (*D_ROW0, "label"), BAD),
    ("input custom_id", lambda n: modal(input_row(custom_id="x" * n)), 100,
     (*D_ROW0, "custom_id"), BAD),
    ("input min_length", lambda n: modal(input_row(min_length=n)), 4000,
     (*D_ROW0, "min_length"), NMAX),
    ("input max_length", lambda n: modal(input_row(max_length=n)), 4000,
     (*D_ROW0, "max_length"), NMAX),
    ("input value", lambda n: modal(input_row(value="x" * n)), 4000, (*D_ROW0, "value"), MAX),
    ("input placeholder", lambda n: modal(input_row(placeholder="x" * n)), 100,
     (*D_ROW0, "placeholder"), MAX),
    ("label text", lambda n: modal(labelled(LABEL_TEXT_INPUT, label="x" * n)), 45,
     (*D_C0, "label"), BAD),
    ("label description", lambda n: modal(labelled(LABEL_TEXT_INPUT, description="x" * n)), 100,
     (*D_C0, "description"), MAX),
]

RESPONSE_ERRORS: list[tuple[Payload, Path, str]] = [
    ({}, ("type",), REQ),
    ({"type": 3}, ("type",), CHOICES),
    ({"type": 4, "data": {"components": [row(button("a"), button("a"))]}},
     ("data", "components", 0, "components", 1, "custom_id"), DUP_ID),
    ({"type": 8}, D, REQ),
    ({"type": 8, "data": {}}, (*D, "choices"), REQ),
    (autocomplete(choice(name="")), (*D_CHOICE0, "name"), BAD),
    (autocomplete({"name": "a"}), (*D_CHOICE0, "value"), REQ),
    (autocomplete(choice(value=True)), (*D_CHOICE0, "value"), "BASE_TYPE_BAD_TYPE"),
    ({"type": 9}, D, REQ),
    (modal(input_row(), title=None), (*D, "title"), REQ),
    (modal(), (*D, "components"), BAD),
    (modal(input_row(label=None)), (*D_ROW0, "label"), REQ),
    (modal(input_row(style=3)), (*D_ROW0, "style"), CHOICES),
    (modal(input_row(max_length=0)), (*D_ROW0, "max_length"), "NUMBER_TYPE_MIN"),
    (modal(input_row(min_length=10, max_length=5)), (*D_ROW0, "min_length"), NMAX),
    (modal(row(text_input("a"), text_input("b"))), (*D_C0, "components"), BAD),
    (modal(row(button())), (*D_ROW0, "type"), UNION),
    (modal(input_row(), input_row()), ("data", "components", 1, "components", 0, "custom_id"),
     DUP_ID),
    (modal({"type": 18, "component": LABEL_TEXT_INPUT}), (*D_C0, "label"), REQ),
    (modal({"type": 18, "label": "L"}), (*D_C0, "component"), REQ),
    (modal(labelled(button())), (*D_C0, "component", "type"), UNION),
    (modal({"type": 2}), (*D_C0, "type"), UNION),
]

RESPONSES_ACCEPTED: list[Payload] = [
    {"type": 1},
    {"type": 5},
    {"type": 5, "data": {"flags": 64}},
    {"type": 6},
    {"type": 4, "data": {"content": "x", "flags": 64, "allowed_mentions": {"parse": []}}},
    {"type": 7, "data": {"components": []}},
    autocomplete(),
    autocomplete(choice("Europe/Paris", "Europe/Paris"), choice("one", 1), choice("half", 0.5)),
    modal(labelled(LABEL_TEXT_INPUT), labelled(select()), text("Take your time.")),
    modal(labelled({"type": 19, "custom_id": "f", "min_values": 0, "max_values": 10})),
]
# fmt: on


@limit_cases(RESPONSE_LIMITS)
def test_interaction_response_limit_boundary(
    build: Callable[[int], Payload], limit: int, path: Path, code: str
) -> None:
    assert check_interaction_response(build(limit)) == []
    assert (path, code) in codes(check_interaction_response(build(limit + 1)))


@pytest.mark.parametrize(("payload", "path", "code"), RESPONSE_ERRORS)
def test_interaction_response_errors(payload: Payload, path: Path, code: str) -> None:
    assert (path, code) in codes(check_interaction_response(payload))


@pytest.mark.parametrize("payload", RESPONSES_ACCEPTED)
def test_interaction_responses_discord_accepts(payload: Payload) -> None:
    assert check_interaction_response(payload) == []


def test_discord_py_modals_pass() -> None:
    classic = discord.ui.Modal(title="Support request", custom_id="support:new")
    long_text = discord.ui.TextInput(
        label="What's on your mind?", style=discord.TextStyle.long, max_length=4000
    )
    classic.add_item(long_text)
    labelled_modal = discord.ui.Modal(title="Support request", custom_id="support:new2")
    answer = discord.ui.TextInput(custom_id="t")
    labelled_modal.add_item(discord.ui.Label(text="What", description="d", component=answer))
    styles = discord.ui.Select(custom_id="s", options=[discord.SelectOption(label="listen")])
    labelled_modal.add_item(discord.ui.Label(text="Style", component=styles))
    for built in (classic, labelled_modal):
        assert check_interaction_response({"type": 9, "data": built.to_dict()}) == []
