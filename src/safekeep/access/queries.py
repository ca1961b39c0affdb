"""The access rules as one database query: what may this person see, on this device?

`visible_cases` mirrors `policy.decide` rule for rule (the property test in
tests/access/test_property.py keeps them in agreement), so lists, search and counts never
run a per-row Python check.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Concat

from safekeep.access import duties
from safekeep.access.device_rules import device_decision
from safekeep.access.facts import actor_facts
from safekeep.access.policy import ActorFacts, Context
from safekeep.access.vocabulary import (
    ACTIONS,
    CLASSIFICATION_RANK,
    Action,
)
from safekeep.organisation.models import StaffChange, StaffMember
from safekeep.organisation.roles import NO_CASE_CONTENT_ROLES, RoleName
from safekeep.records.models import (
    AccessGrant,
    Allocation,
    BreakGlass,
    Case,
    Referral,
    SubjectConflict,
)


def visible_cases(
    actor: StaffMember, context: Context, action: str = Action.VIEW, *, account_active: bool = True
) -> QuerySet[Case]:
    """Every case on which `actor` may do `action` now, as a QuerySet (no per-row Python)."""
    facts = actor_facts(actor, account_active=account_active, today=context.today)
    condition = visible_condition(facts, context, action)
    if condition is None:
        return Case.objects.none()
    return Case.objects.filter(condition)


def visible_condition(facts: ActorFacts, context: Context, action: str) -> Q | None:
    """The Q object for `visible_cases`; None when the person may see no case at all."""
    today, now = context.today, context.now
    # Rules 1 and 2 depend on the person alone; the device rules on the device alone.
    if action not in ACTIONS:
        return None
    # The device rules depend on the device and the case's classification alone.
    shown = [
        classification
        for classification in CLASSIFICATION_RANK
        if device_decision(
            action, context.device, context.task_policy, context.printer_secure, classification
        ).allowed
    ]
    if not shown:
        return None
    if facts.end_date is not None and facts.end_date < today:
        return None
    if facts.disabled or facts.roles & NO_CASE_CONTENT_ROLES:
        return None

    staff_pk = facts.staff_pk
    # Rule 3: never one's own record, never a named conflict; and only what the device shows.
    person = ~Q(subject__staff_id=staff_pk) & ~Q(
        Exists(SubjectConflict.objects.filter(subject_id=OuterRef("subject_id"), staff_id=staff_pk))
    )
    if len(shown) < len(CLASSIFICATION_RANK):
        person &= Q(classification__in=shown)
    allocated = Exists(
        Allocation.objects.filter(
            case_id=OuterRef("pk"), staff_id=staff_pk, starts_on__lte=today
        ).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    )
    grants = (
        AccessGrant.objects.filter(
            case_id=OuterRef("pk"),
            grantee_id=staff_pk,
            status=AccessGrant.Status.APPROVED,
            starts_at__lte=now,
            expires_at__gt=now,
        )
        .annotate(padded=Concat(Value(" "), "actions", Value(" ")))
        .filter(padded__contains=f" {action} ")
    )
    granted = Exists(grants)
    ig_granted = Exists(grants.filter(ig_approved=True))
    glass = Exists(
        BreakGlass.objects.filter(
            case_id=OuterRef("pk"), staff_id=staff_pk, started_at__lte=now, expires_at__gt=now
        )
    )

    # Rule 5: volunteers need an allocation and an approved, in-date, in-scope assessment.
    if facts.is_volunteer:
        assessment = facts.latest_risk_assessment
        if assessment is None or assessment.outcome != "approved" or assessment.review_due < today:
            return None
        covered = [
            name
            for name, rank in CLASSIFICATION_RANK.items()
            if rank <= CLASSIFICATION_RANK.get(assessment.max_classification, -1)
        ]
        return (
            person
            & Q(allocated)
            & Q(owning_team_id=assessment.scope_team_id, classification__in=covered)
        )

    # Rules 4 and 6-9, driven from the person's own links (and managed teams) so that the
    # database starts from a handful of cases instead of testing every case in the council.
    linked = Q(pk__in=linked_case_ids(staff_pk))
    manages = RoleName.TEAM_MANAGER in facts.roles and bool(facts.managed_team_ids)
    if manages:
        linked |= Q(owning_team_id__in=facts.managed_team_ids)
    open_ways = Q(allocated) | Q(granted)
    if manages:
        open_ways |= Q(owning_team_id__in=facts.managed_team_ids)
    if action == Action.VIEW:
        open_ways |= Q(glass)
    restricted_ways = Q(allocated) | Q(ig_granted)
    return (
        linked
        & person
        & (
            (Q(subject__restricted=False) & open_ways)
            | (Q(subject__restricted=True) & restricted_ways)
        )
    )


def linked_case_ids(staff_pk: int) -> list[int]:
    """Ids of cases the person has any allocation, grant or break-glass on (a superset).

    Read once, as literal ids, so that both engines start the list from these few cases
    (an `IN (subquery)` lets the planner walk every case in page order instead).
    """
    allocations = Allocation.objects.filter(staff_id=staff_pk).values_list("case_id", flat=True)
    grants = AccessGrant.objects.filter(grantee_id=staff_pk).values_list("case_id", flat=True)
    glass = BreakGlass.objects.filter(staff_id=staff_pk).values_list("case_id", flat=True)
    return sorted(set(allocations.union(grants, glass)))


# --- the decision queues: the duties (`duties.py`) as queries ------------------------------


def grant_requests_to_decide(actor: ActorFacts, today: dt.date) -> QuerySet[AccessGrant]:
    """Requests for access this person may decide (`duties.may_decide_grant`, as a query)."""
    ways = Q(pk__in=[])
    if duties.is_ig_officer(actor, today):
        ways |= Q(case__subject__restricted=True)
    managed = _managed_teams(actor, today)
    if managed:
        ways |= Q(case__owning_team_id__in=managed, case__subject__restricted=False)
    return (
        AccessGrant.objects.filter(ways, status=AccessGrant.Status.REQUESTED)
        .exclude(grantee_id=actor.staff_pk)
        .select_related("case", "grantee")
        .order_by("created_at", "id")
    )


def referrals_to_decide(actor: ActorFacts, today: dt.date) -> QuerySet[Referral]:
    """Open referrals and transfers to a team this person manages (`may_decide_referral`)."""
    return (
        Referral.objects.filter(
            to_team_id__in=_managed_teams(actor, today), status=Referral.Status.OPEN
        )
        .select_related("case", "from_team", "created_by")
        .order_by("created_at", "id")
    )


def break_glass_to_review(actor: ActorFacts, today: dt.date) -> QuerySet[BreakGlass]:
    """Uses of break-glass this person may review (`may_review_break_glass`), oldest first."""
    if not duties.is_ig_officer(actor, today):
        return BreakGlass.objects.none()
    return (
        BreakGlass.objects.filter(outcome=BreakGlass.Outcome.PENDING)
        .exclude(staff_id=actor.staff_pk)
        .select_related("case", "staff")
        .order_by("started_at", "id")
    )


def staff_changes_to_decide(actor: ActorFacts, today: dt.date) -> QuerySet[StaffChange]:
    """Changes waiting for a second person that this person may decide
    (`duties.may_decide_staff_change`): IG or a system administrator, not their own."""
    deciders = duties.is_ig_officer(actor, today) or (
        duties.is_active(actor, today) and RoleName.SYSADMIN in actor.roles
    )
    if not deciders:
        return StaffChange.objects.none()
    return (
        StaffChange.objects.filter(status=StaffChange.Status.WAITING)
        .exclude(requested_by_id=actor.staff_pk)
        .exclude(staff_id=actor.staff_pk)
        .select_related("staff", "staff__team", "team", "requested_by")
        .order_by("requested_at", "id")
    )


def _managed_teams(actor: ActorFacts, today: dt.date) -> list[int]:
    return sorted(t for t in actor.managed_team_ids if duties.manages_team(actor, t, today))
