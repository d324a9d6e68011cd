"""The demo's support scene shows the whole anonymous round trip."""

from __future__ import annotations

import bot.demo


async def test_demo_support_scene() -> None:
    transcript = await bot.demo.run_demo(echo=False)
    text = transcript.text
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
