"""The import contracts hold for the tree, and the checker catches each kind of violation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from import_rules import violations

REPO = Path(__file__).resolve().parents[1]


def test_the_tree_keeps_every_import_contract() -> None:
    assert [str(v) for v in violations(REPO)] == []


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of bot/ and cogs/ to break."""
    for name in ("bot", "cogs"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _append(tree: Path, module: str, line: str) -> None:
    path = tree / module
    path.write_text(path.read_text(encoding="utf-8") + "\n" + line + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("module", "line", "imported"),
    [
        # a feature importing another feature, at run time or only for types
        ("bot/support/views.py", "from bot.checkins import trend", "bot.checkins.trend"),
        (
            "bot/listening/handoff.py",
            "if TYPE_CHECKING:\n    from bot.support.service import SupportService",
            "bot.support.service",
        ),
        # a function-local import counts too
        (
            "bot/checkins/views.py",
            "def f():\n    from bot.prompts import selection",
            "bot.prompts.selection",
        ),
        # core reaching up into the store; the store into the schedule
        ("bot/core/clock.py", "from bot.store import Store", "bot.store"),
        (
            "bot/store/core.py",
            "from bot.schedule.rules import next_due_after",
            "bot.schedule.rules",
        ),
        # a cog importing another feature or another cog
        ("cogs/prompts.py", "from bot.support.names import STYLES", "bot.support.names"),
        ("cogs/support.py", "from cogs.checkins import CheckinsCog", "cogs.checkins"),
        # the bot itself at run time (only the KindredBot type may be referenced)
        ("bot/prompts/service.py", "from bot.app import COGS", "bot.app"),
        ("bot/standin/world.py", "from bot.core import clock", "bot.core.clock"),
        # relative imports resolve to the same modules
        ("bot/support/views.py", "from ..listening import tracker", "bot.listening.tracker"),
    ],
)
def test_each_kind_of_violation_is_reported(
    tree: Path, module: str, line: str, imported: str
) -> None:
    _append(tree, module, line)
    found = violations(tree)
    assert [(v.path, v.imported) for v in found] == [(module, imported)]


def test_a_module_outside_every_part_is_reported(tree: Path) -> None:
    (tree / "bot" / "helpers.py").write_text("X = 1\n", encoding="utf-8")
    assert [v.path for v in violations(tree)] == ["bot/helpers.py"]


def test_the_command_exits_non_zero_on_a_violation(tree: Path) -> None:
    shutil.copytree(
        REPO / "tests", tree / "tests", ignore=shutil.ignore_patterns("__pycache__", "data")
    )
    _append(tree, "bot/core/clock.py", "from bot.checkins import trend")
    result = subprocess.run(
        [sys.executable, str(tree / "tests" / "import_rules.py")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1
    assert "bot/core/clock.py" in result.stderr
