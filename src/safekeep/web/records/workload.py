"""The team manager's workload: counts, the unallocated queue and the team's cases; and
ending an allocation or revoking access with a reason. Every read goes through the door's
listing, every change through the door and an existing service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from safekeep.access import door, duties
from safekeep.access.context import request_context
from safekeep.access.door import AccessRefused, CaseAccess
from safekeep.access.vocabulary import Action, Duty
from safekeep.organisation import selectors as organisation_selectors
from safekeep.organisation.roles import RoleName
from safekeep.records import selectors, services, workload
from safekeep.records.services.allocations import require_reason
from safekeep.records.workload_forms import (
    EndAllocationForm,
    RevokeGrantForm,
    WorkloadFilterForm,
)
from safekeep.web.decorators import role_required
from safekeep.web.errors import Refused
from safekeep.web.pages import error_summary, origin_of, refusal_page, staff_of
from safekeep.web.records.opening import case_form, case_page

PAGE_SIZE = 25
QUEUE_SHOWN = 10


@role_required(RoleName.TEAM_MANAGER)
def team_workload(request: HttpRequest) -> HttpResponse:
    """Who holds how much, what waits for a worker, and the team's cases, for the team the
    manager manages -- only what the door's listing lets them see."""
    staff = staff_of(request)
    team = organisation_selectors.managed_team(staff=staff)
    if team is None:  # pragma: no cover - role_required already ensures a manager role
        raise Refused("You do not manage a team.")
    form = WorkloadFilterForm(request.GET or None)
    chosen = form.chosen()
    context: dict[str, object] = {
        "page_title": f"Workload: {team.name}",
        "team": team,
        "form": form,
        "error_summary": error_summary(form) if request.GET and not form.is_valid() else [],
        "filtered": chosen != workload.CaseFilter(),
    }
    req_context = request_context(request)
    try:
        listing = door.case_list(staff=staff, context=req_context, origin=origin_of(request))
    except AccessRefused as refusal:
        context["device_refusal"] = refusal.decision.words[0]
        return render(request, "records/workload.html", context)
    today, now = req_context.today, req_context.now
    members = organisation_selectors.team_members(team=team, today=today)
    queue = workload.unallocated_queue(listing.cases, team=team, today=today)
    cases = workload.filtered_cases(listing.cases, team=team, today=today, chosen=chosen, now=now)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    door.record_list(listing, page=page.number, searched=bool(context["filtered"]))
    waiting, shown = list(queue[:QUEUE_SHOWN]), list(page.object_list)
    workers = workload.workers_of(shown, today=today)
    context.update(
        {
            "loads": workload.member_loads(listing.cases, team=team, members=members, today=today),
            "queue_count": queue.count(),
            "queue": selectors.case_rows(waiting),
            "page": page,
            "rows": [(row, workers[row.case.pk]) for row in selectors.case_rows(shown)],
        }
    )
    status = 400 if context["error_summary"] else 200
    return render(request, "records/workload.html", context, status=status)


@case_page(Duty.ALLOCATE)
def allocation_end(request: HttpRequest, access: CaseAccess, allocation_id: int) -> HttpResponse:
    """End someone's allocation from a day, with the manager's reason."""
    today = access.context.today
    allocation = (
        workload.open_allocations(case=access.case, today=today).filter(pk=allocation_id).first()
    )
    if allocation is None:
        _unchanged(request, access)
        raise Http404("There is no allocation in force with that number on this case")

    def perform(data: dict[str, Any]) -> object:
        reason = require_reason(data["reason"], doing="ending this allocation")
        return services.allocation_end(
            access=access, allocation=allocation, ends_on=data["ends_on"], reason=reason
        )

    yesterday = today - dt.timedelta(days=1)
    return case_form(
        request,
        access,
        form=EndAllocationForm(
            request.POST or None, initial={"ends_on": max(allocation.starts_on, yesterday)}
        ),
        perform=perform,
        success_message=f"{allocation.staff.full_name}'s allocation ended",
        template="records/allocation_end_form.html",
        page_title="End an allocation",
        allocation=allocation,
    )


@case_page(Action.VIEW)
def grant_revoke(request: HttpRequest, access: CaseAccess, grant_id: int) -> HttpResponse:
    """Revoke someone's time-limited access before it expires, with a reason. The door
    decides as for approving it (the owning team's manager; IG for a restricted person)."""
    grant = workload.approved_grants(case=access.case, now=access.context.now).filter(pk=grant_id)
    found = grant.first()
    if found is None:
        _unchanged(request, access)
        raise Http404("There is no approved access with that number on this case")
    try:
        duty = door.grant_access(
            staff=access.staff, grant=found, context=access.context, origin=access.origin
        )
    except AccessRefused as refusal:
        return refusal_page(request, refusal)

    def perform(data: dict[str, Any]) -> object:
        reason = require_reason(data["reason"], doing="revoking this access")
        return services.grant_revoke(access=duty, grant=found, reason=reason)

    return case_form(
        request,
        access,
        form=RevokeGrantForm(request.POST or None),
        perform=perform,
        success_message=f"{found.grantee.full_name}'s access revoked",
        template="records/grant_revoke_form.html",
        page_title="Revoke access",
        grant=found,
    )


def _unchanged(request: HttpRequest, access: CaseAccess) -> None:
    """A POST about something not (or no longer) there changed nothing: record its decision
    (a GET's was recorded when the case opened)."""
    if request.method == "POST":
        door.record_unchanged(access)


def case_page_offers(access: CaseAccess) -> dict[str, frozenset[int]]:
    """Which allocations the case page may offer to end, and which access to revoke: only
    what the door would allow (the same pure rules, from facts already gathered)."""
    case, today = access.case, access.context.today
    ending: frozenset[int] = frozenset()
    if access.may(Duty.ALLOCATE):
        ending = frozenset(
            workload.open_allocations(case=case, today=today).values_list("pk", flat=True)
        )
    revocable = frozenset(
        grant.pk
        for grant in workload.approved_grants(case=case, now=access.context.now)
        if duties.may_decide_grant(
            access.actor,
            duties.GrantRequestFacts(
                grantee_pk=grant.grantee_id,
                owning_team_id=case.owning_team_id,
                subject_restricted=case.subject.restricted,
            ),
            today,
        ).allowed
    )
    return {"ending": ending, "revocable": revocable}
