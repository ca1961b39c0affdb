"""Break-glass: emergency, view-only access with a reason, reviewed by information governance."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from safekeep.access.door import CaseAccess, DutyAccess
from safekeep.access.vocabulary import BREAK_GLASS_HOURS, MIN_REASON_LENGTH, Duty
from safekeep.records import signals
from safekeep.records.models import BreakGlass
from safekeep.records.services._recording import record_change, require_allowed
from safekeep.records.services.errors import RecordsError


def check_break_glass_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise RecordsError(
            f"Give the reason for emergency access in at least {MIN_REASON_LENGTH} characters",
            field="reason",
        )
    return reason


def break_glass_start(
    *, access: CaseAccess, reason: str, hours: int = BREAK_GLASS_HOURS
) -> BreakGlass:
    """Open the emergency access the door allowed; IG is alerted and must review it."""
    require_allowed(access, Duty.BREAK_GLASS)
    reason = check_break_glass_reason(reason)
    now = access.context.now
    with transaction.atomic():
        glass = BreakGlass.objects.create(
            case=access.case,
            staff=access.staff,
            reason=reason,
            started_at=now,
            expires_at=now + dt.timedelta(hours=hours),
        )
        record_change(
            access, "break_glass.start", glass, access.case, ["information governance alerted"]
        )
        signals.break_glass_used.send(sender=BreakGlass, origin=access.origin, glass=glass)
    return glass


@transaction.atomic
def break_glass_review(
    *, access: DutyAccess, glass: BreakGlass, justified: bool, note: str
) -> BreakGlass:
    """IG's verdict on one use of break-glass; it leaves the review queue."""
    glass = BreakGlass.objects.select_for_update().select_related("case__subject").get(pk=glass.pk)
    if glass.outcome != BreakGlass.Outcome.PENDING:
        raise RecordsError("This use of break-glass has already been reviewed")
    glass.outcome = BreakGlass.Outcome.JUSTIFIED if justified else BreakGlass.Outcome.NOT_JUSTIFIED
    glass.reviewed_by = access.staff
    glass.reviewed_at = access.context.now
    glass.review_note = note.strip()
    glass.save()
    record_change(access, f"break_glass.{glass.outcome}", glass, glass.case)
    return glass
