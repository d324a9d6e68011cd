"""The demo's listening scene: a share, a rush to advise, the private nudge."""

from __future__ import annotations

import bot.demo
from bot.demo_scenes import listening


async def test_demo_shows_the_listening_scene() -> None:
    transcript = await bot.demo.run_demo(echo=False)
    text = transcript.text
    assert "── Active listening: noticing a rush to fix" in text
    assert f"Bob in #general: {listening.ADVICE}" in text
    assert "Kindred → Bob (DM) (only they see this):" in text
    assert "A gentle note about listening" in text
    assert "Alice asked for advice, so Mo (moderator)'s ideas get no nudge." in text
    assert "┃ Listening tip" in text
    assert "Muted: Kindred won't send you listening nudges" in text
