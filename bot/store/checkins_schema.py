"""Schema migrations of the checkins feature, in order.

``bot/store/migrations.py`` places these in the one numbered sequence; once a
migration has landed it is never edited, a change appends a new one.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # checkins 1: a member's check-in subscription state beside its engine schedule
    # (the schedule row itself is kind 'checkin', guild_id NULL, member_id set), and
    # every check-in sent with the member's answer. home_guild_id is the server where
    # /checkin start last ran: "I'd like to talk" opens a support request there.
    # Notes are sealed (AES-GCM); moods are kept for the member's own trend only.
    """
    CREATE TABLE checkin_members (
        member_id      INTEGER PRIMARY KEY,
        home_guild_id  INTEGER,
        unreachable_at TEXT,
        notice_due     INTEGER NOT NULL DEFAULT 0,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL
    );
    CREATE INDEX checkin_members_home ON checkin_members (home_guild_id)
        WHERE home_guild_id IS NOT NULL;
    CREATE TABLE checkin_deliveries (
        id          INTEGER PRIMARY KEY,
        member_id   INTEGER NOT NULL,
        source      TEXT NOT NULL CHECK (source IN ('scheduled', 'now')),
        local_date  TEXT,
        sent_at     TEXT NOT NULL,
        message_id  INTEGER,
        mood        INTEGER CHECK (mood BETWEEN 1 AND 5),
        skipped     INTEGER NOT NULL DEFAULT 0,
        answered_at TEXT,
        note_sealed TEXT,
        noted_at    TEXT
    );
    CREATE INDEX checkin_deliveries_member ON checkin_deliveries (member_id, id);
    CREATE INDEX checkin_deliveries_sent_at ON checkin_deliveries (sent_at);
    """,
    # checkins 2: schedules kept a copy of the member's home server in their payload, which
    # forget-server never cleared (and nothing read): the member row holds it alone.
    """
    UPDATE schedules SET payload = '{}' WHERE kind = 'checkin' AND payload LIKE '%home_guild_id%';
    """,
]
