"""Gather the facts of one request for the pure policy, in a small fixed number of queries.

`actor_facts` reads the person (one query: roles and latest risk assessment together);
`case_facts` reads the case's subject and this person's conflict (one query) and this
person's allocations, approved grants and break-glass on the case (one UNION query).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Cast
from django.utils import timezone

from safekeep.access.policy import (
    ActorFacts,
    AllocationFacts,
    BreakGlassFacts,
    CaseFacts,
    GrantFacts,
    RiskAssessmentFacts,
)
from safekeep.organisation.models import RiskAssessment, Role, StaffMember, StaffRole
from safekeep.records.models import (
    AccessGrant,
    Allocation,
    BreakGlass,
    Case,
    Subject,
    SubjectConflict,
)

_RA_FIELDS = ("outcome", "scope_team_id", "max_classification", "review_due")


def latest_risk_assessments(today: dt.date) -> QuerySet[RiskAssessment]:
    """Assessments made on or before `today`, newest first (the first one per person counts)."""
    return RiskAssessment.objects.filter(assessed_on__lte=today).order_by("-assessed_on", "-id")


def actor_facts(
    staff: StaffMember, *, account_active: bool = True, today: dt.date | None = None
) -> ActorFacts:
    """The person's facts in one query: roles, employment, end date, latest risk assessment.

    `today` decides which assessment is the latest (one dated in the future does not count yet).
    `account_active` is False for a disabled sign-in account (rule 1).
    """
    day = today if today is not None else timezone.localdate()
    latest = latest_risk_assessments(day).filter(staff=OuterRef("pk"))
    annotations: dict[str, Any] = {
        f"has_{role}": Exists(StaffRole.objects.filter(staff=OuterRef("pk"), role=role))
        for role in Role.values
    }
    annotations.update({f"ra_{name}": Subquery(latest.values(name)[:1]) for name in _RA_FIELDS})
    row = (
        StaffMember.objects.filter(pk=staff.pk)
        .annotate(**annotations)
        .values("employment_type", "end_date", "team_id", *annotations)
        .get()
    )
    roles = frozenset(role for role in Role.values if row[f"has_{role}"])
    assessment = None
    if row["ra_outcome"] is not None:
        assessment = RiskAssessmentFacts(
            outcome=row["ra_outcome"],
            scope_team_id=row["ra_scope_team_id"],
            max_classification=row["ra_max_classification"],
            review_due=_as_date(row["ra_review_due"]),
        )
    return ActorFacts(
        staff_pk=staff.pk,
        roles=roles,
        employment_type=row["employment_type"],
        # A team manager manages the team on their own staff row.
        managed_team_ids=frozenset({row["team_id"]}) if Role.TEAM_MANAGER in roles else frozenset(),
        end_date=row["end_date"],
        disabled=not account_active,
        latest_risk_assessment=assessment,
    )


def case_facts(case: Case, actor: StaffMember) -> CaseFacts:
    """The case and this person's relationships to it, in two queries."""
    subject = (
        Subject.objects.filter(pk=case.subject_id)
        .annotate(
            conflicted=Exists(
                SubjectConflict.objects.filter(subject=OuterRef("pk"), staff_id=actor.pk)
            )
        )
        .values("restricted", "staff_id", "conflicted")
        .get()
    )
    allocations: list[AllocationFacts] = []
    grants: list[GrantFacts] = []
    glass: list[BreakGlassFacts] = []
    for row in relationships(case_pk=case.pk, staff_pk=actor.pk):
        kind = row["kind"]
        if kind == "allocation":
            allocations.append(
                AllocationFacts(
                    role=row["label"],
                    starts_on=_as_date(row["day_start"]),
                    ends_on=_as_date(row["day_end"]) if row["day_end"] is not None else None,
                )
            )
        elif kind == "grant":
            grants.append(
                GrantFacts(
                    actions=frozenset(row["label"].split()),
                    starts_at=_as_datetime(row["time_start"]),
                    expires_at=_as_datetime(row["time_end"]),
                    ig_approved=bool(row["ig"]),
                )
            )
        else:
            glass.append(
                BreakGlassFacts(
                    started_at=_as_datetime(row["time_start"]),
                    expires_at=_as_datetime(row["time_end"]),
                )
            )
    return CaseFacts(
        case_pk=case.pk,
        owning_team_id=case.owning_team_id,
        classification=case.classification,
        subject_restricted=subject["restricted"],
        subject_staff_pk=subject["staff_id"],
        conflict_staff_pks=frozenset({actor.pk}) if subject["conflicted"] else frozenset(),
        allocations=tuple(allocations),
        grants=tuple(grants),
        break_glass=tuple(glass),
    )


_COLUMNS = ("kind", "label", "day_start", "day_end", "time_start", "time_end", "ig")


def relationships(*, case_pk: int, staff_pk: int) -> QuerySet[Any]:
    """One person's allocations, approved grants and break-glass on one case, as one query.

    Every row has the same columns (typed NULLs where a kind has no such value), so the
    three tables are read with a single UNION ALL.
    """
    no_day = Cast(Value(None), DateField())
    no_time = Cast(Value(None), DateTimeField())
    allocations = Allocation.objects.filter(case_id=case_pk, staff_id=staff_pk).annotate(
        kind=Value("allocation", output_field=CharField()),
        label=Cast("role", CharField()),
        day_start=Cast("starts_on", DateField()),
        day_end=Cast("ends_on", DateField()),
        time_start=no_time,
        time_end=no_time,
        ig=Value(False, output_field=BooleanField()),
    )
    grants = AccessGrant.objects.filter(
        Q(case_id=case_pk, grantee_id=staff_pk, status=AccessGrant.Status.APPROVED)
    ).annotate(
        kind=Value("grant", output_field=CharField()),
        label=Cast("actions", CharField()),
        day_start=no_day,
        day_end=no_day,
        time_start=Cast("starts_at", DateTimeField()),
        time_end=Cast("expires_at", DateTimeField()),
        ig=Cast("ig_approved", BooleanField()),
    )
    glass = BreakGlass.objects.filter(case_id=case_pk, staff_id=staff_pk).annotate(
        kind=Value("break_glass", output_field=CharField()),
        label=Value("", output_field=CharField()),
        day_start=no_day,
        day_end=no_day,
        time_start=Cast("started_at", DateTimeField()),
        time_end=Cast("expires_at", DateTimeField()),
        ig=Value(False, output_field=BooleanField()),
    )
    return (
        allocations.values(*_COLUMNS)
        .order_by()
        .union(grants.values(*_COLUMNS).order_by(), glass.values(*_COLUMNS).order_by(), all=True)
    )


def _as_date(value: Any) -> dt.date:
    """UNION columns come back untyped on SQLite; normalise to a date."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _as_datetime(value: Any) -> dt.datetime:
    """UNION columns come back untyped on SQLite; normalise to an aware datetime."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment
