"""Allocations: who works on a case, in which role, from when; ended, never removed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from safekeep.access.door import CaseAccess
from safekeep.access.vocabulary import Duty
from safekeep.organisation.models import StaffMember
from safekeep.records.models import Allocation
from safekeep.records.services._recording import record_change, require_allowed
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


def allocation_end(*, access: CaseAccess, allocation: Allocation, ends_on: dt.date) -> Allocation:
    """End an allocation (kept in the history, never removed)."""
    require_allowed(access, Duty.ALLOCATE)
    if allocation.case_id != access.case.pk:
        raise RecordsError("That allocation is not on this case")
    _check_dates(allocation.starts_on, ends_on)
    with transaction.atomic():
        allocation.ends_on = ends_on
        allocation.save(update_fields=["ends_on"])
        record_change(access, "allocation.end", allocation, access.case)
    return allocation
