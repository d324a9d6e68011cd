"""The schema, as numbered migrations recorded in ``PRAGMA user_version``.

Migration N is ``MIGRATIONS[N - 1]``. A migration is never edited once it has
landed: a schema change appends the next one.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: core — key/value metadata (key fingerprint, command-set hash) and the
    # servers Kindred is in (left_at marks a server whose data is deleted later).
    """
    CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    CREATE TABLE guilds (
        guild_id  INTEGER PRIMARY KEY,
        joined_at TEXT NOT NULL,
        left_at   TEXT
    );
    CREATE INDEX guilds_left_at ON guilds (left_at) WHERE left_at IS NOT NULL;
    """,
]
