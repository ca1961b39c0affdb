"""Deciding and recording: the one way any part of Safekeep asks "may this person do this?".

Every decision, allowed or refused, is recorded through `record_access`. Call these
outside any `transaction.atomic` block that a refusal would roll back, or the record of
the refusal would be rolled back with it.
"""

from __future__ import annotations

import dataclasses

from safekeep.access import policy
from safekeep.access.device_policy import RAISE_INCIDENT
from safekeep.access.facts import actor_facts, case_facts
from safekeep.access.policy import Context, Decision, decide
from safekeep.audit.writing import Origin, audit_event
from safekeep.devices.models import Device
from safekeep.devices.services import unencrypted_off_site_incident_raise
from safekeep.organisation.models import StaffMember
from safekeep.records.models import Case


class AccessRefused(Exception):
    """Raised by `require` when the policy refuses; carries the decision and its reasons."""

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        super().__init__("; ".join(decision.reasons))


def record_access(
    *, origin: Origin, staff: StaffMember, case: Case, action: str, decision: Decision
) -> None:
    """Record one decision in the audit log: ids, the decision and its reasons, never content."""
    if not origin.actor_staff_id:
        origin = dataclasses.replace(origin, actor_staff_id=staff.staff_id)
    audit_event(
        origin=origin,
        action=f"case.{action}",
        decision="allowed" if decision.allowed else "refused",
        object_type="case",
        object_id=case.case_id,
        subject_id=_subject_ref(case),
        reasons=decision.reasons,
        obligations=decision.obligations,
    )


def evaluate(
    *, staff: StaffMember, case: Case, action: str, context: Context, account_active: bool = True
) -> Decision:
    """Load the facts and decide, without recording (for explanations that record themselves)."""
    actor = actor_facts(staff, account_active=account_active, today=context.today)
    return decide(actor, action, case_facts(case, staff), context)


def authorise(
    *,
    staff: StaffMember,
    case: Case,
    action: str,
    context: Context,
    origin: Origin,
    account_active: bool = True,
) -> Decision:
    """Decide whether `staff` may do `action` on `case`, record the decision, and return it."""
    decision = evaluate(
        staff=staff, case=case, action=action, context=context, account_active=account_active
    )
    record_access(origin=origin, staff=staff, case=case, action=action, decision=decision)
    if RAISE_INCIDENT in decision.obligations and context.device is not None:
        device = Device.objects.get(asset_tag=context.device.asset_tag)
        unencrypted_off_site_incident_raise(origin=origin, device=device)
    return decision


def require(
    *,
    staff: StaffMember,
    case: Case,
    action: str,
    context: Context,
    origin: Origin,
    account_active: bool = True,
) -> Decision:
    """Like `authorise`, but raise `AccessRefused` (with the reasons) when refused."""
    decision = authorise(
        staff=staff,
        case=case,
        action=action,
        context=context,
        origin=origin,
        account_active=account_active,
    )
    if not decision.allowed:
        raise AccessRefused(decision)
    return decision


def authorise_break_glass(
    *,
    staff: StaffMember,
    case: Case,
    context: Context,
    origin: Origin,
    reason: str | None = None,
    account_active: bool = True,
) -> Decision:
    """Decide (and record, as "case.break_glass") whether break-glass may be opened now.

    The caller (records) creates the BreakGlass row only when this is allowed. Pass the
    `reason` to have its length checked here too; a caller that validates it as a form
    field may leave it out. The reason text is never written to the audit log.
    """
    actor = actor_facts(staff, account_active=account_active, today=context.today)
    decision = policy.may_break_glass(actor, case_facts(case, staff), context, reason=reason)
    record_access(origin=origin, staff=staff, case=case, action="break_glass", decision=decision)
    return decision


def _subject_ref(case: Case) -> str:
    subject = case.subject  # one query unless the caller used select_related("subject")
    return subject.subject_id
