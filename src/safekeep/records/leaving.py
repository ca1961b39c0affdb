"""What records does when someone leaves or moves team, and what their checklist says of it.

A leaver's grants and break-glass end at once and their allocations end on their last
working day; a mover's allocations and grants on the old team's cases end now. Each ended
allocation's case waits for someone else (`needs_reallocation`), and stays outstanding on
the person's checklist until another member of staff is allocated or the case is closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils import timezone

from safekeep.organisation import signals
from safekeep.organisation.leaving import LeaverItem, register_leaver_items
from safekeep.organisation.models import StaffMember
from safekeep.records.models import AccessGrant, Allocation, BreakGlass

_OPEN_GRANT = (AccessGrant.Status.REQUESTED, AccessGrant.Status.APPROVED)


def allocations_end(allocations: Iterable[Allocation], on: dt.date) -> int:
    """End each allocation on `on` (never before it started, never later than it ended)
    and put its case on the reallocation list."""
    count = 0
    for allocation in allocations:
        ends = max(allocation.starts_on, min(on, allocation.ends_on or on))
        allocation.ends_on, allocation.needs_reallocation = ends, True
        allocation.save(update_fields=["ends_on", "needs_reallocation"])
        count += 1
    return count


def _still_open(on: dt.date) -> Q:
    return Q(ends_on__isnull=True) | Q(ends_on__gt=on)


def leavers_records_ended(sender: Any, *, staff_pks: Iterable[int], **kwargs: Any) -> None:
    now = timezone.now()
    for staff in StaffMember.objects.filter(pk__in=list(staff_pks)):
        assert staff.end_date is not None  # nosec B101 # a leaver has an end date
        AccessGrant.objects.filter(grantee=staff, status__in=_OPEN_GRANT).update(
            status=AccessGrant.Status.REVOKED
        )
        BreakGlass.objects.filter(staff=staff, expires_at__gt=now).update(expires_at=now)
        open_allocations = Allocation.objects.filter(staff=staff).filter(
            _still_open(staff.end_date), case__closed_on__isnull=True
        )
        allocations_end(open_allocations, staff.end_date)


def movers_records_ended(sender: Any, *, moves: Iterable[tuple[int, int]], **kwargs: Any) -> None:
    """What someone held through their old team ends today: it is not their team's work now."""
    today = timezone.localdate()
    for staff_pk, old_team_pk in moves:
        AccessGrant.objects.filter(
            grantee_id=staff_pk, status__in=_OPEN_GRANT, case__owning_team_id=old_team_pk
        ).update(status=AccessGrant.Status.REVOKED)
        old_work = Allocation.objects.filter(
            staff_id=staff_pk, case__owning_team_id=old_team_pk, case__closed_on__isnull=True
        ).filter(_still_open(today - dt.timedelta(days=1)))
        allocations_end(old_work, today - dt.timedelta(days=1))


def reallocated(allocation: Allocation, today: dt.date) -> bool:
    """Someone else who has not left holds the case now (or later), or it is closed."""
    case = allocation.case
    if case.closed_on is not None:
        return True
    return (
        Allocation.objects.filter(case=case)
        .exclude(staff_id=allocation.staff_id)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .filter(Q(staff__end_date__isnull=True) | Q(staff__end_date__gte=today))
        .exists()
    )


@register_leaver_items("records")
def records_items(staff: StaffMember) -> list[LeaverItem]:
    now = timezone.now()
    today = timezone.localdate(now)
    live = (
        AccessGrant.objects.filter(
            grantee=staff, status=AccessGrant.Status.APPROVED, expires_at__gt=now
        ).exists()
        or AccessGrant.objects.filter(grantee=staff, status=AccessGrant.Status.REQUESTED).exists()
        or BreakGlass.objects.filter(staff=staff, expires_at__gt=now).exists()
    )
    items = [LeaverItem("grants", done=not live, label="Every grant and break-glass ended")]
    waiting = (
        Allocation.objects.filter(staff=staff, needs_reallocation=True)
        .select_related("case")
        .order_by("case__case_id")
    )
    seen: set[str] = set()
    for allocation in waiting:
        case_id = allocation.case.case_id
        if case_id in seen:
            continue
        seen.add(case_id)
        done = reallocated(allocation, today)
        items.append(
            LeaverItem(
                "reallocate",
                done=done,
                label=f"Case {case_id} {'reallocated' if done else 'to reallocate'}",
                detail={"case_id": case_id},
            )
        )
    return items


def connect() -> None:
    signals.staff_left.connect(leavers_records_ended, dispatch_uid="safekeep-records-leavers")
    signals.staff_moved.connect(movers_records_ended, dispatch_uid="safekeep-records-movers")
