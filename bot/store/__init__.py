"""The only place that speaks SQL. Each area's queries live in a mixin module here."""

from __future__ import annotations

from .core import DB_FILENAME, CoreStore, StoreError
from .schedule import ScheduleStore


class Store(CoreStore, ScheduleStore):
    """The Kindred database: every area's queries, one writer connection."""


__all__ = ["DB_FILENAME", "Store", "StoreError"]
