"""Schema migrations of the listening feature, in order.

``bot/store/migrations.py`` places these in the one numbered sequence; once a
migration has landed it is never edited, a change appends a new one.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # listening 1: the channels a server watches and how it nudges there ('off' is no row);
    # a server's rate limits (NULL = the default); members who muted nudges for themselves;
    # markers of nudges sent, for rate limits only: a DM nudge marks (server, member), a
    # channel note marks (server, channel). No message text, no sharer, ever. Markers are
    # pruned after 7 days (DESIGN.md's retention table).
    """
    CREATE TABLE listening_channels (
        channel_id INTEGER PRIMARY KEY,
        guild_id   INTEGER NOT NULL,
        mode       TEXT NOT NULL CHECK (mode IN ('dm', 'channel')),
        updated_at TEXT NOT NULL
    );
    CREATE INDEX listening_channels_guild ON listening_channels (guild_id);
    CREATE TABLE listening_guilds (
        guild_id            INTEGER PRIMARY KEY,
        member_gap_minutes  INTEGER,
        channel_gap_minutes INTEGER,
        updated_at          TEXT NOT NULL
    );
    CREATE TABLE listening_mutes (
        member_id INTEGER PRIMARY KEY,
        muted_at  TEXT NOT NULL
    );
    CREATE TABLE listening_markers (
        id         INTEGER PRIMARY KEY,
        guild_id   INTEGER NOT NULL,
        member_id  INTEGER,
        channel_id INTEGER,
        kind       TEXT NOT NULL,
        at         TEXT NOT NULL,
        CHECK ((member_id IS NULL) <> (channel_id IS NULL))
    );
    CREATE INDEX listening_markers_member ON listening_markers (guild_id, member_id, at)
        WHERE member_id IS NOT NULL;
    CREATE INDEX listening_markers_channel ON listening_markers (channel_id, at)
        WHERE channel_id IS NOT NULL;
    CREATE INDEX listening_markers_at ON listening_markers (at);
    """,
    # listening 2: when a mute was last used (set, or holding back a nudge); a mute unused for
    # a year is deleted. Existing mutes count as used when they were set.
    """
    ALTER TABLE listening_mutes ADD COLUMN used_at TEXT;
    UPDATE listening_mutes SET used_at = muted_at;
    """,
]
