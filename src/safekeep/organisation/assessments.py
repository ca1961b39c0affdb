"""Volunteers' risk assessments recorded in the app (beside `safekeep import risk-assessments`).

A volunteer sees a record only when their latest approved assessment covers its team and
classification and its review date has not passed (access.policy, rule 5). The volunteer
manager and the centre manager record a new one here; it counts from the day it is recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from django.db import transaction
from django.utils import timezone

from safekeep.audit.writing import Origin, audit_change
from safekeep.organisation.models import (
    Classification,
    EmploymentType,
    RiskAssessment,
    StaffMember,
    Team,
)
from safekeep.organisation.roles import RoleName

ASSESSORS: Final = frozenset({RoleName.VOLUNTEER_MANAGER, RoleName.CENTRE_MANAGER})
DUE_SOON_DAYS: Final = 14  # flagged this many days before the review date
LONGEST: Final = dt.timedelta(days=366 * 2)  # an assessment is reviewed at least every 2 years


class AssessmentState(StrEnum):
    IN_DATE = "in_date"
    DUE_SOON = "due_soon"
    LAPSED = "lapsed"


STATE_WORDS: Final = {
    AssessmentState.IN_DATE: "In date",
    AssessmentState.DUE_SOON: "Review due soon",
    AssessmentState.LAPSED: "Lapsed",
}


def assessment_state(review_due: dt.date, today: dt.date) -> AssessmentState:
    """Lapsed once the review date has passed (the policy then refuses, as for any expiry);
    due soon from `DUE_SOON_DAYS` before it, the review date itself included."""
    if review_due < today:
        return AssessmentState.LAPSED
    if review_due <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return AssessmentState.DUE_SOON
    return AssessmentState.IN_DATE


class AssessmentInvalid(Exception):
    """The assessment cannot be recorded; `errors` maps each form field to its reason."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        self.message = " ".join(errors.values())
        self.field = next(iter(errors)) if len(errors) == 1 else ""
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


def may_assess(staff: StaffMember, today: dt.date) -> bool:
    """A volunteer manager or centre manager still in post."""
    return not staff.is_leaver(today) and bool(staff.role_names() & ASSESSORS)


@transaction.atomic
def risk_assessment_record(
    *,
    origin: Origin,
    by: StaffMember,
    volunteer: StaffMember,
    outcome: str,
    scope_team: Team,
    max_classification: str,
    review_due: dt.date,
    today: dt.date | None = None,
) -> RiskAssessment:
    """Record `volunteer`'s assessment, assessed today; from today it is their latest, so the
    access rules use it at once. Audited in words against the volunteer."""
    day = today or timezone.localdate()
    if not may_assess(by, day):
        raise AssessmentInvalid(
            {"__all__": "Only a volunteer manager or a centre manager records risk assessments"}
        )
    errors: dict[str, str] = {}
    if volunteer.employment_type != EmploymentType.VOLUNTEER:
        errors["volunteer"] = f"{volunteer.full_name} is not a volunteer"
    elif volunteer.is_leaver(day):
        errors["volunteer"] = f"{volunteer.full_name} has left"
    elif volunteer.pk == by.pk:
        errors["volunteer"] = "You cannot record your own risk assessment"
    if outcome not in RiskAssessment.Outcome.values:
        errors["outcome"] = "Choose whether the assessment approves access"
    if max_classification not in Classification.values:
        errors["max_classification"] = "Choose the highest classification it covers"
    if review_due <= day:
        errors["review_due"] = "The review date must be in the future"
    elif review_due - day > LONGEST:
        errors["review_due"] = "The review date must be within 2 years"
    if errors:
        raise AssessmentInvalid(errors)
    same = RiskAssessment.objects.filter(
        staff=volunteer,
        outcome=outcome,
        scope_team=scope_team,
        max_classification=max_classification,
        assessed_on=day,
        review_due=review_due,
    )
    if same.exists():
        raise AssessmentInvalid({"__all__": "This assessment is already recorded today"})
    assessment = RiskAssessment.objects.create(
        staff=volunteer,
        outcome=outcome,
        scope_team=scope_team,
        max_classification=max_classification,
        assessed_on=day,
        review_due=review_due,
    )
    audit_change(origin, "risk_assessment.record", volunteer, reasons=assessment_words(assessment))
    return assessment


def assessment_words(assessment: RiskAssessment) -> list[str]:
    """The assessment in words, for the audit log and the pages."""
    verdict = "approved" if assessment.outcome == RiskAssessment.Outcome.APPROVED else "refused"
    return [
        f"{verdict} for {assessment.scope_team.name}",
        f"records up to {assessment.max_classification}",
        f"assessed on {_day(assessment.assessed_on)}",
        f"review by {_day(assessment.review_due)}",
    ]


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


@dataclass(frozen=True, slots=True)
class VolunteerAssessment:
    """A volunteer and their latest assessment (None: never assessed), with its state."""

    volunteer: StaffMember
    latest: RiskAssessment | None
    state: AssessmentState | None

    @property
    def flagged(self) -> bool:
        return self.state in {AssessmentState.DUE_SOON, AssessmentState.LAPSED}

    @property
    def state_words(self) -> str:
        return STATE_WORDS[self.state] if self.state else "Not assessed"


def latest_assessment(volunteer: StaffMember, today: dt.date) -> RiskAssessment | None:
    """The one the access rules use: the latest assessed on or before today."""
    return (
        RiskAssessment.objects.filter(staff=volunteer, assessed_on__lte=today)
        .select_related("scope_team")
        .order_by("-assessed_on", "-id")
        .first()
    )


def volunteer_assessments(today: dt.date) -> list[VolunteerAssessment]:
    """Every volunteer in post with their latest assessment: lapsed first, then due soon."""
    volunteers = StaffMember.objects.active_on(today).filter(
        employment_type=EmploymentType.VOLUNTEER
    )
    latest: dict[int, RiskAssessment] = {}
    for assessment in (
        RiskAssessment.objects.filter(staff__in=volunteers, assessed_on__lte=today)
        .select_related("scope_team")
        .order_by("staff_id", "assessed_on", "id")
    ):
        latest[assessment.staff_id] = assessment  # the last one per volunteer wins
    rows = []
    for volunteer in volunteers.select_related("team"):
        found = latest.get(volunteer.pk)
        state = assessment_state(found.review_due, today) if found else None
        rows.append(VolunteerAssessment(volunteer, found, state))
    order = {AssessmentState.LAPSED: 0, AssessmentState.DUE_SOON: 1, None: 2}
    rows.sort(key=lambda row: (order.get(row.state, 3), row.volunteer.family_name))
    return rows
