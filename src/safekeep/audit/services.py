"""Writing to the audit log. Every decision and change in Safekeep goes through `audit_event`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from safekeep.audit.models import AuditEntry


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
) -> AuditEntry:
    """Append one entry in the caller's transaction, so the entry and the change commit together."""
    return AuditEntry.objects.create(
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
        reasons=list(reasons),
    )
