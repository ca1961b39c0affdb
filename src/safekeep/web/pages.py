"""What every page shares: who is asking and from where, form pages with GOV.UK error
summaries, and the refusal page. Views stay an access check, one service call, a response.
"""

from __future__ import annotations

from typing import Any, Protocol

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safekeep.access import wording
from safekeep.access.door import AccessRefused, TooManyRefusals
from safekeep.accounts.models import User
from safekeep.audit.writing import Origin
from safekeep.devices.context import origin_for
from safekeep.organisation.models import StaffMember


class FieldProblem(Protocol):
    """A domain error a form page can show: its words, and the field at fault (or "")."""

    message: str
    field: str


def staff_of(request: HttpRequest) -> StaffMember:
    """The signed-in member of staff (the page guards make sure there is one)."""
    staff: StaffMember | None = getattr(request.user, "staff", None)
    if staff is None:  # pragma: no cover - verified_staff_required refuses before this
        raise PermissionError("this page needs a signed-in member of staff")
    return staff


def account_of(request: HttpRequest) -> User:
    """The signed-in account: the session's, or an API token's (the guards make sure)."""
    user = request.user
    if not isinstance(user, User):  # pragma: no cover - the guards refuse before this
        raise PermissionError("this page needs a signed-in account")
    return user


def origin_of(request: HttpRequest) -> Origin:
    """Who acted, and on which enrolled device (its asset tag), for the audit log."""
    return origin_for(request)


def error_summary(form: forms.Form, problem: FieldProblem | None = None) -> list[dict[str, str]]:
    """The GOV.UK error summary's list: message and the id of the field at fault."""
    if problem is not None:
        field = problem.field if problem.field in form.fields else None
        form.add_error(field, problem.message)
    summary = []
    for name, errors in form.errors.items():
        for message in errors:
            href = f"#id_{name}" if name != "__all__" else "#main-content"
            summary.append({"text": str(message), "href": href})
    return summary


def form_page(
    request: HttpRequest,
    template: str,
    form: forms.Form,
    problem: FieldProblem | None = None,
    **context: Any,
) -> HttpResponse:
    """A form page; after a POST that did not go through, with its errors (status 400)."""
    summary = error_summary(form, problem) if request.method == "POST" else []
    context.update({"form": form, "error_summary": summary})
    return render(request, template, context, status=400 if summary else 200)


def refusal_page(request: HttpRequest, refusal: AccessRefused) -> HttpResponse:
    """The refusal: what was refused, why in plain words, and what to do next. Status 403
    (429 with Retry-After when the person has been refused too often in a short while).

    It offers a request for access where the advice is to ask a manager or information
    governance (a restricted person's record: the request lands in IG's queue), and
    break-glass where that is the advice.
    """
    decision = refusal.decision
    advice = list(decision.advice)
    case_id = refusal.case_id
    ask_ig = wording.ASK_IG in advice
    response = render(
        request,
        "records/refused.html",
        {
            "page_title": refusal.title,
            "reasons": [reason[:1].upper() + reason[1:] for reason in decision.words],
            "advice": advice,
            "case_id": case_id,
            "offer_request": bool(case_id) and (ask_ig or wording.ASK_MANAGER in advice),
            "request_label": "Ask information governance for access"
            if ask_ig
            else "Ask for access",
            "offer_break_glass": bool(case_id) and wording.USE_BREAK_GLASS in advice,
            "device_refused": decision.refused_by_device,
        },
        status=refusal.status,
    )
    if isinstance(refusal, TooManyRefusals):
        response["Retry-After"] = str(refusal.retry_after_seconds)
    return response
