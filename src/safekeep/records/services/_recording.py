"""How a change to a case is written to the audit log: one entry, carrying its decision."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Model

from safekeep.access.door import CaseAccess, DutyAccess
from safekeep.audit.writing import audit_change
from safekeep.records.models import Case


def record_change(
    access: CaseAccess | DutyAccess,
    action: str,
    obj: Model,
    case: Case,
    reasons: Sequence[str] = (),
) -> None:
    """The change's one entry: the decision that allowed it first, then what changed.

    The door did not record an allowed decision for a change (docs/audit.md, "What is
    recorded"), so this entry is the request's only one.
    """
    decision = access.decision
    audit_change(
        access.origin,
        action,
        obj,
        subject_id=case.subject.subject_id,
        reasons=[*decision.reasons, *reasons],
        obligations=decision.obligations,
    )


def require_allowed(access: CaseAccess, *actions: str) -> None:
    """Services take the door's answer, never decide again; this stops a misused one."""
    if not access.decision.allowed or access.action not in actions:
        raise ValueError(
            f"this change needs allowed access for {' or '.join(actions)}, "
            f"not {access.action} ({'allowed' if access.decision.allowed else 'refused'})"
        )
