"""The key ring: which KEK versions exist, which one is current, and whether they are right.

The database records KEK versions with a check value (a known block wrapped by that KEK);
the provider holds the keys. Start-up compares the two, so a missing or wrong key is a
clear error before any request is served (see checks.py).
"""

from __future__ import annotations

import threading

from django.db import IntegrityError, transaction
from django.utils import timezone

from safekeep.crypto import _aead
from safekeep.crypto.errors import DecryptionFailed, KeyConfigurationError, KeyMissing
from safekeep.crypto.models import BlindIndexKey, KeyEncryptionKey
from safekeep.crypto.providers import KeyProvider, get_provider

_CHECK_PLAINTEXT = bytes(32)
_BLIND_INDEX_CHECK = b"safekeep blind-index key check v1"
_lock = threading.Lock()
_blind_index_key: dict[str, bytes] = {}


def _check_aad(version: int) -> bytes:
    return f"safekeep:kek-check:v{version}".encode()


def register_kek(version: int, *, provider: KeyProvider | None = None) -> KeyEncryptionKey:
    """Record a KEK version the provider holds, with its check value. Idempotent."""
    provider = provider or get_provider()
    existing = KeyEncryptionKey.objects.filter(version=version).first()
    if existing is not None:
        return existing
    check_value = provider.wrap(version, _CHECK_PLAINTEXT, _check_aad(version))
    try:
        with transaction.atomic():
            return KeyEncryptionKey.objects.create(
                version=version,
                provider=provider.name,
                check_value=check_value,
                created_at=timezone.now(),
            )
    except IntegrityError:  # another process registered it first
        return KeyEncryptionKey.objects.get(version=version)


def current_kek() -> KeyEncryptionKey:
    """The newest unretired KEK, creating the first one on first run."""
    current = KeyEncryptionKey.objects.filter(retired_at__isnull=True).order_by("-version").first()
    if current is not None:
        return current
    if KeyEncryptionKey.objects.exists():
        raise KeyMissing("every key-encryption key is retired; run `safekeep keys rotate`")
    provider = get_provider()
    versions = provider.available_versions() or [provider.create_version()]
    for version in versions:
        register_kek(version, provider=provider)
    return KeyEncryptionKey.objects.order_by("-version").first() or current_kek()


def check_kek(kek: KeyEncryptionKey, *, provider: KeyProvider | None = None) -> None:
    """Raise KeyMissing / KeyConfigurationError unless the provider holds this exact KEK."""
    provider = provider or get_provider()
    try:
        opened = provider.unwrap(kek.version, bytes(kek.check_value), _check_aad(kek.version))
    except DecryptionFailed as exc:
        raise KeyConfigurationError(
            f"key-encryption key version {kek.version} from {provider.describe()} is not the "
            "key this database was encrypted with (wrong key file or variable?)"
        ) from exc
    if not _aead.constant_time_equal(opened, _CHECK_PLAINTEXT):
        raise KeyConfigurationError(f"key-encryption key version {kek.version} fails its check")


def key_problems() -> list[str]:
    """Every reason the keys cannot serve this database, in plain words; empty when all is well."""
    problems: list[str] = []
    try:
        provider = get_provider()
    except KeyConfigurationError as exc:
        return [str(exc)]
    for kek in KeyEncryptionKey.objects.filter(retired_at__isnull=True):
        try:
            check_kek(kek, provider=provider)
        except (KeyMissing, KeyConfigurationError) as exc:
            problems.append(str(exc))
    fingerprint = BlindIndexKey.objects.values_list("fingerprint", flat=True).first()
    if fingerprint is not None:
        try:
            key = provider.blind_index_key()
        except (KeyMissing, KeyConfigurationError) as exc:
            problems.append(str(exc))
        else:
            if _aead.mac(key, _BLIND_INDEX_CHECK).hex() != fingerprint:
                problems.append(
                    f"the blind-index key from {provider.describe()} is not the key this "
                    "database's search indexes were made with"
                )
    return problems


def blind_index_master_key() -> bytes:
    """The blind-index key, checked against the database's fingerprint (created on first run)."""
    provider = get_provider()
    cache_key = provider.describe()
    cached = _blind_index_key.get(cache_key)
    if cached is not None:
        return cached
    with _lock:
        record = BlindIndexKey.objects.first()
        if record is None:
            try:
                key = provider.blind_index_key()
            except KeyMissing:
                key = provider.create_blind_index_key()
            BlindIndexKey.objects.create(
                fingerprint=_aead.mac(key, _BLIND_INDEX_CHECK).hex(), created_at=timezone.now()
            )
        else:
            key = provider.blind_index_key()
            if _aead.mac(key, _BLIND_INDEX_CHECK).hex() != record.fingerprint:
                raise KeyConfigurationError(
                    "the blind-index key is not the key this database's search indexes were "
                    "made with"
                )
        _blind_index_key[cache_key] = key
        return key


def forget_cached_keys() -> None:
    """Drop keys cached in this process (tests; after restoring keys from custody)."""
    with _lock:
        _blind_index_key.clear()
