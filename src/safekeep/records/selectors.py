"""Reading case records. Lists come from `access.queries.visible_cases`, so a list, a search
or a count never holds a case the person may not see; one case is read only after the
policy has allowed `view`, and sensitive entries follow the decision.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet

from safekeep.access.policy import VIEW, Context, Decision
from safekeep.access.queries import visible_cases
from safekeep.organisation.models import StaffMember
from safekeep.records.models import (
    AccessGrant,
    Allocation,
    BreakGlass,
    Case,
    Document,
    Entry,
    EntryVersion,
    Referral,
)


def caseload(
    *, staff: StaffMember, context: Context, search: str = "", action: str = VIEW
) -> QuerySet[Case]:
    """The cases this person may see, optionally narrowed by an exact subject-name match.

    The match is exact (whole given name, family name, or both, ignoring case) because names
    will be searched through blind indexes once record content is encrypted.
    """
    cases = visible_cases(staff, context, action).select_related("subject", "owning_team")
    words = search.split()
    if len(words) == 1:
        cases = cases.filter(
            Q(subject__family_name__iexact=words[0]) | Q(subject__given_name__iexact=words[0])
        )
    elif len(words) >= 2:
        cases = cases.filter(
            subject__given_name__iexact=" ".join(words[:-1]),
            subject__family_name__iexact=words[-1],
        )
    return cases.order_by("subject__family_name", "subject__given_name", "case_id")


def case_by_id(case_id: str) -> Case | None:
    """The case, for an access decision; shown to nobody until the decision allows it."""
    return (
        Case.objects.select_related("subject", "owning_team", "owning_team__directorate")
        .filter(case_id=case_id)
        .first()
    )


def case_entries(*, case: Case, decision: Decision) -> QuerySet[Entry]:
    """Entries the decision lets this person see, newest first, with every version."""
    entries = Entry.objects.filter(case=case).select_related("author")
    if not decision.sees_sensitive_entries:
        entries = entries.filter(sensitive=False)
    return entries.prefetch_related(
        Prefetch(
            "versions",
            queryset=EntryVersion.objects.select_related("edited_by").order_by("-number"),
        ),
        Prefetch("document", queryset=Document.objects.all()),
    )


def entry_for_case(*, case: Case, entry_id: int, decision: Decision) -> Entry | None:
    return case_entries(case=case, decision=decision).filter(pk=entry_id).first()


def document_for_case(*, case: Case, entry_id: int, decision: Decision) -> Document | None:
    entry = entry_for_case(case=case, entry_id=entry_id, decision=decision)
    if entry is None:
        return None
    return Document.objects.filter(entry=entry).select_related("entry__case__subject").first()


def case_allocations(*, case: Case) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(case=case)
        .select_related("staff", "created_by")
        .order_by("-starts_on", "-id")
    )


def case_grants(*, case: Case) -> QuerySet[AccessGrant]:
    return (
        AccessGrant.objects.filter(case=case)
        .select_related("grantee", "decided_by", "referral")
        .order_by("-created_at", "-id")
    )


def case_referrals(*, case: Case) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(case=case)
        .select_related("from_team", "to_team", "created_by", "decided_by")
        .order_by("-created_at", "-id")
    )


def grant_requests_for(*, staff: StaffMember, today: dt.date) -> QuerySet[AccessGrant]:
    """Requests waiting for this person: their team's cases, or restricted ones for IG."""
    roles = staff.role_names()
    query = Q(pk__in=[])
    if "team_manager" in roles:
        query |= Q(case__owning_team_id=staff.team_id, case__subject__restricted=False)
    if "ig_officer" in roles:
        query |= Q(case__subject__restricted=True)
    return (
        AccessGrant.objects.filter(query, status=AccessGrant.Status.REQUESTED)
        .exclude(grantee=staff)
        .select_related("case", "grantee")
        .order_by("created_at", "id")
    )


def referrals_for(*, staff: StaffMember) -> QuerySet[Referral]:
    """Open referrals and transfers waiting for this person's team, if they manage it."""
    if "team_manager" not in staff.role_names():
        return Referral.objects.none()
    return (
        Referral.objects.filter(to_team_id=staff.team_id, status=Referral.Status.OPEN)
        .select_related("case", "from_team", "created_by")
        .order_by("created_at", "id")
    )


def break_glass_review_queue() -> QuerySet[BreakGlass]:
    """Every use of break-glass IG has not yet reviewed, oldest first."""
    return (
        BreakGlass.objects.filter(outcome=BreakGlass.Outcome.PENDING)
        .select_related("case", "staff")
        .order_by("started_at", "id")
    )
