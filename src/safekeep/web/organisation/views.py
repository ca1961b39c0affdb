"""Staff directory pages: a manager's team; the system administrator's add, change and end;
the changes waiting for a second person.

Views are thin: a guard, the door, one selector or service call, a response. What a change
gives that needs a second person waits for one (organisation.services); nobody changes
their own roles, team or dates (access.duties).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Min, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.access.vocabulary import Duty
from safekeep.organisation import selectors
from safekeep.organisation.forms import EndStaffForm, StaffForm
from safekeep.organisation.models import StaffChange, StaffMember
from safekeep.organisation.roles import RoleName, Standing
from safekeep.organisation.services import (
    StaffInvalid,
    staff_change_decide,
    staff_create,
    staff_end,
    staff_update,
    standing_of,
    wanted,
)
from safekeep.records.forms import DecisionForm
from safekeep.web.context_processors import safe_reverse
from safekeep.web.decorators import role_required
from safekeep.web.errors import Refused
from safekeep.web.pages import origin_of, staff_of
from safekeep.web.queues import queue_page

PAGE_SIZE = 50


def _rows(staff: list[StaffMember]) -> list[dict[str, object]]:
    today = timezone.localdate()
    return [
        {
            "staff": member,
            "roles": ", ".join(sorted(role.get_role_display() for role in member.roles.all())),
            "status": selectors.staff_status(member, today),
            "is_leaver": member.is_leaver(today),
        }
        for member in staff
    ]


@role_required(*selectors.MANAGER_ROLES)
def team(request: HttpRequest) -> HttpResponse:
    manager = request.user.staff  # type: ignore[union-attr]
    assert manager is not None  # role_required ensures it
    managed = selectors.managed_team(staff=manager)
    if managed is None:  # pragma: no cover - role_required already ensures a manager role
        raise Refused("You do not manage a team.")
    today = timezone.localdate()
    context = {
        "page_title": f"Your team: {managed.name}",
        "team": managed,
        "members": _rows(list(selectors.team_members(team=managed, today=today))),
        "leavers": _rows(list(selectors.leavers(today=today, team=managed))),
        # A team manager reports an incident about their team in one form (FOI q1g).
        "report_number_url": safe_reverse("governance:number-shared")
        if RoleName.TEAM_MANAGER in manager.role_names()
        else None,
    }
    return render(request, "organisation/team.html", context)


@role_required("sysadmin")
def staff_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.staff_search(query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page_title": "Staff",
        "query": query,
        "page": page,
        "rows": _rows(list(page.object_list)),
    }
    return render(request, "organisation/staff_list.html", context)


@role_required("sysadmin")
def staff_add(request: HttpRequest) -> HttpResponse:
    form = StaffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        access = _may_change(request, None, wanted(form.details()))
        try:
            staff = staff_create(
                origin=access.origin,
                staff_id=form.cleaned_data["staff_id"].strip(),
                details=form.details(),
            )
        except StaffInvalid as exc:
            _add_errors(form, exc)
        else:
            _saved(request, staff, "has been added")
            return redirect("organisation:staff-list")
    return render(
        request,
        "organisation/staff_form.html",
        {"page_title": "Add a member of staff", "form": form},
    )


@role_required("sysadmin")
def staff_change(request: HttpRequest, staff_id: str) -> HttpResponse:
    staff = get_object_or_404(StaffMember, staff_id=staff_id)
    form = StaffForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        access = _may_change(request, staff, wanted(form.details()))
        try:
            staff_update(origin=access.origin, staff=staff, details=form.details())
        except StaffInvalid as exc:
            _add_errors(form, exc)
        else:
            _saved(request, staff, "has been changed")
            return redirect("organisation:staff-list")
    context = {"page_title": f"Change {staff.full_name}", "form": form, "staff": staff}
    return render(request, "organisation/staff_form.html", context)


@role_required("sysadmin")
def staff_end_view(request: HttpRequest, staff_id: str) -> HttpResponse:
    staff = get_object_or_404(StaffMember, staff_id=staff_id)
    form = EndStaffForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        ending = replace(standing_of(staff), end_date=form.cleaned_data["end_date"])
        access = _may_change(request, staff, ending)
        try:
            staff_end(
                origin=access.origin,
                staff=staff,
                end_date=form.cleaned_data["end_date"],
            )
        except StaffInvalid as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request,
                f"{staff.full_name} ({staff.staff_id}) ends on "
                f"{staff.end_date.isoformat() if staff.end_date else ''}. From the next day "
                "they have no access at all.",
            )
            return redirect("organisation:staff-list")
    context = {"page_title": f"End {staff.full_name}'s work", "form": form, "staff": staff}
    return render(request, "organisation/staff_end.html", context)


@require_http_methods(["GET", "POST"])
@role_required(RoleName.SYSADMIN, RoleName.IG_OFFICER)
def staff_changes(request: HttpRequest) -> HttpResponse:
    """Changes waiting for a second person: another system administrator, or IG. The
    changes one import asked for may be decided together, each through the door."""
    pending = door.queue(
        staff=staff_of(request), duty=Duty.DECIDE_STAFF_CHANGE, context=request_context(request)
    )
    batch = request.POST.get("batch", "")
    if request.method == "POST" and batch:
        return _decide_batch(request, pending.filter(batch=batch))
    return queue_page(
        request,
        model=StaffChange,
        field="change",
        form_class=DecisionForm,
        choose="Choose approve or refuse",
        ask=door.staff_change_decision_access,
        perform=_decide,
        done="Decision recorded",
        template="organisation/staff_changes.html",
        page_title="Changes waiting for a second person",
        pending=pending,
        batches=_batches(pending),
    )


def _batches(pending: QuerySet[StaffChange]) -> list[dict[str, object]]:
    """The imports with more than one change waiting: (batch, how many, who asked, when)."""
    rows = (
        pending.exclude(batch="")
        .values("batch", "requested_as")
        .annotate(count=Count("id"), at=Min("requested_at"))
        .filter(count__gt=1)
        .order_by("at")
    )
    return [dict(row) for row in rows]


def _decide_batch(request: HttpRequest, changes: QuerySet[StaffChange]) -> HttpResponse:
    """Every change of one import, decided as the second person would decide each."""
    decision = request.POST.get("decision")
    if decision not in {"approve", "refuse"}:
        messages.error(request, "Choose approve or refuse")
        return redirect("organisation:staff-changes")
    done = 0
    for change in changes:
        access = door.staff_change_decision_access(
            staff=staff_of(request),
            change=change,
            context=request_context(request),
            origin=origin_of(request),
        )
        _decide(access, change, {"decision": decision})
        done += 1
    messages.success(request, f"Decision recorded for {done} changes")
    return redirect("organisation:staff-changes")


def _decide(access: door.DutyAccess, change: StaffChange, data: dict[str, Any]) -> object:
    return staff_change_decide(
        origin=access.origin,
        change=change,
        approve=data["decision"] == "approve",
        decided_by=access.staff,
    )


def _may_change(
    request: HttpRequest, target: StaffMember | None, standing: Standing
) -> door.DutyAccess:
    """The door's answer for this change; a refusal (e.g. one's own roles) is a 403."""
    try:
        return door.staff_change_access(
            staff=staff_of(request),
            target=target,
            wanted=standing,
            context=request_context(request),
            origin=origin_of(request),
        )
    except door.AccessRefused as refusal:
        raise Refused(*(r[:1].upper() + r[1:] + "." for r in refusal.decision.words)) from None


def _saved(request: HttpRequest, staff: StaffMember, done: str) -> None:
    waiting = staff.changes.filter(status=StaffChange.Status.WAITING)
    message = f"{staff.full_name} ({staff.staff_id}) {done}."
    if waiting.exists():
        gives = "; ".join(g for change in waiting for g in change.gives)
        message += f" What waits for a second person's approval: {gives}."
    messages.success(request, message)


def _add_errors(form: StaffForm | EndStaffForm, exc: StaffInvalid) -> None:
    for field, message in exc.errors.items():
        form.add_error(field if field in form.fields else None, message)
