"""What check-ins say: the DM, its acknowledgements, the history view, and the notices.

Building messages is kept apart from sending them, so the wording is in one place.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import discord

from bot.checkins.trend import (
    answer_streaks,
    average,
    sparkline,
    weekly_averages,
)
from bot.schedule.rules import DAY_FULL_NAMES
from bot.store.checkins import CheckinDelivery

COLOUR = discord.Colour.from_rgb(126, 168, 150)
MARKER = "Kindred check-in"
HISTORY_SPARK = 14
# An unanswered check-in younger than this is still "waiting", not missed, for streaks.
PENDING_FOR = timedelta(hours=24)

STALE = (
    "This check-in button doesn't work any more — it may be from an old check-in, or one "
    "that isn't yours. `/checkin now` sends you a fresh one whenever you like."
)
ALREADY_ANSWERED = (
    "You already answered this check-in — thank you. `/checkin history` shows your trend."
)
DMS_CLOSED = (
    "I couldn't send you a DM: Discord says your direct messages are closed to me. To allow "
    "them, open the server's menu (its name at the top left) → **Privacy Settings** and turn "
    "on **Direct Messages**, or allow DMs from server members in User Settings → "
    "**Content & Social**. Then run `{command}` again."
)
NOT_SUBSCRIBED = (
    "You don't have check-ins on. `/checkin start` turns them on — daily or weekly, at a time "
    "you choose — and `/checkin now` sends one right away."
)


def footer_for(local_date: date, *, requested: bool) -> str:
    """The visible marker that tells the bot's own scheduled check-in for a date apart
    (Discord does not return nonces in history)."""
    kind = f"{MARKER} (asked for)" if requested else MARKER
    return f"{kind} · {local_date:%a} {local_date.day} {local_date:%b}"


def question_for(questions: Sequence[str], delivery_id: int) -> str:
    """Rotating wording: each check-in takes the next question."""
    return questions[delivery_id % len(questions)]


def checkin_embed(question: str, local_date: date, *, requested: bool) -> discord.Embed:
    embed = discord.Embed(
        title=question,
        description=(
            "Tap how you feel right now — one tap is enough. Only you see your answers "
            "(`/checkin history`). If today is heavy, **I'd like to talk** reaches people in "
            "your server anonymously."
        ),
        colour=COLOUR,
    )
    embed.set_footer(text=footer_for(local_date, requested=requested))
    return embed


def answered_embed(original: discord.Embed | None, answer: str) -> discord.Embed:
    embed = original.copy() if original is not None else discord.Embed(colour=COLOUR)
    embed.clear_fields()
    embed.add_field(name="Your answer", value=answer, inline=False)
    return embed


def mood_answer(mood: int, labels: Sequence[str]) -> str:
    return f"{mood}/5 · {labels[mood - 1]}"


def acknowledgement(mood: int, labels: Sequence[str], *, offer: str | None) -> str:
    text = (
        f"Thank you for telling me — noted: **{labels[mood - 1]}**. You can add a private "
        "note if you like; it is sealed and only you can read it."
    )
    if offer:
        text += "\n\n" + offer
    return text[:2000]


def low_offer(offer: str, resources: str) -> str:
    return f"{offer}\n\n{resources}"


def talk_unavailable(resources: str, *, has_server: bool) -> str:
    where = (
        "Anonymous support requests aren't available in your server right now."
        if has_server
        else "I don't know which server to ask in: run `/checkin start` in your server once."
    )
    return (
        f"{where} You can still reach out: message one of the server's moderators, or "
        f"someone you trust.\n\n{resources}"
    )[:2000]


def next_line(next_due: datetime | None) -> str:
    if next_due is None:
        return "paused"
    return f"{discord.utils.format_dt(next_due, 'F')} ({discord.utils.format_dt(next_due, 'R')})"


def describe_rule(days: str, hhmm: str, timezone: str) -> str:
    if days == "*":
        return f"every day at {hhmm} ({timezone})"
    return f"every {DAY_FULL_NAMES.get(days, days)} at {hhmm} ({timezone})"


def history_embed(
    deliveries: Sequence[CheckinDelivery],
    labels: Sequence[str],
    zone: ZoneInfo,
    now: datetime,
    subscription: str,
) -> discord.Embed:
    """The member's own trend, for their eyes only."""
    embed = discord.Embed(title="Your check-ins", colour=COLOUR)
    # The check-in's own date (history keeps dates, not the times of answers).
    answers = [(d.day, d.mood) for d in deliveries if d.mood is not None]
    if not answers:
        embed.description = (
            "No answers yet. When a check-in arrives, one tap records how you feel; "
            "your trend shows up here, only for you."
        )
        embed.add_field(name="Check-ins", value=subscription, inline=False)
        return embed
    recent = deliveries[-HISTORY_SPARK:]
    embed.description = (
        f"`{sparkline([d.mood for d in recent])}`  {_count(len(recent), 'check-in')}, oldest first "
        f"(▁ {labels[0]} … █ {labels[-1]}, · no answer)"
    )
    when, latest = answers[-1]
    embed.add_field(
        name="Latest",
        value=f"{mood_answer(latest, labels)} · {when:%a} {when.day} {when:%b}",
        inline=False,
    )
    weeks = weekly_averages([(at, mood) for at, mood in answers], zone, weeks=4)
    embed.add_field(
        name="Weekly averages",
        value="\n".join(
            f"Week of {w.week_start.day} {w.week_start:%b}: **{w.average:.1f}** "
            f"({_count(w.answers, 'answer')})"
            for w in weeks
        ),
        inline=False,
    )
    outcomes: list[bool | None] = []
    for index, d in enumerate(deliveries):
        waiting = index == len(deliveries) - 1 and d.open and now - sent_time(d) < PENDING_FOR
        outcomes.append(None if waiting else d.mood is not None)
    streaks = answer_streaks(outcomes)
    overall = average([mood for _, mood in answers])
    embed.add_field(
        name="Streak",
        value=(
            f"{_count(streaks.current, 'check-in')} answered in a row "
            f"(longest {streaks.longest}) · {_count(len(answers), 'answer')} in all, "
            f"average {overall:.1f}"
        ),
        inline=False,
    )
    embed.add_field(name="Check-ins", value=subscription, inline=False)
    embed.set_footer(text="Only you can see this. /kindred forget-me deletes it.")
    return embed


def sent_time(delivery: CheckinDelivery) -> datetime:
    """When the DM went out, from its message id (Discord ids hold their time): the sending
    time is the member's schedule, not a trace of how they answered."""
    if delivery.message_id is None:
        return datetime.combine(delivery.sent_on, datetime.min.time(), UTC)
    return discord.utils.snowflake_time(delivery.message_id)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
