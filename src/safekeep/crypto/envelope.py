"""Envelope encryption of record fields: the safe API the rest of Safekeep calls.

Each record (a `KeyRef`: scope + id, e.g. `KeyRef("case", 17)`) has its own AES-256-GCM
data key, wrapped by the current key-encryption key. A sealed value is

    0x01 | data-key version (4 bytes, big-endian) | nonce (12) | ciphertext | tag (16)

and its associated data names the record, the row, the field and the data-key version, so
a value copied to another record, row or field does not open. Every failure raises
`DecryptionFailed` or `KeyMissing` (never returns a flag), is logged without content, and is
announced as `signals.integrity_failure` (the audit log records it for the IG dashboard).
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import logging
import struct
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from safekeep.crypto import _aead, signals
from safekeep.crypto.errors import DecryptionFailed, KeyMissing
from safekeep.crypto.keys import current_kek
from safekeep.crypto.models import DataKey
from safekeep.crypto.providers import get_provider

logger = logging.getLogger("safekeep.crypto")

FORMAT_VERSION = 1
_HEADER = struct.Struct(">BI")
_MIN_LENGTH = _HEADER.size + _aead.NONCE_BYTES + _aead.TAG_BYTES
TEXT_PREFIX = "sk1:"
_CACHE_SIZE = 4096

_cache: OrderedDict[tuple[str, str, int], bytes] = OrderedDict()
_current_versions: dict[tuple[str, str], int] = {}
_cache_lock = threading.Lock()
# Keys unwrapped or created inside a `key_session()` block, this thread only (see there).
_session = threading.local()


@dataclass(frozen=True, slots=True)
class KeyRef:
    """The record that owns a data key: e.g. KeyRef.of("case", case.pk)."""

    scope: str
    object_id: str

    @classmethod
    def of(cls, scope: str, object_id: int | str) -> KeyRef:
        if not scope or object_id in ("", None):
            raise ValueError("a key reference needs a scope and an object id")
        return cls(scope, str(object_id))

    def __str__(self) -> str:
        return f"{self.scope} {self.object_id}"


def _encode(*parts: str) -> bytes:
    """Length-prefixed parts, so ("ab", "c") and ("a", "bc") never encode alike."""
    out = bytearray()
    for part in parts:
        raw = part.encode()
        out += struct.pack(">H", len(raw)) + raw
    return bytes(out)


def field_aad(ref: KeyRef, *, row: str, field: str, key_version: int) -> bytes:
    return b"safekeep:field:v1" + _encode(ref.scope, ref.object_id, row, field, str(key_version))


def wrap_aad(ref: KeyRef, *, key_version: int, kek_version: int) -> bytes:
    return b"safekeep:datakey:v1" + _encode(
        ref.scope, ref.object_id, str(key_version), str(kek_version)
    )


# --- data keys -----------------------------------------------------------------------------
@contextlib.contextmanager
def key_session() -> Iterator[None]:
    """Cache data keys for the length of this block, even inside a transaction.

    For bulk writes (an import, the demo) that seal many values per record in one
    transaction: without it, every value fetches and unwraps its key again, because the
    process-wide cache only takes keys once they are committed. The session's keys live in
    this thread only and are dropped when the block ends, so a rollback cannot leave a key
    behind for a reused record id. Nested blocks share the outer session.
    """
    if getattr(_session, "keys", None) is not None:
        yield
        return
    _session.keys = {}
    _session.current = {}
    try:
        yield
    finally:
        _session.keys = None
        _session.current = None


def _session_put(ref: KeyRef, version: int, key: bytes) -> None:
    keys: dict[tuple[str, str, int], bytes] | None = getattr(_session, "keys", None)
    if keys is None:
        return
    keys[(ref.scope, ref.object_id, version)] = key
    current: dict[tuple[str, str], int] = _session.current
    if version >= current.get((ref.scope, ref.object_id), 0):
        current[(ref.scope, ref.object_id)] = version


def _session_get(ref: KeyRef, version: int | None) -> tuple[int, bytes] | None:
    keys: dict[tuple[str, str, int], bytes] | None = getattr(_session, "keys", None)
    if keys is None:
        return None
    if version is None:
        version = _session.current.get((ref.scope, ref.object_id))
        if version is None:
            return None
    key = keys.get((ref.scope, ref.object_id, version))
    return None if key is None else (version, key)


def _remember(ref: KeyRef, version: int, key: bytes) -> None:
    """Cache an unwrapped key, but only once its row is committed: a key created in a
    transaction that rolls back must not outlive it (the record id may be reused)."""
    _session_put(ref, version, key)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: _cache_put(ref, version, key))
    else:
        _cache_put(ref, version, key)


def _cache_put(ref: KeyRef, version: int, key: bytes) -> None:
    with _cache_lock:
        _cache[(ref.scope, ref.object_id, version)] = key
        _cache.move_to_end((ref.scope, ref.object_id, version))
        if version >= _current_versions.get((ref.scope, ref.object_id), 0):
            _current_versions[(ref.scope, ref.object_id)] = version
        while len(_cache) > _CACHE_SIZE:
            (scope, object_id, _), _ = _cache.popitem(last=False)
            _current_versions.pop((scope, object_id), None)


def forget_cached_data_keys() -> None:
    """Drop unwrapped data keys held in memory (tests, after a restore, on key compromise)."""
    with _cache_lock:
        _cache.clear()
        _current_versions.clear()


def _unwrap(row: DataKey, ref: KeyRef) -> bytes:
    key = get_provider().unwrap(
        row.kek_id,
        bytes(row.wrapped),
        wrap_aad(ref, key_version=row.version, kek_version=row.kek_id),
    )
    _remember(ref, row.version, key)
    return key


def _load(ref: KeyRef, version: int | None) -> tuple[int, bytes] | None:
    in_session = _session_get(ref, version)
    if in_session is not None:
        return in_session
    if version is not None:
        with _cache_lock:
            cached = _cache.get((ref.scope, ref.object_id, version))
        if cached is not None:
            return version, cached
    rows = DataKey.objects.filter(scope=ref.scope, object_id=ref.object_id)
    if version is not None:
        rows = rows.filter(version=version)
    row = rows.order_by("-version").first()
    if row is None:
        return None
    return row.version, _unwrap(row, ref)


def data_key_create(ref: KeyRef) -> int:
    """Give a record its data key (version 1) if it has none; returns the current version."""
    found = DataKey.objects.filter(scope=ref.scope, object_id=ref.object_id).order_by("-version")
    existing = found.values_list("version", flat=True).first()
    if existing is not None:
        return existing
    kek = current_kek()
    key = _aead.new_key()
    wrapped = get_provider().wrap(
        kek.version, key, wrap_aad(ref, key_version=1, kek_version=kek.version)
    )
    try:
        with transaction.atomic():
            DataKey.objects.create(
                scope=ref.scope,
                object_id=ref.object_id,
                version=1,
                kek=kek,
                wrapped=wrapped,
                created_at=timezone.now(),
            )
    except IntegrityError:  # created concurrently: use theirs
        return found.values_list("version", flat=True).first() or 1
    _remember(ref, 1, key)
    return 1


def data_keys_create(refs: Iterable[KeyRef]) -> None:
    """Give many new records their data keys at once (bulk writes, inside a `key_session`).

    Records that already have a key keep it. One insert per 1,000 keys instead of a query
    and an insert per record.
    """
    wanted = list(dict.fromkeys(refs))
    existing: set[tuple[str, str]] = set()
    for scope in {ref.scope for ref in wanted}:
        ids = [ref.object_id for ref in wanted if ref.scope == scope]
        for start in range(0, len(ids), 900):
            existing.update(
                DataKey.objects.filter(scope=scope, object_id__in=ids[start : start + 900])
                .values_list("scope", "object_id")
                .distinct()
            )
    missing = [ref for ref in wanted if (ref.scope, ref.object_id) not in existing]
    if not missing:
        return
    kek = current_kek()
    provider = get_provider()
    now = timezone.now()
    rows, keys = [], []
    for ref in missing:
        key = _aead.new_key()
        wrapped = provider.wrap(
            kek.version, key, wrap_aad(ref, key_version=1, kek_version=kek.version)
        )
        rows.append(
            DataKey(
                scope=ref.scope,
                object_id=ref.object_id,
                version=1,
                kek=kek,
                wrapped=wrapped,
                created_at=now,
            )
        )
        keys.append(key)
    try:
        with transaction.atomic():
            DataKey.objects.bulk_create(rows, batch_size=1000)
    except IntegrityError:  # some created concurrently: fall back to one at a time
        for ref in missing:
            data_key_create(ref)
        return
    for ref, key in zip(missing, keys, strict=True):
        _remember(ref, 1, key)


def data_key_destroy(ref: KeyRef) -> int:
    """Crypto-shred a record: delete every version of its data key, in the caller's
    transaction, and forget any copy held in memory. Whatever was sealed under it (in this
    database, in files, in backups whose key rows are gone) can never be opened again.
    Returns how many key versions were destroyed."""
    destroyed, _ = DataKey.objects.filter(scope=ref.scope, object_id=ref.object_id).delete()

    def forget() -> None:
        with _cache_lock:
            for cached in [k for k in _cache if k[:2] == (ref.scope, ref.object_id)]:
                del _cache[cached]
            _current_versions.pop((ref.scope, ref.object_id), None)

    forget()
    if connection.in_atomic_block:
        transaction.on_commit(forget)  # a reader may have cached it again meanwhile
    keys = getattr(_session, "keys", None)
    if keys is not None:
        for cached in [k for k in keys if k[:2] == (ref.scope, ref.object_id)]:
            del keys[cached]
        _session.current.pop((ref.scope, ref.object_id), None)
    return int(destroyed)


def _current_key(ref: KeyRef) -> tuple[int, bytes]:
    in_session = _session_get(ref, None)
    if in_session is not None:
        return in_session
    with _cache_lock:
        version = _current_versions.get((ref.scope, ref.object_id))
        cached = _cache.get((ref.scope, ref.object_id, version)) if version else None
    if version and cached is not None:
        return version, cached
    loaded = _load(ref, None)
    if loaded is None:
        data_key_create(ref)
        loaded = _load(ref, None)
    if loaded is None:  # pragma: no cover - created just above
        raise KeyMissing(f"no data key for {ref}")
    return loaded


# --- reporting -----------------------------------------------------------------------------
def report_integrity_failure(*, what: str, ref: KeyRef, field: str, row: str) -> None:
    """Log a failed decryption by ids only and announce it; never lets the report itself fail."""
    logger.warning(
        "integrity failure: %s for %s row %s field %s did not decrypt", what, ref, row, field
    )
    responses = signals.integrity_failure.send_robust(
        sender=KeyRef, scope=ref.scope, object_id=ref.object_id, row=row, field=field, what=what
    )
    for _, response in responses:
        if isinstance(response, Exception):  # the refusal stands even when it cannot be recorded
            logger.error("could not record an integrity failure for %s", ref, exc_info=response)


# --- fields --------------------------------------------------------------------------------
def encrypt(ref: KeyRef, *, field: str, plaintext: bytes, row: str | None = None) -> bytes:
    """Seal `plaintext` for one field of one row of record `ref` (row defaults to the record)."""
    version, key = _current_key(ref)
    aad = field_aad(ref, row=row or ref.object_id, field=field, key_version=version)
    return _HEADER.pack(FORMAT_VERSION, version) + _aead.seal(key, plaintext, aad)


def decrypt(
    ref: KeyRef, *, field: str, ciphertext: bytes | memoryview, row: str | None = None
) -> bytes:
    """Open a value sealed by `encrypt` for the same record, row and field, or raise."""
    row = row or ref.object_id
    try:
        raw = bytes(ciphertext)
    except TypeError as exc:
        raise DecryptionFailed("a sealed value must be bytes") from exc
    if len(raw) < _MIN_LENGTH:
        report_integrity_failure(
            what="a value too short to be sealed", ref=ref, field=field, row=row
        )
        raise DecryptionFailed(f"the sealed {field} is too short to be valid")
    format_version, key_version = _HEADER.unpack_from(raw)
    if format_version != FORMAT_VERSION:
        report_integrity_failure(what="an unknown format", ref=ref, field=field, row=row)
        raise DecryptionFailed(f"the sealed {field} has unknown format version {format_version}")
    loaded = _load(ref, key_version)
    if loaded is None:
        raise KeyMissing(f"{ref} has no data key version {key_version}")
    try:
        return _aead.open_sealed(
            loaded[1],
            raw[_HEADER.size :],
            field_aad(ref, row=row, field=field, key_version=key_version),
        )
    except _aead.AuthenticationFailed as exc:
        report_integrity_failure(what="a sealed value", ref=ref, field=field, row=row)
        raise DecryptionFailed(
            f"the sealed {field} of {ref} failed its integrity check (tampered or moved)"
        ) from exc


def encrypt_str(ref: KeyRef, *, field: str, value: str, row: str | None = None) -> bytes:
    return encrypt(ref, field=field, plaintext=value.encode(), row=row)


def decrypt_str(
    ref: KeyRef, *, field: str, ciphertext: bytes | memoryview, row: str | None = None
) -> str:
    return decrypt(ref, field=field, ciphertext=ciphertext, row=row).decode()


def seal_bytes_text(ref: KeyRef, *, field: str, plaintext: bytes, row: str | None = None) -> str:
    """Like encrypt, as ASCII text (`sk1:` + base64) for a text column."""
    return (
        TEXT_PREFIX
        + base64.b64encode(encrypt(ref, field=field, plaintext=plaintext, row=row)).decode()
    )


def open_bytes_text(ref: KeyRef, *, field: str, text: str, row: str | None = None) -> bytes:
    """Open a value sealed by `seal_bytes_text` (or `encrypt_text`), or raise."""
    if not isinstance(text, str) or not text.startswith(TEXT_PREFIX):
        raise DecryptionFailed(f"the stored {field} is not a sealed value")
    try:
        sealed = base64.b64decode(text[len(TEXT_PREFIX) :], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise DecryptionFailed(f"the stored {field} is not valid base64") from exc
    return decrypt(ref, field=field, ciphertext=sealed, row=row)


def encrypt_text(ref: KeyRef, *, field: str, value: str, row: str | None = None) -> str:
    """Like encrypt_str, as ASCII text (`sk1:` + base64) for a TextField column."""
    return seal_bytes_text(ref, field=field, plaintext=value.encode(), row=row)


def decrypt_text(ref: KeyRef, *, field: str, text: str, row: str | None = None) -> str:
    return open_bytes_text(ref, field=field, text=text, row=row).decode()


def is_sealed_text(text: str) -> bool:
    """True for a value made by encrypt_text (a migration helper, not an integrity check)."""
    return isinstance(text, str) and text.startswith(TEXT_PREFIX)
