from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from library_helpers import SHIPPED, SHIPPED_TEXT, broken, line_at, load_error

from bot.core.library import (
    CATEGORIES,
    DEPTHS,
    NUDGE_KINDS,
    Library,
    load_library,
)


@pytest.fixture(scope="module")
def shipped() -> Library:
    return load_library(SHIPPED)


# -- the shipped library ---------------------------------------------------------------


def test_shipped_library_is_the_one_at_the_repository_root() -> None:
    # In a checkout (and an editable install) the library is the root prompts.yaml; a wheel
    # maps it into the package (tests/test_packaging.py).
    assert Path(__file__).resolve().parents[2] / "prompts.yaml" == SHIPPED


def test_shipped_library_has_enough_prompts_in_every_cell(shipped: Library) -> None:
    cells = Counter((p.category, p.depth) for p in shipped.prompts)
    for category in CATEGORIES:
        for depth in DEPTHS:
            assert cells[(category, depth)] >= 4, (category, depth)
    assert len(shipped.prompts) >= 48


def test_shipped_library_meets_the_content_minimums(shipped: Library) -> None:
    assert len(shipped.framing) >= 6
    assert "Reply in the thread — there are no wrong answers." in shipped.framing
    assert len(shipped.listening.tips) >= 8
    assert set(shipped.listening.nudges) == set(NUDGE_KINDS)
    for kind in NUDGE_KINDS:
        assert len(shipped.listening.nudges[kind]) >= 3, kind
    assert len(shipped.checkins.questions) >= 6
    assert shipped.checkins.moods == ("Rough", "Low", "Okay", "Good", "Great")
    assert shipped.checkins.low_offer
    # Crisis detection models constructs in code (docs/crisis.md); the library holds the texts
    # it offers and a community's extra words.
    assert shipped.safety.phrases
    assert "abuse" in shipped.safety.abuse_resources
    assert "someone else" in shipped.safety.helper_resources


def test_shipped_resources_point_to_local_help_without_assuming_a_country(
    shipped: Library,
) -> None:
    # Issue 12: the default names an emergency number, as examples for several regions, beside
    # the local one and an international directory; no single country's lines.
    text = shipped.safety.resources
    assert "findahelpline.com" in text
    assert "local emergency number" in text
    assert "112 across Europe" in text and "911 in North America" in text
    for extra in (shipped.safety.abuse_resources, shipped.safety.helper_resources):
        assert "findahelpline.com" in extra
    for country_specific in ("988", "Samaritans", "USA", "UK", "1-800"):
        assert all(country_specific not in t for t in (text, shipped.safety.abuse_resources))


def test_shipped_prompts_are_open_questions(shipped: Library) -> None:
    closed = re.compile(r"^(do|does|did|are|is|was|were|have|has|can|could|would|will) ", re.I)
    for prompt in shipped.prompts:
        assert "?" in prompt.text, prompt.id
        assert not closed.match(prompt.text), prompt.id


def test_shipped_prompts_assume_nothing_about_family_faith_or_money(shipped: Library) -> None:
    assumptions = re.compile(
        r"\b(wife|husband|partner|boyfriend|girlfriend|spouse|mom|mum|dad|mother|father|"
        r"parents?|siblings?|brother|sister|kids|children|church|god|pray\w*|faith|"
        r"christmas|salary|money|paycheck|rent|job|boss|school)\b",
        re.I,
    )
    texts = [p.text for p in shipped.prompts] + [p.follow_up or "" for p in shipped.prompts]
    texts += list(shipped.checkins.questions)
    for text in texts:
        assert not assumptions.search(text), text


def test_shipped_ids_follow_category_and_depth(shipped: Library) -> None:
    for prompt in shipped.prompts:
        assert prompt.id.startswith(f"{prompt.category}-{prompt.depth}-")


def test_prompt_lookup_and_filtering(shipped: Library) -> None:
    first = shipped.prompts[0]
    assert shipped.prompt(first.id) is first
    assert shipped.prompt("no-such-prompt") is None
    deep_listen = shipped.prompts_in("listen", "deep")
    assert deep_listen and all(p.category == "listen" and p.depth == "deep" for p in deep_listen)
    assert len(shipped.prompts_in(depth="light")) == sum(
        1 for p in shipped.prompts if p.depth == "light"
    )


def test_text_is_stripped_and_follow_up_optional(shipped: Library) -> None:
    with_follow_up = [p for p in shipped.prompts if p.follow_up]
    without = [p for p in shipped.prompts if p.follow_up is None]
    assert with_follow_up and without
    assert all(p.text == p.text.strip() for p in shipped.prompts)


# -- errors name file:line, entry and field --------------------------------------------


def test_wrong_enum_value_gives_the_documented_message(tmp_path: Path) -> None:
    path, line = broken(tmp_path, "depth: deep", "depth: deeper", after="id: open-deep-03")
    err = load_error(path)
    assert str(err) == (
        f"{path}:{line}: prompts[12] (id 'open-deep-03'): field 'depth': "
        "must be one of light, medium, deep"
    )
    assert (err.file, err.line, err.entry, err.field) == (
        path,
        line,
        "prompts[12] (id 'open-deep-03')",
        "depth",
    )


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    path, line = broken(tmp_path, "category: open\n", "category: [open\n", after="open-light-02")
    err = load_error(path)
    assert err.line == line + 1  # the parser notices on the next line
    assert "invalid YAML" in str(err)
    assert f"on line {line}" in str(err)  # and says where the unclosed list started


def test_bad_escape_in_quoted_text_names_the_line(tmp_path: Path) -> None:
    path, line = broken(tmp_path, 'text: "What', 'text: "What\\', after="open-light-01")
    err = load_error(path)
    assert err.line == line
    assert err.message.startswith("invalid YAML: found unknown escape character")


def test_unknown_section(tmp_path: Path) -> None:
    path = tmp_path / "prompts.yaml"
    path.write_text(SHIPPED_TEXT + "extras:\n  - 1\n", encoding="utf-8")
    err = load_error(path)
    assert err.line == SHIPPED_TEXT.count("\n") + 1
    assert err.entry is None and err.field == "extras"
    assert "unknown field" in str(err) and "prompts, framing, listening" in str(err)


def test_missing_section(tmp_path: Path) -> None:
    start = SHIPPED_TEXT.index("framing:\n")
    end = SHIPPED_TEXT.index("listening:\n")
    path = tmp_path / "prompts.yaml"
    path.write_text(SHIPPED_TEXT[:start] + SHIPPED_TEXT[end:], encoding="utf-8")
    err = load_error(path)
    assert err.field == "framing" and "is missing" in str(err)
    assert err.line == line_at(SHIPPED_TEXT, SHIPPED_TEXT.index("prompts:\n"))


def test_unknown_field_in_a_prompt(tmp_path: Path) -> None:
    path, line = broken(tmp_path, "depth: light", "depht: light", after="id: open-light-03")
    err = load_error(path)
    assert (err.line, err.entry, err.field) == (line, "prompts[2] (id 'open-light-03')", "depht")
    assert "unknown field; expected id, text, category, depth, follow_up" in str(err)


def test_missing_field_in_a_prompt_names_the_entry_line(tmp_path: Path) -> None:
    path, _ = broken(tmp_path, "    category: open\n", "", after="id: open-light-04")
    err = load_error(path)
    assert err.entry == "prompts[3] (id 'open-light-04')"
    assert err.field == "category" and "is missing" in err.message
    assert err.line == line_at(SHIPPED_TEXT, SHIPPED_TEXT.index("id: open-light-04"))


def test_field_given_twice(tmp_path: Path) -> None:
    path, line = broken(
        tmp_path, "    depth: light\n", "    depth: light\n    depth: deep\n", after="open-light-05"
    )
    err = load_error(path)
    assert (err.line, err.field) == (line + 1, "depth")
    assert f"appears twice (first on line {line})" in str(err)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("3", "must be text, not a number"),
        ("yes", "must be text, not true/false"),
        ("", "must not be empty"),
        ('"   "', "must not be empty"),
        ("[open]", "must be text, not a list"),
        ("{a: b}", "must be text, not a mapping"),
    ],
)
def test_wrong_types_and_empty_text(tmp_path: Path, value: str, message: str) -> None:
    path, line = broken(tmp_path, "category: open", f"category: {value}", after="open-medium-01")
    err = load_error(path)
    assert (err.line, err.entry, err.field) == (
        line,
        "prompts[5] (id 'open-medium-01')",
        "category",
    )
    assert message in err.message


def test_duplicate_ids_name_both_lines(tmp_path: Path) -> None:
    path, line = broken(tmp_path, "id: open-light-02", "id: open-light-01")
    first = line_at(SHIPPED_TEXT, SHIPPED_TEXT.index("id: open-light-01"))
    err = load_error(path)
    assert err.line == line and err.field == "id"
    assert err.entry == "prompts[1] (id 'open-light-01')"
    assert f"lines {first} and {line}" in err.message


@pytest.mark.parametrize("bad_id", ["Open-Light", "-open", "x", "open_light", "a" * 65])
def test_id_format(tmp_path: Path, bad_id: str) -> None:
    path, line = broken(tmp_path, "id: open-light-02", f"id: {bad_id}")
    err = load_error(path)
    assert (err.line, err.entry, err.field) == (line, "prompts[1]", "id")


def test_prompt_text_length_limit(tmp_path: Path) -> None:
    ok, _ = broken(tmp_path, "What's something small that made you smile this week?", "x" * 300)
    assert load_library(ok).prompts[0].text == "x" * 300
    path, line = broken(
        tmp_path, "What's something small that made you smile this week?", "x" * 301
    )
    err = load_error(path)
    assert (err.line, err.field) == (line, "text")
    assert "is 301 characters; the limit is 300" in err.message


def test_framing_length_limit(tmp_path: Path) -> None:
    old = "Share as much or as little as you like."
    path, line = broken(tmp_path, old, "y" * 201)
    err = load_error(path)
    assert (err.line, err.entry, err.field) == (line, "framing[1]", None)
    assert "the limit is 200" in err.message


def test_every_category_needs_every_depth(tmp_path: Path) -> None:
    text = SHIPPED_TEXT
    # Demote every together/deep prompt, however many the shipped file has.
    for prompt in load_library(SHIPPED).prompts_in("together", "deep"):
        marker = f"id: {prompt.id}\n"
        position = text.index("depth: deep", text.index(marker))
        text = text[:position] + "depth: medium" + text[position + len("depth: deep") :]
    path = tmp_path / "prompts.yaml"
    path.write_text(text, encoding="utf-8")
    err = load_error(path)
    assert err.entry == "prompts"
    assert "no prompt with category 'together' and depth 'deep'" in err.message


def test_invalid_regex_in_safety_patterns(tmp_path: Path) -> None:
    path, line = broken(tmp_path, "  patterns:\n", '  patterns:\n    - "(unclosed"\n')
    err = load_error(path)
    assert (err.line, err.entry) == (line + 1, "safety.patterns[0]")
    assert "not a valid regular expression" in err.message


@pytest.mark.parametrize(
    ("pattern", "message"),
    [("can't go", "apostrophe"), ("(a)?", "matches empty text")],
)
def test_patterns_that_could_never_work_or_always_fire(
    tmp_path: Path, pattern: str, message: str
) -> None:
    path, line = broken(tmp_path, "  patterns:\n", f'  patterns:\n    - "{pattern}"\n')
    err = load_error(path)
    assert (err.line, err.entry) == (line + 1, "safety.patterns[0]")
    assert message in err.message


def test_phrase_without_letters(tmp_path: Path) -> None:
    path, line = broken(tmp_path, '    - "unalive myself"\n', '    - "!!!"\n')
    err = load_error(path)
    assert (err.line, err.entry) == (line, "safety.phrases[0]")


@pytest.mark.parametrize("count", [4, 6])
def test_moods_must_be_exactly_five(tmp_path: Path, count: int) -> None:
    labels = "".join(f'    - "m{i}"\n' for i in range(count))
    start = SHIPPED_TEXT.index("  moods:\n")
    end = SHIPPED_TEXT.index("  low_offer:")
    text = SHIPPED_TEXT[:start] + "  moods:\n" + labels + SHIPPED_TEXT[end:]
    path = tmp_path / "prompts.yaml"
    path.write_text(text, encoding="utf-8")
    err = load_error(path)
    assert (err.entry, err.field) == ("checkins", "moods")
    assert err.line == line_at(text, start) + 1
    assert f"exactly 5 labels, lowest mood first; has {count}" in err.message


def test_moods_must_differ(tmp_path: Path) -> None:
    path, _ = broken(tmp_path, '    - "Great"\n', '    - "Good"\n')
    assert "must all differ" in load_error(path).message


def test_missing_and_unknown_nudge_kinds(tmp_path: Path) -> None:
    path, line = broken(tmp_path, "    pile_on:", "    piling_on:")
    err = load_error(path)
    assert (err.line, err.entry, err.field) == (line, "listening.nudges", "piling_on")
    assert "expected fixing, minimizing, hijacking, pile_on, channel" in err.message


def test_nudge_list_must_not_be_empty(tmp_path: Path) -> None:
    start = SHIPPED_TEXT.index("    channel:\n")
    end = SHIPPED_TEXT.index("\ncheckins:")
    text = SHIPPED_TEXT[:start] + "    channel: []\n" + SHIPPED_TEXT[end:]
    path = tmp_path / "prompts.yaml"
    path.write_text(text, encoding="utf-8")
    err = load_error(path)
    assert (err.entry, err.field) == ("listening.nudges", "channel")
    assert "needs at least 1 item, has 0" in err.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("- just\n- a list\n", "top level must be a mapping"),
        ("prompts: []\n---\nframing: []\n", "invalid YAML"),
    ],
)
def test_whole_file_problems(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "prompts.yaml"
    path.write_text(text, encoding="utf-8")
    err = load_error(path)
    assert message in str(err)
    assert str(err).startswith(str(path))


def test_missing_file(tmp_path: Path) -> None:
    err = load_error(tmp_path / "nope.yaml")
    assert err.line is None
    assert str(err) == f"{tmp_path / 'nope.yaml'}: the file does not exist"


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "prompts.yaml"
    path.write_bytes(b"prompts: \xff\xfe\n")
    assert "not UTF-8" in load_error(path).message


def test_python_tags_are_not_constructed(tmp_path: Path) -> None:
    path, line = broken(
        tmp_path,
        '"Share as much or as little as you like."',
        "!!python/object/apply:os.system ['echo pwned']",
    )
    err = load_error(path)
    assert (err.line, err.entry) == (line, "framing[1]")
    assert "must be text" in err.message
