"""IG pages: the dashboard (its sections in `dashboard`), triaging an alert, finding a
person, and three reports of the audit log with CSV export. Thin."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.access.door import AccessRefused
from safekeep.audit import chain, selectors
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin, audit_event
from safekeep.governance import selectors as governance
from safekeep.governance import services
from safekeep.governance.errors import GovernanceError
from safekeep.organisation.roles import RoleName
from safekeep.web.decorators import role_required
from safekeep.web.governance.dashboard import Viewer, render_sections
from safekeep.web.governance.forms import (
    AlertTriageForm,
    PeriodForm,
    PersonSearchForm,
    StaffPeriodForm,
    SubjectForm,
)
from safekeep.web.pages import origin_of, refusal_page, staff_of

PAGE_ROWS = 200
IG = RoleName.IG_OFFICER


def _record(request: HttpRequest, report: str, reasons: list[str]) -> None:
    audit_event(
        origin=Origin.from_request(request),
        action=f"audit.{report}",
        decision=AuditEntry.Decision.ALLOWED,
        object_type="audit_report",
        object_id=report,
        reasons=reasons,
    )


def _dashboard(request: HttpRequest, *, error: str = "") -> HttpResponse:
    viewer = Viewer(staff_of(request), request_context(request))
    sections = render_sections(request, viewer)
    _record(request, "dashboard", [])
    return render(
        request,
        "governance/dashboard.html",
        {"page_title": "Information governance", "sections": sections, "error": error},
        status=400 if error else 200,
    )


@role_required(IG)
def dashboard(request: HttpRequest) -> HttpResponse:
    return _dashboard(request)


@role_required(IG)
@require_POST
def alert_triage(request: HttpRequest) -> HttpResponse:
    """Acknowledge or dismiss one alert; a problem shows the dashboard again with it."""
    form = AlertTriageForm(request.POST)
    if not form.is_valid():
        return _dashboard(request, error=str(next(iter(form.errors.values()))[0]))
    data = form.cleaned_data
    context = request_context(request)
    found = governance.alert_raised(data["rule"], data["key"], context.now)
    if found is None:
        return _dashboard(request, error="This alert is no longer raised")
    alert, about = found
    try:
        access = door.alert_triage_access(
            staff=staff_of(request),
            alert=governance.triage_name(alert),
            about=about,
            context=context,
            origin=origin_of(request),
        )
        triage = services.alert_triage(
            access=access, alert=alert, state=data["state"], note=data["note"]
        )
    except AccessRefused as refusal:
        return refusal_page(request, refusal)
    except GovernanceError as problem:
        return _dashboard(request, error=problem.message)
    messages.success(request, f"Alert {triage.get_state_display().lower()}")
    return redirect(reverse("audit:dashboard") + "#section-alerts")


@role_required(IG)
def people_search(request: HttpRequest) -> HttpResponse:
    """Find a subject by name, date of birth or case id (exact: names are sealed)."""
    form = PersonSearchForm(request.GET or None)
    search = None
    if form.is_bound and form.is_valid():
        search = governance.subject_search(form.cleaned_data["q"])
        found = [f.subject.subject_id for f in search.found]
        _record(
            request,
            "subject_search",
            [f"by {search.how}", "found " + (", ".join(found) if found else "nobody")],
        )
    return render(
        request,
        "governance/people.html",
        {"page_title": "Find a person", "form": form, "search": search},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _report(
    request: HttpRequest,
    *,
    name: str,
    title: str,
    form: forms.Form,
    intro: str,
) -> HttpResponse:
    entries: QuerySet[AuditEntry] | None = None
    about = None
    if request.GET and form.is_valid():
        data = form.cleaned_data
        chain.chain_pending()  # the report shows sequence numbers: nothing left waiting
        if name == "subject":
            entries = selectors.subject_access(subject_id=data["subject_id"])
            about = governance.subject_named(data["subject_id"])
        elif name == "staff":
            entries = selectors.staff_activity(
                staff_id=data["staff_id"], date_from=data["date_from"], date_to=data["date_to"]
            )
        else:
            entries = selectors.refusals(date_from=data["date_from"], date_to=data["date_to"])
        wants_csv = request.GET.get("format") == "csv"
        _record(
            request,
            f"report_{name}" + ("_csv" if wants_csv else ""),
            [f"{key}={value}" for key, value in sorted(data.items())],
        )
        if wants_csv:
            response = HttpResponse(selectors.entries_csv(entries), content_type="text/csv")
            response["Content-Disposition"] = f'attachment; filename="audit-{name}.csv"'
            return response
    query = request.GET.copy()
    query["format"] = "csv"
    rows = list(entries[: PAGE_ROWS + 1]) if entries is not None else None
    return render(
        request,
        "audit/report.html",
        {
            "page_title": title,
            "name": name,
            "about": about,
            "intro": intro,
            "form": form if request.GET else form.__class__(),
            "submitted": bool(request.GET),
            "rows": governance.log_rows(rows[:PAGE_ROWS]) if rows is not None else None,
            "more": rows is not None and len(rows) > PAGE_ROWS,
            "page_rows": PAGE_ROWS,
            "csv_query": query.urlencode(),
        },
    )


@role_required(IG)
def subject_report(request: HttpRequest) -> HttpResponse:
    return _report(
        request,
        name="subject",
        title="Who has accessed a subject's records",
        form=SubjectForm(request.GET or None),
        intro="Every decision and change recorded about one subject's records, newest first. "
        "Use it for IG enquiries and subject access requests.",
    )


@role_required(IG)
def staff_report(request: HttpRequest) -> HttpResponse:
    return _report(
        request,
        name="staff",
        title="What one staff member accessed",
        form=StaffPeriodForm(request.GET or None),
        intro="Everything one person did in a period, for investigations.",
    )


@role_required(IG)
def refusals_report(request: HttpRequest) -> HttpResponse:
    return _report(
        request,
        name="refusals",
        title="Refusals",
        form=PeriodForm(request.GET or None),
        intro="Every refused decision in a period, with the reasons given to the person.",
    )
