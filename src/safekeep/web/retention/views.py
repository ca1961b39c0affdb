"""IG's retention pages: the records due for disposal and their approval, legal holds, and
the tombstones of disposed records. Thin: the door decides (`retention_access`), a service
writes, and every page and change is audited."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import audit_event
from safekeep.retention import selectors, services
from safekeep.retention.forms import ApproveForm, HoldForm, ReleaseForm
from safekeep.retention.schedules import shipped_rules
from safekeep.retention.selectors import care_experienced_longer
from safekeep.web.decorators import verified_staff_required
from safekeep.web.pages import error_summary, origin_of, refusal_page, staff_of

FORMS: dict[str, type[forms.Form]] = {
    "approve": ApproveForm,
    "hold": HoldForm,
    "release": ReleaseForm,
}
TOMBSTONE_ROWS = 200


def _access(request: HttpRequest) -> door.DutyAccess:
    return door.retention_access(
        staff=staff_of(request), context=request_context(request), origin=origin_of(request)
    )


def _seen(access: door.DutyAccess, action: str, object_id: str = "") -> None:
    audit_event(
        origin=access.origin,
        action=action,
        decision=AuditEntry.Decision.ALLOWED,
        object_type="retention",
        object_id=object_id,
        reasons=access.decision.reasons,
    )


def _records(count: int) -> str:
    return f"{count} record{'' if count == 1 else 's'}"


def _change(access: door.DutyAccess, which: str, form: forms.Form) -> str:
    """Carry out one form's change; returns what to tell IG. Raises RetentionError."""
    data = form.cleaned_data
    if which == "approve":
        batch = selectors.batch_get(data["batch"])
        if batch is None:
            raise services.RetentionError("This list no longer exists")
        done = services.batch_approve(access=access, batch=batch, reason=data["reason"])
        said = f"{_records(len(done.disposed))} disposed of"
        if done.kept:
            said += f"; kept, held or no longer due: {', '.join(done.kept)}"
        return said
    if which == "hold":
        hold = services.hold_place(access=access, case_id=data["case_id"], reason=data["reason"])
        return f"Legal hold placed on {hold.case_id}"
    found = selectors.holds().filter(pk=data["hold"]).first()
    if found is None:
        raise services.RetentionError("This legal hold no longer exists")
    services.hold_release(access=access, hold=found, reason=data["reason"])
    return f"Legal hold on {found.case_id} released"


@require_http_methods(["GET", "POST"])
@verified_staff_required
def retention(request: HttpRequest) -> HttpResponse:
    try:
        access = _access(request)
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    if request.method == "POST" and which not in FORMS:
        raise Http404("No such form")
    bound = {name: cls(request.POST if name == which else None) for name, cls in FORMS.items()}
    summary: list[dict[str, str]] = []
    if which:
        form = bound[which]
        problem = None
        if form.is_valid():
            try:
                messages.success(request, _change(access, which, form))
                return redirect("governance:retention")
            except services.RetentionError as error:
                problem = error
        summary = error_summary(form, problem)
        _seen(access, f"retention.{which}_refused")
    else:
        _seen(access, "disposal_batch.view")
    rules = shipped_rules()
    return render(
        request,
        "retention/retention.html",
        {
            "page_title": "Retention and disposal",
            "batches": selectors.batches_waiting(),
            "holds": selectors.holds().filter(released_at__isnull=True),
            "forms": bound,
            "which": which,
            "error_summary": summary,
            "rules": [(name.replace("_", " ").capitalize(), rule) for name, rule in rules.items()],
            "longer": care_experienced_longer(),
            "disposed": selectors.tombstones().count(),
        },
        status=400 if summary else 200,
    )


@verified_staff_required
def disposed(request: HttpRequest) -> HttpResponse:
    try:
        access = _access(request)
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    _seen(access, "tombstone.view")
    rows = list(selectors.tombstones()[: TOMBSTONE_ROWS + 1])
    return render(
        request,
        "retention/disposed.html",
        {
            "page_title": "Disposed records",
            "tombstones": rows[:TOMBSTONE_ROWS],
            "more": len(rows) > TOMBSTONE_ROWS,
        },
    )


@verified_staff_required
def tombstone(request: HttpRequest, case_id: str) -> HttpResponse:
    try:
        access = _access(request)
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    found = selectors.tombstone_get(case_id)
    if found is None:
        raise Http404("No disposed record has this case ID")
    _seen(access, "tombstone.view", case_id)
    return render(
        request,
        "retention/tombstone.html",
        {"page_title": f"Case {case_id} was disposed of", "tomb": found},
    )
