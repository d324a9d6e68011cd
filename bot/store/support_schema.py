"""Schema migrations of the support feature, in order.

``bot/store/migrations.py`` places these in the one numbered sequence; once a
migration has landed it is never edited, a change appends a new one.

Nothing here holds a requester in plain text: ``requester_sealed`` and ``dm_sealed`` are
AES-GCM sealed, ``requester_key`` and ``member_key`` are keyed hashes (HMAC) used for lookups.
The text of a request is never stored: it lives only in the Discord message.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
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
]
