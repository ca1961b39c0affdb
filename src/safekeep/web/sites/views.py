"""The sites pages: the centre manager's list and site page (door codes, visitors, the
end-of-day check, paper files), IG's overdue view, and printing a case record.

Thin: a role guard or the door, one service call, a response. Every page that shows or
changes something is audited.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.access.vocabulary import Action
from safekeep.audit.writing import audit_event
from safekeep.organisation.models import Site
from safekeep.organisation.roles import RoleName
from safekeep.sites import printing, selectors, services
from safekeep.sites.errors import SitesError
from safekeep.sites.models import Door, PaperFile, PrintJob, Visit
from safekeep.web.decorators import role_required, verified_staff_required
from safekeep.web.pages import form_page, origin_of, refusal_page, staff_of
from safekeep.web.sites.forms import (
    CheckOutForm,
    DoorCodeForm,
    EndOfDayForm,
    PrintForm,
    ReleaseForm,
    VisitForm,
)

MANAGERS = (RoleName.CENTRE_MANAGER,)
OVERSIGHT = (RoleName.CENTRE_MANAGER, RoleName.IG_OFFICER)


def _seen(request: HttpRequest, action: str, object_type: str, object_id: str) -> None:
    audit_event(
        origin=origin_of(request),
        action=action,
        decision="allowed",
        object_type=object_type,
        object_id=object_id,
    )


@role_required(*OVERSIGHT)
def site_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    _seen(request, "sites.view", "page", "sites")
    return render(
        request,
        "sites/site_list.html",
        {
            "sites": selectors.sites(),
            "overdue_rotations": selectors.overdue_rotations(today),
            "open_rotations": selectors.open_rotations(),
            "overdue_files": selectors.overdue_checkouts(today),
            "missed_checks": selectors.missed_checks()[:20],
        },
    )


@role_required(*MANAGERS)
def site_detail(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=pk)
    now = timezone.now()
    today = timezone.localdate(now)
    _seen(request, "site.view", "site", site.site_id or str(site.pk))
    still_in = list(selectors.visits_still_in(site=site))
    return render(
        request,
        "sites/site_detail.html",
        {
            "site": site,
            "today": today,
            "doors": selectors.doors_of(site),
            "rotations": selectors.open_rotations(site=site),
            "printers": selectors.printers_of(site),
            "still_in": [(v, selectors.not_signed_out_by_end_of_day(v, now)) for v in still_in],
            "checks": selectors.checks_of(site),
            "missed": selectors.missed_checks(site=site)[:10],
            "files": selectors.file_states(selectors.paper_files_of(site), today),
        },
    )


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def door_code(request: HttpRequest, pk: int) -> HttpResponse:
    the_door = get_object_or_404(Door.objects.select_related("site"), pk=pk)
    form = DoorCodeForm(request.POST or None, today=timezone.localdate())
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            services.door_code_record(
                manager=staff_of(request),
                door=the_door,
                code=form.cleaned_data["code"],
                holders=form.cleaned_data["holders"],
                origin=origin_of(request),
            )
        except SitesError as exc:
            problem = exc
        else:
            messages.success(request, f"The new {the_door.name} code is recorded.")
            return redirect("sites:site", pk=the_door.site_id)
    return form_page(request, "sites/door_code.html", form, problem, door=the_door)


@verified_staff_required
@require_POST
def door_code_show(request: HttpRequest, pk: int) -> HttpResponse:
    the_door = get_object_or_404(Door.objects.select_related("site"), pk=pk)
    try:
        code = services.door_code_reveal(
            staff=staff_of(request), door=the_door, origin=origin_of(request)
        )
    except SitesError as exc:
        return render(request, "web/error.html", {"title": exc.message}, status=403)
    response = render(request, "sites/door_code_shown.html", {"door": the_door, "code": code})
    response["Cache-Control"] = "no-store"
    return response


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def visitors(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=pk)
    now = timezone.now()
    form = VisitForm(request.POST or None, today=timezone.localdate(now))
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_sign_in(
                by=staff_of(request), site=site, origin=origin_of(request), **form.cleaned_data
            )
        except SitesError as exc:
            problem = exc
        else:
            messages.success(request, f"{form.cleaned_data['visitor_name']} is signed in.")
            return redirect("sites:visitors", pk=site.pk)
    search = request.GET.get("q", "")[:100]
    if request.method == "GET":
        _seen(request, "visits.search", "site", site.site_id or str(site.pk))
    log = [
        (v, selectors.not_signed_out_by_end_of_day(v, now))
        for v in selectors.visits(site=site, search=search)[:200]
    ]
    return form_page(
        request, "sites/visitors.html", form, problem, site=site, log=log, search=search
    )


@role_required(*MANAGERS)
@require_POST
def visitor_out(request: HttpRequest, pk: int) -> HttpResponse:
    visit = get_object_or_404(Visit.objects.select_related("site"), pk=pk)
    try:
        services.visit_sign_out(visit=visit, origin=origin_of(request))
        messages.success(request, f"{visit.visitor_name} is signed out.")
    except SitesError as exc:
        messages.error(request, exc.message)
    return redirect("sites:visitors", pk=visit.site_id)


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def end_of_day(request: HttpRequest, pk: int) -> HttpResponse:
    site = get_object_or_404(Site, pk=pk)
    form = EndOfDayForm(request.POST or None)
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            services.end_of_day_record(
                by=staff_of(request), site=site, origin=origin_of(request), **form.cleaned_data
            )
        except SitesError as exc:
            problem = exc
        else:
            messages.success(request, "Tonight's check is recorded.")
            return redirect("sites:site", pk=site.pk)
    return form_page(request, "sites/end_of_day.html", form, problem, site=site)


@verified_staff_required
@require_POST
def paper_file(request: HttpRequest, file_id: str) -> HttpResponse:
    """Check the file out (the door must let this person view its case) or return it."""
    the_file = get_object_or_404(PaperFile.objects.select_related("case", "site"), file_id=file_id)
    if request.POST.get("action") == "return":
        try:
            services.paper_file_return(paper_file=the_file, origin=origin_of(request))
            messages.success(
                request, f"Paper file {the_file.file_id} is back in {the_file.cabinet}."
            )
        except SitesError as exc:
            messages.error(request, exc.message)
        if request.POST.get("next") == "site":
            return redirect("sites:site", pk=the_file.site_id)
        return redirect("records:case", case_id=the_file.case.case_id)
    try:
        access = door.case_access(
            staff=staff_of(request),
            case_id=the_file.case.case_id,
            action=Action.VIEW,
            context=request_context(request),
            origin=origin_of(request),
            change=True,
        )
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    form = CheckOutForm(request.POST)
    try:
        due = form.cleaned_data["due_back"] if form.is_valid() else None
        services.paper_file_check_out(access=access, paper_file=the_file, due_back=due)
        messages.success(request, f"Paper file {the_file.file_id} is checked out to you.")
    except SitesError as exc:
        door.record_unchanged(access)
        messages.error(request, exc.message)
    return redirect("records:case", case_id=the_file.case.case_id)


@verified_staff_required
@require_http_methods(["GET", "POST"])
def case_print(request: HttpRequest, case_id: str) -> HttpResponse:
    form = PrintForm(request.POST or None)
    if request.method == "GET" or not form.is_valid():
        return form_page(request, "sites/print.html", form, case_id=case_id)
    printer = form.cleaned_data["printer"]
    try:
        access = door.case_access(
            staff=staff_of(request),
            case_id=case_id,
            action=Action.PRINT,
            context=printing.print_context(request_context(request), printer),
            origin=origin_of(request),
            change=True,
        )
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    try:
        printed = printing.case_print(access=access, printer=printer)
    except SitesError as exc:
        door.record_unchanged(access)
        return form_page(request, "sites/print.html", form, exc, case_id=case_id)
    return render(
        request,
        "sites/printed.html",
        {"job": printed.job, "code": printed.release_code, "case_id": case_id},
    )


@verified_staff_required
@require_http_methods(["GET", "POST"])
def release(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(PrintJob.objects.select_related("printer", "case"), pk=pk)
    form = ReleaseForm(request.POST or None)
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            printing.job_release(
                job=job,
                staff=staff_of(request),
                code=form.cleaned_data["code"],
                origin=origin_of(request),
            )
        except SitesError as exc:
            problem = exc
        else:
            messages.success(request, f"Your job is printing on {job.printer.name}.")
            return redirect("records:case", case_id=job.case.case_id)
    return form_page(request, "sites/release.html", form, problem, job=job)
