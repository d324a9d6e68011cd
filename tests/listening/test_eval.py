"""The labeled evaluation of the active-listening detector: the set is what it claims to be,
and the shipped detector meets the targets on it (this fails if the detector regresses)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bot.listening.detector import DetectionConfig

ROOT = Path(__file__).resolve().parents[2]  # the repository root


def _bench() -> ModuleType:
    # bench/ is not an installed package; load the script by path so this works from any cwd.
    name = "bench.listening_eval"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "listening_eval.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


bench = _bench()


@pytest.fixture(scope="module")
def config() -> DetectionConfig:
    return bench.default_config()


@pytest.fixture(scope="module")
def conversations() -> list[Any]:
    return bench.load_conversations()


@pytest.fixture(scope="module")
def report(conversations: list[Any], config: DetectionConfig) -> Any:
    return bench.evaluate(conversations, config)


def test_the_set_is_large_and_covers_every_category(conversations: list[Any]) -> None:
    replies = [r for c in conversations for r in c.replies]
    assert len(replies) >= 150
    labels = [r.nudge for r in replies]
    for category in bench.CATEGORIES:
        assert labels.count(category) >= 8, category
    assert sum(1 for c in conversations if c.share) >= 35
    assert sum(1 for c in conversations if not c.share) >= 15  # jokes, logistics, plans


def test_the_set_has_many_hard_negatives(conversations: list[Any], config: DetectionConfig) -> None:
    kind_words = ("should", "just", "at least", "same", "try", "anyway", "don't")
    hard = [
        r.text
        for c in conversations
        for r in c.replies
        if r.nudge == "none" and any(w in r.text.lower() for w in kind_words)
    ]
    assert len(hard) >= 40
    asked = [
        c for c in conversations if c.share and bench.detect_share(c.opener, config).advice_wanted
    ]
    assert len(asked) >= 4
    assert any(c.style == "advice" for c in conversations)
    assert any(r.author == bench.SHARER_ID for c in conversations for r in c.replies)


def test_shipped_detector_meets_the_targets(report: Any) -> None:
    assert report.overall.precision >= bench.PRECISION_TARGET, bench.format_errors(report)
    assert report.overall.recall >= bench.RECALL_TARGET, bench.format_errors(report)
    assert report.passed


@pytest.mark.parametrize("category", ["fixing", "minimizing", "hijacking", "pile_on"])
def test_each_category_meets_the_targets(report: Any, category: str) -> None:
    counts = report.categories[category]
    assert counts.precision >= bench.PRECISION_TARGET, bench.format_errors(report)
    assert counts.recall >= bench.RECALL_TARGET, bench.format_errors(report)


def test_share_detection_is_precise(report: Any) -> None:
    assert report.share.precision >= 0.95
    assert report.share.recall >= 0.9


HELD_OUT = ROOT / "tests" / "data" / "listening_heldout.yaml"


def test_first_held_out_set_meets_the_targets(config: DetectionConfig) -> None:
    # written without seeing the rules; studied by the third pass (never relabeled)
    report = bench.evaluate(bench.load_conversations(HELD_OUT), config)
    assert report.passed, bench.format_errors(report)
    assert report.share.precision >= 0.95


FINAL_HELD_OUT = ROOT / "tests" / "data" / "listening_heldout_final.yaml"


@pytest.mark.parametrize("one_channel", [False, True])
def test_final_held_out_set_meets_the_targets(config: DetectionConfig, one_channel: bool) -> None:
    # written without seeing the rules (first look 0.93 / 0.69); studied by the fourth pass,
    # never relabeled; also replayed as one busy channel, where conversations interleave
    conversations = bench.load_conversations(FINAL_HELD_OUT)
    report = bench.evaluate(conversations, config, one_channel=one_channel)
    assert report.passed, bench.format_errors(report)
    assert report.share.precision >= 0.95


def test_script_prints_the_table_and_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main([]) == 0
    out = capsys.readouterr().out
    for name in (*bench.CATEGORIES, "share", "all nudges"):
        assert f"\n{name:<12} " in out
    assert "PASS: nudge precision" in out


def test_script_fails_for_a_detector_that_nudges_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # every message is a share and every reply with "you" or "i" is advice: precision collapses
    path = tmp_path / "detection.yaml"
    path.write_text(
        "detection:\n"
        "  thresholds: {share: 1}\n"
        '  share_subject: ["i", "my", "im", "we"]\n'
        '  fixing: ["you", "i", "it"]\n',
        encoding="utf-8",
    )
    assert bench.main(["--detection", str(path), "--errors"]) == 1
    out = capsys.readouterr().out
    assert "FAIL: nudge precision" in out
    assert "labeled none, got fixing" in out


def test_a_broken_label_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "eval.yaml"
    path.write_text(
        "conversations:\n"
        "  - id: x\n"
        '    opener: "i feel sad"\n'
        "    share: true\n"
        "    replies:\n"
        '      - text: "ok"\n'
        "        nudge: rude\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="unknown label 'rude'"):
        bench.load_conversations(path)
