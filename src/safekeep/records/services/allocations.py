"""Allocations: who works on a case, in which role, from when; ended, never removed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from safekeep.access.door import CaseAccess
from safekeep.access.vocabulary import MIN_REASON_LENGTH, Duty
from safekeep.organisation.models import StaffMember
from safekeep.records.models import Allocation
from safekeep.records.services._recording import record_change, require_allowed
from safekeep.records.services.closure import check_open
from safekeep.records.services.errors import RecordsError


def _check_dates(starts_on: dt.date, ends_on: dt.date | None) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise RecordsError("The end date must be on or after the start date", field="ends_on")


def allocation_create(
    *,
    access: CaseAccess,
    worker: StaffMember,
    role: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
) -> Allocation:
    """Allocate a worker, co-worker or supervising manager (the door checked the manager)."""
    require_allowed(access, Duty.ALLOCATE)
    check_open(access)
    if role not in Allocation.Role.values:
        raise RecordsError("Choose a role", field="role")
    _check_dates(starts_on, ends_on)
    case = access.case
    if worker.end_date is not None and worker.end_date < max(starts_on, access.context.today):
        raise RecordsError("That person no longer works for the council", field="worker")
    if worker.pk == case.subject.staff_id:
        raise RecordsError("A person cannot be allocated to their own record", field="worker")
    if case.subject.conflicts.filter(staff=worker).exists():
        raise RecordsError("That person has a conflict with this case's subject", field="worker")
    with transaction.atomic():
        allocation = Allocation.objects.create(
            case=case,
            staff=worker,
            role=role,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=access.staff,
        )
        record_change(
            access, "allocation.create", allocation, case, [f"{worker.staff_id} as {role}"]
        )
    return allocation


def allocation_end(
    *, access: CaseAccess, allocation: Allocation, ends_on: dt.date, reason: str = ""
) -> Allocation:
    """End an allocation (kept in the history, never removed). A manager ending it from a
    page gives a reason (`require_reason`), kept on the allocation, not in the audit log."""
    require_allowed(access, Duty.ALLOCATE)
    if allocation.case_id != access.case.pk:
        raise RecordsError("That allocation is not on this case")
    if allocation.ends_on is not None and allocation.ends_on < access.context.today:
        raise RecordsError("That allocation has already ended")
    if ends_on < allocation.starts_on:
        raise RecordsError(
            "The end date must be on or after the day the allocation started", field="ends_on"
        )
    with transaction.atomic():
        allocation.ends_on = ends_on
        allocation.end_reason = reason.strip()
        allocation.save(update_fields=["ends_on", "end_reason"])
        record_change(
            access,
            "allocation.end",
            allocation,
            access.case,
            [f"{allocation.staff.staff_id} as {allocation.role} until {ends_on.isoformat()}"],
        )
    return allocation


def require_reason(reason: str, *, doing: str) -> str:
    """A manager's reason for ending something early: at least a few words."""
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise RecordsError(
            f"Explain why you are {doing} in at least {MIN_REASON_LENGTH} characters",
            field="reason",
        )
    return reason
