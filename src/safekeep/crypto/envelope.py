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
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

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
# The data keys this thread may use without asking the database again: those of the
# request (or bulk block) in progress only, see `request_keys` and `key_session`.
_session = threading.local()


@dataclass(slots=True)
class _Scope:
    """Unwrapped data keys for one request or one bulk block: (scope, id, version) -> key,
    and each record's current version. `eager`: keys made in a transaction count at once."""

    eager: bool
    keys: dict[tuple[str, str, int], bytes] = field(default_factory=dict)
    current: dict[tuple[str, str], int] = field(default_factory=dict)

    def put(self, ref: KeyRef, version: int, key: bytes) -> None:
        self.keys[(ref.scope, ref.object_id, version)] = key
        if version >= self.current.get((ref.scope, ref.object_id), 0):
            self.current[(ref.scope, ref.object_id)] = version

    def drop(self, ref: KeyRef) -> None:
        for cached in [k for k in self.keys if k[:2] == (ref.scope, ref.object_id)]:
            del self.keys[cached]
        self.current.pop((ref.scope, ref.object_id), None)


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
# There is no process-wide cache of unwrapped keys: one would outlive a key's destruction
# (crypto-shredding) in every other process. A key is unwrapped at most once per request.
@contextlib.contextmanager
def _scoped(*, eager: bool) -> Iterator[None]:
    if getattr(_session, "scope", None) is not None:  # nested blocks share the outer one
        yield
        return
    _session.scope = _Scope(eager=eager)
    try:
        yield
    finally:
        _session.scope = None


def request_keys() -> contextlib.AbstractContextManager[None]:
    """Keep the data keys unwrapped during one request for the rest of it (`middleware`):
    a record's key is fetched and unwrapped once, not once per field, and dies with the
    request. Keys learned inside a transaction join only when it commits, so a rollback
    cannot leave one behind for a reused record id."""
    return _scoped(eager=False)


def key_session() -> contextlib.AbstractContextManager[None]:
    """Cache data keys for the length of this block, even inside a transaction.

    For bulk writes (an import, the demo) that seal many values per record in one
    transaction: keys made in it are used at once. The block's keys live in this thread
    only and are dropped when it ends. Nested blocks share the outer one.
    """
    return _scoped(eager=True)


def _scope() -> _Scope | None:
    scope: _Scope | None = getattr(_session, "scope", None)
    return scope


def _session_get(ref: KeyRef, version: int | None) -> tuple[int, bytes] | None:
    scope = _scope()
    if scope is None:
        return None
    if version is None:
        version = scope.current.get((ref.scope, ref.object_id))
        if version is None:
            return None
    key = scope.keys.get((ref.scope, ref.object_id, version))
    return None if key is None else (version, key)


def _remember(ref: KeyRef, version: int, key: bytes) -> None:
    """Keep an unwrapped key for the rest of this request or block (never beyond it)."""
    scope = _scope()
    if scope is None:
        return
    if scope.eager or not connection.in_atomic_block:
        scope.put(ref, version, key)
    else:
        transaction.on_commit(lambda: scope.put(ref, version, key))


def forget_cached_data_keys() -> None:
    """Drop the unwrapped data keys this thread holds (tests, after a restore)."""
    scope = _scope()
    if scope is not None:
        scope.keys.clear()
        scope.current.clear()


def _unwrap(ref: KeyRef, version: int, kek_version: int, wrapped: bytes) -> bytes:
    key = get_provider().unwrap(
        kek_version, wrapped, wrap_aad(ref, key_version=version, kek_version=kek_version)
    )
    _remember(ref, version, key)
    return key


def _table(model: type[DataKey]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Hand-written: a cold read makes one of these per record, and compiling the ORM's
# equivalent costs more than running it. Newest version first.
_KEY_SQL = f"""
SELECT version, kek_version, wrapped FROM {_table(DataKey)}
WHERE scope = %s AND object_id = %s ORDER BY version DESC
"""  # noqa: S608  # nosec B608 # only the model's table name is formatted in


def _load(ref: KeyRef, version: int | None) -> tuple[int, bytes] | None:
    in_session = _session_get(ref, version)
    if in_session is not None:
        return in_session
    with connection.cursor() as cursor:
        cursor.execute(_KEY_SQL, [ref.scope, ref.object_id])
        rows = cursor.fetchall()
    found = [row for row in rows if version is None or row[0] == version][:1]
    if not found:
        return None
    number, kek_version, wrapped = found[0]
    return number, _unwrap(ref, number, kek_version, bytes(wrapped))


def preload_data_keys(refs: Iterable[KeyRef]) -> None:
    """Fetch and unwrap these records' data keys in one query, for the rest of the request
    (a page that opens many records' fields: a list, a case and its subject). Outside a
    request or block there is nowhere to keep them, and it does nothing."""
    scope = _scope()
    if scope is None:
        return
    wanted = [ref for ref in dict.fromkeys(refs) if (ref.scope, ref.object_id) not in scope.current]
    if not wanted:
        return
    by_scope: dict[str, list[str]] = {}
    for ref in wanted:
        by_scope.setdefault(ref.scope, []).append(ref.object_id)
    where = " OR ".join(
        f"(scope = %s AND object_id IN ({', '.join(['%s'] * len(ids))}))"
        for ids in by_scope.values()
    )
    params = [value for name, ids in by_scope.items() for value in (name, *ids)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT scope, object_id, version, kek_version, wrapped "  # noqa: S608  # nosec B608
            f"FROM {_table(DataKey)} WHERE {where}",
            params,
        )
        rows = cursor.fetchall()
    for name, object_id, version, kek_version, wrapped in rows:
        _unwrap(KeyRef(name, object_id), version, kek_version, bytes(wrapped))


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
    scope = _scope()
    if scope is not None:
        scope.drop(ref)
    return int(destroyed)


def _current_key(ref: KeyRef) -> tuple[int, bytes]:
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
