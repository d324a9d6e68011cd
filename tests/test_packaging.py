"""The wheel: built from the repository, it carries the root prompts.yaml inside the package,
and an installed Kindred run outside the checkout finds and validates it."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from bot.core.settings import SETTINGS

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "-q", "-w", str(out), str(REPO)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    (wheel,) = out.glob("kindred-*.whl")
    site = out / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    return site


def test_the_wheel_ships_the_root_prompt_library(unpacked_wheel: Path) -> None:
    packaged = unpacked_wheel / "bot" / "prompts.yaml"
    assert packaged.read_bytes() == (REPO / "prompts.yaml").read_bytes()
    assert not (unpacked_wheel / "tests").exists()
    # the crisis model's weights ship beside its code
    shipped = unpacked_wheel / "bot" / "core" / "crisis" / "model.json"
    assert shipped.read_bytes() == (REPO / "bot" / "core" / "crisis" / "model.json").read_bytes()


def test_an_installed_kindred_checks_its_packaged_library(
    unpacked_wheel: Path, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {s.name for s in SETTINGS}}
    env["PYTHONPATH"] = str(unpacked_wheel)  # ahead of the editable install of the checkout
    env["KINDRED_DATA_DIR"] = str(tmp_path / "data")
    found = subprocess.run(
        [sys.executable, "-c", "import bot.core.library as m; print(m.default_prompts_path())"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert Path(found.stdout.strip()) == unpacked_wheel / "bot" / "prompts.yaml"
    check = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert check.returncode == 0, check.stderr
    assert str(unpacked_wheel / "bot" / "prompts.yaml") in check.stdout
