"""The demo council's subject access requests: one open, received 25 days ago (due soon), with an
entry withheld as third-party information; and one answered, its identity confirmed and its
export made (the password is printed: the data is made up)."""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import Count
from rich.console import Console

from safekeep.access import door
from safekeep.access.context import command_context
from safekeep.audit.writing import Origin
from safekeep.operations.demo.council import DEMO_ACCOUNTS
from safekeep.organisation.models import StaffMember
from safekeep.records.models import Case, Entry
from safekeep.subject_access import services

DEMO_EXPORT_PASSWORD = "demo export password"  # noqa: S105  # nosec B105 - made-up demo data
WITHHELD_REASON = "Third-party information: what a neighbour told us about the family"


def _cases(count: int) -> list[Case]:
    """Children's cases that are not restricted and have at least two entries, in id order."""
    return list(
        Case.objects.filter(subject__kind="child", subject__restricted=False)
        .annotate(entry_count=Count("entries"))
        .filter(entry_count__gte=2)
        .select_related("subject")
        .order_by("case_id")[:count]
    )


def load_subject_access(*, rng: random.Random, today: dt.date, console: Console) -> None:
    officer = StaffMember.objects.get(email=DEMO_ACCOUNTS["IG officer"])
    access = door.subject_access(
        staff=officer, about=None, context=command_context(), origin=Origin.command("demo")
    )
    cases = _cases(2)
    if len(cases) < 2:
        console.print("Subject access: no cases with entries, so no requests.")
        return
    open_case, answered_case = cases
    waiting = services.open_request(
        access, subject=open_case.subject, received_on=today - dt.timedelta(days=25)
    )
    entries = list(Entry.objects.filter(case=open_case).order_by("created_at", "id"))
    services.withhold(access, waiting, entry=rng.choice(entries[1:]), reason=WITHHELD_REASON)
    answered = services.open_request(
        access, subject=answered_case.subject, received_on=today - dt.timedelta(days=45)
    )
    services.confirm_identity(access, answered, on=today - dt.timedelta(days=40))
    services.export(access, answered, password=DEMO_EXPORT_PASSWORD)
    console.print(
        f"Subject access: one open request ({open_case.case_id}, one entry withheld), one "
        f"answered ({answered_case.case_id}; its export opens with {DEMO_EXPORT_PASSWORD!r})."
    )
