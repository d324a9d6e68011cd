"""The schema, as numbered migrations recorded in ``PRAGMA user_version``.

Migration N is ``MIGRATIONS[N - 1]``. A migration is never edited once it has
landed: a schema change appends the next one. Most are SQL scripts; a
:class:`KeyedMigration` is Python that re-seals stored values, run with the sealing key.
"""

from __future__ import annotations

from . import checkins_schema, listening_schema, prompts_schema, support_schema
from .keyed import KeyedMigration

_FOUNDATION: list[str] = [
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
    # 2: schedules — every recurring thing is a row with its rule and an indexed
    # next_due_at (UTC, NULL while paused); the delivery ledger keys each delivery
    # by (schedule, local date) so an occurrence is delivered at most once.
    """
    CREATE TABLE schedules (
        id                INTEGER PRIMARY KEY,
        kind              TEXT NOT NULL,
        guild_id          INTEGER,
        member_id         INTEGER,
        channel_id        INTEGER,
        local_time        TEXT NOT NULL,
        timezone          TEXT NOT NULL,
        days              TEXT NOT NULL DEFAULT '*',
        quiet_hours       INTEGER NOT NULL DEFAULT 0,
        payload           TEXT NOT NULL DEFAULT '{}',
        paused            INTEGER NOT NULL DEFAULT 0,
        next_due_at       TEXT,
        last_delivered_at TEXT,
        last_error        TEXT,
        last_error_at     TEXT,
        created_at        TEXT NOT NULL,
        updated_at        TEXT NOT NULL
    );
    CREATE UNIQUE INDEX schedules_owner
        ON schedules (kind, IFNULL(guild_id, 0), IFNULL(member_id, 0));
    CREATE INDEX schedules_next_due ON schedules (next_due_at);
    CREATE INDEX schedules_guild ON schedules (guild_id) WHERE guild_id IS NOT NULL;
    CREATE INDEX schedules_member ON schedules (member_id) WHERE member_id IS NOT NULL;
    CREATE TABLE delivery_ledger (
        schedule_id  INTEGER NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
        local_date   TEXT NOT NULL,
        state        TEXT NOT NULL
                     CHECK (state IN ('claimed', 'confirmed', 'failed', 'skipped')),
        nonce        TEXT NOT NULL,
        due_at       TEXT NOT NULL,
        claimed_at   TEXT NOT NULL,
        confirmed_at TEXT,
        message_id   INTEGER,
        error        TEXT,
        PRIMARY KEY (schedule_id, local_date)
    );
    CREATE UNIQUE INDEX delivery_ledger_nonce ON delivery_ledger (nonce);
    CREATE INDEX delivery_ledger_state ON delivery_ledger (state, claimed_at);
    CREATE INDEX delivery_ledger_claimed_at ON delivery_ledger (claimed_at);
    """,
    # A delivery's steps: started_at is written before the first Discord call; message_id,
    # already there for confirmed rows, is now also written while claimed, as soon as the
    # message is out. A restart then resumes at the missing step and reads history only
    # for deliveries that started and recorded no message.
    """
    ALTER TABLE delivery_ledger ADD COLUMN started_at TEXT;
    """,
]

# The one numbered sequence. A feature keeps its scripts in its own module; each
# new script is appended there AND here, at the end, with the next number.
MIGRATIONS: list[str | KeyedMigration] = [
    _FOUNDATION[0],  # 1: meta, guilds
    _FOUNDATION[1],  # 2: schedules, delivery ledger
    prompts_schema.MIGRATIONS[0],  # 3: daily prompts
    support_schema.MIGRATIONS[0],  # 4: anonymous support
    checkins_schema.MIGRATIONS[0],  # 5: check-ins
    listening_schema.MIGRATIONS[0],  # 6: active listening
    support_schema.MIGRATIONS[1],  # 7: support rate-limit markers (survive forget-me)
    support_schema.MIGRATIONS[2],  # 8: crisis care settings (alerts, watched-channel scan)
    support_schema.MIGRATIONS[3],  # 9: support times to the hour
    checkins_schema.MIGRATIONS[1],  # 10: no home server in check-in schedule payloads
    _FOUNDATION[2],  # 11: delivery steps (started, message out) in the ledger
    support_schema.MIGRATIONS[4],  # 12: sealed values bound to their row; per-request lookups
    checkins_schema.MIGRATIONS[2],  # 13: check-in history by keyed member and date
    listening_schema.MIGRATIONS[1],  # 14: when a listening mute was last used (retention)
    support_schema.MIGRATIONS[5],  # 15: requests from a check-in wait, sealed, to be posted
]

__all__ = ["FEATURE_MODULES", "MIGRATIONS", "KeyedMigration"]

FEATURE_MODULES = (prompts_schema, support_schema, checkins_schema, listening_schema)
