"""SQL for the listening feature (mixed into ``Store``).

Only settings and markers live here: which channels a server watches and how, its rate limits,
who muted nudges (and when the mute was last used), and when a member (DM) or a channel (note)
was last nudged. Never message text and never who shared: the detector keeps open shares in
memory only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import aiosqlite

from .schedule_rows import ts

ChannelMode = Literal["dm", "channel"]
MARKER_RETENTION = timedelta(days=7)
# A mute is kept while it is used (set again, or holding back a nudge): one unused for this
# long is deleted, since forgetting it can only mean an occasional nudge again.
MUTE_RETENTION = timedelta(days=365)


@dataclass(frozen=True)
class ListeningChannel:
    """A watched channel (threads under it are watched too) and how nudges are given there."""

    channel_id: int
    guild_id: int
    mode: ChannelMode
    updated_at: datetime


@dataclass(frozen=True)
class ListeningLimits:
    """A server's own rate limits; None means Kindred's default."""

    guild_id: int
    member_gap: timedelta | None
    channel_gap: timedelta | None


@dataclass(frozen=True)
class NudgeMarker:
    """One nudge given: to a member by DM (member_id) or as a note in a channel (channel_id)."""

    guild_id: int
    member_id: int | None
    channel_id: int | None
    kind: str
    at: datetime


@dataclass(frozen=True)
class ListeningMute:
    """A member who turned nudges off, in every server."""

    member_id: int
    muted_at: datetime
    used_at: datetime  # last set, or last held back a nudge

    @property
    def kept_until(self) -> datetime:
        """When the retention sweep deletes it unless it is used before then."""
        return self.used_at + MUTE_RETENTION

    def describe(self) -> dict[str, Any]:
        return {
            "muted_at": self.muted_at.isoformat(),
            "last_used_at": self.used_at.isoformat(),
            "kept_until_unless_used": self.kept_until.isoformat(),
        }


def _minutes(gap: timedelta | None) -> int | None:
    return None if gap is None else int(gap.total_seconds() // 60)


def _gap(minutes: Any) -> timedelta | None:
    return None if minutes is None else timedelta(minutes=int(minutes))


def _channel(row: Any) -> ListeningChannel:
    return ListeningChannel(
        channel_id=int(row["channel_id"]),
        guild_id=int(row["guild_id"]),
        mode=row["mode"],
        updated_at=datetime.fromisoformat(row["updated_at"]),
    )


def _marker(row: Any) -> NudgeMarker:
    return NudgeMarker(
        guild_id=int(row["guild_id"]),
        member_id=None if row["member_id"] is None else int(row["member_id"]),
        channel_id=None if row["channel_id"] is None else int(row["channel_id"]),
        kind=str(row["kind"]),
        at=datetime.fromisoformat(row["at"]),
    )


class ListeningStore:
    """Queries for the listening feature."""

    db: aiosqlite.Connection

    # -- watched channels ------------------------------------------------------------------

    async def set_listening_channel(
        self, guild_id: int, channel_id: int, mode: ChannelMode, now: datetime
    ) -> ListeningChannel:
        async with self.db.execute(
            "INSERT INTO listening_channels (channel_id, guild_id, mode, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (channel_id) DO UPDATE SET "
            "guild_id = excluded.guild_id, mode = excluded.mode, updated_at = excluded.updated_at "
            "RETURNING *",
            (channel_id, guild_id, mode, ts(now)),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return _channel(row)

    async def remove_listening_channel(self, channel_id: int) -> bool:
        async with self.db.execute(
            "DELETE FROM listening_channels WHERE channel_id = ?", (channel_id,)
        ) as cur:
            return cur.rowcount > 0

    async def listening_channels(self, guild_id: int | None = None) -> list[ListeningChannel]:
        """The watched channels of one server, or of every server (to fill a cache at start)."""
        sql = "SELECT * FROM listening_channels"
        args: tuple[Any, ...] = ()
        if guild_id is not None:
            sql += " WHERE guild_id = ?"
            args = (guild_id,)
        async with self.db.execute(sql + " ORDER BY guild_id, channel_id", args) as cur:
            return [_channel(r) for r in await cur.fetchall()]

    # -- rate limits -----------------------------------------------------------------------

    async def set_listening_limits(
        self,
        guild_id: int,
        now: datetime,
        *,
        member_gap: timedelta | None = None,
        channel_gap: timedelta | None = None,
    ) -> ListeningLimits:
        """Change the limits given (a None argument keeps what was set)."""
        async with self.db.execute(
            "INSERT INTO listening_guilds "
            "(guild_id, member_gap_minutes, channel_gap_minutes, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET "
            "member_gap_minutes = IFNULL(excluded.member_gap_minutes, member_gap_minutes), "
            "channel_gap_minutes = IFNULL(excluded.channel_gap_minutes, channel_gap_minutes), "
            "updated_at = excluded.updated_at RETURNING *",
            (guild_id, _minutes(member_gap), _minutes(channel_gap), ts(now)),
        ) as cur:
            row = await cur.fetchone()
        assert row is not None
        return ListeningLimits(
            guild_id, _gap(row["member_gap_minutes"]), _gap(row["channel_gap_minutes"])
        )

    async def listening_limits(self, guild_id: int) -> ListeningLimits:
        async with self.db.execute(
            "SELECT * FROM listening_guilds WHERE guild_id = ?", (guild_id,)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return ListeningLimits(guild_id, None, None)
        return ListeningLimits(
            guild_id, _gap(row["member_gap_minutes"]), _gap(row["channel_gap_minutes"])
        )

    # -- mutes -----------------------------------------------------------------------------

    async def listening_muted(self, member_id: int) -> bool:
        async with self.db.execute(
            "SELECT 1 FROM listening_mutes WHERE member_id = ?", (member_id,)
        ) as cur:
            return await cur.fetchone() is not None

    async def listening_mute(self, member_id: int) -> ListeningMute | None:
        async with self.db.execute(
            "SELECT member_id, muted_at, COALESCE(used_at, muted_at) AS used "
            "FROM listening_mutes WHERE member_id = ?",
            (member_id,),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return None
        return ListeningMute(
            int(row["member_id"]),
            datetime.fromisoformat(row["muted_at"]),
            datetime.fromisoformat(row["used"]),
        )

    async def set_listening_muted(self, member_id: int, muted: bool, now: datetime) -> None:
        """Mute (muting again counts as using the mute) or unmute."""
        if muted:
            await self.db.execute(
                "INSERT INTO listening_mutes (member_id, muted_at, used_at) VALUES (?, ?, ?) "
                "ON CONFLICT (member_id) DO UPDATE SET used_at = excluded.used_at",
                (member_id, ts(now), ts(now)),
            )
        else:
            await self.db.execute("DELETE FROM listening_mutes WHERE member_id = ?", (member_id,))

    async def use_listening_mute(self, member_id: int, now: datetime) -> bool:
        """True if the member muted nudges; then the mute is recorded as used now (it holds
        back the nudge the caller was about to give)."""
        async with self.db.execute(
            "UPDATE listening_mutes SET used_at = ? WHERE member_id = ?", (ts(now), member_id)
        ) as cur:
            return cur.rowcount == 1

    async def prune_listening_mutes(self, unused_since: datetime) -> int:
        """Delete mutes last used before ``unused_since`` (a year without use)."""
        async with self.db.execute(
            "DELETE FROM listening_mutes WHERE COALESCE(used_at, muted_at) < ?",
            (ts(unused_since),),
        ) as cur:
            return cur.rowcount

    # -- markers ---------------------------------------------------------------------------

    async def claim_member_nudge(
        self, guild_id: int, member_id: int, kind: str, now: datetime, gap: timedelta
    ) -> bool:
        """Record a DM nudge to ``member_id`` unless one was given in this server within
        ``gap``; True when this call may send it. One statement, so two replies handled at
        once cannot both pass the limit."""
        async with self.db.execute(
            "INSERT INTO listening_markers (guild_id, member_id, channel_id, kind, at) "
            "SELECT ?, ?, NULL, ?, ? WHERE NOT EXISTS (SELECT 1 FROM listening_markers "
            "WHERE guild_id = ? AND member_id = ? AND at > ?)",
            (guild_id, member_id, kind, ts(now), guild_id, member_id, ts(now - gap)),
        ) as cur:
            return cur.rowcount == 1

    async def claim_channel_nudge(
        self, guild_id: int, channel_id: int, kind: str, now: datetime, gap: timedelta
    ) -> bool:
        """Record a note in ``channel_id`` unless one was posted there within ``gap``."""
        async with self.db.execute(
            "INSERT INTO listening_markers (guild_id, member_id, channel_id, kind, at) "
            "SELECT ?, NULL, ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM listening_markers "
            "WHERE channel_id = ? AND at > ?)",
            (guild_id, channel_id, kind, ts(now), channel_id, ts(now - gap)),
        ) as cur:
            return cur.rowcount == 1

    async def listening_markers_since(self, guild_id: int, since: datetime) -> list[NudgeMarker]:
        rows = await self.db.execute_fetchall(
            "SELECT * FROM listening_markers WHERE guild_id = ? AND at >= ? ORDER BY at",
            (guild_id, ts(since)),
        )
        return [_marker(r) for r in rows]

    async def prune_listening_markers(self, before: datetime) -> int:
        async with self.db.execute(
            "DELETE FROM listening_markers WHERE at < ?", (ts(before),)
        ) as cur:
            return cur.rowcount

    # -- privacy ---------------------------------------------------------------------------

    async def export_listening_member(self, member_id: int) -> dict[str, Any]:
        async with self.db.execute(
            "SELECT * FROM listening_markers WHERE member_id = ? ORDER BY at", (member_id,)
        ) as cur:
            markers = [_marker(r) for r in await cur.fetchall()]
        mute = await self.listening_mute(member_id)
        return {
            "muted": mute is not None,
            "mute": None if mute is None else mute.describe(),
            "nudges": [
                {"guild_id": m.guild_id, "kind": m.kind, "at": m.at.isoformat()} for m in markers
            ],
        }

    async def forget_listening_member(self, member_id: int) -> int:
        async with self.db.execute(
            "DELETE FROM listening_markers WHERE member_id = ?", (member_id,)
        ) as cur:
            count = cur.rowcount
        async with self.db.execute(
            "DELETE FROM listening_mutes WHERE member_id = ?", (member_id,)
        ) as cur:
            return count + cur.rowcount

    async def forget_listening_guild(self, guild_id: int) -> int:
        count = 0
        for table in ("listening_markers", "listening_channels", "listening_guilds"):
            async with self.db.execute(
                f"DELETE FROM {table} WHERE guild_id = ?",  # fixed table names, no user input
                (guild_id,),
            ) as cur:
                count += cur.rowcount
        return count
