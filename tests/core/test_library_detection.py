"""The listening.detection section of prompts.yaml: shipped lists, loading, precise errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from library_helpers import SHIPPED, SHIPPED_TEXT, line_at, load_error

from bot.core.library import (
    DETECTION_LISTS,
    DETECTION_THRESHOLDS,
    Library,
    WeightedPhrases,
    load_detection,
    load_library,
)


@pytest.fixture(scope="module")
def shipped() -> Library:
    return load_library(SHIPPED)


def with_detection(tmp_path: Path, block: str) -> tuple[Path, int]:
    """The shipped file with its listening.detection block replaced by ``block``; its line."""
    start = SHIPPED_TEXT.index("  # The active-listening detector")
    end = SHIPPED_TEXT.index("\ncheckins:")
    text = SHIPPED_TEXT[:start] + block + SHIPPED_TEXT[end:]
    path = tmp_path / "prompts.yaml"
    path.write_text(text, encoding="utf-8")
    return path, line_at(text, start)


def test_shipped_detection_defines_every_list_and_threshold(shipped: Library) -> None:
    listening = shipped.listening
    assert set(listening.detection_lists) == set(DETECTION_LISTS)
    assert set(listening.detection_thresholds) == set(DETECTION_THRESHOLDS)
    assert listening.detection["fixing"] == listening.detection_lists["fixing"].phrases
    # the negative list pushes a share score down; every other list pushes up
    weights = {name: wp.weight for name, wp in listening.detection_lists.items()}
    assert weights.pop("share_against") < 0
    assert all(weight > 0 for weight in weights.values())


def test_detection_is_optional(tmp_path: Path) -> None:
    path, _ = with_detection(tmp_path, "")
    listening = load_library(path).listening
    assert listening.detection == {}
    assert listening.detection_lists == {}
    assert listening.detection_thresholds == {}


def test_plain_and_weighted_detection_lists_load(tmp_path: Path) -> None:
    block = (
        "  detection:\n"
        "    thresholds: {share: 3, fixing: 1.5}\n"
        "    fixing:\n"
        '      - "you should"\n'
        '      - "have you tried"\n'
        "    share_against:\n"
        "      weight: -0.5\n"
        "      cap: 3\n"
        '      phrases: ["lol", "^did you see"]\n'
    )
    path, _ = with_detection(tmp_path, block)
    listening = load_library(path).listening
    assert listening.detection == {
        "fixing": ("you should", "have you tried"),
        "share_against": ("lol", "^did you see"),
    }
    assert listening.detection_lists["fixing"] == WeightedPhrases(
        phrases=("you should", "have you tried"), weight=1.0, cap=2
    )
    assert listening.detection_lists["share_against"].weight == -0.5
    assert listening.detection_lists["share_against"].cap == 3
    assert listening.detection_thresholds == {"share": 3.0, "fixing": 1.5}


@pytest.mark.parametrize(
    ("block", "line_offset", "entry", "field", "message"),
    [
        (
            '  detection:\n    fixing: "you should"\n',
            1,
            "listening.detection",
            "fixing",
            "must be a list",
        ),
        (
            '  detection:\n    fixin:\n      - "you should"\n',
            1,
            "listening.detection",
            "fixin",
            "unknown field; expected share_disclosure",
        ),
        (
            '  detection:\n    fixing:\n      - "you, should"\n',
            2,
            "listening.detection.fixing[0]",
            None,
            "'you,' is not a word",
        ),
        (
            '  detection:\n    fixing:\n      - "you ^should"\n',
            2,
            "listening.detection.fixing[0]",
            None,
            "'^' may only open a phrase",
        ),
        (
            '  detection:\n    fixing:\n      - "^* *"\n',
            2,
            "listening.detection.fixing[0]",
            None,
            "at least one real word",
        ),
        (
            '  detection:\n    fixing:\n      weight: 0\n      phrases: ["you should"]\n',
            2,
            "listening.detection.fixing",
            "weight",
            "not 0",
        ),
        (
            '  detection:\n    fixing:\n      weight: "2"\n      phrases: ["you should"]\n',
            2,
            "listening.detection.fixing",
            "weight",
            "must be a number, not text",
        ),
        (
            '  detection:\n    fixing:\n      cap: 1.5\n      phrases: ["you should"]\n',
            2,
            "listening.detection.fixing",
            "cap",
            "must be a whole number",
        ),
        (
            '  detection:\n    fixing:\n      cap: 0\n      phrases: ["you should"]\n',
            2,
            "listening.detection.fixing",
            "cap",
            "must be 1 to 10",
        ),
        (
            "  detection:\n    fixing:\n      weight: 2\n",
            2,
            "listening.detection.fixing",
            "phrases",
            "is missing",
        ),
        (
            "  detection:\n    thresholds:\n      share: 0\n",
            2,
            "listening.detection.thresholds",
            "share",
            "must be above 0",
        ),
        (
            "  detection:\n    thresholds:\n      pile_on: 2\n",
            2,
            "listening.detection.thresholds",
            "pile_on",
            "unknown field; expected share, fixing, minimizing, hijacking",
        ),
    ],
)
def test_detection_problems_name_line_entry_and_field(
    tmp_path: Path,
    block: str,
    line_offset: int,
    entry: str,
    field: str | None,
    message: str,
) -> None:
    path, line = with_detection(tmp_path, block)
    err = load_error(path)
    assert (err.line, err.entry, err.field) == (line + line_offset, entry, field)
    assert message in err.message


def test_detection_file_loads_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "detection.yaml"
    path.write_text('detection:\n  minimizing:\n    - "at least you"\n', encoding="utf-8")
    lists, thresholds = load_detection(path)
    assert lists["minimizing"].phrases == ("at least you",)
    assert thresholds == {}
