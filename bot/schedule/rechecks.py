"""Resolving a claim a crash left unconfirmed: found, not found, or unknown.

A claimed but unconfirmed delivery may or may not have reached Discord. The handler
looks for its nonce in the channel; when that look itself fails (a 5xx, a network
error, a 403 on history) the answer is *unknown*, and redoing the delivery then could
post it twice once Discord's nonce window has passed. So an unknown claim stays
claimed and is checked again later, backing off (never a tight loop of failing
requests: Discord bans IPs that repeat invalid ones), until the grace window is over.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.schedule.jobs import (
    DueHandler,
    DueJob,
    Key,
    Pacer,
    RunReport,
)
from bot.schedule.rules import in_quiet_hours, next_due_after
from bot.store.schedule import (
    Advance,
    LedgerEntry,
    Schedule,
    Settlement,
)

log = logging.getLogger(__name__)

# Waits between checks of one unresolved claim: 1, 2, 4 ... minutes, at most 30.
FIRST_RECHECK = timedelta(minutes=1)
LONGEST_RECHECK = timedelta(minutes=30)
UNKNOWN_PAST_GRACE = (
    "not confirmed before a restart, and whether it was sent could not be checked before "
    "the grace window ended; not redone, so it cannot be posted twice"
)


async def check_delivered(handler: DueHandler, job: DueJob) -> bool | None:
    """True: found sent; False: surely not sent; None: the check failed (unknown)."""
    try:
        return bool(await handler.already_delivered(job))
    except Exception as exc:
        log.warning(
            "could not check whether %s schedule %d was delivered for %s (%s: %s); "
            "will check again",
            job.schedule.kind,
            job.schedule.id,
            job.local_date,
            type(exc).__name__,
            exc,
        )
        return None


class Rechecks:
    """When each unresolved claim may be checked again (in memory: a restart checks at once)."""

    def __init__(self) -> None:
        self._next: dict[Key, tuple[int, datetime]] = {}

    def __len__(self) -> int:
        return len(self._next)

    def may_check(self, key: Key, now: datetime) -> bool:
        entry = self._next.get(key)
        return entry is None or now >= entry[1]

    def later(self, key: Key, now: datetime) -> datetime:
        """Note one more failed check of ``key``; return when to try again."""
        attempts = self._next.get(key, (0, now))[0] + 1
        wait = min(FIRST_RECHECK * 2 ** (attempts - 1), LONGEST_RECHECK)
        self._next[key] = (attempts, now + wait)
        return now + wait

    def forget(self, key: Key) -> None:
        self._next.pop(key, None)

    def keep_only(self, keys: set[Key]) -> None:
        """Drop entries whose claim is no longer unconfirmed (settled or deleted)."""
        for key in [k for k in self._next if k not in keys]:
            del self._next[key]


@dataclass
class Resolution:
    """What to do with the unconfirmed claims: settle some, redo some, move rows on."""

    settlements: list[Settlement] = field(default_factory=list)
    advances: list[Advance] = field(default_factory=list)
    redo: list[DueJob] = field(default_factory=list)
    nexts: dict[Key, datetime] = field(default_factory=dict)


def _skip_reason(job: DueJob, late_by: timedelta, grace: timedelta, now: datetime) -> str | None:
    """Why a claim surely not sent is not redone now (None: redo it)."""
    rule = job.schedule.rule
    if late_by > grace:
        return "not confirmed before a restart, and now past the grace window"
    if job.late and rule.quiet_hours and in_quiet_hours(rule, now):
        return "not confirmed before a restart; redoing it would land in quiet hours"
    if job.schedule.paused:
        return "not confirmed before a restart; the schedule is paused"
    return None


async def resolve_claims(
    entries: Sequence[LedgerEntry],
    schedules: Mapping[int, Schedule],
    handlers: Mapping[str, DueHandler],
    *,
    now: datetime,
    grace: timedelta,
    late_after: timedelta,
    pacer: Pacer,
    rechecks: Rechecks,
    report: RunReport,
) -> Resolution:
    """Check each claim (paced, with back-off for unknown ones) and decide its fate.

    Found: confirmed. Not found: redone, or skipped past grace / in quiet hours / paused.
    Unknown: left claimed (``report.unresolved``) until the grace window is over, then
    recorded failed.
    """
    plan = Resolution()
    for entry in entries:
        row = schedules.get(entry.schedule_id)
        if row is None:  # deleted meanwhile; its ledger rows went with it
            continue
        key = (row.id, entry.local_date)
        late_by = now - entry.due_at
        if late_by <= grace and not rechecks.may_check(key, now):
            report.unresolved += 1  # checked lately and unknown: wait for its turn
            continue
        job = DueJob(row, entry.local_date, entry.due_at, entry.nonce, late_by > late_after)
        plan.nexts[key] = next_due = next_due_after(row.rule, entry.due_at)
        await pacer.wait()  # looking for the nonce is a Discord request too
        found = await check_delivered(handlers[row.kind], job)
        if found is None and late_by <= grace:
            report.unresolved += 1
            rechecks.later(key, now)
            continue
        rechecks.forget(key)
        if found is None:
            report.failed += 1
            plan.settlements.append(Settlement(*key, "failed", error=UNKNOWN_PAST_GRACE))
            plan.advances.append(Advance(row.id, entry.due_at, next_due, error=UNKNOWN_PAST_GRACE))
        elif found:
            report.resolved += 1
            plan.settlements.append(Settlement(*key, "confirmed"))
            plan.advances.append(Advance(row.id, entry.due_at, next_due, delivered_at=now))
        elif (reason := _skip_reason(job, late_by, grace, now)) is not None:
            report.skipped += 1
            plan.settlements.append(Settlement(*key, "skipped", error=reason))
            plan.advances.append(Advance(row.id, entry.due_at, next_due))
        else:
            plan.redo.append(job)
    return plan
