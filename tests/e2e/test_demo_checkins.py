"""The demo's check-in scene runs and shows what members see."""

from __future__ import annotations

import bot.demo


async def test_demo_shows_the_check_in_scene() -> None:
    transcript = await bot.demo.run_demo(echo=False)
    text = transcript.text
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
