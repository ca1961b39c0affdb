"""Key rotation and retirement, online: the service keeps serving while data keys are re-wrapped.

`rotation_start` adds a KEK version (new data keys use it at once) or finds the unfinished
rotation to resume; `rotation_run` re-wraps the remaining data keys in batches, each batch
its own transaction, so an interrupted run loses at most one batch of work and the next
`safekeep keys rotate` carries on. Data keys themselves never change, so nothing encrypted
with them is touched, and a reader sees either the old or the new wrapping, both valid
until the old KEK is retired.

Each step is announced (`signals.py`) with `actor`, the username of whoever ran it, inside
the step's transaction, so the audit log records it together with the change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from safekeep.crypto import signals
from safekeep.crypto.envelope import KeyRef, wrap_aad
from safekeep.crypto.errors import RotationError
from safekeep.crypto.keys import check_kek, current_kek, register_kek
from safekeep.crypto.models import BlindIndexKey, DataKey, KeyEncryptionKey, KeyRotation
from safekeep.crypto.providers import get_provider

DEFAULT_BATCH_SIZE = 500


def rotation_unfinished() -> KeyRotation | None:
    return KeyRotation.objects.filter(finished_at__isnull=True).select_related("target").first()


def rotation_start(*, actor: str) -> tuple[KeyRotation, bool]:
    """The rotation to run and whether it is resumed; a new one adds a KEK version first."""
    unfinished = rotation_unfinished()
    if unfinished is not None:
        signals.key_rotation_started.send(
            sender=KeyRotation, version=unfinished.target_id, resumed=True, actor=actor
        )
        return unfinished, True
    current_kek()  # first run: make sure there is a version to rotate from
    provider = get_provider()
    for kek in KeyEncryptionKey.objects.filter(retired_at__isnull=True):
        check_kek(kek, provider=provider)  # never rotate away from keys we cannot open
    version = provider.create_version()
    with transaction.atomic():
        target = register_kek(version, provider=provider)
        rotation = KeyRotation.objects.create(target=target, started_at=timezone.now())
        signals.key_rotation_started.send(
            sender=KeyRotation, version=version, resumed=False, actor=actor
        )
    return rotation, False


def rotation_remaining(rotation: KeyRotation) -> int:
    return DataKey.objects.exclude(kek_id=rotation.target_id).count()


def _rewrap_batch(rotation: KeyRotation, batch_size: int) -> int:
    """Re-wrap the next batch. The unwrapping and wrapping happen outside any transaction
    (on SQLite a transaction holds the write lock that every audited read needs); the short
    transaction after them writes each new wrapping only where the row is still wrapped by
    the KEK it was read under, so a row re-wrapped meanwhile by another run is left alone."""
    provider = get_provider()
    target = rotation.target_id
    rows = list(
        DataKey.objects.exclude(kek_id=target)
        .order_by("id")
        .only("id", "scope", "object_id", "version", "kek_id", "wrapped")[:batch_size]
    )
    if not rows:
        return 0
    stamp = connection.ops.adapt_datetimefield_value(timezone.now())
    updates = []
    for row in rows:
        ref = KeyRef(row.scope, row.object_id)
        key = provider.unwrap(
            row.kek_id,
            bytes(row.wrapped),
            wrap_aad(ref, key_version=row.version, kek_version=row.kek_id),
        )
        wrapped = provider.wrap(
            target, key, wrap_aad(ref, key_version=row.version, kek_version=target)
        )
        updates.append((wrapped, target, stamp, row.pk, row.kek_id))
    with transaction.atomic(), connection.cursor() as cursor:
        # One prepared UPDATE per row: much faster than bulk_update's CASE expressions.
        cursor.executemany(
            "UPDATE crypto_datakey SET wrapped = %s, kek_version = %s, rewrapped_at = %s "
            "WHERE id = %s AND kek_version = %s",
            updates,
        )
        changed = cursor.rowcount if cursor.rowcount >= 0 else len(rows)
        KeyRotation.objects.filter(pk=rotation.pk).update(rewrapped=F("rewrapped") + changed)
    return len(rows)


def rotation_run(
    rotation: KeyRotation,
    *,
    actor: str,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Re-wrap every data key not yet under the target KEK; returns how many were re-wrapped."""
    done = 0
    while True:
        count = _rewrap_batch(rotation, batch_size)
        if count == 0:
            break
        done += count
        if progress is not None:
            progress(count)
    with transaction.atomic():
        KeyRotation.objects.filter(pk=rotation.pk).update(finished_at=timezone.now())
        signals.key_rotation_finished.send(
            sender=KeyRotation, version=rotation.target_id, actor=actor
        )
    rotation.refresh_from_db()
    return done


def kek_retire(*, version: int, actor: str) -> None:
    """Retire a KEK no data key uses any more, and ask the provider to forget it."""
    kek = KeyEncryptionKey.objects.filter(version=version).first()
    reason = ""
    if kek is None:
        reason = f"there is no key-encryption key version {version}"
    elif kek.retired_at is not None:
        reason = f"key-encryption key version {version} is already retired"
    elif (unfinished := rotation_unfinished()) is not None:
        reason = (
            f"a rotation to version {unfinished.target_id} is unfinished; "
            "run `safekeep keys rotate` to finish it first"
        )
    elif kek == current_kek():
        reason = (
            f"key-encryption key version {version} is the current key; "
            "run `safekeep keys rotate` first"
        )
    elif (in_use := DataKey.objects.filter(kek=kek).count()) > 0:
        reason = (
            f"{in_use} data key{'s are' if in_use != 1 else ' is'} still wrapped by version "
            f"{version}; run `safekeep keys rotate` to re-wrap them first"
        )
    if reason:
        signals.key_retirement_refused.send(
            sender=KeyEncryptionKey, version=version, reason=reason, actor=actor
        )
        raise RotationError(reason)
    assert kek is not None  # nosec B101 # narrows the type: no reason means the key was found
    with transaction.atomic():
        KeyEncryptionKey.objects.filter(pk=version).update(retired_at=timezone.now())
        signals.key_retired.send(sender=KeyEncryptionKey, version=version, actor=actor)
    get_provider().destroy_version(version)


@dataclass(frozen=True, slots=True)
class KekStatus:
    version: int
    created_at: str
    retired_at: str
    data_keys: int
    current: bool
    available: bool


@dataclass(frozen=True, slots=True)
class KeyStatus:
    provider: str
    versions: list[KekStatus]
    data_keys: int
    rotation_target: int | None
    rotation_remaining: int
    blind_index_key: bool


def keys_status() -> KeyStatus:
    """Versions in use and counts, for `safekeep keys status` (nothing secret)."""
    provider = get_provider()
    counts = dict(
        DataKey.objects.values("kek_id").annotate(n=Count("id")).values_list("kek_id", "n")
    )
    available = set(provider.available_versions())
    keks = list(KeyEncryptionKey.objects.order_by("version"))
    live = [k.version for k in keks if k.retired_at is None]
    current = max(live) if live else None
    unfinished = rotation_unfinished()
    return KeyStatus(
        provider=provider.describe(),
        versions=[
            KekStatus(
                version=k.version,
                created_at=k.created_at.isoformat(timespec="seconds"),
                retired_at=k.retired_at.isoformat(timespec="seconds") if k.retired_at else "",
                data_keys=counts.get(k.version, 0),
                current=k.version == current,
                available=k.version in available,
            )
            for k in keks
        ],
        data_keys=sum(counts.values()),
        rotation_target=unfinished.target_id if unfinished else None,
        rotation_remaining=rotation_remaining(unfinished) if unfinished else 0,
        blind_index_key=BlindIndexKey.objects.exists(),
    )
