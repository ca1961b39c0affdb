"""The demo council's reviews: a step of `safekeep demo` (`load_reviews`).

Two volunteers' risk assessments recorded in the app (one due for review within the fortnight,
so the managers' page flags it), this quarter's access reviews open for every team, with a
few already confirmed by the demo team manager, and the restricted people's reviews opened
for information governance, one of them overdue.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from rich.console import Console

from safekeep.access.policy import Context
from safekeep.accounts.models import User
from safekeep.audit.writing import Origin
from safekeep.organisation.assessments import risk_assessment_record
from safekeep.organisation.models import Classification, EmploymentType, RiskAssessment, StaffMember
from safekeep.organisation.roles import RoleName
from safekeep.reviews.models import AccessReview
from safekeep.reviews.services import (
    Decision,
    overdue_mark,
    quarter_open,
    restricted_open,
    review_decide,
)

ORIGIN = Origin.command("demo")


def load_reviews(*, rng: random.Random, today: dt.date, console: Console) -> None:
    now = timezone.make_aware(dt.datetime.combine(today, dt.time(9)))
    recorded = _assessments(today)
    opened = quarter_open(now=now, origin=ORIGIN)
    restricted = restricted_open(now=now, origin=ORIGIN)
    late = AccessReview.objects.filter(kind=AccessReview.Kind.RESTRICTED).order_by("pk").first()
    if late is not None:  # opened three weeks ago and not yet done: overdue
        late.opened_on = today - dt.timedelta(days=21)
        late.due_on = today - dt.timedelta(days=7)
        late.save(update_fields=["opened_on", "due_on"])
    overdue_mark(now=now, origin=ORIGIN)
    confirmed = _confirm_some(rng, now)
    console.print(
        f"Reviews: {recorded} risk assessments recorded, {opened} quarterly access reviews "
        f"open ({confirmed} confirmed), {restricted} restricted reviews."
    )


def _assessments(today: dt.date) -> int:
    assessor = (
        StaffMember.objects.active_on(today)
        .with_role(RoleName.VOLUNTEER_MANAGER)
        .order_by("staff_id")
        .first()
    )
    if assessor is None:
        return 0
    volunteers = list(
        StaffMember.objects.active_on(today)
        .filter(employment_type=EmploymentType.VOLUNTEER)
        .exclude(pk=assessor.pk)
        .order_by("-staff_id")[:2]
    )
    for volunteer, days in zip(volunteers, (9, 365), strict=False):
        risk_assessment_record(
            origin=Origin.command("demo", staff_id=assessor.staff_id),
            by=assessor,
            volunteer=volunteer,
            outcome=RiskAssessment.Outcome.APPROVED,
            scope_team=volunteer.team,
            max_classification=Classification.OFFICIAL,
            review_due=today + dt.timedelta(days=days),
            today=today,
        )
    return len(volunteers)


def _confirm_some(rng: random.Random, now: dt.datetime) -> int:
    """The demo team manager has confirmed a few of their team already."""
    user = User.objects.filter(is_demo_account=True, staff__roles__role=RoleName.TEAM_MANAGER)
    manager = next((u.staff for u in user.select_related("staff") if u.staff), None)
    if manager is None:
        return 0
    mine = AccessReview.objects.filter(
        kind=AccessReview.Kind.MEMBER, team_id=manager.team_id, outcome=AccessReview.Outcome.OPEN
    ).exclude(staff=manager)
    chosen = list(mine.order_by("pk")[:3])
    context = Context(now=timezone.localtime(now))
    for review in chosen:
        review_decide(
            review=review,
            reviewer=manager,
            decision=Decision(AccessReview.Outcome.CONFIRMED, note=rng.choice(["", "As agreed"])),
            context=context,
            origin=Origin.command("demo", staff_id=manager.staff_id),
        )
    return len(chosen)
