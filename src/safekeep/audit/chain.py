"""Chaining: giving committed entries their sequence numbers and hashes, in batches.

Only one process chains at a time (a PostgreSQL advisory lock, or SQLite's write lock);
entries wait in `PendingEntry` until then. Each batch also stores the root of every
256-leaf Merkle tile it completes, so proofs and checkpoints never re-read the whole log.
"""

from __future__ import annotations

from django.db import connection, transaction

from safekeep.audit import canonical, merkle
from safekeep.audit.models import AuditEntry, ChainLink, MerkleTile, PendingEntry
from safekeep.audit.tree import TILE_SIZE

# pg_advisory lock key held by the one process chaining entries at a time ("SAFEAUD1").
CHAIN_LOCK_KEY = 0x5AFE_A0D1


def take_chain_lock() -> bool:
    """True if this transaction now holds the chain; False if another process is chaining."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
            if not cursor.fetchone()[0]:
                return False
            # The chain is derived from committed entries and the queue, and this transaction
            # removes queue rows only as it adds links: if a crash loses it, both are lost and
            # the entries are chained again. WAL order means any later durable commit (e.g. a
            # checkpoint) makes it durable first. So it need not wait for its own fsync.
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            return True
    # SQLite: the transaction began with BEGIN IMMEDIATE, so it already holds the write lock.
    return True


def chain_pending(*, batch_size: int = 5000) -> int:
    """Give every waiting entry its sequence number and hash; returns how many were chained.

    Only one process chains at a time. One that finds the lock taken leaves at once: the
    holder looks for waiting entries again after it lets go, so nothing is left behind.
    """
    chained = 0
    while True:
        with transaction.atomic():
            if not take_chain_lock():
                return chained
            done = _chain_batch(batch_size)
        chained += done
        if done < batch_size and not PendingEntry.objects.exists():
            return chained


def _chain_batch(batch_size: int) -> int:
    ids = list(
        PendingEntry.objects.order_by("entry_id").values_list("entry_id", flat=True)[:batch_size]
    )
    if not ids:
        return 0
    head = ChainLink.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
    sequence, previous = head if head is not None else (0, canonical.GENESIS_HASH)
    links: list[ChainLink] = []
    for entry in AuditEntry.objects.filter(id__in=ids).order_by("id"):
        sequence += 1
        digest = canonical.entry_hash(**entry_fields(entry, sequence, previous))
        links.append(
            ChainLink(
                sequence=sequence, entry_id=entry.pk, previous_hash=previous, entry_hash=digest
            )
        )
        previous = digest
    ChainLink.objects.bulk_create(links)
    _add_tiles(links)
    PendingEntry.objects.filter(entry_id__in=ids).delete()
    return len(links)


def _add_tiles(links: list[ChainLink]) -> None:
    """Store the root of every 256-leaf block these links complete."""
    tiles = []
    for link in links:
        if link.sequence % TILE_SIZE == 0:
            index = link.sequence // TILE_SIZE - 1
            hashes = ChainLink.objects.filter(
                sequence__gt=index * TILE_SIZE, sequence__lte=(index + 1) * TILE_SIZE
            ).order_by("sequence")
            leaves = [
                merkle.leaf_hash(bytes.fromhex(h))
                for h in hashes.values_list("entry_hash", flat=True)
            ]
            tiles.append(MerkleTile(index=index, root_hash=merkle.root_of(leaves).hex()))
    if tiles:
        MerkleTile.objects.bulk_create(tiles)


def entry_fields(entry: AuditEntry, sequence: int, previous_hash: str) -> dict[str, object]:
    """The keyword arguments of `canonical.entry_bytes` for a stored entry."""
    return {
        "sequence": sequence,
        "previous_hash": previous_hash,
        "occurred_at": entry.occurred_at,
        "actor_staff_id": entry.actor_staff_id,
        "actor_username": entry.actor_username,
        "device": entry.device,
        "request_id": entry.request_id,
        "source_address": entry.source_address,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "subject_id": entry.subject_id,
        "decision": entry.decision,
        "reasons": entry.reasons,
        "obligations": entry.obligations,
    }
