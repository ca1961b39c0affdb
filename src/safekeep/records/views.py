"""Case record pages. Each view: an access decision (through the services or `authorise`),
one service or selector call, a response. Refusals answer 403 with the decision's reasons.

Missing and forbidden look the same: a case id that does not exist gets exactly the refusal
a person with no relationship to an existing case gets (see docs/records.md).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from safekeep.access.context import request_context
from safekeep.access.device_policy import device_decision
from safekeep.access.policy import (
    ADD_ENTRY,
    ASK_MANAGER,
    EDIT,
    NOT_ALLOCATED_REFUSAL,
    USE_BREAK_GLASS,
    VIEW,
    Decision,
)
from safekeep.access.selectors import who_can_see
from safekeep.access.services import AccessRefused, authorise, evaluate, record_access
from safekeep.accounts.decorators import role_required, verified_staff_required
from safekeep.audit.writing import Origin, audit_event
from safekeep.crypto.errors import DecryptionFailed, KeyMissing
from safekeep.devices.context import origin_for
from safekeep.organisation.models import StaffMember
from safekeep.records import forms as record_forms
from safekeep.records import selectors, services
from safekeep.records.models import AccessGrant, BreakGlass, Case, Referral

PAGE_SIZE = 25
ONLY_MANAGER_REFERS = Decision(
    False,
    ("only the manager of the team that owns this case can refer or transfer it",),
    advice=(ASK_MANAGER,),
)
ONLY_MANAGER_ALLOCATES = Decision(
    False,
    ("only the manager of the team that owns this case can allocate it",),
    advice=(ASK_MANAGER,),
)
ONLY_IG_OR_MANAGER_SEES_WHO = Decision(
    False,
    (
        "only information governance and the manager of the team that owns "
        "this case can see who has access to it",
    ),
    advice=(ASK_MANAGER,),
)
NO_SUCH_CASE = Decision(
    False, (NOT_ALLOCATED_REFUSAL,), ("audit",), advice=(ASK_MANAGER, USE_BREAK_GLASS)
)


def _staff(request: HttpRequest) -> StaffMember:
    staff = request.user.staff  # type: ignore[union-attr]
    assert staff is not None  # guaranteed by verified_staff_required
    return staff


def decision_day(request: HttpRequest) -> dt.date:
    return request_context(request).today


def _origin(request: HttpRequest) -> Origin:
    """Who acted, and on which enrolled device (its asset tag), as the API records it."""
    return origin_for(request)


def refused(request: HttpRequest, decision: Decision, *, case_id: str = "") -> HttpResponse:
    """The refusal page: why, in plain words, and what to do next. Always status 403."""
    advice = list(decision.advice)
    return render(
        request,
        "records/refused.html",
        {
            "page_title": "You cannot see this record",
            "reasons": [r[:1].upper() + r[1:] for r in decision.reasons],
            "advice": advice,
            "case_id": case_id,
            "offer_request": ASK_MANAGER in advice and bool(case_id),
            "offer_break_glass": USE_BREAK_GLASS in advice and bool(case_id),
        },
        status=403,
    )


def _no_such_case(request: HttpRequest, case_id: str, action: str) -> HttpResponse:
    """Answer exactly as for an existing case the person has no relationship with."""
    audit_event(
        origin=_origin(request),
        action=f"case.{action}",
        decision="refused",
        object_type="case",
        object_id=case_id[:80],
        reasons=["no such case"],
    )
    return refused(request, NO_SUCH_CASE, case_id=case_id)


def _errors(form: forms.Form, error: services.RecordsError | None = None) -> list[dict[str, str]]:
    """The GOV.UK error summary's list: message and the id of the field at fault."""
    if error is not None:
        field = error.field if error.field in form.fields else ""
        if field:
            form.add_error(field, error.message)
        else:
            form.add_error(None, error.message)
    summary = []
    for name, errors in form.errors.items():
        for message in errors:
            href = f"#id_{name}" if name != "__all__" else "#main-content"
            summary.append({"text": str(message), "href": href})
    return summary


def _view_case(
    request: HttpRequest, case_id: str, action: str = VIEW
) -> tuple[Case | None, Decision]:
    """The case and the decision for `action` on it (recorded); None for no such case."""
    case = selectors.case_by_id(case_id)
    if case is None:
        return None, NO_SUCH_CASE
    decision = authorise(
        staff=_staff(request),
        case=case,
        action=action,
        context=request_context(request),
        origin=_origin(request),
    )
    return case, decision


def _decide_case(request: HttpRequest, case_id: str, action: str) -> tuple[Case | None, Decision]:
    """Like `_view_case`, but an allowed decision is not recorded yet.

    A page that may make a change records one entry per request: a refusal here, the change
    (with the decision's reasons) in the service, or else the decision with `_record` when
    the page is shown.
    """
    case = selectors.case_by_id(case_id)
    if case is None:
        return None, NO_SUCH_CASE
    context = request_context(request)
    decision = evaluate(staff=_staff(request), case=case, action=action, context=context)
    if not decision.allowed:
        decision = authorise(
            staff=_staff(request),
            case=case,
            action=action,
            context=context,
            origin=_origin(request),
        )
    return case, decision


def _record(request: HttpRequest, case: Case, action: str, decision: Decision) -> None:
    """Record a decision taken by `_decide_case` (or a page's own refusal) once."""
    record_access(
        origin=_origin(request), staff=_staff(request), case=case, action=action, decision=decision
    )


def _handle_form(
    request: HttpRequest,
    *,
    case: Case,
    decision: Decision,
    action: str,
    form: forms.Form,
    perform: Callable[[dict[str, Any]], object],
    success_message: str,
    template: str,
    **context: Any,
) -> HttpResponse:
    """The shape every case form page shares, so each view keeps only what is its own.

    On a valid POST, `perform` makes the change with the form's cleaned data; its service
    records the one audit entry. A refusal answers 403; a `RecordsError` shows the form again
    with the message. Otherwise the allowed decision from `_decide_case` is recorded here, once,
    and the form page is shown with the case and the decision.
    """
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except AccessRefused as refusal:
            return refused(request, refusal.decision, case_id=case.case_id)
        except services.RecordsError as exc:
            error = exc
        else:
            messages.success(request, success_message)
            return redirect("records:case", case_id=case.case_id)
    _record(request, case, action, decision)
    return _form_page(request, template, form, error, case=case, decision=decision, **context)


# --- caseload and case page -------------------------------------------------------------


@verified_staff_required
def caseload(request: HttpRequest) -> HttpResponse:
    """My caseload: every case I may see, paginated, with exact-match name search."""
    form = record_forms.SearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    cases = selectors.caseload(
        staff=_staff(request), context=request_context(request), search=search
    )
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    roles = _staff(request).role_names()
    context = request_context(request)
    device = device_decision(VIEW, context.device, context.task_policy)
    # One entry for the list (as the API's): the search words are never logged.
    audit_event(
        origin=_origin(request),
        action="case.list",
        decision="allowed",
        object_type="case",
        reasons=[f"page {page.number}", *(["search"] if search else [])],
    )
    return render(
        request,
        "records/caseload.html",
        {
            "page_title": "My caseload",
            "page": page,
            "rows": selectors.case_rows(page.object_list),
            "search": search,
            "search_is_date": selectors.parse_date_of_birth(search) is not None,
            "form": form,
            "is_manager": "team_manager" in roles,
            "is_ig": "ig_officer" in roles,
            # Why the list is empty when it is this device, not the caseload, that refuses.
            "device_refusal": "" if device.allowed else device.reasons[0],
        },
    )


@verified_staff_required
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    case, decision = _view_case(request, case_id)
    if case is None:
        return _no_such_case(request, case_id, VIEW)
    if not decision.allowed:
        return refused(request, decision, case_id=case_id)
    staff = _staff(request)
    today = request_context(request).today
    return render(
        request,
        "records/case_detail.html",
        {
            "page_title": f"Case {case.case_id}",
            "case": case,
            "person": selectors.subject_person(case.subject),
            "decision": decision,
            "entries": selectors.entry_views(case=case, decision=decision),
            "allocations": selectors.case_allocations(case=case),
            "grants": selectors.case_grants(case=case),
            "referrals": selectors.case_referrals(case=case),
            "may_manage": services.may_manage_case(staff, case, today=today),
            "may_refer": services.manages_team(staff, case.owning_team_id, today=today),
            "break_glass": decision.basis == "break_glass",
        },
    )


# --- entries and documents --------------------------------------------------------------


@verified_staff_required
@require_http_methods(["GET", "POST"])
def entry_add(request: HttpRequest, case_id: str) -> HttpResponse:
    case, decision = _decide_case(request, case_id, ADD_ENTRY)
    if case is None:
        return _no_such_case(request, case_id, ADD_ENTRY)
    if not decision.allowed:
        return refused(request, decision, case_id=case_id)

    def perform(data: dict[str, Any]) -> object:
        return services.entry_add(
            staff=_staff(request),
            case=case,
            kind=data["kind"],
            title=data["title"],
            body=data["body"],
            sensitive=data["sensitive"],
            context=request_context(request),
            origin=_origin(request),
        )

    return _handle_form(
        request,
        case=case,
        decision=decision,
        action=ADD_ENTRY,
        form=record_forms.EntryForm(request.POST or None),
        perform=perform,
        success_message="Entry added",
        template="records/entry_form.html",
        page_title="Add an entry",
    )


@verified_staff_required
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, case_id: str, entry_id: int) -> HttpResponse:
    case, decision = _decide_case(request, case_id, EDIT)
    if case is None:
        return _no_such_case(request, case_id, EDIT)
    if not decision.allowed:
        return refused(request, decision, case_id=case_id)
    entry = selectors.entry_for_case(case=case, entry_id=entry_id, decision=decision)
    if entry is None or entry.kind == "document":
        _record(request, case, EDIT, decision)
        raise Http404("There is no such entry on this case")
    latest = selectors.entry_view(entry).latest
    if not latest.intact:
        _record(request, case, EDIT, decision)
        raise Http404("This entry failed its integrity check and cannot be edited")

    def perform(data: dict[str, Any]) -> object:
        return services.entry_edit(
            staff=_staff(request),
            entry=entry,
            title=data["title"],
            body=data["body"],
            context=request_context(request),
            origin=_origin(request),
        )

    return _handle_form(
        request,
        case=case,
        decision=decision,
        action=EDIT,
        form=record_forms.EntryEditForm(
            request.POST or None, initial={"title": latest.title, "body": latest.body}
        ),
        perform=perform,
        success_message="Entry updated. The previous version is kept.",
        template="records/entry_edit.html",
        entry=entry,
        page_title="Edit an entry",
    )


@verified_staff_required
@require_http_methods(["GET", "POST"])
def document_upload(request: HttpRequest, case_id: str) -> HttpResponse:
    case, decision = _decide_case(request, case_id, ADD_ENTRY)
    if case is None:
        return _no_such_case(request, case_id, ADD_ENTRY)
    if not decision.allowed:
        return refused(request, decision, case_id=case_id)

    def perform(data: dict[str, Any]) -> object:
        upload = data["file"]
        if upload.size > services.files.MAX_DOCUMENT_BYTES:
            raise services.RecordsError("The selected file must be smaller than 10MB", field="file")
        return services.document_upload(
            staff=_staff(request),
            case=case,
            title=data["title"],
            filename=upload.name or "",
            content=upload.read(),
            sensitive=data["sensitive"],
            context=request_context(request),
            origin=_origin(request),
        )

    return _handle_form(
        request,
        case=case,
        decision=decision,
        action=ADD_ENTRY,
        form=record_forms.DocumentForm(request.POST or None, request.FILES or None),
        perform=perform,
        success_message="Document uploaded",
        template="records/document_form.html",
        page_title="Upload a document",
    )


# The decorator is typed for HttpResponse; a streamed download is an HttpResponseBase.
@verified_staff_required  # type: ignore[arg-type]
def document_download(request: HttpRequest, case_id: str, entry_id: int) -> HttpResponseBase:
    case = selectors.case_by_id(case_id)
    if case is None:
        return _no_such_case(request, case_id, "download")
    staff = _staff(request)
    context = request_context(request)
    decision = authorise(
        staff=staff, case=case, action="download", context=context, origin=_origin(request)
    )
    if not decision.allowed:
        return refused(request, decision, case_id=case_id)
    document = selectors.document_for_case(case=case, entry_id=entry_id, decision=decision)
    if document is None:
        raise Http404("There is no such document on this case")
    plaintext = services.files.read(case_id=case.pk, storage_name=document.storage_name)
    try:
        # The first segment proves the file belongs here; later damage ends the stream early
        # (and is logged and audited by crypto).
        first = next(plaintext, b"")
    except (DecryptionFailed, KeyMissing):
        return render(
            request,
            "records/integrity_error.html",
            {"page_title": "This document cannot be opened", "case_id": case_id},
            status=500,
        )
    response = StreamingHttpResponse(
        itertools.chain([first], plaintext), content_type=document.content_type
    )
    filename = selectors.document_filename(document)
    safe_name = "".join(c for c in filename if c.isalnum() or c in "._- ") or "document"
    response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    response["Content-Length"] = str(document.size)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- allocations, grants, referrals -----------------------------------------------------


@verified_staff_required
@require_http_methods(["GET", "POST"])
def allocate(request: HttpRequest, case_id: str) -> HttpResponse:
    case, decision = _decide_case(request, case_id, EDIT)
    if case is None:
        return _no_such_case(request, case_id, EDIT)
    if not decision.allowed:
        return refused(request, decision, case_id=case_id)
    staff = _staff(request)
    context = request_context(request)
    if not services.may_manage_case(staff, case, today=context.today):
        _record(request, case, EDIT, ONLY_MANAGER_ALLOCATES)
        return refused(request, ONLY_MANAGER_ALLOCATES)

    def perform(data: dict[str, Any]) -> object:
        return services.allocation_create(
            staff=staff,
            case=case,
            worker=data["worker"],
            role=data["role"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            context=context,
            origin=_origin(request),
        )

    return _handle_form(
        request,
        case=case,
        decision=decision,
        action=EDIT,
        form=record_forms.AllocationForm(
            request.POST or None, initial={"starts_on": context.today}
        ),
        perform=perform,
        success_message="Allocation added",
        template="records/allocation_form.html",
        page_title="Allocate this case",
    )


@verified_staff_required
@require_http_methods(["GET", "POST"])
def grant_request(request: HttpRequest, case_id: str) -> HttpResponse:
    """Ask for time-limited access. Shows nothing of the case, and answers alike whether or
    not the case exists, so it cannot be used to discover case ids."""
    case = selectors.case_by_id(case_id)
    form = record_forms.GrantRequestForm(request.POST or None, initial={"days": 7})
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            if case is not None:
                services.grant_request(
                    staff=_staff(request),
                    case=case,
                    actions=form.cleaned_data["actions"],
                    reason=form.cleaned_data["reason"],
                    days=form.cleaned_data["days"],
                    context=request_context(request),
                    origin=_origin(request),
                )
            else:
                services.check_grant_reason(form.cleaned_data["reason"])
                audit_event(
                    origin=_origin(request),
                    action="grant.request",
                    decision="refused",
                    object_type="case",
                    object_id=case_id[:80],
                    reasons=["no such case"],
                )
        except services.RecordsError as exc:
            error = exc
        else:
            return render(
                request,
                "records/grant_requested.html",
                {"page_title": "Request sent", "case_id": case_id},
            )
    return _form_page(
        request,
        "records/grant_request_form.html",
        form,
        error,
        case_id=case_id,
        page_title="Ask for access to a case",
    )


@verified_staff_required
@require_http_methods(["GET", "POST"])
def grant_requests(request: HttpRequest) -> HttpResponse:
    """Requests waiting for my decision (team managers; IG for restricted subjects)."""
    staff = _staff(request)
    context = request_context(request)
    error = None
    if request.method == "POST":
        form = record_forms.DecisionForm(request.POST)
        grant = get_object_or_404(AccessGrant, pk=request.POST.get("grant", "0") or 0)
        if form.is_valid():
            try:
                services.grant_decide(
                    staff=staff,
                    grant=grant,
                    approve=form.cleaned_data["decision"] == "approve",
                    context=context,
                    origin=_origin(request),
                )
            except services.RecordsError as exc:
                error = exc.message
            else:
                messages.success(request, "Decision recorded")
                return redirect("records:grant-requests")
        else:
            error = "Choose approve or refuse"
    pending = selectors.grant_requests_for(staff=staff, today=context.today)
    return render(
        request,
        "records/grant_requests.html",
        {"page_title": "Access requests", "pending": pending, "error": error},
        status=400 if error else 200,
    )


@verified_staff_required
@require_http_methods(["GET", "POST"])
def referral_create(request: HttpRequest, case_id: str) -> HttpResponse:
    case, decision = _decide_case(request, case_id, EDIT)
    if case is None:
        return _no_such_case(request, case_id, EDIT)
    if not decision.allowed:
        return refused(request, decision, case_id=case_id)
    if not services.manages_team(_staff(request), case.owning_team_id, today=decision_day(request)):
        _record(request, case, EDIT, ONLY_MANAGER_REFERS)
        return refused(request, ONLY_MANAGER_REFERS)

    def perform(data: dict[str, Any]) -> object:
        return services.referral_create(
            staff=_staff(request),
            case=case,
            to_team=data["to_team"],
            kind=data["kind"],
            reason=data["reason"],
            context=request_context(request),
            origin=_origin(request),
        )

    return _handle_form(
        request,
        case=case,
        decision=decision,
        action=EDIT,
        form=record_forms.ReferralForm(request.POST or None),
        perform=perform,
        success_message="Referral sent",
        template="records/referral_form.html",
        page_title="Refer or transfer this case",
    )


@verified_staff_required
@require_http_methods(["GET", "POST"])
def referrals(request: HttpRequest) -> HttpResponse:
    """Referrals and transfers waiting for my team (its manager accepts or declines)."""
    staff = _staff(request)
    error = None
    if request.method == "POST":
        form = record_forms.ReferralDecisionForm(request.POST)
        referral = get_object_or_404(Referral, pk=request.POST.get("referral", "0") or 0)
        if form.is_valid():
            try:
                services.referral_decide(
                    staff=staff,
                    referral=referral,
                    accept=form.cleaned_data["decision"] == "accept",
                    context=request_context(request),
                    origin=_origin(request),
                )
            except services.RecordsError as exc:
                error = exc.message
            else:
                messages.success(request, "Decision recorded")
                return redirect("records:referrals")
        else:
            error = "Choose accept or decline"
    return render(
        request,
        "records/referrals.html",
        {
            "page_title": "Referrals and transfers",
            "pending": selectors.referrals_for(staff=staff),
            "error": error,
        },
        status=400 if error else 200,
    )


# --- break-glass ------------------------------------------------------------------------


@verified_staff_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, case_id: str) -> HttpResponse:
    """Emergency access: a reason, then four hours' view-only access that IG reviews."""
    form = record_forms.BreakGlassForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        case = selectors.case_by_id(case_id)
        if case is None:
            return _no_such_case(request, case_id, "break_glass")
        try:
            services.break_glass_start(
                staff=_staff(request),
                case=case,
                reason=form.cleaned_data["reason"],
                context=request_context(request),
                origin=_origin(request),
            )
        except AccessRefused as refusal:
            return refused(request, refusal.decision)
        except services.RecordsError as exc:
            error = exc
        else:
            messages.warning(
                request,
                "Break-glass access is open for 4 hours, view only. "
                "Information governance will review it.",
            )
            return redirect("records:case", case_id=case.case_id)
    return _form_page(
        request,
        "records/break_glass_form.html",
        form,
        error,
        case_id=case_id,
        page_title="Emergency access (break-glass)",
    )


@role_required("ig_officer")
@require_http_methods(["GET", "POST"])
def break_glass_queue(request: HttpRequest) -> HttpResponse:
    """IG's queue: every use of break-glass not yet marked justified or not justified."""
    error = None
    if request.method == "POST":
        form = record_forms.BreakGlassReviewForm(request.POST)
        glass = get_object_or_404(BreakGlass, pk=request.POST.get("glass", "0") or 0)
        if form.is_valid():
            try:
                services.break_glass_review(
                    staff=_staff(request),
                    glass=glass,
                    justified=form.cleaned_data["outcome"] == "justified",
                    note=form.cleaned_data["note"],
                    context=request_context(request),
                    origin=_origin(request),
                )
            except services.RecordsError as exc:
                error = exc.message
            else:
                messages.success(request, "Review recorded")
                return redirect("records:break-glass-queue")
        else:
            error = "Choose justified or not justified"
    return render(
        request,
        "records/break_glass_queue.html",
        {
            "page_title": "Break-glass reviews",
            "queue": selectors.break_glass_review_queue(),
            "error": error,
        },
        status=400 if error else 200,
    )


# --- who can see ------------------------------------------------------------------------


@verified_staff_required
def who_can_see_case(request: HttpRequest, case_id: str) -> HttpResponse:
    """Every person with access and the rule that gives it: for IG and the owning manager."""
    staff = _staff(request)
    context = request_context(request)
    case = selectors.case_by_id(case_id)
    is_ig = services.is_ig_officer(staff, today=context.today)
    if case is None:
        return _no_such_case(request, case_id, "who_can_see")
    reasons: tuple[str, ...] = ("information governance",)
    if not is_ig:
        # One entry: a refused view, a refusal to show who has access, or the page shown.
        _, decision = _decide_case(request, case_id, VIEW)
        if not decision.allowed:
            return refused(request, decision, case_id=case_id)
        if not services.manages_team(staff, case.owning_team_id, today=context.today):
            _record(request, case, "who_can_see", ONLY_IG_OR_MANAGER_SEES_WHO)
            return refused(request, ONLY_IG_OR_MANAGER_SEES_WHO)
        reasons = decision.reasons
    audit_event(
        origin=_origin(request),
        action="case.who_can_see",
        decision="allowed",
        object_type="case",
        object_id=case.case_id,
        subject_id=case.subject.subject_id,
        reasons=reasons,
    )
    return render(
        request,
        "records/who_can_see.html",
        {
            "page_title": f"Who can see case {case.case_id}",
            "case": case,
            "viewers": who_can_see(case, now=context.now),
        },
    )


def _form_page(
    request: HttpRequest,
    template: str,
    form: forms.Form,
    error: services.RecordsError | None,
    **context: Any,
) -> HttpResponse:
    summary = _errors(form, error) if request.method == "POST" else []
    context.update({"form": form, "error_summary": summary})
    return render(request, template, context, status=400 if summary else 200)


def case_url(case: Case) -> str:
    return reverse("records:case", kwargs={"case_id": case.case_id})
