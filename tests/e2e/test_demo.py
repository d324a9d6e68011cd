"""The demo, run once for the module: each feature's scene shows what members would see.

Every scene module in ``bot/demo/scenes/`` is discovered by the demo; the last test checks that
every title a scene announces reaches the transcript, so a new scene is covered by default.
"""

from __future__ import annotations

import ast
import asyncio
import importlib
import pkgutil
from pathlib import Path

import pytest

import bot.demo
from bot.demo import scenes as demo_scenes
from bot.demo.scenes import listening


@pytest.fixture(scope="module")
def text() -> str:
    # A plain sync fixture with asyncio.run: the demo brings up its own stand-in and bot, and
    # running it once keeps the module fast; no test here needs the loop afterwards.
    return asyncio.run(bot.demo.run_demo(echo=False)).text


def test_demo_shows_the_prompt_scene(text: str) -> None:
    assert "Daily prompt set: #general" in text
    assert "Daily prompt · Mon 23 Nov" in text
    assert "Kindred started a thread:" in text
    assert "A stranger held the door" in text
    assert "Daily prompt · Thu 26 Nov" in text
    scene = text.split("Thursday: the prompts move from light to medium", 1)[1]
    assert "Daily prompt · Thu 26 Nov · " in scene and " · medium" in scene
    assert "Approved at depth **medium**" in text
    assert "The daily prompt is paused." in text


def test_demo_support_scene(text: str) -> None:
    start = text.index("Anonymous support: asking for help without a name")
    scene = text[start:]
    for line in (
        "Support requests are on",
        "Your request is posted anonymously as",
        "would like support.",
        "— **Anonymous · ",
        "**Bob** answered your request",
        "(who asked):",
        "It helps just to have said it out loud.",
        "Closed. I'm glad you reached out",
        "feels heard and closed this request",
    ):
        assert line in scene, line
    assert "Alice" not in scene[scene.index("Kindred → #support") : scene.index("Alice (DM)")]


def test_demo_shows_the_check_in_scene(text: str) -> None:
    assert "── Private check-ins: how are you, really?" in text
    assert "Alice in #general: /checkin start frequency:daily time:19:00" in text
    assert "Kindred → Alice (DM):" in text
    assert (
        "[1 · Rough] [2 · Low] [3 · Okay] [4 · Good] [5 · Great] [I'd like to talk] [Skip]" in text
    )
    assert "Alice in DM: taps [4 · Good]" in text
    assert "noted: **Good**" in text
    assert "Saved — sealed, and only you can read it" in text
    assert "┃ Your check-ins" in text and "4/5 · Good" in text
    assert "Your check-ins are paused" in text and "Privacy Settings" in text


def test_demo_shows_the_listening_scene(text: str) -> None:
    assert "── Active listening: noticing a rush to fix" in text
    assert f"Bob in #general: {listening.ADVICE}" in text
    assert "Kindred → Bob (DM) (only they see this):" in text
    assert "A gentle note about listening" in text
    assert "Alice asked for advice, so Mo (moderator)'s ideas get no nudge." in text
    assert "┃ Listening tip" in text
    assert "Muted: Kindred won't send you listening nudges" in text


def scene_titles(module_name: str) -> list[str]:
    """The literal titles a scene module passes to ``transcript.scene(...)``."""
    module = importlib.import_module(f"{demo_scenes.__name__}.{module_name}")
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    return [
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "scene"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]


SCENE_MODULES = sorted(info.name for info in pkgutil.iter_modules(demo_scenes.__path__))


def test_scene_modules_are_found() -> None:
    assert {"prompts", "support", "checkins", "listening", "kindred"} <= set(SCENE_MODULES)


@pytest.mark.parametrize("module_name", SCENE_MODULES)
def test_every_scene_title_is_in_the_transcript(text: str, module_name: str) -> None:
    titles = scene_titles(module_name)
    assert titles, f"{module_name} announces no scene"
    for title in titles:
        assert f"── {title} " in text, title
