"""Audit entries for what the crypto app announces (crypto/signals.py); crypto never imports audit.

Connected in `AuditConfig.ready`. Each receiver writes the one entry of its event, in the
sender's transaction, so the entry commits with the key change it describes.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin, audit_event
from safekeep.crypto import signals

# Integrity failures are found by the crypto layer itself, not by anyone acting.
CRYPTO = Origin(actor_username="system:crypto")
KEK = "kek"


def integrity_failure_recorded(
    sender: Any, *, scope: str, object_id: str, row: str, field: str, what: str, **kwargs: Any
) -> None:
    """In its own savepoint, so a failed write never spoils the caller's transaction."""
    with transaction.atomic():
        audit_event(
            origin=CRYPTO,
            action="crypto.integrity_failure",
            decision=AuditEntry.Decision.FAILED,
            object_type=scope,
            object_id=object_id,
            reasons=[f"{what} for row {row} field {field} failed its integrity check"],
        )


def key_rotation_started_recorded(
    sender: Any, *, version: int, resumed: bool, actor: str, **kwargs: Any
) -> None:
    if resumed:
        action = "keys.rotation_resumed"
        reason = f"resuming re-wrap to key-encryption key version {version}"
    else:
        action = "keys.rotation_started"
        reason = f"new key-encryption key version {version}; re-wrapping every data key"
    audit_event(
        origin=Origin(actor_username=actor),
        action=action,
        decision=AuditEntry.Decision.DONE,
        object_type=KEK,
        object_id=str(version),
        reasons=[reason],
    )


def key_rotation_finished_recorded(sender: Any, *, version: int, actor: str, **kwargs: Any) -> None:
    audit_event(
        origin=Origin(actor_username=actor),
        action="keys.rotation_finished",
        decision=AuditEntry.Decision.DONE,
        object_type=KEK,
        object_id=str(version),
        reasons=[f"every data key is wrapped by key-encryption key version {version}"],
    )


def key_retired_recorded(sender: Any, *, version: int, actor: str, **kwargs: Any) -> None:
    audit_event(
        origin=Origin(actor_username=actor),
        action="keys.retire",
        decision=AuditEntry.Decision.DONE,
        object_type=KEK,
        object_id=str(version),
        reasons=[f"key-encryption key version {version} retired; no data key used it"],
    )


def key_retirement_refused_recorded(
    sender: Any, *, version: int, reason: str, actor: str, **kwargs: Any
) -> None:
    audit_event(
        origin=Origin(actor_username=actor),
        action="keys.retire",
        decision=AuditEntry.Decision.REFUSED,
        object_type=KEK,
        object_id=str(version),
        reasons=[reason],
    )


def connect() -> None:
    """Subscribe every receiver above once (dispatch_uid), however often `ready` runs."""
    for signal, receiver in (
        (signals.integrity_failure, integrity_failure_recorded),
        (signals.key_rotation_started, key_rotation_started_recorded),
        (signals.key_rotation_finished, key_rotation_finished_recorded),
        (signals.key_retired, key_retired_recorded),
        (signals.key_retirement_refused, key_retirement_refused_recorded),
    ):
        signal.connect(receiver, dispatch_uid=f"safekeep-audit-{receiver.__name__}")
