"""Resolving a claim left unconfirmed: by a crash, or by a step that failed.

The ledger says how far a claimed delivery got. Never started: surely not sent, so it is
redone without asking Discord. Its message recorded: the message is out, and only the
missing steps are done (``finish``: the thread on that post, say), never the post again.
Started with no message recorded: it may or may not have reached Discord, so the handler
looks for its marker in the channel; when that look itself fails (a 5xx, a network
error, a 403 on history) the answer is *unknown*, and redoing the delivery then could
post it twice once Discord's nonce window has passed. So an unknown claim stays
claimed and is checked again later, backing off (never a tight loop of failing
requests: Discord bans IPs that repeat invalid ones), until the grace window is over;
an unfinished one is retried the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.core.pacing import scheduled
from bot.schedule.jobs import (
    Delivered,
    DeliveryResult,
    DueHandler,
    DueJob,
    Failed,
    Key,
    RunReport,
    Skipped,
    Unfinished,
    finish,
)
from bot.schedule.rules import in_quiet_hours, next_due_after
from bot.store.schedule import (
    Advance,
    LedgerEntry,
    Schedule,
    ScheduleStore,
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


UNFINISHED_PAST_GRACE = "posted, but a later step (its thread) was not done within the grace window"


async def check_delivered(handler: DueHandler, job: DueJob) -> bool | int | None:
    """A message id or True: found sent; False: surely not sent; None: the check failed."""
    try:
        with scheduled():
            found: object = await handler.already_delivered(job)
        if isinstance(found, int) and not isinstance(found, bool):
            return found
        return bool(found)
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

    def earliest(self) -> datetime | None:
        """When the first waiting claim may be looked at again (None: none waits)."""
        return min((at for _, at in self._next.values()), default=None)

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
    store: ScheduleStore,
    *,
    now: datetime,
    grace: timedelta,
    late_after: timedelta,
    rechecks: Rechecks,
    report: RunReport,
) -> Resolution:
    """Decide the fate of each claimed delivery (see the module doc).

    Out with a step missing: finished (or retried later, or failed past grace). Found:
    confirmed (and finished). Not found or never started: redone, or skipped past grace /
    in quiet hours / paused. Unknown: left claimed (``report.unresolved``) until the grace
    window is over, then recorded failed.
    """
    plan = Resolution()
    for entry in entries:
        row = schedules.get(entry.schedule_id)
        if row is None:  # deleted meanwhile; its ledger rows went with it
            continue
        key = (row.id, entry.local_date)
        late_by = now - entry.due_at
        if late_by <= grace and not rechecks.may_check(key, now):
            # checked lately (unknown, or a step failed): wait for its turn
            if entry.message_id is None:
                report.unresolved += 1
            else:
                report.unfinished += 1
            continue
        job = DueJob(row, entry.local_date, entry.due_at, entry.nonce, late_by > late_after)
        plan.nexts[key] = next_due = next_due_after(row.rule, entry.due_at)
        handler = handlers[row.kind]
        message_id = entry.message_id
        if message_id is None and entry.started_at is not None:
            found = await check_delivered(handler, job)
            if found is None and late_by <= grace:
                report.unresolved += 1
                rechecks.later(key, now)
                continue
            if found is None:
                rechecks.forget(key)
                report.failed += 1
                plan.settlements.append(Settlement(*key, "failed", error=UNKNOWN_PAST_GRACE))
                plan.advances.append(
                    Advance(row.id, entry.due_at, next_due, error=UNKNOWN_PAST_GRACE)
                )
                continue
            if found is True:
                rechecks.forget(key)
                report.resolved += 1
                plan.settlements.append(Settlement(*key, "confirmed"))
                plan.advances.append(Advance(row.id, entry.due_at, next_due, delivered_at=now))
                continue
            if found is not False:  # its message: record the step, then finish below
                report.resolved += 1
                message_id = int(found)
                await store.record_step(*key, message_id)
        if message_id is not None:
            result = await finish(handler, job, message_id)
            _settle_finished(plan, report, rechecks, job, result, message_id, next_due, now, grace)
            continue
        rechecks.forget(key)
        if (reason := _skip_reason(job, late_by, grace, now)) is not None:
            report.skipped += 1
            plan.settlements.append(Settlement(*key, "skipped", error=reason))
            plan.advances.append(Advance(row.id, entry.due_at, next_due))
        else:
            plan.redo.append(job)
    return plan


def _settle_finished(
    plan: Resolution,
    report: RunReport,
    rechecks: Rechecks,
    job: DueJob,
    result: DeliveryResult,
    message_id: int,
    next_due: datetime,
    now: datetime,
    grace: timedelta,
) -> None:
    """Record what finishing an out-but-unfinished delivery came to."""
    key, sid, due = job.key, job.schedule.id, job.due_at
    # Its message is out whatever happens next: the row moves on (a no-op if it has).
    plan.advances.append(Advance(sid, due, next_due, delivered_at=now))
    if isinstance(result, Unfinished) and now - due <= grace:
        report.unfinished += 1
        rechecks.later(key, now)
        return
    rechecks.forget(key)
    if isinstance(result, Delivered | Skipped):
        report.finished += 1
        plan.settlements.append(Settlement(*key, "confirmed", message_id=message_id))
        return
    if isinstance(result, Failed):
        error = result.error
    else:  # still unfinished, and past grace
        error = f"{UNFINISHED_PAST_GRACE}: {result.error}"
    report.failed += 1
    plan.settlements.append(Settlement(*key, "failed", message_id=message_id, error=error))
