"""Schema migrations of the prompts feature, in order.

``bot/store/migrations.py`` places these in the one numbered sequence; once a
migration has landed it is never edited, a change appends a new one.
"""

from __future__ import annotations

MIGRATIONS: list[str] = []
