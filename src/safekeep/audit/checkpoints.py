"""Signed checkpoints: the tree size and root in the C2SP form, on demand or when due.

Each one is stored, audited, and once committed handed to the witnesses (witness.py), so a
copy exists that someone holding the database cannot take back.
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
from functools import partial

from django.db import transaction
from django.utils import timezone

from safekeep.audit import canonical, conf, note, witness
from safekeep.audit.chain import chain_pending, take_chain_lock
from safekeep.audit.models import AuditEntry, Checkpoint
from safekeep.audit.tree import StoredTree
from safekeep.audit.writing import Origin, audit_event
from safekeep.crypto import signing

CHECKPOINT_FORMAT = "c2sp-tlog-checkpoint"
WITNESS_ORIGIN = Origin(actor_username="system:audit-witness")
CHECKPOINT_ACTION = "audit.checkpoint"
WITNESS_ACTION = "audit.witness"  # a failed delivery: reasons = [the witness, the error]
logger = logging.getLogger(__name__)


def public_key_raw() -> bytes:
    return base64.b64decode(signing.public_key())


def verifier_key() -> str:
    """The C2SP verifier key for this log's checkpoints (`safekeep audit public-key`)."""
    return note.verifier_key(conf.origin(), public_key_raw())


def checkpoint_note(checkpoint: Checkpoint) -> str:
    """The checkpoint's signed text, as printed, witnessed and exported."""
    body = note.checkpoint_body(
        origin=conf.origin(),
        tree_size=checkpoint.tree_size,
        root_hash=bytes.fromhex(checkpoint.root_hash),
    )
    line = note.signature_line(
        name=conf.origin(),
        public_key=public_key_raw(),
        signature=base64.b64decode(checkpoint.signature),
    )
    return body + "\n" + line


def checkpoint_create(*, origin: Origin) -> Checkpoint:
    """Chain what is waiting, then sign and store the current tree size and root."""
    chain_pending()
    with transaction.atomic():
        tree = StoredTree.current()
        root = tree.root()
        name = conf.origin()
        signed = signing.sign(
            note.checkpoint_body(origin=name, tree_size=tree.size, root_hash=root).encode()
        )
        checkpoint = Checkpoint.objects.create(
            tree_size=tree.size,
            root_hash=root.hex(),
            created_at=timezone.now(),
            key_id=note.key_id(name, base64.b64decode(signed.public_key)).hex(),
            signature=signed.signature,
        )
        audit_event(
            origin=origin,
            action=CHECKPOINT_ACTION,
            decision=AuditEntry.Decision.DONE,
            object_type="checkpoint",
            object_id=str(checkpoint.pk),
            reasons=[f"signed tree size {tree.size}"],
        )
        transaction.on_commit(partial(witness_publish, checkpoint))
    return checkpoint


def witness_copy(checkpoint: Checkpoint) -> witness.Copy:
    return witness.Copy(checkpoint.pk, checkpoint.tree_size, checkpoint_note(checkpoint))


def witness_publish(checkpoint: Checkpoint) -> witness.Delivery:
    """Hand a committed checkpoint to the witnesses and record each failure in the log."""

    def earlier(first: int, last: int) -> list[witness.Copy]:
        rows = Checkpoint.objects.filter(pk__gte=first, pk__lt=last).order_by("pk")
        return [witness_copy(cp) for cp in rows]

    delivery = witness.publish(witness_copy(checkpoint), earlier=earlier)
    for failure in delivery.failures:
        try:
            audit_event(
                origin=WITNESS_ORIGIN,
                action=WITNESS_ACTION,
                decision=AuditEntry.Decision.FAILED,
                object_type="checkpoint",
                object_id=str(failure.number),
                reasons=[failure.spec, failure.error],
            )
        except Exception:  # the database may be what failed; the log file still says it
            logger.exception("audit witness: could not record the failure in the log")
    return delivery


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
    """The JSON form of a checkpoint: its fields and its signed text."""
    return {
        "format": CHECKPOINT_FORMAT,
        "number": checkpoint.pk,
        "origin": conf.origin(),
        "tree_size": checkpoint.tree_size,
        "root_hash": checkpoint.root_hash,
        "created_at": canonical.format_time(checkpoint.created_at),
        "key_id": checkpoint.key_id,
        "public_key": signing.public_key(),
        "verifier_key": verifier_key(),
        "signature": checkpoint.signature,
        "note": checkpoint_note(checkpoint),
    }
