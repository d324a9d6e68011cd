"""The demo's daily-prompt scene shows a schedule, a post with its thread and a depth move."""

from __future__ import annotations

import bot.demo


async def test_demo_shows_the_prompt_scene() -> None:
    transcript = await bot.demo.run_demo(echo=False)
    text = transcript.text
    assert "Daily prompt set: #general" in text
    assert "Daily prompt · Mon 23 Nov" in text
    assert "Kindred started a thread:" in text
    assert "A stranger held the door" in text
    assert "Daily prompt · Thu 26 Nov" in text
    scene = text.split("Thursday: the prompts move from light to medium", 1)[1]
    assert "Daily prompt · Thu 26 Nov · " in scene and " · medium" in scene
    assert "Approved at depth **medium**" in text
    assert "The daily prompt is paused." in text
