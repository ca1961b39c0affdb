"""Writing to the audit log. Every decision and change in Safekeep goes through `audit_event`.

`audit_event` inserts the entry (and a queue row) in the caller's transaction, so the entry
and the change it describes commit together, and concurrent writers never wait for each
other. After the commit the sequencer (safekeep.audit.sequencer: a background thread by
default) runs `chain_pending`, which gives waiting entries their sequence numbers and hashes
in one batch under a single lock, in the way Trillian's log signer does.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from safekeep.audit import canonical, conf, merkle, sequencer
from safekeep.audit.models import AuditEntry, ChainLink, Checkpoint, MerkleTile, PendingEntry
from safekeep.audit.tree import TILE_SIZE, StoredTree
from safekeep.crypto import signing

logger = logging.getLogger(__name__)

# pg_advisory lock key held by the one process chaining entries at a time ("SAFEAUD1").
CHAIN_LOCK_KEY = 0x5AFE_A0D1
CHECKPOINT_FORMAT = "safekeep-audit/v1"


@dataclass(frozen=True, slots=True)
class Origin:
    """Who acted and from where; built once per request (or per command) by the caller."""

    actor_staff_id: str = ""
    actor_username: str = ""
    device: str = ""
    request_id: str = ""
    source_address: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest, *, device: str = "") -> Origin:
        user = getattr(request, "user", None)
        staff = getattr(user, "staff", None) if user is not None else None
        return cls(
            actor_staff_id=staff.staff_id if staff is not None else "",
            actor_username=user.get_username()
            if user is not None and user.is_authenticated
            else "",
            device=device,
            request_id=getattr(request, "request_id", ""),
            source_address=request.META.get("REMOTE_ADDR", ""),
        )

    @classmethod
    def command(cls, name: str, *, staff_id: str = "") -> Origin:
        return cls(actor_staff_id=staff_id, actor_username=f"command:{name}")


def audit_event(
    *,
    origin: Origin,
    action: str,
    decision: str,
    object_type: str = "",
    object_id: str = "",
    subject_id: str = "",
    reasons: Sequence[str] = (),
    obligations: Sequence[str] = (),
) -> AuditEntry:
    """Append one entry in the caller's transaction, so the entry and the change commit together."""
    entry = AuditEntry(
        occurred_at=timezone.now(),
        actor_staff_id=origin.actor_staff_id,
        actor_username=origin.actor_username,
        device=origin.device,
        request_id=origin.request_id,
        source_address=origin.source_address,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        subject_id=subject_id,
        decision=decision,
        reasons=[str(reason) for reason in reasons],
        obligations=[str(obligation) for obligation in obligations],
    )
    if connection.in_atomic_block:
        _insert(entry)
        if not any(
            item[1] is sequencer.after_commit
            for item in connection.run_on_commit  # (savepoint ids, func, robust)
        ):
            transaction.on_commit(sequencer.after_commit, robust=True)
        return entry
    if connection.vendor == "postgresql":
        _insert(entry)  # one statement, committed on its own: no BEGIN/COMMIT round trips
    else:
        with transaction.atomic():
            _insert(entry)
    try:
        sequencer.after_commit()
    except Exception:  # the entry is safely committed; the next round chains it
        logger.exception("audit: chaining after commit failed")
    return entry


def _insert(entry: AuditEntry) -> None:
    if connection.vendor == "postgresql":
        # One round trip for the entry and its queue row.
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH e AS (INSERT INTO audit_auditentry (occurred_at, actor_staff_id,"
                " actor_username, device, request_id, source_address, action, object_type,"
                " object_id, subject_id, decision, reasons, obligations)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb)"
                " RETURNING id)"
                " INSERT INTO audit_pendingentry (entry_id) SELECT id FROM e RETURNING entry_id",
                [
                    entry.occurred_at,
                    entry.actor_staff_id,
                    entry.actor_username,
                    entry.device,
                    entry.request_id,
                    entry.source_address,
                    entry.action,
                    entry.object_type,
                    entry.object_id,
                    entry.subject_id,
                    entry.decision,
                    json.dumps(entry.reasons),
                    json.dumps(entry.obligations),
                ],
            )
            entry.pk = cursor.fetchone()[0]
            entry._state.adding = False
            entry._state.db = connection.alias
        return
    entry.save(force_insert=True)
    PendingEntry.objects.create(entry=entry)


def _take_chain_lock() -> bool:
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
            if not _take_chain_lock():
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


# --- checkpoints -------------------------------------------------------------------------


def checkpoint_message(*, tree_size: int, root_hash: str, created_at: str) -> bytes:
    """The exact bytes signed for a checkpoint (docs/audit.md)."""
    return f"{CHECKPOINT_FORMAT}\n{tree_size}\n{root_hash}\n{created_at}\n".encode()


def checkpoint_create(*, origin: Origin) -> Checkpoint:
    """Chain what is waiting, then sign and store the current tree size and root."""
    chain_pending()
    with transaction.atomic():
        tree = StoredTree.current()
        root = tree.root().hex()
        now = timezone.now()
        stamp = canonical.format_time(now)
        signed = signing.sign(
            checkpoint_message(tree_size=tree.size, root_hash=root, created_at=stamp)
        )
        checkpoint = Checkpoint.objects.create(
            tree_size=tree.size,
            root_hash=root,
            created_at=now,
            key_id=signed.key_id,
            signature=signed.signature,
        )
        audit_event(
            origin=origin,
            action="audit.checkpoint",
            decision=AuditEntry.Decision.DONE,
            object_type="checkpoint",
            object_id=str(checkpoint.pk),
            reasons=[f"signed tree size {tree.size}"],
        )
    return checkpoint


SCHEDULE_ORIGIN = Origin(actor_username="system:audit-schedule")


def checkpoint_if_due(*, now: dt.datetime | None = None) -> Checkpoint | None:
    """Sign a scheduled checkpoint when the last is older than the interval and the log grew.

    Called by the sequencer after each batch, so checkpoints happen without a cron job.
    Only one process signs at a time (the chain lock); the others find it not due.
    """
    minutes = conf.checkpoint_interval_minutes()
    if minutes == 0:
        return None
    moment = now or timezone.now()
    chain_pending()
    with transaction.atomic():
        if not _take_chain_lock():
            return None
        last = Checkpoint.objects.order_by("-id").first()
        if last is not None and moment - last.created_at < dt.timedelta(minutes=minutes):
            return None
        if last is not None and StoredTree.current().size <= last.tree_size + 1:
            return None  # nothing new to vouch for but the last checkpoint's own entry
        return checkpoint_create(origin=SCHEDULE_ORIGIN)


def checkpoint_export(checkpoint: Checkpoint) -> dict[str, object]:
    """The JSON form of a checkpoint, for custody outside this system."""
    return {
        "format": CHECKPOINT_FORMAT,
        "tree_size": checkpoint.tree_size,
        "root_hash": checkpoint.root_hash,
        "created_at": canonical.format_time(checkpoint.created_at),
        "key_id": checkpoint.key_id,
        "public_key": signing.public_key(),
        "signature": checkpoint.signature,
    }
