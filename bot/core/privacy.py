"""What Kindred stores about members and servers, gathered from every feature.

Each cog (and the core) registers a ``DataArea`` so that ``/kindred my-data``,
``/kindred forget-me`` and ``/kindred forget-server`` cover every table.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DataArea:
    """One kind of stored data and how to export and delete it."""

    name: str
    export_member: Callable[[int], Awaitable[Any]]
    forget_member: Callable[[int], Awaitable[int]]
    forget_guild: Callable[[int], Awaitable[int]]


class PrivacyRegistry:
    def __init__(self) -> None:
        self._areas: dict[str, DataArea] = {}

    def register(self, area: DataArea) -> None:
        self._areas[area.name] = area

    def unregister(self, name: str) -> None:
        self._areas.pop(name, None)

    @property
    def areas(self) -> list[str]:
        return list(self._areas)

    async def export_member(self, user_id: int) -> dict[str, Any]:
        return {name: await area.export_member(user_id) for name, area in self._areas.items()}

    async def forget_member(self, user_id: int) -> dict[str, int]:
        return {name: await area.forget_member(user_id) for name, area in self._areas.items()}

    async def forget_guild(self, guild_id: int) -> dict[str, int]:
        counts = {name: await area.forget_guild(guild_id) for name, area in self._areas.items()}
        log.info("forgot server %s: %s", guild_id, counts)
        return counts
