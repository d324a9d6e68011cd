"""Shared by the prompt-library tests: the shipped file, and ways to break a copy of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.library import LibraryError, default_prompts_path, load_library

SHIPPED = default_prompts_path()
SHIPPED_TEXT = SHIPPED.read_text(encoding="utf-8")


def line_at(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def broken(tmp_path: Path, old: str, new: str, *, after: str = "") -> tuple[Path, int]:
    """The shipped file with the first ``old`` after ``after`` replaced; and that line."""
    start = SHIPPED_TEXT.index(after) if after else 0
    position = SHIPPED_TEXT.index(old, start)
    text = SHIPPED_TEXT[:position] + new + SHIPPED_TEXT[position + len(old) :]
    path = tmp_path / "prompts.yaml"
    path.write_text(text, encoding="utf-8")
    return path, line_at(text, position)


def load_error(path: Path) -> LibraryError:
    with pytest.raises(LibraryError) as info:
        load_library(path)
    return info.value
