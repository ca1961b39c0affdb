"""Time-limited access: asked for by a practitioner, decided by a manager (IG if restricted)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction

from safekeep.access.door import DutyAccess
from safekeep.access.policy import Context
from safekeep.access.vocabulary import ACTIONS, MIN_REASON_LENGTH
from safekeep.audit.writing import Origin, audit_change
from safekeep.organisation.models import StaffMember
from safekeep.records import signals
from safekeep.records.models import AccessGrant, Case
from safekeep.records.services._recording import record_change
from safekeep.records.services.errors import RecordsError

GRANT_MAX_DAYS = 90


class AlreadyAsked(RecordsError):
    """This person's earlier request for this case is still waiting for a decision."""


def check_grant_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise RecordsError(
            f"Explain why you need access in at least {MIN_REASON_LENGTH} characters",
            field="reason",
        )
    return reason


@transaction.atomic
def grant_request(
    *,
    staff: StaffMember,
    case: Case,
    actions: Iterable[str],
    reason: str,
    days: int,
    context: Context,
    origin: Origin,
) -> AccessGrant:
    """A practitioner asks for time-limited access; nothing opens until it is approved.

    Anyone may ask (asking opens nothing), so this reaches no case content and needs no
    decision from the door.
    """
    chosen = sorted(set(actions))
    if not chosen or any(action not in ACTIONS for action in chosen):
        raise RecordsError("Choose what you need to do", field="actions")
    reason = check_grant_reason(reason)
    if not 1 <= days <= GRANT_MAX_DAYS:
        raise RecordsError(f"Access can last between 1 and {GRANT_MAX_DAYS} days", field="days")
    if AccessGrant.objects.filter(
        case=case, grantee=staff, status=AccessGrant.Status.REQUESTED
    ).exists():
        raise AlreadyAsked("You have already asked for access to this case")
    grant = AccessGrant.objects.create(
        case=case,
        grantee=staff,
        actions=" ".join(chosen),
        reason=reason,
        status=AccessGrant.Status.REQUESTED,
        starts_at=context.now,
        expires_at=context.now + dt.timedelta(days=days),
        requested_by=staff,
    )
    audit_change(
        origin,
        "grant.request",
        grant,
        subject_id=case.subject.subject_id,
        reasons=[" ".join(chosen)],
    )
    return grant


@transaction.atomic
def grant_decide(
    *, access: DutyAccess, grant: AccessGrant, approve: bool, reason: str = ""
) -> AccessGrant:
    """Approve or refuse a requested grant. Approval starts the clock from now; a refusal
    keeps its reason for the person who asked (My requests)."""
    grant = AccessGrant.objects.select_for_update().select_related("case__subject").get(pk=grant.pk)
    if grant.status != AccessGrant.Status.REQUESTED:
        raise RecordsError("This request has already been decided")
    now = access.context.now
    if approve:
        length = grant.expires_at - grant.starts_at
        grant.status = AccessGrant.Status.APPROVED
        grant.starts_at = now
        grant.expires_at = now + length
        grant.ig_approved = grant.case.subject.restricted or access.by_information_governance
    else:
        grant.status = AccessGrant.Status.REFUSED
        grant.refuse_reason = reason.strip()
    grant.decided_by = access.staff
    grant.decided_at = now
    grant.save()
    record_change(access, "grant.approve" if approve else "grant.refuse", grant, grant.case)
    signals.grant_decided.send(
        sender=AccessGrant,
        origin=access.origin,
        grant=grant,
        by_information_governance=access.by_information_governance,
    )
    return grant


@transaction.atomic
def grant_revoke(*, access: DutyAccess, grant: AccessGrant, reason: str = "") -> AccessGrant:
    """End approved access before it expires (the grantee's next request is refused)."""
    grant = AccessGrant.objects.select_for_update().select_related("case__subject").get(pk=grant.pk)
    if grant.status != AccessGrant.Status.APPROVED:
        raise RecordsError("Only approved access can be revoked")
    grant.status = AccessGrant.Status.REVOKED
    grant.revoke_reason = reason.strip()
    grant.save(update_fields=["status", "revoke_reason"])
    record_change(access, "grant.revoke", grant, grant.case)
    return grant
