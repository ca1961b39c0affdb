"""Signed checkpoints: the tree size and root, signed with the audit key, on demand or when due."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from safekeep.audit import canonical, conf
from safekeep.audit.chain import chain_pending, take_chain_lock
from safekeep.audit.models import AuditEntry, Checkpoint
from safekeep.audit.tree import StoredTree
from safekeep.audit.writing import Origin, audit_event
from safekeep.crypto import signing

CHECKPOINT_FORMAT = "safekeep-audit/v1"


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
        if not take_chain_lock():
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
