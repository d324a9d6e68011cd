"""SQL for the support feature (mixed into ``Store``)."""

from __future__ import annotations

import aiosqlite


class SupportStore:
    """Queries for the support feature."""

    db: aiosqlite.Connection
