"""Migrations 12 and 13: sealed values bound to their row, per-request lookups, dated history.

Issue 16, items 2, 3 and 4. The rows are written as the code before these migrations wrote
them (format-1 seals bound to a purpose only, a global requester hash, exact times), then the
store migrates with the key, without it, and with another key.
"""

from __future__ import annotations

import base64
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bot.core.sealing import Sealer, SealingError, _derive
from bot.store import Store, StoreError
from bot.store.checkins_schema import SEAL_NOTE, member_hash, note_binding
from bot.store.support_schema import (
    SEAL_DM,
    SEAL_USER,
    request_binding,
    request_lookup,
)

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
BEFORE = 11  # the schema version before migration 12
ALICE, ALICE_DM, BOB = 111111111111111111, 222222222222222222, 333333333333333333


def _old_seal(key: bytes, text: str, purpose: str) -> str:
    """A value as Sealer.seal wrote it before binding (format 1, purpose-only AAD)."""
    nonce = os.urandom(12)
    aad = b"kindred/seal/v1\x00" + purpose.encode()
    body = AESGCM(_derive(key, b"kindred/aes-gcm/v1")).encrypt(nonce, text.encode(), aad)
    return base64.urlsafe_b64encode(b"\x01" + nonce + body).decode().rstrip("=")


async def _old_database(path: Path) -> None:
    store = await Store.open(path, migrate_to=BEFORE)
    await store.close()
    con = sqlite3.connect(path)
    with con:
        for request_id, guild, user in ((1, 10, ALICE), (2, 20, ALICE), (3, 10, BOB)):
            con.execute(
                "INSERT INTO support_requests (id, guild_id, channel_id, style, pseudonym, "
                "handle, requester_sealed, dm_sealed, requester_key, member_key, created_at, "
                "last_activity_at) VALUES (?, ?, 5, 'listen', 'Gentle Otter · 4f2', "
                "'gentle otter 4f2', ?, ?, ?, ?, '2026-11-23T18:00:00+00:00', "
                "'2026-11-23T18:00:00+00:00')",
                (
                    request_id,
                    guild,
                    _old_seal(KEY, str(user), SEAL_USER),
                    _old_seal(KEY, str(ALICE_DM), SEAL_DM),
                    f"global-hash-of-{user}",
                    f"member-hash-of-{user}",
                ),
            )
        con.execute(
            "INSERT INTO support_pending (requester_key, sealed_text, created_at) "
            "VALUES ('global-hash', 'x', '2026-11-23T18:00:00+00:00')"
        )
        con.execute(
            "INSERT INTO checkin_deliveries (id, member_id, source, local_date, sent_at, "
            "message_id, mood, answered_at, note_sealed, noted_at) VALUES (7, ?, 'scheduled', "
            "'2026-11-23', '2026-11-23T18:00:00.123456+00:00', 99, 1, "
            "'2026-11-23T18:00:05.654321+00:00', ?, '2026-11-23T18:00:09.000001+00:00')",
            (ALICE, _old_seal(KEY, "a hard day", SEAL_NOTE)),
        )
    con.close()


def _rows(path: Path, table: str) -> list[dict[str, Any]]:
    con = sqlite3.connect(path)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(f"SELECT * FROM {table} ORDER BY id")]
    finally:
        con.close()


async def test_old_rows_are_resealed_bound_to_their_row_with_a_lookup_each(
    tmp_path: Path,
) -> None:
    path = tmp_path / "kindred.db"
    await _old_database(path)
    sealer = Sealer(KEY)
    store = await Store.open(path, keys=sealer)
    mine = await store.support_requests_matching(lambda rid: request_lookup(sealer, rid, ALICE))
    assert [r.id for r in mine] == [1, 2]
    await store.close()

    requests = _rows(path, "support_requests")
    assert "requester_key" not in requests[0] and "member_key" not in requests[0]
    # one member's two requests no longer share any value
    assert requests[0]["lookup"] != requests[1]["lookup"]
    for row in requests:
        bind = request_binding(row["id"], row["guild_id"])
        user = sealer.open(row["requester_sealed"], purpose=SEAL_USER, bind=bind)
        assert user in {str(ALICE), str(BOB)}
        assert sealer.open(row["dm_sealed"], purpose=SEAL_DM, bind=bind) == str(ALICE_DM)
    # a seal copied from request 1 into request 2 no longer opens there
    with pytest.raises(SealingError):
        sealer.open(
            requests[0]["dm_sealed"],
            purpose=SEAL_DM,
            bind=request_binding(requests[1]["id"], requests[1]["guild_id"]),
        )
    assert _rows(path, "support_pending") == []  # held only the global hash: dropped

    (delivery,) = _rows(path, "checkin_deliveries")
    assert "member_id" not in delivery and delivery["member_hash"] == member_hash(sealer, ALICE)
    assert (delivery["sent_on"], delivery["answered_on"], delivery["noted_on"]) == (
        "2026-11-23",
    ) * 3
    bind = note_binding(7, delivery["member_hash"])
    assert sealer.open(delivery["note_sealed"], purpose=SEAL_NOTE, bind=bind) == "a hard day"


async def test_without_the_key_the_migration_stops_and_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "kindred.db"
    await _old_database(path)
    with pytest.raises(StoreError, match="needs the sealing key"):
        await Store.open(path)
    store = await Store.open(path, migrate=False)
    assert await store.schema_version() == BEFORE
    await store.close()
    assert len(_rows(path, "support_requests")) == 3


async def test_with_another_key_what_cannot_be_opened_is_cleared(tmp_path: Path) -> None:
    """As --accept-new-key documents: the old key's seals are lost; nothing half-opens."""
    path = tmp_path / "kindred.db"
    await _old_database(path)
    store = await Store.open(path, keys=Sealer(OTHER_KEY))
    await store.close()
    for row in _rows(path, "support_requests"):
        assert (row["requester_sealed"], row["dm_sealed"], row["lookup"]) == (None, None, None)
    (delivery,) = _rows(path, "checkin_deliveries")
    assert delivery["note_sealed"] is None and delivery["mood"] == 1
