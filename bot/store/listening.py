"""SQL for the listening feature (mixed into ``Store``)."""

from __future__ import annotations

import aiosqlite


class ListeningStore:
    """Queries for the listening feature."""

    db: aiosqlite.Connection
