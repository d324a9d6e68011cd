from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.sealing import (
    KEY_FILENAME,
    KEY_FINGERPRINT_META,
    KeyChangedError,
    Sealer,
    SealingError,
    _derive,
    load_key,
    verify_key,
)
from bot.store import Store

KEY_A = bytes(range(32))
KEY_B = bytes(range(1, 33))
ROW = ("support_requests", 7, 1234)

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")


@pytest.fixture
def sealer() -> Sealer:
    return Sealer(KEY_A)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask, so the 0600 of a new key file is Kindred's doing, not the test's."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


# -- sealing -----------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "123456789012345678", "Anonymous Otter · 4f2 🦦", "x" * 4000])
def test_round_trip(sealer: Sealer, text: str) -> None:
    sealed = sealer.seal(text, purpose="support.requester", bind=ROW)
    assert sealer.open(sealed, purpose="support.requester", bind=ROW) == text
    assert (
        Sealer(KEY_A).open(sealed, purpose="support.requester", bind=ROW) == text
    )  # same key, new object


def test_sealed_text_is_urlsafe_and_hides_the_plaintext(sealer: Sealer) -> None:
    sealed = sealer.seal("123456789012345678", purpose="p", bind=ROW)
    assert set(sealed) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert "123456789012345678" not in sealed
    assert b"123456789012345678" not in base64.urlsafe_b64decode(sealed + "==")


def test_each_seal_uses_a_fresh_nonce(sealer: Sealer) -> None:
    first, second = (sealer.seal("same", purpose="p", bind=ROW) for _ in range(2))
    assert first != second
    raw_first = base64.urlsafe_b64decode(first + "==")
    raw_second = base64.urlsafe_b64decode(second + "==")
    assert raw_first[1:13] != raw_second[1:13]


@pytest.mark.parametrize("position", [0, 5, 20, -1])
def test_tampering_is_refused(sealer: Sealer, position: int) -> None:
    raw = bytearray(base64.urlsafe_b64decode(sealer.seal("hello", purpose="p", bind=ROW) + "=="))
    raw[position] ^= 0x01
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    with pytest.raises(SealingError):
        sealer.open(tampered, purpose="p", bind=ROW)


def test_wrong_purpose_is_refused(sealer: Sealer) -> None:
    sealed = sealer.seal("hello", purpose="support.requester", bind=ROW)
    with pytest.raises(SealingError, match="another purpose"):
        sealer.open(sealed, purpose="checkin.note", bind=ROW)


@pytest.mark.parametrize(
    "elsewhere",
    [
        ("support_requests", 8, 1234),  # another row of the same table
        ("support_pending", 7, 1234),  # the same id in another table
        ("support_requests", 7, 1235),  # the same row id under another owner
        ("support_requests", 7, "1234"),  # an owner that is a string, not the int
    ],
)
def test_a_value_moved_to_another_row_is_refused(
    sealer: Sealer, elsewhere: tuple[str, int, int | str]
) -> None:
    sealed = sealer.seal("dm channel 42", purpose="support-dm-channel", bind=ROW)
    with pytest.raises(SealingError, match="another row"):
        sealer.open(sealed, purpose="support-dm-channel", bind=elsewhere)


def test_unbound_values_open_only_through_the_migration_path(sealer: Sealer) -> None:
    """Format 1 (bound to the purpose only) is what rows held before binding; open() refuses
    it, so an old value copied into another row cannot dodge the binding."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from bot.core.sealing import _derive

    aead = AESGCM(_derive(KEY_A, b"kindred/aes-gcm/v1"))
    nonce = bytes(12)
    body = aead.encrypt(nonce, b"old value", b"kindred/seal/v1\x00" + b"support-requester-id")
    old = base64.urlsafe_b64encode(b"\x01" + nonce + body).decode().rstrip("=")
    assert sealer.open_unbound(old, purpose="support-requester-id") == "old value"
    with pytest.raises(SealingError, match="unknown format"):
        sealer.open(old, purpose="support-requester-id", bind=ROW)
    new = sealer.seal("new value", purpose="support-requester-id", bind=ROW)
    with pytest.raises(SealingError):
        sealer.open_unbound(new, purpose="support-requester-id")


def test_new_row_ids_are_random_and_positive() -> None:
    from bot.core.sealing import new_row_id

    ids = {new_row_id() for _ in range(1000)}
    assert len(ids) == 1000
    assert all(0 < i < 2**53 for i in ids)


def test_wrong_key_is_refused(sealer: Sealer) -> None:
    sealed = sealer.seal("hello", purpose="p", bind=ROW)
    with pytest.raises(SealingError, match="another key"):
        Sealer(KEY_B).open(sealed, purpose="p", bind=ROW)


@pytest.mark.parametrize("garbage", ["", "not base64 !", "AAAA", "A" * 30])
def test_malformed_values_are_refused(sealer: Sealer, garbage: str) -> None:
    with pytest.raises(SealingError):
        sealer.open(garbage, purpose="p", bind=ROW)


def test_an_empty_purpose_is_a_programming_error(sealer: Sealer) -> None:
    with pytest.raises(ValueError):
        sealer.seal("x", purpose="", bind=ROW)
    with pytest.raises(ValueError):
        sealer.keyed_hash("")


@pytest.mark.parametrize("length", [0, 16, 31, 33])
def test_sealer_wants_32_bytes(length: int) -> None:
    with pytest.raises(SealingError, match="32 bytes"):
        Sealer(b"k" * length)


# -- keyed hashes and fingerprint ------------------------------------------------------


def test_keyed_hash_is_stable_hex(sealer: Sealer) -> None:
    digest = sealer.keyed_hash("block", 111, 222)
    assert digest == Sealer(KEY_A).keyed_hash("block", 111, 222)
    assert len(digest) == 64 and int(digest, 16) >= 0


@pytest.mark.parametrize(
    ("left", "right"),
    [
        (("block", 1, 2), ("block", 2, 1)),  # order matters
        (("block", 1, 2), ("limit", 1, 2)),  # purposes are separate domains
        (("block", 1), ("block", "1")),  # an int is not its decimal string
        (("block", "ab", "c"), ("block", "a", "bc")),  # boundaries are encoded
        (("block", "a"), ("block", "a", "")),  # an empty part still counts
        (("blo", "ck"), ("block",)),  # the purpose is framed too
    ],
)
def test_keyed_hash_inputs_never_collide(
    sealer: Sealer, left: tuple[str, ...], right: tuple[str, ...]
) -> None:
    assert sealer.keyed_hash(*left) != sealer.keyed_hash(*right)


def test_keyed_hash_depends_on_the_key(sealer: Sealer) -> None:
    assert sealer.keyed_hash("block", 1, 2) != Sealer(KEY_B).keyed_hash("block", 1, 2)


def test_keyed_hash_refuses_other_types(sealer: Sealer) -> None:
    with pytest.raises(TypeError):
        sealer.keyed_hash("block", True)
    with pytest.raises(TypeError):
        sealer.keyed_hash("block", 1.5)  # type: ignore[arg-type]


def test_fingerprint_is_short_stable_and_not_the_key(sealer: Sealer) -> None:
    fingerprint = sealer.fingerprint
    assert len(fingerprint) == 16 and int(fingerprint, 16) >= 0
    assert fingerprint == Sealer(KEY_A).fingerprint
    assert fingerprint != Sealer(KEY_B).fingerprint
    assert fingerprint not in KEY_A.hex()
    # Not a keyed hash or seal output either: the subkeys are separate derivations.
    assert fingerprint not in sealer.keyed_hash("fingerprint")


@pytest.mark.parametrize("info", [b"kindred/aes-gcm/v1", b"kindred/hmac-sha256/v1", b""])
@pytest.mark.parametrize("length", [8, 16, 32])
def test_subkeys_are_the_hkdf_of_rfc_5869(info: bytes, length: int) -> None:
    # The standard-library derivation must give cryptography's bytes exactly: keys, hashes
    # and fingerprints already stored were made with cryptography's HKDF.
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    for key in (KEY_A, KEY_B, os.urandom(32)):
        expected = HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info)
        assert _derive(key, info, length) == expected.derive(key)


def test_rfc_5869_test_case_3() -> None:
    # RFC 5869 appendix A.3: SHA-256, no salt, no info (the first 32 of its 42 bytes).
    okm = _derive(bytes([0x0B] * 22), b"", 32)
    assert okm.hex() == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"


def test_only_sealing_imports_cryptography() -> None:
    # Starting the bot needs keyed hashes and the fingerprint, not AES: cryptography (about
    # 7 MiB resident) is imported when a value is first sealed or opened.
    code = (
        "import sys, bot.app, cogs.support, cogs.kindred, cogs.checkins, cogs.listening, "
        "cogs.prompts\n"
        "from bot.core.sealing import Sealer\n"
        "s = Sealer(bytes(32)); s.keyed_hash('p', 1); s.fingerprint\n"
        "assert 'cryptography' not in sys.modules, 'imported at start'\n"
        "v = s.seal('x', purpose='p', bind=('t', 1, 2))\n"
        "assert 'cryptography' in sys.modules\n"
        "assert s.open(v, purpose='p', bind=('t', 1, 2)) == 'x'\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert done.returncode == 0, done.stderr


# -- the key file ------------------------------------------------------------------------


def test_env_key_wins_and_no_file_is_written(tmp_path: Path) -> None:
    assert load_key(KEY_B, tmp_path) == KEY_B
    assert not (tmp_path / KEY_FILENAME).exists()


def test_env_key_must_be_32_bytes(tmp_path: Path) -> None:
    with pytest.raises(SealingError, match="32 bytes"):
        load_key(b"short", tmp_path)


@posix_only
def test_first_run_creates_a_0600_key_file_and_reuses_it(tmp_path: Path, open_umask: None) -> None:
    data_dir = tmp_path / "data"
    key = load_key(None, data_dir)
    path = data_dir / KEY_FILENAME
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert base64.b64decode(path.read_text().strip()) == key
    assert load_key(None, data_dir) == key
    assert load_key(None, tmp_path / "other") != key


@posix_only
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o602])
def test_key_file_open_to_others_is_refused(tmp_path: Path, mode: int) -> None:
    key = load_key(None, tmp_path)
    path = tmp_path / KEY_FILENAME
    path.chmod(mode)
    with pytest.raises(SealingError) as info:
        load_key(None, tmp_path)
    assert f"chmod 600 {path}" in str(info.value)
    path.chmod(0o600)
    assert load_key(None, tmp_path) == key
    path.chmod(0o400)  # read-only for the owner is fine too
    assert load_key(None, tmp_path) == key


def test_missing_key_file_without_create(tmp_path: Path) -> None:
    with pytest.raises(SealingError, match="no key file"):
        load_key(None, tmp_path, create=False)
    assert not (tmp_path / KEY_FILENAME).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [("not base64!!\n", "does not hold a base64 key"), ("AAAA\n", "holds 3 bytes, not 32")],
)
def test_broken_key_file_is_refused(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / KEY_FILENAME
    path.write_text(content)
    path.chmod(0o600)
    with pytest.raises(SealingError, match=message):
        load_key(None, tmp_path)


# -- verify_key ------------------------------------------------------------------------


async def test_verify_key_new_ok_changed_accepted(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "kindred.db")
    try:
        first, second = Sealer(KEY_A), Sealer(KEY_B)
        assert (await verify_key(store, first, accept_new_key=False)).status == "new"
        assert await store.get_meta(KEY_FINGERPRINT_META) == first.fingerprint
        assert (await verify_key(store, first, accept_new_key=False)).status == "ok"
        assert (await verify_key(store, first, accept_new_key=True)).status == "ok"

        with pytest.raises(KeyChangedError) as info:
            await verify_key(store, second, accept_new_key=False)
        message = str(info.value)
        for loss in ("support relays", "blocks", "rate-limit counters", "check-in notes"):
            assert loss in message
        assert "--accept-new-key" in message
        assert first.fingerprint in message and second.fingerprint in message
        assert await store.get_meta(KEY_FINGERPRINT_META) == first.fingerprint

        assert (await verify_key(store, second, accept_new_key=True)).status == "replaced"
        assert await store.get_meta(KEY_FINGERPRINT_META) == second.fingerprint
        assert (await verify_key(store, second, accept_new_key=False)).status == "ok"
        with pytest.raises(KeyChangedError):
            await verify_key(store, first, accept_new_key=False)
    finally:
        await store.close()


async def test_fingerprint_survives_reopening_the_database(tmp_path: Path) -> None:
    store = await Store.open(tmp_path / "kindred.db")
    await verify_key(store, Sealer(KEY_A), accept_new_key=False)
    await store.close()
    store = await Store.open(tmp_path / "kindred.db")
    try:
        with pytest.raises(KeyChangedError):
            await verify_key(store, Sealer(KEY_B), accept_new_key=False)
        assert (await verify_key(store, Sealer(KEY_A), accept_new_key=False)).status == "ok"
    finally:
        await store.close()
