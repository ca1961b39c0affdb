"""IG pages: the dashboard with anomaly alerts, and three reports with CSV export. Thin."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from safekeep.audit import chain, selectors
from safekeep.audit.forms import PeriodForm, StaffPeriodForm, SubjectForm
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin, audit_event
from safekeep.governance import alerts
from safekeep.web.decorators import role_required

PAGE_ROWS = 200


def _queue_url() -> str | None:
    try:
        return reverse("records:break-glass-queue")
    except NoReverseMatch:
        return None


def _record(request: HttpRequest, report: str, reasons: list[str]) -> None:
    audit_event(
        origin=Origin.from_request(request),
        action=f"audit.{report}",
        decision=AuditEntry.Decision.ALLOWED,
        object_type="audit_report",
        object_id=report,
        reasons=reasons,
    )


@role_required("ig_officer")
def dashboard(request: HttpRequest) -> HttpResponse:
    results = alerts.evaluate_all()
    _record(request, "dashboard", [])
    return render(
        request,
        "audit/dashboard.html",
        {
            "page_title": "Audit",
            "rules": results,
            "alert_count": sum(len(r.alerts) for r in results),
            "status": selectors.chain_status(),
            "break_glass_queue_url": _queue_url(),
        },
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
    if request.GET and form.is_valid():
        data = form.cleaned_data
        chain.chain_pending()  # the report shows sequence numbers: nothing left waiting
        if name == "subject":
            entries = selectors.subject_access(subject_id=data["subject_id"])
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
            "intro": intro,
            "form": form if request.GET else form.__class__(),
            "submitted": bool(request.GET),
            "rows": rows[:PAGE_ROWS] if rows is not None else None,
            "more": rows is not None and len(rows) > PAGE_ROWS,
            "page_rows": PAGE_ROWS,
            "csv_query": query.urlencode(),
        },
    )


@role_required("ig_officer")
def subject_report(request: HttpRequest) -> HttpResponse:
    return _report(
        request,
        name="subject",
        title="Who has accessed a subject's records",
        form=SubjectForm(request.GET or None),
        intro="Every decision and change recorded about one subject's records, newest first. "
        "Use it for IG enquiries and subject access requests.",
    )


@role_required("ig_officer")
def staff_report(request: HttpRequest) -> HttpResponse:
    return _report(
        request,
        name="staff",
        title="What one staff member accessed",
        form=StaffPeriodForm(request.GET or None),
        intro="Everything one person did in a period, for investigations.",
    )


@role_required("ig_officer")
def refusals_report(request: HttpRequest) -> HttpResponse:
    return _report(
        request,
        name="refusals",
        title="Refusals",
        form=PeriodForm(request.GET or None),
        intro="Every refused decision in a period, with the reasons given to the person.",
    )
