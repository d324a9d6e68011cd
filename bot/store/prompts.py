"""SQL for the prompts feature: settings, the depth ladder, posts (mixed into ``Store``).

Suggestions and approved custom prompts are in ``prompt_suggestions``.

Every write is one statement (UPSERT, ``RETURNING``), so nothing holds a transaction open
on the shared connection across an await.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .queries import RowQueries
from .schedule_rows import dt_or_none, ts

_SETTINGS_COLUMNS = (
    "guild_id, depth, depth_since, engaged_repliers, engaged_replies, quiet_replies, "
    "step_up_after, step_down_after, max_depth, start_depth, pause_reason, last_failure, "
    "last_failure_at"
)
_POST_COLUMNS = (
    "id, guild_id, channel_id, prompt_id, category, depth, source, nonce, chosen_at, "
    "posted_at, message_id, thread_id, repliers, replies"
)
# Ladder fields a server may change with /prompt depth.
LADDER_FIELDS = (
    "engaged_repliers",
    "engaged_replies",
    "quiet_replies",
    "step_up_after",
    "step_down_after",
    "max_depth",
    "start_depth",
)


@dataclass(frozen=True)
class PromptSettings:
    """A server's place on the depth ladder, its ladder settings and its last problem."""

    guild_id: int
    depth: str
    depth_since: datetime
    engaged_repliers: int
    engaged_replies: int
    quiet_replies: int
    step_up_after: int
    step_down_after: int
    max_depth: str
    start_depth: str
    pause_reason: str | None
    last_failure: str | None
    last_failure_at: datetime | None

    def ladder(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in LADDER_FIELDS}


@dataclass(frozen=True)
class PromptPost:
    """One prompt chosen for a channel; ``posted_at`` is set once Discord has the message."""

    id: int
    guild_id: int
    channel_id: int
    prompt_id: str
    category: str
    depth: str
    source: str
    nonce: str | None
    chosen_at: datetime
    posted_at: datetime | None
    message_id: int | None
    thread_id: int | None
    repliers: int
    replies: int


def _settings(row: Any) -> PromptSettings:
    return PromptSettings(
        guild_id=int(row[0]),
        depth=str(row[1]),
        depth_since=datetime.fromisoformat(row[2]),
        engaged_repliers=int(row[3]),
        engaged_replies=int(row[4]),
        quiet_replies=int(row[5]),
        step_up_after=int(row[6]),
        step_down_after=int(row[7]),
        max_depth=str(row[8]),
        start_depth=str(row[9]),
        pause_reason=row[10],
        last_failure=row[11],
        last_failure_at=dt_or_none(row[12]),
    )


def _post(row: Any) -> PromptPost:
    return PromptPost(
        id=int(row[0]),
        guild_id=int(row[1]),
        channel_id=int(row[2]),
        prompt_id=str(row[3]),
        category=str(row[4]),
        depth=str(row[5]),
        source=str(row[6]),
        nonce=row[7],
        chosen_at=datetime.fromisoformat(row[8]),
        posted_at=dt_or_none(row[9]),
        message_id=row[10],
        thread_id=row[11],
        repliers=int(row[12]),
        replies=int(row[13]),
    )


class PromptStore(RowQueries):
    """Queries for the prompts feature: settings, the depth ladder, posts and replies."""

    async def get_prompt_settings(self, guild_id: int) -> PromptSettings | None:
        row = await self._one(
            f"SELECT {_SETTINGS_COLUMNS} FROM prompt_settings WHERE guild_id = ?", (guild_id,)
        )
        return None if row is None else _settings(row)

    async def ensure_prompt_settings(
        self, guild_id: int, depth: str, now: datetime
    ) -> PromptSettings:
        """The server's settings, created at ``depth`` with the default ladder if new."""
        existing = await self.get_prompt_settings(guild_id)
        if existing is not None:
            return existing  # the usual case: one read, no write
        await self.db.execute(
            "INSERT INTO prompt_settings (guild_id, depth, depth_since, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (guild_id) DO NOTHING",
            (guild_id, depth, ts(now), ts(now)),
        )
        found = await self.get_prompt_settings(guild_id)
        assert found is not None  # inserted just above or already there
        return found

    async def update_prompt_ladder(
        self, guild_id: int, now: datetime, **fields: int | str
    ) -> PromptSettings | None:
        """Change ladder settings (names from ``LADDER_FIELDS``) of an existing server row."""
        unknown = set(fields) - set(LADDER_FIELDS)
        if unknown:
            raise ValueError(f"unknown ladder fields: {sorted(unknown)}")
        if not fields:
            return await self.get_prompt_settings(guild_id)
        assignments = ", ".join(f"{name} = ?" for name in fields)
        row = await self._one(
            f"UPDATE prompt_settings SET {assignments}, updated_at = ? WHERE guild_id = ? "
            f"RETURNING {_SETTINGS_COLUMNS}",
            (*fields.values(), ts(now), guild_id),
        )
        return None if row is None else _settings(row)

    async def set_prompt_depth(self, guild_id: int, depth: str, now: datetime) -> None:
        """Move the server to ``depth``; its ladder history starts again from ``now``."""
        await self.db.execute(
            "UPDATE prompt_settings SET depth = ?, depth_since = ?, updated_at = ? "
            "WHERE guild_id = ?",
            (depth, ts(now), ts(now), guild_id),
        )

    async def set_prompt_pause_reason(
        self, guild_id: int, reason: str | None, now: datetime
    ) -> None:
        await self.db.execute(
            "UPDATE prompt_settings SET pause_reason = ?, updated_at = ? WHERE guild_id = ?",
            (reason, ts(now), guild_id),
        )

    async def record_prompt_failure(self, guild_id: int, error: str, now: datetime) -> None:
        await self.db.execute(
            "UPDATE prompt_settings SET last_failure = ?, last_failure_at = ?, updated_at = ? "
            "WHERE guild_id = ?",
            (error[:500], ts(now), ts(now), guild_id),
        )

    # -- posts --------------------------------------------------------------------

    async def add_prompt_post(
        self,
        *,
        guild_id: int,
        channel_id: int,
        prompt_id: str,
        category: str,
        depth: str,
        source: str,
        now: datetime,
        nonce: str | None = None,
    ) -> PromptPost:
        """Record a chosen prompt; for a ``nonce`` already recorded, that post, re-chosen.

        A redone delivery re-chooses only when its first choice cannot be used (the prompt
        left the library): the post then records the prompt actually sent, not the old one.
        """
        row = await self._one(
            "INSERT INTO prompt_posts (guild_id, channel_id, prompt_id, category, depth, source, "
            "nonce, chosen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (nonce) DO UPDATE SET channel_id = excluded.channel_id, "
            "prompt_id = excluded.prompt_id, category = excluded.category, "
            "depth = excluded.depth, chosen_at = excluded.chosen_at "
            f"RETURNING {_POST_COLUMNS}",
            (guild_id, channel_id, prompt_id, category, depth, source, nonce, ts(now)),
        )
        assert row is not None  # RETURNING always yields the row
        return _post(row)

    async def prompt_post_by_nonce(self, nonce: str) -> PromptPost | None:
        row = await self._one(f"SELECT {_POST_COLUMNS} FROM prompt_posts WHERE nonce = ?", (nonce,))
        return None if row is None else _post(row)

    async def mark_prompt_posted(
        self, post_id: int, *, message_id: int, channel_id: int, now: datetime
    ) -> None:
        await self.db.execute(
            "UPDATE prompt_posts SET message_id = ?, channel_id = ?, "
            "posted_at = COALESCE(posted_at, ?) WHERE id = ?",
            (message_id, channel_id, ts(now), post_id),
        )

    async def set_prompt_thread(self, post_id: int, thread_id: int) -> None:
        await self.db.execute(
            "UPDATE prompt_posts SET thread_id = ? WHERE id = ?", (thread_id, post_id)
        )

    async def prompt_history(self, guild_id: int) -> dict[str, datetime]:
        """When each prompt was last chosen in the server (the no-repeat history)."""
        rows = await self._all(
            "SELECT prompt_id, MAX(chosen_at) FROM prompt_posts WHERE guild_id = ? "
            "GROUP BY prompt_id",
            (guild_id,),
        )
        return {str(r[0]): datetime.fromisoformat(r[1]) for r in rows}

    async def ladder_posts(self, guild_id: int, depth: str, since: datetime) -> list[PromptPost]:
        """Scheduled posts made at ``depth`` since ``since``, oldest first."""
        rows = await self._all(
            f"SELECT {_POST_COLUMNS} FROM prompt_posts WHERE guild_id = ? AND source = 'schedule' "
            "AND depth = ? AND chosen_at >= ? AND posted_at IS NOT NULL ORDER BY chosen_at, id",
            (guild_id, depth, ts(since)),
        )
        return [_post(r) for r in rows]

    async def last_prompt_post(self, guild_id: int) -> PromptPost | None:
        row = await self._one(
            f"SELECT {_POST_COLUMNS} FROM prompt_posts WHERE guild_id = ? "
            "AND posted_at IS NOT NULL ORDER BY posted_at DESC, id DESC LIMIT 1",
            (guild_id,),
        )
        return None if row is None else _post(row)

    async def prompt_threads_since(self, since: datetime) -> dict[int, tuple[int, datetime]]:
        """Threads of posts made since ``since``: thread id -> (server id, posted at)."""
        rows = await self._all(
            "SELECT thread_id, guild_id, posted_at FROM prompt_posts "
            "WHERE thread_id IS NOT NULL AND posted_at >= ?",
            (ts(since),),
        )
        return {int(r[0]): (int(r[1]), datetime.fromisoformat(r[2])) for r in rows}

    async def record_prompt_reply(self, thread_id: int, member_hash: str) -> tuple[int, int]:
        """Count one reply in a post's thread; return (distinct repliers, replies).

        Found by thread id (a Discord snowflake, never reused), not by post id: post ids of
        a forgotten server can come back, and its old threads must not count toward them.
        A thread no post owns (any more) counts nothing and returns (0, 0).
        """
        await self.db.execute(
            "INSERT INTO prompt_repliers (post_id, member_hash) "
            "SELECT id, ? FROM prompt_posts WHERE thread_id = ? ON CONFLICT DO NOTHING",
            (member_hash, thread_id),
        )
        row = await self._one(
            "UPDATE prompt_posts SET replies = replies + 1, repliers = "
            "(SELECT COUNT(*) FROM prompt_repliers WHERE post_id = prompt_posts.id) "
            "WHERE thread_id = ? RETURNING repliers, replies",
            (thread_id,),
        )
        return (0, 0) if row is None else (int(row[0]), int(row[1]))

    async def prompt_replies_by(self, member_hash: str) -> int:
        """How many prompt threads hold a reply marker of this member (for my-data)."""
        async with self.db.execute(
            "SELECT COUNT(*) FROM prompt_repliers WHERE member_hash = ?", (member_hash,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def prune_prompt_repliers(self, posted_before: datetime) -> int:
        """Forget who replied once a post's counting day is over (the counts stay).

        Looks only at posts that still have markers (a day's worth), not the whole history.
        """
        async with self.db.execute(
            "DELETE FROM prompt_repliers WHERE post_id IN (SELECT p.id FROM prompt_posts AS p "
            "WHERE p.id IN (SELECT DISTINCT post_id FROM prompt_repliers) AND p.posted_at < ?)",
            (ts(posted_before),),
        ) as cur:
            return cur.rowcount

    # -- privacy ------------------------------------------------------------------------

    async def forget_prompt_member(self, member_id: int, member_hash: str) -> int:
        """Delete a member's suggestions (and prompts approved from them) and reply markers."""
        async with self.db.execute(
            "DELETE FROM prompt_custom WHERE suggestion_id IN "
            "(SELECT id FROM prompt_suggestions WHERE suggested_by = ?)",
            (member_id,),
        ) as cur:
            count = cur.rowcount
        async with self.db.execute(
            "DELETE FROM prompt_suggestions WHERE suggested_by = ?", (member_id,)
        ) as cur:
            count += cur.rowcount
        async with self.db.execute(
            "DELETE FROM prompt_repliers WHERE member_hash = ?", (member_hash,)
        ) as cur:
            count += cur.rowcount
        return count

    async def forget_prompt_guild(self, guild_id: int) -> int:
        """Delete everything of the prompts feature stored for a server."""
        count = 0
        for sql in (
            "DELETE FROM prompt_custom WHERE guild_id = ?",
            "DELETE FROM prompt_suggestions WHERE guild_id = ?",
            "DELETE FROM prompt_posts WHERE guild_id = ?",  # repliers go by cascade
            "DELETE FROM prompt_settings WHERE guild_id = ?",
        ):
            async with self.db.execute(sql, (guild_id,)) as cur:
                count += cur.rowcount
        return count


__all__ = [
    "LADDER_FIELDS",
    "PromptPost",
    "PromptSettings",
    "PromptStore",
]
