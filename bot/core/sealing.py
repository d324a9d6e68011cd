"""Sealing identities and private text (AES-GCM) and keyed hashes for lookups (HMAC).

The key lives outside the database (``KINDRED_SECRET_KEY`` or ``data_dir/secret.key``), so a
copy of the database alone identifies no one. Two subkeys are derived from it with HKDF, so
the encryption key and the hashing key are never the same bytes, and a third derivation gives
a fingerprint the database may store to notice a changed key.

Every sealed value is bound to where it is stored: its associated data names the purpose, the
table, the row and the row's owner, so a value copied into another row (by someone who can
write the database file but lacks the key) does not open there. Values sealed before that
(format 1, bound to the purpose only) are opened only by the re-seal migration
(:meth:`Sealer.open_unbound`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, TypeAlias

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)


class MetaStore(Protocol):
    """The part of the store the key check needs (core does not import the store)."""

    async def get_meta(self, key: str) -> str | None: ...

    async def set_meta(self, key: str, value: str) -> None: ...


KEY_FILENAME = "secret.key"
KEY_BYTES = 32
KEY_FINGERPRINT_META = "key_fingerprint"

_NONCE_BYTES = 12  # 96 bits, the size AES-GCM is specified for
_UNBOUND_FORMAT = b"\x01"  # first byte: sealed for a purpose only (before binding to rows)
_FORMAT_VERSION = b"\x02"  # first byte: bound to purpose, table, row and owner
_UNBOUND_AAD_PREFIX = b"kindred/seal/v1\x00"
_AAD_PREFIX = b"kindred/seal/v2\x00"
_ROW_ID_BITS = 53

Binding: TypeAlias = tuple[str, int, int | str]
"""Where a sealed value lives: (table, row id, owner), e.g. ("support_requests", 12, guild)."""


def new_row_id() -> int:
    """A random positive row id for a row whose sealed values are bound to it: known before
    the insert (so one statement writes the row and its seals), and unguessable, so ids in
    buttons and the order of rows tell nothing about how many there are or which came first."""
    return secrets.randbelow(2**_ROW_ID_BITS - 1) + 1


_HASH_PREFIX = b"kindred/hash/v1\x00"


class SealingError(Exception):
    """The key cannot be loaded, or a sealed value cannot be opened."""


class KeyChangedError(Exception):
    """The sealing key differs from the one the database was sealed with."""

    def __init__(self, stored_fingerprint: str, new_fingerprint: str) -> None:
        self.stored_fingerprint = stored_fingerprint
        self.new_fingerprint = new_fingerprint
        super().__init__(
            f"the sealing key has changed (database: {stored_fingerprint}, now: "
            f"{new_fingerprint}). With a new key Kindred cannot open what the old one sealed: "
            "open support relays stop reaching their requesters, blocks and rate-limit "
            "counters are forgotten, and sealed check-in notes become unreadable. If you "
            "still have the old key, set KINDRED_SECRET_KEY (or restore the secret.key file) "
            "to it; to start over with this key, run again with --accept-new-key."
        )


def load_key(secret_key: bytes | None, data_dir: Path, *, create: bool = True) -> bytes:
    """The sealing key: ``secret_key`` if given, else the key file in ``data_dir``.

    The key file holds base64 text. With ``create`` it is made on first run, readable by
    its owner only; an existing file that group or others can read or change is refused.
    """
    if secret_key is not None:
        if len(secret_key) != KEY_BYTES:
            raise SealingError(f"the sealing key must be {KEY_BYTES} bytes, not {len(secret_key)}")
        return secret_key

    path = data_dir / KEY_FILENAME
    if not path.exists():
        if not create:
            raise SealingError(
                f"there is no key file at {path}; set KINDRED_DATA_DIR to the directory that "
                "has it, or set KINDRED_SECRET_KEY"
            )
        created = _create_key_file(path)
        if created is not None:
            return created
    return _read_key_file(path)


def _create_key_file(path: Path) -> bytes | None:
    """Write a fresh key with mode 0600; None if another process created the file first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(KEY_BYTES)
    try:
        # O_EXCL: never overwrite a key someone else just wrote; 0o600 from the first byte,
        # rather than chmod after writing, so the key is never briefly readable.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return None
    except OSError as exc:
        raise SealingError(f"cannot create the key file {path}: {exc.strerror}") from exc
    try:
        os.write(fd, base64.b64encode(key) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)
    log.info("created a new sealing key file at %s; back it up with the database", path)
    return key


def _read_key_file(path: Path) -> bytes:
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise SealingError(f"cannot read the key file {path}: {exc.strerror}") from exc
    # POSIX permission bits mean nothing on Windows, where this check would always pass or fail.
    if os.name != "nt" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SealingError(
            f"the key file {path} can be read or changed by other users "
            f"(mode {stat.S_IMODE(mode):04o}); run `chmod 600 {path}` and start again"
        )
    try:
        text = path.read_text(encoding="ascii").strip()
        key = base64.b64decode(text, validate=True)
    except OSError as exc:
        raise SealingError(f"cannot read the key file {path}: {exc.strerror}") from exc
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise SealingError(
            f"the key file {path} does not hold a base64 key; restore it from your backup"
        ) from None
    if len(key) != KEY_BYTES:
        raise SealingError(
            f"the key file {path} holds {len(key)} bytes, not {KEY_BYTES}; restore it from "
            "your backup"
        )
    return key


def _derive(key: bytes, info: bytes, length: int = 32) -> bytes:
    """HKDF-SHA256 without salt (RFC 5869), for one output block: the standard library's HMAC
    gives the same bytes as ``cryptography``'s HKDF, without importing ``cryptography`` (about
    7 MiB resident) in a bot that may never seal anything."""
    if not 0 < length <= hashlib.sha256().digest_size:
        raise ValueError("one HKDF-SHA256 block is at most 32 bytes")
    prk = hmac.digest(bytes(hashlib.sha256().digest_size), key, "sha256")
    return hmac.digest(prk, info + b"\x01", "sha256")[:length]


def _frame(data: bytes) -> bytes:
    """Length-prefix ``data`` so that concatenated parts can never be confused."""
    return len(data).to_bytes(8, "big") + data


class Sealer:
    """Seals text for one purpose at a time and computes keyed hashes of identifiers."""

    def __init__(self, key: bytes) -> None:
        if len(key) != KEY_BYTES:
            raise SealingError(f"the sealing key must be {KEY_BYTES} bytes, not {len(key)}")
        self._aead_key = _derive(key, b"kindred/aes-gcm/v1")
        self._cipher: AESGCM | None = None
        self._hmac_key = _derive(key, b"kindred/hmac-sha256/v1")
        self._fingerprint = _derive(key, b"kindred/fingerprint/v1", 8).hex()

    @property
    def _aead(self) -> AESGCM:
        # AES-GCM is imported when a value is first sealed or opened; keyed hashes and the
        # fingerprint, which every start needs, use only the standard library.
        if self._cipher is None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            self._cipher = AESGCM(self._aead_key)
        return self._cipher

    @property
    def fingerprint(self) -> str:
        """16 hex characters identifying the key; derived one-way, so it reveals nothing."""
        return self._fingerprint

    def seal(self, plaintext: str, *, purpose: str, bind: Binding) -> str:
        """Encrypt ``plaintext`` for the row ``bind`` names; only :meth:`open` with the same
        key, purpose and binding reverses it."""
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode("utf-8"), self._aad(purpose, bind))
        raw = _FORMAT_VERSION + nonce + sealed
        return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")

    def open(self, sealed: str, *, purpose: str, bind: Binding) -> str:
        """Decrypt a value from :meth:`seal`; :class:`SealingError` if it cannot be trusted
        (changed, another key, another purpose, or moved from another row)."""
        return self._open(sealed, _FORMAT_VERSION, self._aad(purpose, bind))

    def open_unbound(self, sealed: str, *, purpose: str) -> str:
        """Decrypt a value sealed before values were bound to rows (format 1). Only the
        re-seal migration calls this; everything else refuses format 1, so an old value
        copied into another row cannot be slipped past the binding."""
        aad = _UNBOUND_AAD_PREFIX + self._purpose_bytes(purpose)
        return self._open(sealed, _UNBOUND_FORMAT, aad)

    def _open(self, sealed: str, version: bytes, aad: bytes) -> str:
        try:
            raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
        except (binascii.Error, ValueError):
            raise SealingError("the sealed value is not valid base64") from None
        if len(raw) < 1 + _NONCE_BYTES + 16 or raw[:1] != version:
            raise SealingError("the sealed value is truncated or in an unknown format")
        nonce, body = raw[1 : 1 + _NONCE_BYTES], raw[1 + _NONCE_BYTES :]
        from cryptography.exceptions import InvalidTag

        try:
            plain = self._aead.decrypt(nonce, body, aad)
        except InvalidTag:
            raise SealingError(
                "the sealed value cannot be opened: it was changed, sealed with another key, "
                "for another purpose or for another row"
            ) from None
        try:
            return plain.decode("utf-8")
        except UnicodeDecodeError:  # pragma: no cover - authenticated, so only if seal() changes
            raise SealingError("the sealed value is not text") from None

    def keyed_hash(self, purpose: str, *parts: int | str) -> str:
        """HMAC-SHA256 (hex) of ``parts``, separate per ``purpose``; ints and strs never collide."""
        mac = hmac.new(self._hmac_key, _HASH_PREFIX, hashlib.sha256)
        mac.update(_frame(self._purpose_bytes(purpose)))
        for part in parts:
            # bool is an int subclass; hashing True as 1 would silently merge two meanings.
            if isinstance(part, bool) or not isinstance(part, int | str):
                raise TypeError(f"keyed_hash parts must be int or str, not {type(part).__name__}")
            tag = b"i" if isinstance(part, int) else b"s"
            mac.update(tag + _frame(str(part).encode("utf-8")))
        return mac.hexdigest()

    @staticmethod
    def _purpose_bytes(purpose: str) -> bytes:
        if not purpose:
            raise ValueError("a purpose is required")
        return purpose.encode("utf-8")

    def _aad(self, purpose: str, bind: Binding) -> bytes:
        table, row, owner = bind
        if not table or isinstance(row, bool) or isinstance(owner, bool):
            raise ValueError("a binding needs a table, a row id and an owner")
        tag = b"i" if isinstance(owner, int) else b"s"
        return (
            _AAD_PREFIX
            + _frame(self._purpose_bytes(purpose))
            + _frame(table.encode("utf-8"))
            + _frame(str(int(row)).encode("ascii"))
            + tag
            + _frame(str(owner).encode("utf-8"))
        )


@dataclass(frozen=True)
class KeyCheck:
    """What :func:`verify_key` found: a new database, the same key, or an accepted new key."""

    status: Literal["new", "ok", "replaced"]


async def verify_key(store: MetaStore, sealer: Sealer, *, accept_new_key: bool) -> KeyCheck:
    """Compare the key with the fingerprint the database remembers; record it on first run."""
    stored = await store.get_meta(KEY_FINGERPRINT_META)
    if stored is None:
        await store.set_meta(KEY_FINGERPRINT_META, sealer.fingerprint)
        return KeyCheck("new")
    if stored == sealer.fingerprint:
        return KeyCheck("ok")
    if not accept_new_key:
        raise KeyChangedError(stored, sealer.fingerprint)
    await store.set_meta(KEY_FINGERPRINT_META, sealer.fingerprint)
    log.warning(
        "accepted a new sealing key (was %s, now %s); data sealed with the old key is lost",
        stored,
        sealer.fingerprint,
    )
    return KeyCheck("replaced")
