"""Discord's message and thread limits as the stand-in enforces them, and its error body.

Shared builders and the table convention are in ``limit_payloads.py``.
"""

from __future__ import annotations

from collections.abc import Callable

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
    V2,
    Limit,
    Path,
    Payload,
    button,
    buttons,
    codes,
    emb,
    embed,
    field,
    in_row,
    limit_cases,
    option_of,
    poll,
    row,
    select,
    text,
    two_embeds,
    v2,
)

from bot.standin.limits import (
    FieldError,
    check_message,
    check_thread,
    invalid_form_body,
    is_empty_message,
)

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
