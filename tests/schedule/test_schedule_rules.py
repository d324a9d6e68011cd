from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from bot.schedule.rules import (
    Rule,
    in_quiet_hours,
    local_date_for,
    next_due_after,
    nonce_for,
    parse_days,
    parse_time,
    parse_timezone,
)


def Z(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


NY, BERLIN, LONDON = "America/New_York", "Europe/Berlin", "Europe/London"
SYDNEY, KOLKATA = "Australia/Sydney", "Asia/Kolkata"


@pytest.mark.parametrize(
    ("tz", "hhmm", "days", "after", "expected", "local"),
    [
        # New York, spring forward 2026-03-08 02:00 EST -> 03:00 EDT: 02:30 fires at 03:30 EDT.
        (NY, "02:30", "*", "2026-03-07 07:30", "2026-03-08 07:30", "2026-03-08"),
        (NY, "02:30", "*", "2026-03-08 07:30", "2026-03-09 06:30", "2026-03-09"),
        (NY, "09:00", "*", "2026-03-07 14:00", "2026-03-08 13:00", "2026-03-08"),
        # New York, fall back 2026-11-01: 01:30 happens at 05:30Z (EDT) and 06:30Z (EST).
        (NY, "01:30", "*", "2026-10-31 05:30", "2026-11-01 05:30", "2026-11-01"),
        (NY, "01:30", "*", "2026-11-01 05:30", "2026-11-01 06:30", "2026-11-01"),
        (NY, "01:30", "*", "2026-11-01 06:30", "2026-11-02 06:30", "2026-11-02"),
        # Berlin: 02:30 does not exist on 2026-03-29 and happens twice on 2026-10-25.
        (BERLIN, "02:30", "*", "2026-03-28 01:30", "2026-03-29 01:30", "2026-03-29"),
        (BERLIN, "02:30", "*", "2026-03-29 01:30", "2026-03-30 00:30", "2026-03-30"),
        (BERLIN, "02:30", "*", "2026-10-24 12:00", "2026-10-25 00:30", "2026-10-25"),
        (BERLIN, "02:30", "*", "2026-10-25 00:30", "2026-10-25 01:30", "2026-10-25"),
        # London: 01:30 skipped on 2026-03-29 (fires 02:30 BST), doubled on 2026-10-25.
        (LONDON, "01:30", "*", "2026-03-28 12:00", "2026-03-29 01:30", "2026-03-29"),
        (LONDON, "01:30", "*", "2026-10-25 00:30", "2026-10-25 01:30", "2026-10-25"),
        # Sydney (southern hemisphere): DST ends 2026-04-05 (02:30 twice), starts 2026-10-04.
        (SYDNEY, "02:30", "*", "2026-04-04 00:00", "2026-04-04 15:30", "2026-04-05"),
        (SYDNEY, "02:30", "*", "2026-04-04 15:30", "2026-04-04 16:30", "2026-04-05"),
        (SYDNEY, "02:30", "*", "2026-04-04 16:30", "2026-04-05 16:30", "2026-04-06"),
        (SYDNEY, "02:30", "*", "2026-10-03 00:00", "2026-10-03 16:30", "2026-10-04"),
        # 09:00 moves from 22:00Z (AEDT, +11) to 23:00Z (AEST, +10) across the change.
        (SYDNEY, "09:00", "*", "2026-04-03 21:00", "2026-04-03 22:00", "2026-04-04"),
        (SYDNEY, "09:00", "*", "2026-04-03 22:00", "2026-04-04 23:00", "2026-04-05"),
        (SYDNEY, "09:00", "*", "2026-04-04 23:00", "2026-04-05 23:00", "2026-04-06"),
        # Kolkata: no DST; month, year and leap-day ends.
        (KOLKATA, "23:45", "*", "2026-01-31 18:15", "2026-02-01 18:15", "2026-02-01"),
        (KOLKATA, "23:45", "*", "2026-12-31 18:15", "2027-01-01 18:15", "2027-01-01"),
        (KOLKATA, "09:00", "*", "2027-02-28 03:30", "2027-03-01 03:30", "2027-03-01"),
        (KOLKATA, "09:00", "*", "2028-02-28 03:30", "2028-02-29 03:30", "2028-02-29"),
        (KOLKATA, "09:00", "*", "2026-06-01 03:29", "2026-06-01 03:30", "2026-06-01"),
        # Weekday masks (2026-11-27 is a Friday).
        (NY, "09:00", "mon-fri", "2026-11-27 14:00", "2026-11-30 14:00", "2026-11-30"),
        (NY, "09:00", "sat,sun", "2026-11-27 14:00", "2026-11-28 14:00", "2026-11-28"),
        (NY, "09:00", "sun", "2026-11-27 14:00", "2026-11-29 14:00", "2026-11-29"),
        (NY, "09:00", "sun", "2026-11-29 14:00", "2026-12-06 14:00", "2026-12-06"),
        (NY, "09:00", "mon,wed,fri", "2026-11-25 14:00", "2026-11-27 14:00", "2026-11-27"),
        (NY, "09:00", "mon-fri", "2026-12-31 14:00", "2027-01-01 14:00", "2027-01-01"),
        (NY, "09:00", "mon-fri", "2027-01-01 14:00", "2027-01-04 14:00", "2027-01-04"),
        # Weekday masks are local: Sydney's Monday 08:00 is Sunday in UTC.
        (SYDNEY, "08:00", "mon", "2026-11-27 00:00", "2026-11-29 21:00", "2026-11-30"),
    ],
)
def test_next_due_after(
    tz: str, hhmm: str, days: str, after: str, expected: str, local: str
) -> None:
    rule = Rule(time.fromisoformat(hhmm), tz, days)
    due = next_due_after(rule, Z(after))
    assert due == Z(expected)
    assert due.tzinfo is UTC
    assert local_date_for(rule, due) == date.fromisoformat(local)


def test_next_due_after_is_strict_and_needs_aware_times() -> None:
    rule = Rule(time(9, 0), "UTC")
    assert next_due_after(rule, Z("2026-05-01 09:00")) == Z("2026-05-02 09:00")
    assert next_due_after(rule, Z("2026-05-01 08:59:59.999999")) == Z("2026-05-01 09:00")
    with pytest.raises(ValueError):
        next_due_after(rule, datetime(2026, 5, 1))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9am", time(9, 0)),
        ("9:30pm", time(21, 30)),
        ("9:30 PM", time(21, 30)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:15am", time(0, 15)),
        ("21:05", time(21, 5)),
        ("07:00", time(7, 0)),
        ("7", time(7, 0)),
        ("0:00", time(0, 0)),
        (" noon ", time(12, 0)),
        ("midnight", time(0, 0)),
    ],
)
def test_parse_time(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["", "24:00", "13pm", "0am", "9:60", "nine", "9:5", "9:30xm"])
def test_parse_time_rejects_with_a_helpful_message(text: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_time(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("daily", "*"),
        ("Daily", "*"),
        ("*", "*"),
        ("weekdays", "mon-fri"),
        ("weekends", "sat,sun"),
        ("mon,wed,fri", "mon,wed,fri"),
        ("Fri, Mon ,wed", "mon,wed,fri"),
        ("monday wednesday", "mon,wed"),
        ("mon-fri", "mon-fri"),
        ("mon,tue,wed,thu,fri", "mon-fri"),
        ("mon-sun", "*"),
        ("sun", "sun"),
        ("sat,sun,sat", "sat,sun"),
        ("tue-thu", "tue,wed,thu"),
    ],
)
def test_parse_days(text: str, expected: str) -> None:
    assert parse_days(text) == expected


@pytest.mark.parametrize("text", ["", "someday", "mon,funday", "fri-mon", ",", "weekly"])
def test_parse_days_rejects_with_a_helpful_message(text: str) -> None:
    with pytest.raises(ValueError, match=r"days|day range"):
        parse_days(text)


def test_parse_timezone() -> None:
    assert parse_timezone("europe/berlin") == "Europe/Berlin"
    assert parse_timezone(" Asia/Kolkata ") == "Asia/Kolkata"
    with pytest.raises(ValueError, match="Europe/Berlin"):
        parse_timezone("Mars/Olympus_Mons")
    with pytest.raises(ValueError):
        parse_timezone("../etc/passwd")


def test_rule_validates_its_fields() -> None:
    assert Rule(time(9, 5), "Europe/Berlin", "mon-fri").hhmm == "09:05"
    with pytest.raises(ValueError):
        Rule(time(9, 0), "Nowhere/Land")
    with pytest.raises(ValueError):
        Rule(time(9, 0), "UTC", "mon,wed,fri,mon")  # not canonical: use parse_days first
    with pytest.raises(ValueError):
        Rule(time(9, 0, 30), "UTC")


@pytest.mark.parametrize(
    ("tz", "moment", "quiet"),
    [
        (NY, "2026-11-27 03:00", True),  # 22:00 EST
        (NY, "2026-11-27 02:59", False),  # 21:59 EST
        (NY, "2026-11-27 12:59", True),  # 07:59 EST
        (NY, "2026-11-27 13:00", False),  # 08:00 EST
        (KOLKATA, "2026-11-27 20:00", True),  # 01:30 IST
        (SYDNEY, "2026-11-27 00:00", False),  # 11:00 AEDT
    ],
)
def test_in_quiet_hours(tz: str, moment: str, quiet: bool) -> None:
    assert in_quiet_hours(Rule(time(9, 0), tz, quiet_hours=True), Z(moment)) is quiet


def test_nonce_is_short_deterministic_and_distinct() -> None:
    day = date(2026, 11, 26)
    assert nonce_for(42, day) == nonce_for(42, day)
    assert nonce_for(42, day) != nonce_for(43, day)
    assert nonce_for(42, day) != nonce_for(42, date(2026, 11, 27))
    assert len(nonce_for(2**63 - 1, date(9999, 12, 31))) <= 25
    assert len({nonce_for(i, day) for i in range(5000)}) == 5000
