"""Schema migrations of the prompts feature, in order.

``bot/store/migrations.py`` places these in the one numbered sequence; once a
migration has landed it is never edited, a change appends a new one.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # prompts 1: a server's depth-ladder state and settings; every prompt posted (the
    # no-repeat history and the ladder's engagement counts); keyed hashes of who replied
    # in a post's thread during its first day (counting distinct repliers, deleted when
    # the day is over); members' suggestions; approved prompts in a server's own library.
    """
    CREATE TABLE prompt_settings (
        guild_id         INTEGER PRIMARY KEY,
        depth            TEXT NOT NULL,
        depth_since      TEXT NOT NULL,
        engaged_repliers INTEGER NOT NULL DEFAULT 3,
        engaged_replies  INTEGER NOT NULL DEFAULT 5,
        quiet_replies    INTEGER NOT NULL DEFAULT 1,
        step_up_after    INTEGER NOT NULL DEFAULT 3,
        step_down_after  INTEGER NOT NULL DEFAULT 2,
        max_depth        TEXT NOT NULL DEFAULT 'deep',
        start_depth      TEXT NOT NULL DEFAULT 'light',
        pause_reason     TEXT,
        last_failure     TEXT,
        last_failure_at  TEXT,
        updated_at       TEXT NOT NULL
    );
    CREATE TABLE prompt_posts (
        id         INTEGER PRIMARY KEY,
        guild_id   INTEGER NOT NULL,
        channel_id INTEGER NOT NULL,
        prompt_id  TEXT NOT NULL,
        category   TEXT NOT NULL,
        depth      TEXT NOT NULL,
        source     TEXT NOT NULL CHECK (source IN ('schedule', 'now')),
        nonce      TEXT UNIQUE,
        chosen_at  TEXT NOT NULL,
        posted_at  TEXT,
        message_id INTEGER,
        thread_id  INTEGER,
        repliers   INTEGER NOT NULL DEFAULT 0,
        replies    INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX prompt_posts_guild ON prompt_posts (guild_id, chosen_at);
    CREATE UNIQUE INDEX prompt_posts_thread ON prompt_posts (thread_id)
        WHERE thread_id IS NOT NULL;
    CREATE TABLE prompt_repliers (
        post_id     INTEGER NOT NULL REFERENCES prompt_posts (id) ON DELETE CASCADE,
        member_hash TEXT NOT NULL,
        PRIMARY KEY (post_id, member_hash)
    );
    CREATE INDEX prompt_repliers_member ON prompt_repliers (member_hash);
    CREATE TABLE prompt_suggestions (
        id           INTEGER PRIMARY KEY,
        guild_id     INTEGER NOT NULL,
        suggested_by INTEGER NOT NULL,
        text         TEXT NOT NULL,
        category     TEXT NOT NULL,
        status       TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'approved', 'rejected')),
        depth        TEXT,
        created_at   TEXT NOT NULL,
        reviewed_at  TEXT
    );
    CREATE INDEX prompt_suggestions_pending ON prompt_suggestions (guild_id, status, id);
    CREATE INDEX prompt_suggestions_member ON prompt_suggestions (suggested_by, created_at);
    CREATE INDEX prompt_suggestions_reviewed ON prompt_suggestions (reviewed_at)
        WHERE reviewed_at IS NOT NULL;
    CREATE TABLE prompt_custom (
        id            INTEGER PRIMARY KEY,
        guild_id      INTEGER NOT NULL,
        text          TEXT NOT NULL,
        category      TEXT NOT NULL,
        depth         TEXT NOT NULL,
        suggestion_id INTEGER REFERENCES prompt_suggestions (id) ON DELETE SET NULL,
        added_at      TEXT NOT NULL
    );
    CREATE INDEX prompt_custom_guild ON prompt_custom (guild_id);
    CREATE INDEX prompt_custom_suggestion ON prompt_custom (suggestion_id)
        WHERE suggestion_id IS NOT NULL;
    """,
]
