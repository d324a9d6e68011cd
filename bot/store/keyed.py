"""Migrations that re-seal stored values: Python run inside the migration's transaction.

The store never imports the sealer (core); a keyed migration is handed one that satisfies
:class:`MigrationKeys`. Without it (a test store, ``check --db``), a keyed migration runs only
if it has nothing to re-seal, and otherwise stops with a :class:`~bot.store.core.StoreError`
rather than lose what it cannot open.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol

import aiosqlite


class MigrationKeys(Protocol):
    """The parts of :class:`bot.core.sealing.Sealer` a re-seal migration uses."""

    def seal(self, plaintext: str, *, purpose: str, bind: tuple[str, int, int | str]) -> str: ...

    def open_unbound(self, sealed: str, *, purpose: str) -> str: ...

    def keyed_hash(self, purpose: str, *parts: int | str) -> str: ...


class KeysNeeded(RuntimeError):
    """A keyed migration found values to re-seal and was given no key."""


@dataclass(frozen=True)
class KeyedMigration:
    """``run(db, keys, version)`` migrates inside an open transaction; it raises
    :class:`KeysNeeded` when ``keys`` is None and there is something to re-seal."""

    name: str
    run: Callable[[aiosqlite.Connection, MigrationKeys | None, int], Awaitable[None]]
