"""A per-key cooldown kept in memory only: "at most once per ``gap`` for this member"."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta

from bot.core.clock import Clock

__all__ = ["Cooldown"]


class Cooldown:
    def __init__(self, gap: timedelta, clock: Clock) -> None:
        self.gap = gap
        self.clock = clock
        self._last: dict[Hashable, datetime] = {}

    def take(self, key: Hashable) -> bool:
        """True (and the cooldown starts) if ``key`` is not cooling down; False if it is."""
        now = self.clock()
        for stale in [k for k, at in self._last.items() if now - at >= self.gap]:
            del self._last[stale]
        if key in self._last:
            return False
        self._last[key] = now
        return True
