"""Reading reviews: what is open and overdue for a reviewer, and what a person holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from safekeep.organisation.models import Role, StaffMember
from safekeep.organisation.roles import RoleName
from safekeep.records.models import AccessGrant, Allocation, Case
from safekeep.reviews.models import AccessReview
from safekeep.reviews.schedule import is_overdue


@dataclass(frozen=True, slots=True)
class Holdings:
    """What a review is about: the person's roles (a member review), and the grants and
    allocations in force now (theirs, or on the restricted person's cases)."""

    roles: list[tuple[str, str]]  # (role, its label)
    grants: list[AccessGrant]
    allocations: list[Allocation]


def _base() -> QuerySet[AccessReview]:
    return AccessReview.objects.select_related("staff", "team", "subject", "decided_by")


def reviews_for_manager(manager: StaffMember) -> QuerySet[AccessReview]:
    """Member reviews of the team a team manager manages (their own row's team), this
    quarter's and any still open from before."""
    return _base().filter(kind=AccessReview.Kind.MEMBER, team_id=manager.team_id)


def restricted_reviews() -> QuerySet[AccessReview]:
    return _base().filter(kind=AccessReview.Kind.RESTRICTED)


def open_reviews(reviews: QuerySet[AccessReview]) -> QuerySet[AccessReview]:
    return reviews.filter(outcome=AccessReview.Outcome.OPEN)


def overdue(reviews: QuerySet[AccessReview], today: dt.date) -> QuerySet[AccessReview]:
    """Open reviews whose due day has passed (`schedule.is_overdue`, as a query)."""
    return reviews.filter(outcome=AccessReview.Outcome.OPEN, due_on__lt=today)


def overdue_member_reviews(today: dt.date) -> QuerySet[AccessReview]:
    """Every team's overdue member reviews: information governance sees them all."""
    return overdue(_base().filter(kind=AccessReview.Kind.MEMBER), today)


def review_is_overdue(review: AccessReview, today: dt.date) -> bool:
    return review.is_open and is_overdue(review.due_on, today)


def holdings(review: AccessReview, now: dt.datetime) -> Holdings:
    today = timezone.localdate(now)
    if review.kind == AccessReview.Kind.MEMBER and review.staff is not None:
        labels = dict(Role.choices)
        roles = [(r, labels.get(r, r)) for r in sorted(review.staff.role_names())]
        grant_filter = Q(grantee=review.staff)
        allocation_filter = Q(staff=review.staff)
    else:
        cases = Case.objects.filter(subject=review.subject)
        roles, grant_filter, allocation_filter = [], Q(case__in=cases), Q(case__in=cases)
    grants = (
        AccessGrant.objects.filter(grant_filter)
        .filter(status=AccessGrant.Status.APPROVED, starts_at__lte=now, expires_at__gt=now)
        .select_related("case", "grantee")
        .order_by("case__case_id", "id")
    )
    allocations = (
        Allocation.objects.filter(allocation_filter)
        .filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("case", "staff")
        .order_by("case__case_id", "id")
    )
    return Holdings(roles, list(grants), list(allocations))


def is_reviewer(staff: StaffMember) -> bool:
    return bool(staff.role_names() & {RoleName.TEAM_MANAGER, RoleName.IG_OFFICER})
