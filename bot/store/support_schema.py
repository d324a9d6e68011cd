"""Schema migrations of the support feature, in order.

``bot/store/migrations.py`` places these in the one numbered sequence; once a
migration has landed it is never edited, a change appends a new one.

Nothing here holds a requester in plain text: ``requester_sealed`` and ``dm_sealed`` are
AES-GCM sealed, ``requester_key`` and ``member_key`` are keyed hashes (HMAC) used for lookups.
The text of a request is never stored: it lives only in the Discord message.
"""

from __future__ import annotations

import aiosqlite

from .keyed import KeyedMigration, KeysNeeded, MigrationKeys

# Purposes of the sealed values and keyed lookups (the support feature seals and hashes with
# these; the re-seal migration below needs them too).
SEAL_USER = "support-requester-id"
SEAL_DM = "support-requester-dm"
SEAL_PENDING = "support-pending-text"
LOOKUP = "support-lookup"
REQUESTS = "support_requests"
PENDING = "support_pending"
DELAYED = "support_delayed"
SEAL_DELAYED = "support-delayed-request"


def request_binding(request_id: int, guild_id: int) -> tuple[str, int, int | str]:
    """What a request's sealed values are bound to: its table, its row, its server."""
    return (REQUESTS, request_id, guild_id)


def pending_binding(pending_id: int, lookup: str) -> tuple[str, int, int | str]:
    """What a waiting DM's sealed text is bound to: its row and its requester's lookup."""
    return (PENDING, pending_id, lookup)


def delayed_binding(delayed_id: int, guild_id: int) -> tuple[str, int, int | str]:
    return (DELAYED, delayed_id, guild_id)


def delayed_lookup(keys: MigrationKeys, delayed_id: int, user_id: int) -> str:
    return keys.keyed_hash(LOOKUP, DELAYED, delayed_id, user_id)


def request_lookup(keys: MigrationKeys, request_id: int, user_id: int) -> str:
    """A request's own lookup token: a keyed hash of the row and its requester, so each of a
    member's requests carries a different token and a copy of the database links none."""
    return keys.keyed_hash(LOOKUP, REQUESTS, request_id, user_id)


def pending_lookup(keys: MigrationKeys, pending_id: int, user_id: int) -> str:
    return keys.keyed_hash(LOOKUP, PENDING, pending_id, user_id)


_REQUESTS_V5 = """
    CREATE TABLE support_requests_v5 (
        id INTEGER PRIMARY KEY,
        guild_id INTEGER NOT NULL,
        channel_id INTEGER NOT NULL,
        message_id INTEGER,
        thread_id INTEGER,
        style TEXT NOT NULL,
        pseudonym TEXT NOT NULL,
        handle TEXT NOT NULL,
        requester_sealed TEXT,
        dm_sealed TEXT,
        lookup TEXT,
        status TEXT NOT NULL DEFAULT 'open'
               CHECK (status IN ('open', 'closed', 'withdrawing')),
        created_at TEXT NOT NULL,
        last_activity_at TEXT NOT NULL,
        closed_at TEXT,
        closed_reason TEXT,
        withdraw_at TEXT
    )
"""
_V5_INDEXES = (
    "CREATE INDEX support_requests_status ON support_requests (status, last_activity_at)",
    "CREATE INDEX support_requests_guild ON support_requests (guild_id, status)",
    "CREATE INDEX support_requests_thread ON support_requests (thread_id)",
    "CREATE INDEX support_requests_handle ON support_requests (guild_id, handle)",
    "CREATE INDEX support_requests_withdraw ON support_requests (withdraw_at) "
    "WHERE withdraw_at IS NOT NULL",
    "CREATE INDEX support_pending_created ON support_pending (created_at)",
)
_COPIED = (
    "id, guild_id, channel_id, message_id, thread_id, style, pseudonym, handle, status, "
    "created_at, last_activity_at, closed_at, closed_reason"
)


async def _bind_to_rows(db: aiosqlite.Connection, keys: MigrationKeys | None, version: int) -> None:
    """support 5: bind sealed values to their row and give each request its own lookup.

    Sealed values were bound to their purpose only, so a value copied into another row opened
    there; every request carried one keyed hash of its requester (``requester_key``) and
    another of requester and server (``member_key``), which linked all of one member's
    requests. Now each request's seals are bound to (table, row, server) and it has its own
    lookup token; blocks are found by opening the request's sealed requester. Rows sealed with
    an earlier key cannot be opened: their seals and lookups are cleared (no one can be
    reached or found through them, as a new key is documented to lose). Waiting DMs held
    only the global hash, so they cannot be re-linked: they are dropped (they lived a day).
    """
    async with db.execute(
        "SELECT id, guild_id, requester_sealed, dm_sealed FROM support_requests"
    ) as cur:
        rows = list(await cur.fetchall())
    if rows and keys is None:
        raise KeysNeeded(f"{len(rows)} support requests hold sealed values")
    await db.execute(_REQUESTS_V5)
    for row in rows:
        request_id, guild_id = int(row[0]), int(row[1])
        sealed_user = sealed_dm = lookup = None
        assert keys is not None
        try:
            user_id = int(keys.open_unbound(row[2], purpose=SEAL_USER))
            dm_id = keys.open_unbound(row[3], purpose=SEAL_DM) if row[3] else None
        except Exception:  # an earlier key (or damaged): nothing can be re-sealed
            pass
        else:
            bind = request_binding(request_id, guild_id)
            sealed_user = keys.seal(str(user_id), purpose=SEAL_USER, bind=bind)
            sealed_dm = keys.seal(dm_id, purpose=SEAL_DM, bind=bind) if dm_id else None
            lookup = request_lookup(keys, request_id, user_id)
        await db.execute(
            f"INSERT INTO support_requests_v5 ({_COPIED}, requester_sealed, dm_sealed, lookup) "
            f"SELECT {_COPIED}, ?, ?, ? FROM support_requests WHERE id = ?",
            (sealed_user, sealed_dm, lookup, request_id),
        )
    await db.execute("DROP TABLE support_requests")
    await db.execute("ALTER TABLE support_requests_v5 RENAME TO support_requests")
    await db.execute("DROP TABLE support_pending")
    await db.execute(
        """
        CREATE TABLE support_pending (
            id INTEGER PRIMARY KEY,
            lookup TEXT NOT NULL,
            sealed_text TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """
    )
    for index in _V5_INDEXES:
        await db.execute(index)


MIGRATIONS: list[str | KeyedMigration] = [
    """
    CREATE TABLE support_config (
        guild_id INTEGER PRIMARY KEY,
        channel_id INTEGER NOT NULL,
        responder_role_id INTEGER,
        resources TEXT,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE support_requests (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        guild_id INTEGER NOT NULL,
        channel_id INTEGER NOT NULL,
        message_id INTEGER,
        thread_id INTEGER,
        style TEXT NOT NULL,
        pseudonym TEXT NOT NULL,
        handle TEXT NOT NULL,
        requester_sealed TEXT NOT NULL,
        dm_sealed TEXT,
        requester_key TEXT NOT NULL,
        member_key TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'open',
        created_at TEXT NOT NULL,
        last_activity_at TEXT NOT NULL,
        closed_at TEXT,
        closed_reason TEXT
    );
    CREATE INDEX support_requests_requester ON support_requests (requester_key, status);
    CREATE INDEX support_requests_member ON support_requests (guild_id, member_key, created_at);
    CREATE INDEX support_requests_thread ON support_requests (thread_id);
    CREATE INDEX support_requests_handle ON support_requests (guild_id, handle);
    CREATE INDEX support_requests_activity ON support_requests (status, last_activity_at);
    CREATE TABLE support_blocks (
        guild_id INTEGER NOT NULL,
        member_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (guild_id, member_key)
    );
    CREATE TABLE support_pending (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        requester_key TEXT NOT NULL,
        sealed_text TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX support_pending_requester ON support_pending (requester_key);
    """,
    # support 2: rate-limit markers apart from the requests, so that /kindred forget-me (which
    # deletes a member's requests) does not reset the limit. A marker is a keyed hash of server
    # and member (its own purpose: it links to no request or block) and a time; no content.
    # The sweep deletes markers older than 24 hours.
    """
    CREATE TABLE support_rate_marks (
        guild_id INTEGER NOT NULL,
        member_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE INDEX support_rate_marks_member
        ON support_rate_marks (guild_id, member_hash, created_at);
    CREATE INDEX support_rate_marks_created ON support_rate_marks (created_at);
    """,
    # support 3: crisis care settings. crisis_alerts: a crisis in a request's thread pings the
    # responder role (the pseudonym only); crisis_scan: messages in the channels active
    # listening watches are checked for crisis language, the writer is offered resources by DM
    # and (with alerts on, or when the DM fails) the support channel gets a note with a link.
    # Settings only: no message, verdict or member is stored.
    """
    ALTER TABLE support_config ADD COLUMN crisis_alerts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE support_config ADD COLUMN crisis_scan INTEGER NOT NULL DEFAULT 0;
    """,
    # support 4: times to the hour, not the microsecond, so a stolen database cannot line a
    # request (or its rate-limit marker) up with other traces of its member by time. Rows are
    # stored as UTC ISO strings; new ones are written rounded (the store's _hour_floor/_ceiling).
    """
    UPDATE support_requests
       SET created_at = substr(created_at, 1, 13) || ':00:00+00:00',
           last_activity_at = substr(last_activity_at, 1, 13) || ':00:00+00:00'
     WHERE created_at LIKE '%+00:00' AND last_activity_at LIKE '%+00:00';
    UPDATE support_rate_marks
       SET created_at = substr(created_at, 1, 13) || ':00:00+00:00'
     WHERE created_at LIKE '%+00:00';
    """,
    KeyedMigration("support: seals bound to rows, a lookup per request", _bind_to_rows),
    # support 6: a request opened from a check-in waits a few random minutes before it is
    # posted, so its time does not point back to the check-in. Until then it is kept here,
    # sealed (who asked, title, text) and bound to its row, with its own lookup token; it is
    # deleted once posted. Crisis requests are never held.
    """
    CREATE TABLE support_delayed (
        id INTEGER PRIMARY KEY,
        guild_id INTEGER NOT NULL,
        style TEXT NOT NULL,
        sealed_request TEXT NOT NULL,
        lookup TEXT NOT NULL,
        due_at TEXT NOT NULL
    );
    CREATE INDEX support_delayed_due ON support_delayed (due_at);
    """,
]
