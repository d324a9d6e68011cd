from __future__ import annotations

import pytest

from bot.core.timezones import (
    MAX_CHOICES,
    POPULAR,
    all_timezones,
    matching_timezones,
)


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("", "UTC"),
        ("europe/ber", "Europe/Berlin"),
        ("berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("KOLKATA", "Asia/Kolkata"),
    ],
)
def test_matches(typed: str, first: str) -> None:
    assert matching_timezones(typed)[0] == first


def test_never_more_than_discord_allows() -> None:
    assert len(matching_timezones("a")) == MAX_CHOICES
    assert matching_timezones("no/such/zone") == []


def test_popular_zones_exist() -> None:
    assert set(POPULAR) <= set(all_timezones())
