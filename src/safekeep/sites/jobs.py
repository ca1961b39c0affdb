"""The sites' scheduled jobs (`safekeep run-jobs`): the morning flag of a missed end-of-day
check, and door codes of people whose end date has passed (a safety net for leavers whose
leaving was not announced, e.g. an end date imported ahead of time that has now passed)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from safekeep.audit.writing import Origin
from safekeep.core.jobs import register_job
from safekeep.organisation.models import StaffMember
from safekeep.sites.models import DoorCodeHolder
from safekeep.sites.services import missed_checks_flag, rotations_for_leavers


@register_job("sites-missed-checks", "flag the last working day's missing end-of-day checks")
def missed_checks(now: dt.datetime, origin: Origin) -> str:
    count = missed_checks_flag(now=now, origin=origin)
    return f"{count} missing end-of-day checks flagged." if count else ""


@register_job("sites-door-codes", "set door codes held by leavers to rotation due")
def door_codes(now: dt.datetime, origin: Origin) -> str:
    today = timezone.localdate(now)
    holders = DoorCodeHolder.objects.values("staff")
    leavers = StaffMember.objects.filter(pk__in=holders, end_date__lt=today)
    count = rotations_for_leavers(leavers.values_list("pk", flat=True), origin=origin)
    return f"{count} door codes set to rotation due." if count else ""
