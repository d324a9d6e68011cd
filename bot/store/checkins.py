"""SQL for the checkins feature (mixed into ``Store``)."""

from __future__ import annotations

import aiosqlite


class CheckinStore:
    """Queries for the checkins feature."""

    db: aiosqlite.Connection
