"""SQL for the prompts feature (mixed into ``Store``)."""

from __future__ import annotations

import aiosqlite


class PromptStore:
    """Queries for the prompts feature."""

    db: aiosqlite.Connection
