"""Gather the facts of one request for the pure policy, in a small fixed number of queries.

`actor_facts` reads the person (one query: roles and latest risk assessment together);
`case_facts` reads the case's subject, this person's conflict, allocations, approved
grants, break-glass and any open referral they receive on the case (one UNION ALL query).
Two queries per decision; only the door (`access.door`) calls these.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.db.models import Model
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
    Referral,
    Subject,
    SubjectConflict,
)


def _table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


# Hand-written SQL: these two queries run on every request, and compiling the equivalent
# ORM expressions costs more than running them. Table names come from the models.
_ACTOR_SQL = f"""
SELECT s.employment_type, s.end_date, s.team_id, r.role, s.start_date,
       ra.outcome, ra.scope_team_id, ra.max_classification, ra.review_due
FROM {_table(StaffMember)} s
LEFT JOIN {_table(StaffRole)} r ON r.staff_id = s.id
LEFT JOIN {_table(RiskAssessment)} ra ON ra.id = (
    SELECT x.id FROM {_table(RiskAssessment)} x
    WHERE x.staff_id = s.id AND x.assessed_on <= %s
    ORDER BY x.assessed_on DESC, x.id DESC LIMIT 1)
WHERE s.id = %s
"""  # noqa: S608  # nosec B608 # only model table names are formatted in; values are parameters

# One row for the subject (flag = restricted, number = subject's staff id; its typed NULLs
# fix the column types for PostgreSQL), one if this person is named as a conflict, one per
# allocation, grant (approved only) and break-glass of this person on this case, and one
# per open referral of the case whose receiving access this person holds.
_CASE_SQL = f"""
SELECT 'subject' AS kind, CAST(NULL AS VARCHAR(200)) AS label,
       CAST(NULL AS DATE) AS day_start, CAST(NULL AS DATE) AS day_end,
       CAST(NULL AS TIMESTAMP WITH TIME ZONE) AS time_start,
       CAST(NULL AS TIMESTAMP WITH TIME ZONE) AS time_end,
       sub.restricted AS flag, sub.staff_id AS number
FROM {_table(Subject)} sub WHERE sub.id = %s
UNION ALL
SELECT 'conflict', NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM {_table(SubjectConflict)} sc WHERE sc.subject_id = %s AND sc.staff_id = %s
UNION ALL
SELECT 'allocation', a.role, a.starts_on, a.ends_on, NULL, NULL, NULL, NULL
FROM {_table(Allocation)} a WHERE a.case_id = %s AND a.staff_id = %s
UNION ALL
SELECT 'grant', g.actions, NULL, NULL, g.starts_at, g.expires_at, g.ig_approved, NULL
FROM {_table(AccessGrant)} g
WHERE g.case_id = %s AND g.grantee_id = %s AND g.status = %s
UNION ALL
SELECT 'break_glass', NULL, NULL, NULL, b.started_at, b.expires_at, NULL, NULL
FROM {_table(BreakGlass)} b WHERE b.case_id = %s AND b.staff_id = %s
UNION ALL
SELECT 'referral', NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM {_table(Referral)} rf JOIN {_table(AccessGrant)} rg ON rg.referral_id = rf.id
WHERE rf.case_id = %s AND rf.kind = %s AND rf.status IN (%s, %s)
  AND rg.grantee_id = %s AND rg.status = %s
"""  # noqa: S608  # nosec B608 # only model table names are formatted in; values are parameters


def actor_facts(
    staff: StaffMember, *, account_active: bool = True, today: dt.date | None = None
) -> ActorFacts:
    """The person's facts in one query: roles, employment, end date, latest risk assessment.

    `today` decides which assessment is the latest (one dated in the future does not count yet).
    `account_active` is False for a disabled sign-in account (rule 1).
    """
    day = today if today is not None else timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(_ACTOR_SQL, [day, staff.pk])
        rows = cursor.fetchall()
    if not rows:
        raise StaffMember.DoesNotExist(f"no staff member with id {staff.pk}")
    employment_type, end_date, team_id, _, start_date, outcome, scope, maximum, due = rows[0]
    roles = frozenset(row[3] for row in rows if row[3] is not None)
    assessment = None
    if outcome is not None:
        assessment = RiskAssessmentFacts(
            outcome=outcome,
            scope_team_id=int(scope),
            max_classification=maximum,
            review_due=_as_date(due),
        )
    return ActorFacts(
        staff_pk=staff.pk,
        roles=roles,
        employment_type=employment_type,
        # A team manager manages the team on their own staff row.
        managed_team_ids=frozenset({int(team_id)}) if Role.TEAM_MANAGER in roles else frozenset(),
        end_date=_as_date(end_date) if end_date is not None else None,
        disabled=not account_active,
        latest_risk_assessment=assessment,
        start_date=_as_date(start_date),
    )


def case_facts(case: Case, actor: StaffMember) -> CaseFacts:
    """The case and this person's relationships to it, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            _CASE_SQL,
            [
                case.subject_id,
                case.subject_id,
                actor.pk,
                case.pk,
                actor.pk,
                case.pk,
                actor.pk,
                AccessGrant.Status.APPROVED.value,
                case.pk,
                actor.pk,
                case.pk,
                Referral.Kind.REFERRAL.value,
                Referral.Status.OPEN.value,
                Referral.Status.ACCEPTED.value,
                actor.pk,
                AccessGrant.Status.APPROVED.value,
            ],
        )
        rows = cursor.fetchall()
    restricted = False
    subject_staff: int | None = None
    conflicted = False
    allocations: list[AllocationFacts] = []
    grants: list[GrantFacts] = []
    glass: list[BreakGlassFacts] = []
    receiving = False
    for kind, label, day_start, day_end, time_start, time_end, flag, number in rows:
        if kind == "subject":
            restricted = bool(flag)
            subject_staff = int(number) if number is not None else None
        elif kind == "conflict":
            conflicted = True
        elif kind == "allocation":
            allocations.append(
                AllocationFacts(
                    role=label,
                    starts_on=_as_date(day_start),
                    ends_on=_as_date(day_end) if day_end is not None else None,
                )
            )
        elif kind == "grant":
            grants.append(
                GrantFacts(
                    actions=frozenset(label.split()),
                    starts_at=_as_datetime(time_start),
                    expires_at=_as_datetime(time_end),
                    ig_approved=bool(flag),
                )
            )
        elif kind == "referral":
            receiving = True
        else:
            glass.append(
                BreakGlassFacts(
                    started_at=_as_datetime(time_start), expires_at=_as_datetime(time_end)
                )
            )
    return CaseFacts(
        case_pk=case.pk,
        owning_team_id=case.owning_team_id,
        classification=case.classification,
        subject_restricted=restricted,
        subject_staff_pk=subject_staff,
        conflict_staff_pks=frozenset({actor.pk}) if conflicted else frozenset(),
        allocations=tuple(allocations),
        grants=tuple(grants),
        break_glass=tuple(glass),
        receiving_referral=receiving,
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
