"""Pseudonyms, handles and relay text: pure functions, tested with tables."""

from __future__ import annotations

import pytest

from bot.core.pseudonyms import ADJECTIVES, ANIMALS
from bot.core.sealing import Sealer
from bot.support.names import (
    handle_of,
    make_pseudonym,
    plain_links,
    pseudonym_from_hash,
    quote,
    relay_body,
    relay_message,
    request_link_id,
    short_handle,
    style_label,
)


@pytest.mark.parametrize(
    ("typed", "handle"),
    [
        ("Gentle Otter · 4f2", "gentle otter 4f2"),
        ("gentle otter 4f2", "gentle otter 4f2"),
        ("Anonymous · Gentle-Otter · 4F2", "gentle otter 4f2"),
        ("  otter-4f2 ", "otter 4f2"),
        ("Brave Hedgehog · a0c", "brave hedgehog a0c"),
        ("4f2", "4f2"),
        ("Gentle 4f2", "4f2"),  # an adjective alone names no request
        ("Nobody Here", ""),
    ],
)
def test_handle_of(typed: str, handle: str) -> None:
    assert handle_of(typed) == handle


@pytest.mark.parametrize(
    ("digest", "expected"),
    [
        ("000000004f2" + "0" * 53, f"{ADJECTIVES[0]} {ANIMALS[0]} · 4f2"),
        ("00010002abc" + "0" * 53, f"{ADJECTIVES[1]} {ANIMALS[2]} · abc"),
        ("ffffffff999" + "0" * 53, f"{ADJECTIVES[-1]} {ANIMALS[-1]} · 999"),
    ],
)
def test_pseudonym_from_hash(digest: str, expected: str) -> None:
    assert pseudonym_from_hash(digest) == expected


def test_pseudonyms_depend_on_key_and_request_not_member() -> None:
    one, other = Sealer(b"a" * 32), Sealer(b"b" * 32)
    names = {make_pseudonym(one.keyed_hash, f"req{i}") for i in range(50)}
    assert len(names) == 50  # two requests of one member get unrelated names
    assert make_pseudonym(one.keyed_hash, "req1") == make_pseudonym(one.keyed_hash, "req1")
    assert make_pseudonym(one.keyed_hash, "req1") != make_pseudonym(other.keyed_hash, "req1")
    assert all(handle_of(n).count(" ") == 2 for n in names)
    assert all(short_handle(handle_of(n)) == handle_of(n.split(" ", 1)[1]) for n in names)


@pytest.mark.parametrize(
    ("text", "urls", "limit", "expected"),
    [
        ("hello", [], 100, "hello"),
        ("  hello  ", ["https://cdn/x.png"], 100, "hello\n📎 https://cdn/x.png"),
        ("", ["https://cdn/x.png"], 100, "📎 https://cdn/x.png"),
        ("abcdefghij", [], 5, "abcd…"),
    ],
)
def test_relay_body(text: str, urls: list[str], limit: int, expected: str) -> None:
    assert relay_body(text, urls, limit=limit) == expected


def test_quote_and_styles() -> None:
    assert quote("a\n\nb") == "> a\n>\n> b"
    assert style_label("listen") == "Just listen, please"
    assert style_label("unknown") == style_label("either")


@pytest.mark.parametrize(
    ("text", "urls", "whole"),
    [
        ("\n".join(["ok"] * 600), [], True),  # 1,799 characters; quoted line by line, 2,999
        ("\n".join(["i"] * 2000), ["https://cdn/a.png", "https://cdn/b.png"], False),
        ("x" * 4000, ["https://cdn/a.png"], False),
        ("short and\nsweet", ["https://cdn/a.png"], True),
    ],
)
def test_relay_message_fits_one_message_after_quoting(
    text: str, urls: list[str], whole: bool
) -> None:
    header = "💬 **Bob** answered your request **Gentle Otter · 4f2**:\n"
    content = relay_message(header, text, urls)
    assert len(content) <= 2000
    assert content.startswith(header)
    body = content[len(header) :]
    per_line = quote(f"{text}\n" + "\n".join(f"📎 {u}" for u in urls))
    if len(header) + len(per_line) <= 2000:
        assert body == per_line
    else:
        assert body.startswith(">>> ")  # one block quote: four characters, not two a line
    for url in urls:  # links are kept whole, even when the text is cut
        assert f"📎 {url}" in body
    shown = text if body.startswith(">>> ") else quote(text)
    assert (shown in body) is whole and ("…" in body) is not whole


def test_short_handle_and_request_links() -> None:
    assert short_handle("gentle otter 4f2") == "otter 4f2"
    assert short_handle("otter 4f2") == "otter 4f2"
    link = "https://discord.com/channels/111111111111111111/222222222222222222/333333333333333333"
    assert request_link_id(link) == 333333333333333333
    assert request_link_id(" 333333333333333333 ") == 333333333333333333
    assert request_link_id("Gentle Otter · 4f2") is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("[help](https://evil.example)", "help (<https://evil.example>)"),
        ("[](https://x.example)", "<https://x.example>"),
        ("join https://discord.gg/abc now", "join <https://discord.gg/abc> now"),
        ("already <https://ok.example>", "already <https://ok.example>"),
        ("no links here", "no links here"),
    ],
)
def test_links_show_their_real_destination(text: str, shown: str) -> None:
    assert plain_links(text)[0] == shown
    assert plain_links(text)[1] is ("http" in text)
