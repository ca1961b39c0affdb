"""Writing to the audit log: every decision and change in Safekeep goes through here.

`audit_event` inserts the entry (and a queue row) in the caller's transaction, so the entry
and the change it describes commit together, and concurrent writers never wait for each
other. After the commit it announces `entries_committed`; the sequencer (`sequencer.py`,
connected in `AuditConfig.ready`) then chains the waiting entries in batches, as Trillian's
log signer does. This module imports nothing else of the audit app but its models, so
every other app (and the chain itself) can write here without a cycle.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Model
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone

from safekeep.audit.models import AuditEntry, PendingEntry

logger = logging.getLogger(__name__)

# Sent once per committed transaction that wrote entries (and after each entry written
# outside a transaction): the sequencer listens.
entries_committed = Signal()


def _announce_commit() -> None:
    entries_committed.send(sender=AuditEntry)


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
            item[1] is _announce_commit
            for item in connection.run_on_commit  # (savepoint ids, func, robust)
        ):
            transaction.on_commit(_announce_commit, robust=True)
        return entry
    if connection.vendor == "postgresql":
        _insert(entry)  # one statement, committed on its own: no BEGIN/COMMIT round trips
    else:
        with transaction.atomic():
            _insert(entry)
    try:
        _announce_commit()
    except Exception:  # the entry is safely committed; the next round chains it
        logger.exception("audit: chaining after commit failed")
    return entry


def audit_change(
    origin: Origin,
    action: str,
    obj: Model,
    *,
    subject_id: str = "",
    reasons: Sequence[str] = (),
    obligations: Sequence[str] = (),
) -> AuditEntry:
    """The one entry of a change that was made: `obj` is what changed, named by its key.

    The object type is the model's `audit_type`, or its name ("entry", "device"); the
    object id the field its class names as `audit_key` (e.g. "case_id", "asset_tag"), or
    its pk.
    """
    key = getattr(obj, "audit_key", "pk")
    return audit_event(
        origin=origin,
        action=action,
        decision=AuditEntry.Decision.DONE,
        object_type=getattr(obj, "audit_type", type(obj).__name__.lower()),
        object_id=str(getattr(obj, key)),
        subject_id=subject_id,
        reasons=reasons,
        obligations=obligations,
    )


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
