"""Schema migrations of the checkins feature, in order.

``bot/store/migrations.py`` places these in the one numbered sequence; once a
migration has landed it is never edited, a change appends a new one.
"""

from __future__ import annotations

import aiosqlite

from .keyed import KeyedMigration, KeysNeeded, MigrationKeys

SEAL_NOTE = "checkin-note"
MEMBER_HASH = "checkin-member"
DELIVERIES = "checkin_deliveries"


def member_hash(keys: MigrationKeys, member_id: int) -> str:
    """How check-in history names a member: a keyed hash, not the id (no DM is sent from the
    history; the schedule row, which sends the DMs, holds the id)."""
    return keys.keyed_hash(MEMBER_HASH, member_id)


def note_binding(delivery_id: int, member: str) -> tuple[str, int, int | str]:
    return (DELIVERIES, delivery_id, member)


async def _dates_and_hashes(
    db: aiosqlite.Connection, keys: MigrationKeys | None, version: int
) -> None:
    """checkins 3: history by keyed hash and by date, notes bound to their row.

    A copy of the database showed member id, mood and the answer's time to the microsecond,
    which could be lined up with a support request posted a minute later. Now the member is a
    keyed hash, sending, answering and noting are kept as dates (the check-in's own date is
    all the trend needs), and each sealed note is bound to its row and member. Notes sealed
    with an earlier key cannot be opened and are dropped (they could not be read anyway).
    """
    async with db.execute("SELECT COUNT(*) FROM checkin_deliveries") as cur:
        count = (await cur.fetchone() or (0,))[0]
    if count and keys is None:
        raise KeysNeeded(f"{count} check-ins name their member and hold sealed notes")
    await db.execute(
        """
        CREATE TABLE checkin_deliveries_v3 (
            id          INTEGER PRIMARY KEY,
            member_hash TEXT NOT NULL,
            source      TEXT NOT NULL CHECK (source IN ('scheduled', 'now')),
            local_date  TEXT,
            sent_on     TEXT NOT NULL,
            message_id  INTEGER,
            mood        INTEGER CHECK (mood BETWEEN 1 AND 5),
            skipped     INTEGER NOT NULL DEFAULT 0,
            answered_on TEXT,
            note_sealed TEXT,
            noted_on    TEXT
        )
        """
    )
    async with db.execute(
        "SELECT id, member_id, source, local_date, sent_at, message_id, mood, skipped, "
        "answered_at, note_sealed, noted_at FROM checkin_deliveries"
    ) as cur:
        rows = list(await cur.fetchall())
    for row in rows:
        assert keys is not None
        member = member_hash(keys, int(row[1]))
        note = None
        if row[9]:
            try:
                note = keys.seal(
                    keys.open_unbound(row[9], purpose=SEAL_NOTE),
                    purpose=SEAL_NOTE,
                    bind=note_binding(int(row[0]), member),
                )
            except Exception:
                note = None
        await db.execute(
            "INSERT INTO checkin_deliveries_v3 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row[0],
                member,
                row[2],
                row[3],
                str(row[4])[:10],
                row[5],
                row[6],
                row[7],
                str(row[8])[:10] if row[8] else None,
                note,
                str(row[10])[:10] if row[10] and note else None,
            ),
        )
    await db.execute("DROP TABLE checkin_deliveries")
    await db.execute("ALTER TABLE checkin_deliveries_v3 RENAME TO checkin_deliveries")
    await db.execute(
        "CREATE INDEX checkin_deliveries_member ON checkin_deliveries (member_hash, id)"
    )
    await db.execute("CREATE INDEX checkin_deliveries_sent_on ON checkin_deliveries (sent_on)")


MIGRATIONS: list[str | KeyedMigration] = [
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
    KeyedMigration("check-ins: keyed member, dates, notes bound to rows", _dates_and_hashes),
]
