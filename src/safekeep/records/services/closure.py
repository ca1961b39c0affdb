"""Closing a case with a reason and a date, and reopening it: the owning team's manager.

A closed case takes no new entries, documents or drafts, allocations or referrals until it
is reopened (`CLOSED_CASE_REFUSES`: each service calls `check_open`, and the case page
offers none of them), and no referral of it is accepted. Closing ends every allocation
still in force on the day it closed (need to know ends with the work; reopening does not
bring them back: the manager allocates again). Each close and reopen is a `CaseClosure`
row (kept, never removed) and one audit entry, with one more per allocation ended.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q

from safekeep.access.door import CaseAccess
from safekeep.access.vocabulary import Action, Duty
from safekeep.records import sealing
from safekeep.records.models import Case, CaseClosure
from safekeep.records.services._recording import record_change, require_allowed
from safekeep.records.services.errors import RecordsError

# What a closed case refuses, by the door's name for it, and what the refusal says.
CLOSED_CASE_REFUSES: dict[str, str] = {
    Action.ADD_ENTRY: "anything is added to it",
    Duty.ALLOCATE: "anyone is allocated to it",
    Duty.REFER: "it is referred or transferred",
}
DETAILS_MAX = 2000


def check_open(access: CaseAccess) -> None:
    """Refuse what a closed case does not take (`CLOSED_CASE_REFUSES`) until it is reopened."""
    closed_on, doing = access.case.closed_on, CLOSED_CASE_REFUSES.get(access.action)
    if closed_on is not None and doing is not None:
        raise RecordsError(
            f"This case was closed on {closed_on:%-d %B %Y}. It must be reopened before {doing}"
        )


def offered(access: CaseAccess) -> frozenset[str]:
    """What the case page may offer: what the door allows (`CaseAccess.offers`), less what
    the case's state refuses."""
    offers = access.offers()
    if access.case.closed_on is None:
        return offers
    return offers - CLOSED_CASE_REFUSES.keys()


# Reopening needs a reason in words; "Another reason" for closing needs them too.
REOPEN_MIN = 10


def _next(case: Case) -> int:
    last = case.closures.order_by("-number").values_list("number", flat=True).first()
    return (last or 0) + 1


def _check_details(details: str, *, required: bool, field: str) -> str:
    details = details.strip()
    if required and len(details) < REOPEN_MIN:
        raise RecordsError(f"Give the reason in at least {REOPEN_MIN} characters", field=field)
    if len(details) > DETAILS_MAX:
        raise RecordsError(f"The reason must be {DETAILS_MAX:,} characters or fewer", field=field)
    return details


def case_close(
    *, access: CaseAccess, reason: str, details: str = "", closed_on: dt.date
) -> CaseClosure:
    """Close the case on `closed_on` (not in the future, not before it opened)."""
    require_allowed(access, Duty.CLOSE_CASE)
    if reason not in CaseClosure.Reason.values:
        raise RecordsError("Choose why the case is closing", field="reason")
    details = _check_details(details, required=reason == CaseClosure.Reason.OTHER, field="details")
    today = access.context.today
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=access.case.pk)
        if case.closed_on is not None:
            raise RecordsError(f"This case was already closed on {case.closed_on:%-d %B %Y}")
        if closed_on > today:
            raise RecordsError("The date it closed cannot be in the future", field="closed_on")
        if closed_on < case.opened_on:
            raise RecordsError(
                f"The date it closed must be on or after it opened ({case.opened_on:%-d %B %Y})",
                field="closed_on",
            )
        closure = CaseClosure(
            case=case,
            number=_next(case),
            kind=CaseClosure.Kind.CLOSE,
            reason=reason,
            on=closed_on,
            by=access.staff,
            at=access.context.now,
        )
        sealing.seal_closure(closure, details=details)
        closure.save(force_insert=True)
        case.closed_on = closed_on
        case.save(update_fields=["closed_on"])
        access.case.closed_on = closed_on
        record_change(access, "case.close", case, case, [f"reason={reason}"])
        _end_allocations(access, case, closed_on)
    return closure


ENDED_BY_CLOSING = "The case was closed"


def _end_allocations(access: CaseAccess, case: Case, closed_on: dt.date) -> None:
    in_force = case.allocations.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=closed_on)
    ).select_related("staff")
    for allocation in in_force.order_by("pk"):
        allocation.ends_on = closed_on
        allocation.end_reason = ENDED_BY_CLOSING
        allocation.save(update_fields=["ends_on", "end_reason"])
        record_change(
            access,
            "allocation.end",
            allocation,
            case,
            [
                f"{allocation.staff.staff_id} as {allocation.role} until {closed_on.isoformat()}",
                "the case was closed",
            ],
        )


def case_reopen(*, access: CaseAccess, details: str) -> CaseClosure:
    """Reopen a closed case today, with the reason in words."""
    require_allowed(access, Duty.CLOSE_CASE)
    details = _check_details(details, required=True, field="details")
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=access.case.pk)
        if case.closed_on is None:
            raise RecordsError("This case is open")
        closure = CaseClosure(
            case=case,
            number=_next(case),
            kind=CaseClosure.Kind.REOPEN,
            on=access.context.today,
            by=access.staff,
            at=access.context.now,
        )
        sealing.seal_closure(closure, details=details)
        closure.save(force_insert=True)
        case.closed_on = None
        case.save(update_fields=["closed_on"])
        access.case.closed_on = None
        record_change(access, "case.reopen", case, case)
    return closure
