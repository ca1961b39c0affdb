"""The demo council's retention: every case given a type, and a few closed long ago, past
their retention, listed for IG to approve (as the monthly job would)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from rich.console import Console

from safekeep.audit.writing import Origin
from safekeep.records.models import Allocation, Case
from safekeep.retention.services import disposal_list


def _years_ago(today: dt.date, years: int) -> dt.date:
    return today.replace(year=today.year - years, day=min(today.day, 28))


def load_retention(*, rng: random.Random, today: dt.date, console: Console) -> None:
    types = Case.CaseType
    Case.objects.filter(subject__kind="staff").update(case_type=types.ALLEGATION_AGAINST_STAFF)
    Case.objects.filter(subject__kind="adult").update(case_type=types.ADULT_SOCIAL_CARE)
    children = list(Case.objects.filter(subject__kind="child").values_list("pk", flat=True))
    looked_after = set(rng.sample(children, k=len(children) // 10))
    Case.objects.filter(pk__in=looked_after).update(case_type=types.LOOKED_AFTER_CHILD)
    Case.objects.filter(pk__in=set(children) - looked_after).update(case_type=types.CHILD_IN_NEED)
    adults = list(Case.objects.filter(case_type=types.ADULT_SOCIAL_CARE).order_by("case_id")[:3])
    others = list(Case.objects.filter(case_type=types.CHILD_IN_NEED).order_by("case_id")[:2])
    for case, case_type, closed_years in [
        *((c, types.ADULT_SOCIAL_CARE, rng.randint(9, 12)) for c in adults),
        *((c, types.OTHER, rng.randint(7, 9)) for c in others),
    ]:
        case.case_type = case_type
        case.closed_on = _years_ago(today, closed_years)
        case.opened_on = _years_ago(today, closed_years + rng.randint(1, 4))
        case.save(update_fields=["case_type", "closed_on", "opened_on"])
        Allocation.objects.filter(case=case).update(
            starts_on=case.opened_on, ends_on=case.closed_on
        )
    said = disposal_list(now=timezone.now(), origin=Origin.command("demo"))
    console.print(f"Retention: {len(adults) + len(others)} cases past retention; {said}.")
