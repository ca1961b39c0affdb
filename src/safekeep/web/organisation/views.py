"""Staff directory pages: a manager's team; the system administrator's add, change and end.

Views are thin: a guard, one selector or service call, a response.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from safekeep.audit.writing import Origin
from safekeep.organisation import selectors
from safekeep.organisation.forms import EndStaffForm, StaffForm
from safekeep.organisation.models import StaffMember
from safekeep.organisation.services import StaffInvalid, staff_create, staff_end, staff_update
from safekeep.web.decorators import role_required
from safekeep.web.errors import Refused

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
        try:
            staff = staff_create(
                origin=Origin.from_request(request),
                staff_id=form.cleaned_data["staff_id"].strip(),
                details=form.details(),
            )
        except StaffInvalid as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{staff.full_name} ({staff.staff_id}) has been added.")
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
        try:
            staff_update(origin=Origin.from_request(request), staff=staff, details=form.details())
        except StaffInvalid as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, f"{staff.full_name} ({staff.staff_id}) has been changed.")
            return redirect("organisation:staff-list")
    context = {"page_title": f"Change {staff.full_name}", "form": form, "staff": staff}
    return render(request, "organisation/staff_form.html", context)


@role_required("sysadmin")
def staff_end_view(request: HttpRequest, staff_id: str) -> HttpResponse:
    staff = get_object_or_404(StaffMember, staff_id=staff_id)
    form = EndStaffForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            staff_end(
                origin=Origin.from_request(request),
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


def _add_errors(form: StaffForm | EndStaffForm, exc: StaffInvalid) -> None:
    for field, message in exc.errors.items():
        form.add_error(field if field in form.fields else None, message)
