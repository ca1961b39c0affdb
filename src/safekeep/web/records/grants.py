"""Asking for time-limited access, and the queue of requests a manager (or IG) decides."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.access.vocabulary import Duty
from safekeep.audit.writing import audit_event
from safekeep.records import forms as record_forms
from safekeep.records import services
from safekeep.records.models import AccessGrant, Case
from safekeep.web.decorators import verified_staff_required
from safekeep.web.pages import form_page, origin_of, staff_of
from safekeep.web.queues import queue_page


@verified_staff_required
@require_http_methods(["GET", "POST"])
def grant_request(request: HttpRequest, case_id: str) -> HttpResponse:
    """Ask for time-limited access. Shows nothing of the case, and answers alike whether or
    not the case exists, so it cannot be used to discover case ids. Asking opens nothing, so
    there is no decision to take: the manager's (or IG's) decision comes later."""
    case = Case.objects.select_related("subject").filter(case_id=case_id).first()
    form = record_forms.GrantRequestForm(request.POST or None, initial={"days": 7})
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            if case is None:
                services.check_grant_reason(form.cleaned_data["reason"])
                _not_sent(request, case_id, "no such case")
            else:
                services.grant_request(
                    staff=staff_of(request),
                    case=case,
                    actions=form.cleaned_data["actions"],
                    reason=form.cleaned_data["reason"],
                    days=form.cleaned_data["days"],
                    context=request_context(request),
                    origin=origin_of(request),
                )
        except services.AlreadyAsked:
            # Said only of real cases, it would tell which ids exist: answer as if sent.
            _not_sent(request, case_id, "already asked; the earlier request is still waiting")
        except services.RecordsError as error:
            problem = error
        if problem is None:
            return render(
                request,
                "records/grant_requested.html",
                {"page_title": "Request sent", "case_id": case_id},
            )
    return form_page(
        request,
        "records/grant_request_form.html",
        form,
        problem,
        case_id=case_id,
        page_title="Ask for access to a case",
    )


def _not_sent(request: HttpRequest, case_id: str, reason: str) -> None:
    """A request that was not made: recorded (for IG) with the true reason, never shown."""
    audit_event(
        origin=origin_of(request),
        action="grant.request",
        decision="refused",
        object_type="case",
        object_id=case_id[:80],
        reasons=[reason],
    )


def _decide(access: door.DutyAccess, grant: AccessGrant, data: dict[str, Any]) -> object:
    return services.grant_decide(
        access=access,
        grant=grant,
        approve=data["decision"] == "approve",
        reason=data.get("reason", ""),
    )


@verified_staff_required
@require_http_methods(["GET", "POST"])
def grant_requests(request: HttpRequest) -> HttpResponse:
    """Requests waiting for my decision (team managers; IG for restricted subjects)."""
    return queue_page(
        request,
        model=AccessGrant,
        field="grant",
        form_class=record_forms.GrantDecisionForm,
        choose="Choose approve or refuse",
        ask=door.grant_access,
        perform=_decide,
        done="Decision recorded",
        template="records/grant_requests.html",
        page_title="Access requests",
        pending=door.queue(
            staff=staff_of(request), duty=Duty.DECIDE_GRANT, context=request_context(request)
        ),
    )
