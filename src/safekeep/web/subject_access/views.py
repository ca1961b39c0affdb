"""IG's subject access pages: the requests with their clocks, finding the person and opening
a request, the request's page (identity, extension, the gathered records with what is
withheld, the access history), the preview, the password-protected export and its download.

Thin: the door decides (`subject_access`, information governance only), a service in
safekeep.subject_access writes, and every page and step is audited against the subject.
The export's password goes straight from the form to the encryption: it is not stored,
logged or kept in the session.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.audit.wording import action_words
from safekeep.governance.selectors import subject_search
from safekeep.records.selectors import subject_person
from safekeep.subject_access import selectors, services
from safekeep.subject_access.clock import MAX_EXTENSION_MONTHS
from safekeep.subject_access.models import SubjectAccessRequest
from safekeep.web.decorators import verified_staff_required
from safekeep.web.pages import error_summary, origin_of, refusal_page, staff_of
from safekeep.web.subject_access import forms as sar_forms

HISTORY_ROWS = 1000


@dataclass(slots=True)
class Problem:
    """A service's refusal, for the error summary (not tied to one field)."""

    message: str
    field: str = ""


def _door(request: HttpRequest, about: SubjectAccessRequest | None) -> door.DutyAccess:
    return door.subject_access(
        staff=staff_of(request),
        about=about,
        context=request_context(request),
        origin=origin_of(request),
    )


def _open(request: HttpRequest, pk: int) -> tuple[door.DutyAccess, SubjectAccessRequest]:
    """The door first, so nobody but IG learns which request numbers exist; then the request.
    Raises AccessRefused or Http404."""
    found = selectors.request_get(pk)
    access = _door(request, found)
    if found is None:
        raise Http404("No subject access request has this number")
    return access, found


@require_GET
@verified_staff_required
def request_list(request: HttpRequest) -> HttpResponse:
    """Every request with its countdown, and the search that opens a new one."""
    try:
        access = _door(request, None)
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    form = sar_forms.SearchForm(request.GET if "q" in request.GET else None)
    search = None
    if form.is_bound and form.is_valid():
        search = subject_search(form.cleaned_data["q"])
        found = [f.subject.subject_id for f in search.found]
        services.seen(
            access, None, "search", f"by {search.how}", "found " + (", ".join(found) or "nobody")
        )
    else:
        services.seen(access, None, "list")
    rows = selectors.all_requests(today=access.context.today)
    return render(
        request,
        "subject_access/list.html",
        {
            "page_title": "Subject access requests",
            "rows": [(row, subject_person(row.request.subject)) for row in rows],
            "form": form,
            "search": search,
            "error_summary": error_summary(form) if form.is_bound else [],
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_http_methods(["GET", "POST"])
@verified_staff_required
def request_new(request: HttpRequest, subject_id: str) -> HttpResponse:
    """Open a request for the person found: the day it was received starts the clock."""
    try:
        access = _door(request, None)
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    subject = selectors.subject_get(subject_id)  # after the door: only IG learns who exists
    if subject is None:
        raise Http404("Nobody has this subject ID")
    today = access.context.today
    form = sar_forms.OpenForm(
        request.POST if request.method == "POST" else None, initial={"received_on": today}
    )
    problem = None
    if form.is_bound and form.is_valid():
        try:
            opened = services.open_request(
                access, subject=subject, received_on=form.cleaned_data["received_on"]
            )
        except services.SarError as error:
            problem = Problem(str(error))
        else:
            messages.success(request, "Request opened: the clock has started")
            return redirect("governance:sar", pk=opened.pk)
    summary = error_summary(form, problem) if form.is_bound else []
    services.seen(
        access, None, "open_refused" if summary else "open_form", subject_id=subject.subject_id
    )
    return render(
        request,
        "subject_access/new.html",
        {
            "page_title": "Open a subject access request",
            "subject": subject,
            "person": subject_person(subject),
            "form": form,
            "error_summary": summary,
        },
        status=400 if summary else 200,
    )


DETAIL_FORMS = ("identity", "extend", "withhold", "release")


def _change(
    access: door.DutyAccess,
    found: SubjectAccessRequest,
    which: str,
    form: forms.Form | None,
    entry_pk: int | None,
) -> str:
    """Carry out one form's step; returns what to tell IG. Raises SarError."""
    if which == "identity":
        assert form is not None  # nosec B101 - narrows the type
        on = form.cleaned_data["confirmed_on"]
        services.confirm_identity(access, found, on=on)
        return f"Identity confirmed on {on:%-d %B %Y}: the clock started again"
    if which == "extend":
        assert form is not None  # nosec B101 - narrows the type
        data = form.cleaned_data
        services.extend(access, found, months=data["months"], reason=data["reason"])
        return f"Extended by {data['months']} month{'s' if data['months'] > 1 else ''}"
    entry = selectors.entry_of_subject(found, entry_pk) if entry_pk is not None else None
    if entry is None:
        raise services.SarError("That entry is not on this person's records.")
    if which == "withhold":
        assert form is not None  # nosec B101 - narrows the type
        services.withhold(access, found, entry=entry, reason=form.cleaned_data["reason"])
        return "Entry withheld: it will not be in the export"
    services.release(access, found, entry=entry)
    return "Entry included again: it will be in the export"


def _entry_pk(request: HttpRequest) -> int | None:
    text = request.POST.get("entry", "")
    return int(text) if text.isdigit() else None


@require_http_methods(["GET", "POST"])
@verified_staff_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        access, found = _open(request, pk)
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    if request.method == "POST" and which not in DETAIL_FORMS:
        raise Http404("No such form")
    entry_pk = _entry_pk(request) if which in {"withhold", "release"} else None
    today = access.context.today

    def data(name: str) -> QueryDict | None:
        return request.POST if name == which else None

    identity = sar_forms.IdentityForm(data("identity"), initial={"confirmed_on": today})
    extend = sar_forms.ExtendForm(data("extend"))
    gathered = selectors.gathered(found)
    withhold_forms = {
        item.entry.pk: sar_forms.WithholdForm(
            request.POST if which == "withhold" and entry_pk == item.entry.pk else None,
            prefix=f"entry-{item.entry.pk}",
        )
        for case in gathered
        for item in case.entries
    }
    form: forms.Form | None = {"identity": identity, "extend": extend}.get(which)
    if which == "withhold":
        form = withhold_forms.get(entry_pk) if entry_pk is not None else None
        if form is None:
            raise Http404("That entry is not on this person's records")
    summary: list[dict[str, str]] = []
    if which:
        problem = None
        if form is None or form.is_valid():
            try:
                messages.success(request, _change(access, found, which, form, entry_pk))
                anchor = f"#entry-{entry_pk}" if entry_pk else ""
                return redirect(reverse("governance:sar", kwargs={"pk": found.pk}) + anchor)
            except services.SarError as error:
                problem = Problem(str(error))
        summary = error_summary(form or sar_forms.IdentityForm(), problem)
        if which == "withhold":  # the prefixed field's id
            for item in summary:
                item["href"] = item["href"].replace("#id_", f"#id_entry-{entry_pk}-")
        services.seen(access, found, f"{which}_refused")
    else:
        services.seen(access, found, "view")
    history = selectors.access_history(found.subject)
    return render(
        request,
        "subject_access/detail.html",
        {
            "page_title": "Subject access request",
            "sar": found,
            "person": subject_person(found.subject),
            "clock": selectors.request_clock(found, today=today),
            "forms": {"identity": identity, "extend": extend},
            "gathered": [
                (case.case, [(item, withhold_forms[item.entry.pk]) for item in case.entries])
                for case in gathered
            ],
            "withheld_count": sum(1 for c in gathered for e in c.entries if e.withheld),
            "history": history[-HISTORY_ROWS:],
            "history_total": len(history),
            "history_rows": HISTORY_ROWS,
            "exports": selectors.exports_of(found),
            "can_extend": found.extension_months < MAX_EXTENSION_MONTHS,
            "max_extension": MAX_EXTENSION_MONTHS,
            "which": which,
            "entry_pk": entry_pk,
            "error_summary": summary,
        },
        status=400 if summary else 200,
    )


@require_GET
@verified_staff_required
def request_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """Exactly what the export will hold: the records without the withheld entries, what was
    withheld and why, and the access history so far."""
    try:
        access, found = _open(request, pk)
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    document = services.preview(found)
    services.seen(
        access,
        found,
        "preview",
        f"{len(document['access_history'])} access-history entries",
        f"{len(document['withheld'])} withheld",
    )
    history = [
        {
            **row,
            "words": action_words(row["action"], row["decision"]),
            "when": row["time"][:16].replace("T", " ") + " UTC",
        }
        for row in document["access_history"]
    ]
    return render(
        request,
        "subject_access/preview.html",
        {
            "page_title": "What will be released",
            "sar": found,
            "document": document,
            "history": history,
        },
    )


@require_http_methods(["GET", "POST"])
@verified_staff_required
def request_export(request: HttpRequest, pk: int) -> HttpResponse:
    """Set the file's password and make the AES-256 encrypted ZIP (kept 30 days)."""
    try:
        access, found = _open(request, pk)
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    form = sar_forms.ExportForm(request.POST if request.method == "POST" else None)
    problem = None
    if form.is_bound and form.is_valid():
        try:
            made = services.export(access, found, password=form.cleaned_data["password"])
        except services.SarError as error:
            problem = Problem(str(error))
        else:
            messages.success(request, "Export made: download it below")
            url = reverse("governance:sar", kwargs={"pk": found.pk})
            return redirect(f"{url}#export-{made.pk}")
    summary = error_summary(form, problem) if form.is_bound else []
    services.seen(access, found, "export_refused" if summary else "export_form")
    return render(
        request,
        "subject_access/export.html",
        {
            "page_title": "Make the export",
            "sar": found,
            "person": subject_person(found.subject),
            "form": form,
            "error_summary": summary,
            "keep_days": services.KEEP_EXPORTS_DAYS,
        },
        status=400 if summary else 200,
    )


@require_GET
@verified_staff_required
def export_download(request: HttpRequest, pk: int, export_pk: int) -> HttpResponse:
    try:
        access, found = _open(request, pk)
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    item = selectors.export_get(found, export_pk)
    if item is None:
        raise Http404("This request has no export with this number")
    try:
        data = services.download(access, found, item)
    except services.SarError as error:
        services.seen(access, found, "download_refused", str(error))
        messages.error(request, str(error))
        return redirect("governance:sar", pk=found.pk)
    made = timezone.localtime(item.created_at)
    name = f"subject-access-{found.subject.subject_id}-{made:%Y-%m-%d-%H%M}.zip"
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
