"""Discord's request limits as the stand-in enforces them: each limit at the boundary.

Every limit table row builds a body with ``n`` of something: at Discord's limit it must pass,
one over it must fail with the given code at the given path. The tables are kept one row a
line (``fmt: off``) so they read as tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.standin.limits import (
    FieldError,
    check_commands,
    check_interaction_response,
    check_message,
    check_thread,
    invalid_form_body,
    is_empty_message,
)

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


# ------------------------------------------------------------------ messages


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


E0 = ("embeds", 0)
ROW0 = ("components", 0, "components", 0)
EMBED_SIZE = "MAX_EMBED_SIZE_EXCEEDED"

# fmt: off
MESSAGE_LIMITS: list[Limit] = [
    ("content", lambda n: {"content": "x" * n}, 2000, ("content",), MAX),
    ("embeds", lambda n: {"embeds": [embed()] * n}, 10, ("embeds",), MAX),
    ("title", lambda n: emb(title="x" * n), 256, (*E0, "title"), MAX),
    ("description", lambda n: emb(description="x" * n), 4096, (*E0, "description"), MAX),
    ("fields", lambda n: emb(fields=[{"name": "n", "value": "v"}] * n), 25, (*E0, "fields"), MAX),
    ("field name", lambda n: field(name="x" * n), 256, (*E0, "fields", 0, "name"), MAX),
    ("field value", lambda n: field(value="x" * n), 1024, (*E0, "fields", 0, "value"), MAX),
    ("footer", lambda n: emb(footer={"text": "x" * n}), 2048, (*E0, "footer", "text"), MAX),
    ("author", lambda n: emb(author={"name": "x" * n}), 256, (*E0, "author", "name"), MAX),
    ("all embeds", two_embeds, 6000, ("embeds",), EMBED_SIZE),
    ("rows", lambda n: {"components": [row(b) for b in buttons(n)]}, 5, ("components",), MAX),
    ("buttons", lambda n: {"components": [row(*buttons(n))]}, 5, ROW0[:3], BAD),
    ("button label", lambda n: in_row(button(label="x" * n)), 80, (*ROW0, "label"), MAX),
    ("custom_id", lambda n: in_row(button("x" * n)), 100, (*ROW0, "custom_id"), BAD),
    ("select options", lambda n: in_row(select(n)), 25, (*ROW0, "options"), BAD),
    ("placeholder", lambda n: in_row(select(placeholder="x" * n)), 150,
     (*ROW0, "placeholder"), MAX),
    ("max_values", lambda n: in_row(select(25, max_values=n)), 25, (*ROW0, "max_values"), NMAX),
    ("min_values", lambda n: in_row(select(25, min_values=n, max_values=25)), 25,
     (*ROW0, "min_values"), NMAX),
    ("option label", lambda n: option_of(label="x" * n), 100, (*ROW0, "options", 0, "label"), BAD),
    ("option value", lambda n: option_of(value="x" * n), 100, (*ROW0, "options", 0, "value"), BAD),
    ("nonce", lambda n: {"content": "x", "nonce": "1" * n}, 25, ("nonce",), MAX),
    ("sticker_ids", lambda n: {"sticker_ids": ["1"] * n}, 3, ("sticker_ids",), MAX),
    ("attachments", lambda n: {"attachments": [{"id": 0}] * n}, 10, ("attachments",), MAX),
    ("mentioned users", lambda n: {"allowed_mentions": {"users": ["1"] * n}}, 100,
     ("allowed_mentions", "users"), MAX),
    ("poll question", lambda n: poll(question="x" * n), 300, ("poll", "question", "text"), BAD),
    ("poll answers", lambda n: poll(answers=n), 10, ("poll", "answers"), BAD),
    ("v2 components", lambda n: v2(*[text()] * n), 40, ("components",), MAX),
    ("v2 nested", lambda n: v2({"type": 17, "components": [text()] * (n - 1)}), 40,
     ("components",), MAX),
]

MESSAGE_ERRORS: list[tuple[Payload, Path, str]] = [
    ({"content": 5}, ("content",), "STRING_TYPE_CONVERT"),
    ({"embeds": {"title": "t"}}, ("embeds",), "LIST_TYPE_CONVERT"),
    ({"embeds": ["t"]}, E0, "DICT_TYPE_CONVERT"),
    (field(name=None), (*E0, "fields", 0, "name"), REQ),
    (field(value=""), (*E0, "fields", 0, "value"), REQ),
    (emb(footer={}), (*E0, "footer", "text"), REQ),
    ({"content": "x", "nonce": 1.5}, ("nonce",), "NONCE_TYPE_INVALID"),
    ({"components": [{"type": 2, "components": []}]}, ("components", 0, "type"), UNION),
    ({"components": [row()]}, ROW0[:3], BAD),
    (in_row({"type": 4, "custom_id": "t"}), (*ROW0, "type"), UNION),
    (in_row(button("")), (*ROW0, "custom_id"), BAD),
    (in_row(button(None)), (*ROW0, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED"),
    (in_row(button(None, style=5)), (*ROW0, "url"), REQ),
    (in_row(button(style=5, url="https://x")), (*ROW0, "custom_id"),
     "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED"),
    (in_row(button(url="https://x")), (*ROW0, "url"), "BUTTON_COMPONENT_URL_NOT_ALLOWED"),
    (in_row(button(style=9)), (*ROW0, "style"), CHOICES),
    (in_row(button(style=None)), (*ROW0, "style"), REQ),
    (in_row({"type": 3, "custom_id": "s"}), (*ROW0, "options"), REQ),
    (in_row({"type": 3, "options": [{"label": "l", "value": "v"}]}), (*ROW0, "custom_id"), REQ),
    (in_row(select(options=[{"label": "a", "value": "v"}, {"label": "b", "value": "v"}])),
     (*ROW0, "options", 1), "SELECT_COMPONENT_OPTION_VALUE_DUPLICATED"),
    (in_row(select(3, min_values=3, max_values=2)), (*ROW0, "min_values"), NMAX),
    (in_row(select(2, max_values=3)), (*ROW0, "max_values"), NMAX),
    ({"components": [row(select()), row(button("s"))]},
     ("components", 1, "components", 0, "custom_id"), DUP_ID),
    ({"components": [row(button("a"), button("a"))]}, (*ROW0[:3], 1, "custom_id"), DUP_ID),
    ({"components": [row(button("a"), select())]}, (*ROW0[:3], 1),
     "COMPONENT_LAYOUT_WIDTH_EXCEEDED"),
    ({"allowed_mentions": {"parse": ["here"]}}, ("allowed_mentions", "parse", 0), CHOICES),
    ({"allowed_mentions": {"parse": ["users"], "users": ["1"]}}, ("allowed_mentions",),
     "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE"),
    ({"flags": V2, "content": "x"}, ("content",),
     "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2"),
    (v2({"type": 10}), ("components", 0, "content"), REQ),
    (v2({"type": 99}), ("components", 0, "type"), UNION),
    (v2({"type": 17, "components": [{"type": 17, "components": [text()]}]}),
     ("components", 0, "components", 0, "type"), UNION),
    (v2({"type": 9, "components": [text()]}), ("components", 0, "accessory"), REQ),
    (v2({"type": 9, "components": [text()] * 4, "accessory": {"type": 11, "media": {}}}),
     ("components", 0, "components"), BAD),
]

MESSAGES_ACCEPTED: list[Payload] = [
    {},  # an edit that changes nothing
    {"content": "", "embeds": []},
    {"content": "x", "nonce": 12345, "enforce_nonce": True, "flags": 4096, "tts": False},
    {"content": "x", "allowed_mentions": {"parse": ["users", "roles", "everyone"]}},
    {"content": "x", "allowed_mentions": {"parse": [], "users": ["1"], "replied_user": False}},
    in_row(button(None, style=5, url="https://example.org")),
    in_row({"type": 2, "style": 6, "sku_id": "1"}),
    in_row({"type": 5, "custom_id": "users", "min_values": 0, "max_values": 25}),
    {"components": [row(select()), row(button("a"), button("b"))]},
    v2({"type": 9, "components": [text()] * 3, "accessory": button()}, text(), row(button("c"))),
]
# fmt: on


@limit_cases(MESSAGE_LIMITS)
def test_message_limit_boundary(
    build: Callable[[int], Payload], limit: int, path: Path, code: str
) -> None:
    assert check_message(build(limit)) == []
    assert (path, code) in codes(check_message(build(limit + 1)))


@pytest.mark.parametrize(("payload", "path", "code"), MESSAGE_ERRORS)
def test_message_errors(payload: Payload, path: Path, code: str) -> None:
    assert (path, code) in codes(check_message(payload))


@pytest.mark.parametrize("payload", MESSAGES_ACCEPTED)
def test_messages_discord_accepts(payload: Payload) -> None:
    assert check_message(payload) == []


def test_discord_py_payloads_pass() -> None:
    view = discord.ui.View(timeout=None)
    for mood in range(1, 6):
        view.add_item(discord.ui.Button(label=str(mood), custom_id=f"checkin:mood:7:{mood}"))
    view.add_item(discord.ui.Button(label="Help", url="https://example.org"))
    view.add_item(discord.ui.Select(custom_id="pick", options=[discord.SelectOption(label="a")]))
    card = discord.Embed(title="Today's prompt", description="What made you laugh?", color=0x5865F2)
    card.add_field(name="Depth", value="light").set_footer(text="Kindred").set_author(name="K")
    layout = discord.ui.LayoutView()
    section = discord.ui.Section(
        discord.ui.TextDisplay("x"), accessory=discord.ui.Button(label="b", custom_id="b")
    )
    row_of_one = discord.ui.ActionRow(discord.ui.Button(label="c", custom_id="c"))
    layout.add_item(discord.ui.Container(discord.ui.TextDisplay("hello"), section, row_of_one))
    classic = {"content": "x", "embeds": [card.to_dict()], "components": view.to_components()}
    assert check_message(classic) == []
    assert check_message({"flags": V2, "components": layout.to_components()}) == []


@pytest.mark.parametrize(
    ("payload", "empty"),
    [
        ({}, True),
        ({"content": "", "embeds": [], "components": [], "attachments": []}, True),
        ({"content": "hi"}, False),
        (emb(), False),
        (in_row(button()), False),
        ({"sticker_ids": ["1"]}, False),
        ({"attachments": [{"id": 0, "filename": "a.txt"}]}, False),
        (poll(), False),
    ],
)
def test_is_empty_message(payload: Payload, empty: bool) -> None:
    assert is_empty_message(payload) is empty


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


def choice(name: str = "a", value: Any = "a") -> Payload:
    return {"name": name, "value": value}


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


# ------------------------------------------------------------------ threads


@pytest.mark.parametrize(
    ("payload", "path", "code"),
    [
        ({"name": "x" * 101}, ("name",), BAD),
        ({"name": ""}, ("name",), BAD),
        ({}, ("name",), REQ),
        ({"name": "t", "auto_archive_duration": 61}, ("auto_archive_duration",), CHOICES),
        ({"name": "t", "type": 0}, ("type",), CHOICES),
        ({"name": "t", "rate_limit_per_user": 21601}, ("rate_limit_per_user",), NMAX),
        ({"name": "t", "message": {"content": "x" * 2001}}, ("message", "content"), MAX),
    ],
)
def test_thread_errors(payload: Payload, path: Path, code: str) -> None:
    assert (path, code) in codes(check_thread(payload))


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "x"},
        {"name": "x" * 100},
        *({"name": "t", "auto_archive_duration": d} for d in (60, 1440, 4320, 10080)),
        *({"name": "t", "type": t} for t in (10, 11, 12)),
        {"name": "t", "type": 12, "invitable": False, "rate_limit_per_user": 21600},
        {"name": "t", "message": {"content": "first post"}},
    ],
)
def test_threads_discord_accepts(payload: Payload) -> None:
    assert check_thread(payload) == []


def test_thread_edit_may_leave_name_out() -> None:
    assert check_thread({"auto_archive_duration": 60}, partial=True) == []
    assert codes(check_thread({"name": "x" * 101}, partial=True)) == {(("name",), BAD)}


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


# ------------------------------------------------------------------ error body


def test_invalid_form_body_nests_like_discord() -> None:
    errors = [
        FieldError(("embeds", 0, "title"), MAX, "Must be 256 or fewer in length."),
        FieldError(("embeds", 0, "title"), "X", "second"),
        FieldError(("content",), MAX, "Must be 2000 or fewer in length."),
        FieldError((), MAX, "Must be 100 or fewer in length."),
    ]
    title_errors = [
        {"code": MAX, "message": "Must be 256 or fewer in length."},
        {"code": "X", "message": "second"},
    ]
    assert invalid_form_body(errors) == {
        "code": 50035,
        "message": "Invalid Form Body",
        "errors": {
            "_errors": [{"code": MAX, "message": "Must be 100 or fewer in length."}],
            "content": {"_errors": [{"code": MAX, "message": "Must be 2000 or fewer in length."}]},
            "embeds": {"0": {"title": {"_errors": title_errors}}},
        },
    }


def test_check_then_body_round_trip() -> None:
    body = invalid_form_body(check_message(emb(title="x" * 257)))
    assert body["errors"] == {
        "embeds": {
            "0": {
                "title": {"_errors": [{"code": MAX, "message": "Must be 256 or fewer in length."}]}
            }
        }
    }
