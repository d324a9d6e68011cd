"""A per-key cooldown kept in memory only: "at most ``allowed`` times per ``gap`` for this key"."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime, timedelta

from bot.core.clock import Clock

__all__ = ["Cooldown"]


class Cooldown:
    def __init__(self, gap: timedelta, clock: Clock, *, allowed: int = 1) -> None:
        self.gap = gap
        self.clock = clock
        self.allowed = allowed
        self._uses: dict[Hashable, list[datetime]] = {}

    def take(self, key: Hashable) -> bool:
        """True (and the use is counted) if ``key`` has a use left in the last ``gap``."""
        now = self.clock()
        for stale in [k for k, uses in self._uses.items() if now - uses[-1] >= self.gap]:
            del self._uses[stale]
        recent = [at for at in self._uses.get(key, []) if now - at < self.gap]
        if len(recent) >= self.allowed:
            self._uses[key] = recent
            return False
        self._uses[key] = [*recent, now]
        return True
