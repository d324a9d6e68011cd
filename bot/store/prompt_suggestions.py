"""SQL for prompt suggestions and each server's own library of approved ones (into ``Store``).

Members suggest prompts; moderators approve (into ``prompt_custom``), edit or reject them.
Forgetting a member or a server is done by ``PromptStore``, which covers every prompt table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from .queries import RowQueries
from .schedule_rows import dt_or_none, ts

_SUGGESTION_COLUMNS = (
    "id, guild_id, suggested_by, text, category, status, depth, created_at, reviewed_at"
)
_CUSTOM_COLUMNS = "id, guild_id, text, category, depth, suggestion_id, added_at"
# A suggestion is kept this long after its review, and one nobody reviewed this long after it
# was made: the queue does not keep a member's words indefinitely.
SUGGESTION_RETENTION = timedelta(days=90)


@dataclass(frozen=True)
class Suggestion:
    id: int
    guild_id: int
    suggested_by: int
    text: str
    category: str
    status: str
    depth: str | None
    created_at: datetime
    reviewed_at: datetime | None

    @property
    def kept_until(self) -> datetime:
        """When the retention sweep deletes it: 90 days after review, or after it was made
        while nobody has reviewed it."""
        return (self.reviewed_at or self.created_at) + SUGGESTION_RETENTION

    def describe(self) -> dict[str, Any]:
        """What a member's data export shows."""
        return {
            "guild_id": self.guild_id,
            "text": self.text,
            "category": self.category,
            "status": self.status,
            "depth": self.depth,
            "suggested_at": self.created_at.isoformat(),
            "reviewed_at": None if self.reviewed_at is None else self.reviewed_at.isoformat(),
            "kept_until": self.kept_until.isoformat(),
        }


@dataclass(frozen=True)
class CustomPrompt:
    """An approved suggestion in a server's own library."""

    id: int
    guild_id: int
    text: str
    category: str
    depth: str
    suggestion_id: int | None
    added_at: datetime

    @property
    def prompt_id(self) -> str:
        return f"custom-{self.id}"


def _suggestion(row: Any) -> Suggestion:
    return Suggestion(
        id=int(row[0]),
        guild_id=int(row[1]),
        suggested_by=int(row[2]),
        text=str(row[3]),
        category=str(row[4]),
        status=str(row[5]),
        depth=row[6],
        created_at=datetime.fromisoformat(row[7]),
        reviewed_at=dt_or_none(row[8]),
    )


def _custom(row: Any) -> CustomPrompt:
    return CustomPrompt(
        id=int(row[0]),
        guild_id=int(row[1]),
        text=str(row[2]),
        category=str(row[3]),
        depth=str(row[4]),
        suggestion_id=row[5],
        added_at=datetime.fromisoformat(row[6]),
    )


class PromptSuggestionStore(RowQueries):
    """Queries for suggested prompts and the server's own library."""

    async def add_suggestion(
        self, *, guild_id: int, member_id: int, text: str, category: str, now: datetime
    ) -> Suggestion:
        row = await self._one(
            "INSERT INTO prompt_suggestions (guild_id, suggested_by, text, category, created_at) "
            f"VALUES (?, ?, ?, ?, ?) RETURNING {_SUGGESTION_COLUMNS}",
            (guild_id, member_id, text, category, ts(now)),
        )
        assert row is not None
        return _suggestion(row)

    async def count_suggestions_since(self, guild_id: int, member_id: int, since: datetime) -> int:
        row = await self._one(
            "SELECT COUNT(*) FROM prompt_suggestions WHERE guild_id = ? AND suggested_by = ? "
            "AND created_at >= ?",
            (guild_id, member_id, ts(since)),
        )
        return int(row[0]) if row else 0

    async def get_suggestion(self, suggestion_id: int) -> Suggestion | None:
        row = await self._one(
            f"SELECT {_SUGGESTION_COLUMNS} FROM prompt_suggestions WHERE id = ?", (suggestion_id,)
        )
        return None if row is None else _suggestion(row)

    async def next_pending_suggestion(self, guild_id: int) -> tuple[Suggestion | None, int]:
        """The oldest pending suggestion of a server and how many are pending in all."""
        rows = await self._all(
            f"SELECT {_SUGGESTION_COLUMNS}, COUNT(*) OVER () FROM prompt_suggestions "
            "WHERE guild_id = ? AND status = 'pending' ORDER BY id LIMIT 1",
            (guild_id,),
        )
        if not rows:
            return None, 0
        return _suggestion(rows[0]), int(rows[0][9])

    async def edit_suggestion(
        self, suggestion_id: int, *, text: str, category: str
    ) -> Suggestion | None:
        row = await self._one(
            "UPDATE prompt_suggestions SET text = ?, category = ? "
            f"WHERE id = ? AND status = 'pending' RETURNING {_SUGGESTION_COLUMNS}",
            (text, category, suggestion_id),
        )
        return None if row is None else _suggestion(row)

    async def approve_suggestion(
        self, suggestion_id: int, depth: str, now: datetime
    ) -> CustomPrompt | None:
        """Approve a pending suggestion into its server's library; None if not pending."""
        # The status change comes first: of two moderators clicking at once, one wins.
        row = await self._one(
            "UPDATE prompt_suggestions SET status = 'approved', depth = ?, reviewed_at = ? "
            f"WHERE id = ? AND status = 'pending' RETURNING {_SUGGESTION_COLUMNS}",
            (depth, ts(now), suggestion_id),
        )
        if row is None:
            return None
        approved = _suggestion(row)
        added = await self._one(
            "INSERT INTO prompt_custom (guild_id, text, category, depth, suggestion_id, added_at) "
            f"VALUES (?, ?, ?, ?, ?, ?) RETURNING {_CUSTOM_COLUMNS}",
            (approved.guild_id, approved.text, approved.category, depth, approved.id, ts(now)),
        )
        assert added is not None
        return _custom(added)

    async def reject_suggestion(self, suggestion_id: int, now: datetime) -> bool:
        async with self.db.execute(
            "UPDATE prompt_suggestions SET status = 'rejected', reviewed_at = ? "
            "WHERE id = ? AND status = 'pending'",
            (ts(now), suggestion_id),
        ) as cur:
            return cur.rowcount == 1

    async def custom_prompts(self, guild_id: int) -> list[CustomPrompt]:
        rows = await self._all(
            f"SELECT {_CUSTOM_COLUMNS} FROM prompt_custom WHERE guild_id = ? ORDER BY id",
            (guild_id,),
        )
        return [_custom(r) for r in rows]

    async def suggestions_by_member(self, member_id: int) -> list[Suggestion]:
        rows = await self._all(
            f"SELECT {_SUGGESTION_COLUMNS} FROM prompt_suggestions WHERE suggested_by = ? "
            "ORDER BY id",
            (member_id,),
        )
        return [_suggestion(r) for r in rows]

    async def prune_suggestions(self, reviewed_before: datetime) -> int:
        """Delete suggestions reviewed before the cut-off (kept 90 days after review).

        An approved prompt stays in its server's library, no longer linked to who suggested it.
        """
        async with self.db.execute(
            "DELETE FROM prompt_suggestions WHERE reviewed_at IS NOT NULL AND reviewed_at < ?",
            (ts(reviewed_before),),
        ) as cur:
            return cur.rowcount

    async def prune_pending_suggestions(self, suggested_before: datetime) -> int:
        """Delete suggestions still pending that were made before the cut-off (nobody reviewed
        them in 90 days). A moderator's edit does not extend it: only a review does."""
        async with self.db.execute(
            "DELETE FROM prompt_suggestions WHERE status = 'pending' AND created_at < ?",
            (ts(suggested_before),),
        ) as cur:
            return cur.rowcount


__all__ = ["SUGGESTION_RETENTION", "CustomPrompt", "PromptSuggestionStore", "Suggestion"]
