"""DM check-ins: "how are you, really?" at a member's own time, answered with a tap.

- ``delivery``: sending a check-in (the engine's handler) and closed DMs
- ``views``: the mood, skip, "I'd like to talk" and note buttons, and the note form
- ``texts``: what check-ins say, and the history embed
- ``trend``: sparkline, weekly averages, streaks, two low days in a row (pure)
"""

__all__ = ["delivery", "texts", "trend", "views"]
