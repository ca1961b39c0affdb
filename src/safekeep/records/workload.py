"""Reading a team's workload for its manager: who holds how many cases, which wait for a
worker, and the team's cases sorted and filtered.

Everything starts from the cases the door lets the manager see (`access.door.case_list`),
narrowed to the team they manage, so a count or a queue never holds a case the decision
would hide, nor another team's case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.expressions import OrderBy

from safekeep.organisation.models import StaffMember, Team
from safekeep.records.models import AccessGrant, Allocation, Case

# Never-contacted cases come first when the longest-ago contact is first, last otherwise,
# on every database (PostgreSQL and SQLite order nulls differently by default).
SORTS: dict[str, tuple[str | OrderBy, ...]] = {
    "opened": ("opened_on", "case_id"),
    "-opened": ("-opened_on", "case_id"),
    "contact": (F("last_contact_at").asc(nulls_first=True), "case_id"),
    "-contact": (F("last_contact_at").desc(nulls_last=True), "case_id"),
    "case": ("case_id",),
}
DEFAULT_SORT = "opened"


@dataclass(frozen=True, slots=True)
class MemberLoad:
    """One team member and what they hold now, counted over cases the manager may see."""

    staff: StaffMember
    cases: int
    allocations: int


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """The workload page's filters; empty means "all the team's open cases"."""

    unallocated: bool = False
    no_contact_days: int | None = None
    classification: str = ""
    sort: str = DEFAULT_SORT


def in_force(today: dt.date, prefix: str = "") -> Q:
    """Allocations in force on `today` (started, and not ended before it)."""
    return Q(**{f"{prefix}starts_on__lte": today}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": today})
    )


def team_cases(visible: QuerySet[Case], *, team: Team) -> QuerySet[Case]:
    """The team's open cases among those the door lets this person see."""
    return visible.filter(owning_team=team, closed_on__isnull=True)


def _has_worker(today: dt.date) -> Exists:
    """The case has an allocated worker in force on `today`."""
    return Exists(
        Allocation.objects.filter(
            in_force(today), case=OuterRef("pk"), role=Allocation.Role.ALLOCATED_WORKER
        )
    )


def _with_last_contact(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Each case with its most recent contact (when someone saw or spoke to the person, not
    when it was typed up)."""
    return cases.annotate(last_contact_at=Max("entries__contact_at"))


def unallocated_queue(visible: QuerySet[Case], *, team: Team, today: dt.date) -> QuerySet[Case]:
    """The team's open cases with no allocated worker now, longest waiting (oldest) first."""
    cases = team_cases(visible, team=team).filter(~_has_worker(today))
    return cases.select_related("subject").order_by("opened_on", "case_id")


def filtered_cases(
    visible: QuerySet[Case], *, team: Team, today: dt.date, chosen: CaseFilter, now: dt.datetime
) -> QuerySet[Case]:
    """The team's open cases, filtered and sorted as chosen. "No contact in N days" uses the
    newest entry's time; a case with no entry at all counts as no contact."""
    cases = _with_last_contact(team_cases(visible, team=team))
    if chosen.unallocated:
        cases = cases.filter(~_has_worker(today))
    if chosen.no_contact_days is not None:
        since = now - dt.timedelta(days=chosen.no_contact_days)
        cases = cases.filter(Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=since))
    if chosen.classification:
        cases = cases.filter(classification=chosen.classification)
    order = SORTS.get(chosen.sort, SORTS[DEFAULT_SORT])
    return cases.select_related("subject").order_by(*order)


def member_loads(
    visible: QuerySet[Case], *, team: Team, members: QuerySet[StaffMember], today: dt.date
) -> list[MemberLoad]:
    """Each member's open cases (distinct) and allocations in force, over the visible team
    cases only: two queries, whatever the team's size."""
    allocations = Allocation.objects.filter(
        in_force(today), case__in=team_cases(visible, team=team), staff__in=members
    )
    rows = allocations.values("staff").annotate(
        cases=Count("case", distinct=True), allocations=Count("id")
    )
    counted: dict[int, tuple[int, int]] = {
        int(row["staff"]): (int(row["cases"]), int(row["allocations"])) for row in rows
    }
    return [MemberLoad(member, *counted.get(member.pk, (0, 0))) for member in members]


def open_allocations(*, case: Case, today: dt.date) -> QuerySet[Allocation]:
    """The case's allocations in force, which a manager may end."""
    return Allocation.objects.filter(in_force(today), case=case).select_related("staff")


def approved_grants(*, case: Case, now: dt.datetime) -> QuerySet[AccessGrant]:
    """The case's approved access that has not expired, which may be revoked."""
    return AccessGrant.objects.filter(
        case=case, status=AccessGrant.Status.APPROVED, expires_at__gt=now
    ).select_related("grantee", "case__subject")


def workers_of(cases: list[Case], *, today: dt.date) -> dict[int, list[StaffMember]]:
    """Each listed case's allocated workers now, in one query (for one page of cases)."""
    found: dict[int, list[StaffMember]] = {case.pk: [] for case in cases}
    allocations = Allocation.objects.filter(
        in_force(today), case__in=[case.pk for case in cases], role=Allocation.Role.ALLOCATED_WORKER
    ).select_related("staff")
    for allocation in allocations.order_by("starts_on", "id"):
        found[allocation.case_id].append(allocation.staff)
    return found
