"""Sending a check-in when Discord fails: a refusal drops the row, anything else keeps it.

After a 5xx (or a timeout or cancellation) the DM may have arrived, so the check-in row must
stay, unsent, for ``already_delivered`` to link and for the DM's buttons to keep working.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import discord
import pytest
from helpers import ids

from bot.app import KindredBot
from bot.checkins.delivery import send_checkin
from bot.demo.harness import ManualClock, SampleServer
from bot.store.checkins_schema import member_hash

DAY = date(2026, 3, 7)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 3, 7, 18, 0, tzinfo=UTC))


async def test_a_server_error_keeps_the_unsent_row_and_a_refusal_drops_it(
    kindred: KindredBot, server: SampleServer
) -> None:
    s = server.standin
    alice = server.alice.id
    dm = s.dm_channel(server.alice)
    s.fail_next("POST", rf"/channels/{dm.id}/messages$", status=503)
    with pytest.raises(discord.HTTPException):
        await send_checkin(kindred, alice, DAY, requested=False, nonce="n1")
    kept = await kindred.store.unsent_checkin(member_hash(kindred.sealer, alice), DAY)
    assert kept is not None  # the DM may have arrived: its buttons must find this row

    # The retry reuses the row, so a DM that did arrive and the new one share the same id.
    sent = await send_checkin(kindred, alice, DAY, requested=False, nonce="n2")
    assert sent.delivery_id == kept.id
    assert all(f":{kept.id}" in i for i in ids(s.dms(server.alice)[-1]))

    refused = {"code": 50013, "message": "Missing Permissions"}
    s.fail_next("POST", rf"/channels/{dm.id}/messages$", status=403, body=refused)
    other_day = date(2026, 3, 8)
    with pytest.raises(discord.Forbidden):
        await send_checkin(kindred, alice, other_day, requested=False, nonce="n3")
    assert (
        await kindred.store.unsent_checkin(member_hash(kindred.sealer, alice), other_day) is None
    )  # definitely not sent
