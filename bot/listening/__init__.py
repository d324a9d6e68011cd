"""Active-listening reminders: a gentle nudge when replies rush past someone's share.

- ``detector``: judging a share and a reply (pure, rule-based; docs/listening.md)
- ``tracker``: which shares are open in which channel, and which replies earn a nudge
- ``nudges``: nudge and tip texts, rotation and limits (pure)
- ``delivery``: sending nudges (DM or channel) and the weekly tip (the engine's handler)
- ``threads``: reading Kindred's support-thread posts (pure); ``handoff``: its Discord half,
  feeding support threads and Reply-button answers to the tracker
"""

__all__ = ["delivery", "detector", "handoff", "nudges", "threads", "tracker"]
