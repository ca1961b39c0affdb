"""How every case page opens: through the door, once, with the refusal page if it refuses.

`@case_page(Action.ADD_ENTRY)` replaces the opening each case view used to repeat: it asks
`access.door` for the person, case, action and device (a POST asks for a change, whose
audit entry the service writes), answers a refusal with the refusal page, and hands the
view a `CaseAccess`. `case_form` is the rest that every case form page shares.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.access.door import AccessRefused, CaseAccess
from safekeep.access.vocabulary import Action, Duty
from safekeep.records.services import RecordsError, check_open
from safekeep.web.decorators import verified_staff_required
from safekeep.web.pages import form_page, origin_of, refusal_page, staff_of

CaseView = Callable[..., HttpResponse]


def open_case(request: HttpRequest, case_id: str, action: Action | Duty) -> CaseAccess:
    """The door's answer for this request (raises `AccessRefused`)."""
    staff, context, origin = staff_of(request), request_context(request), origin_of(request)
    change = request.method == "POST"
    if isinstance(action, Duty):
        return door.case_duty_access(
            staff=staff, case_id=case_id, duty=action, context=context, origin=origin, change=change
        )
    return door.case_access(
        staff=staff, case_id=case_id, action=action, context=context, origin=origin, change=change
    )


def case_page(
    action: Action | Duty, *, methods: tuple[str, ...] = ("GET", "POST"), open_only: bool = False
) -> Callable[[CaseView], CaseView]:
    """Open the case through the door for `action`; the view receives the `CaseAccess`.

    `open_only`: a page whose change a closed case refuses (`services.check_open`) sends the
    person back to the case, which says why, instead of showing a form that cannot save.
    """

    def decorate(view: CaseView) -> CaseView:
        @wraps(view)
        def page(request: HttpRequest, case_id: str, **kwargs: Any) -> HttpResponse:
            try:
                access = open_case(request, case_id, action)
            except AccessRefused as refusal:
                return refusal_page(request, refusal)
            if open_only:
                try:
                    check_open(access)
                except RecordsError as closed:
                    if request.method == "POST":
                        door.record_unchanged(access)
                    messages.error(request, closed.message)
                    return redirect("records:case", case_id=access.case.case_id)
            return view(request, access, **kwargs)

        return verified_staff_required(require_http_methods(list(methods))(page))

    return decorate


def case_form(
    request: HttpRequest,
    access: CaseAccess | door.EntryAccess,
    *,
    form: forms.Form,
    perform: Callable[[dict[str, Any]], object],
    success_message: str,
    template: str,
    **context: Any,
) -> HttpResponse:
    """The shape every case form page shares, so each view keeps only what is its own.

    On a valid POST, `perform` makes the change with the form's cleaned data; its service
    writes the request's one audit entry. A `RecordsError` shows the form again with the
    message, and then (as for an invalid form) the decision is recorded here instead.
    """
    case_access = access.case_access if isinstance(access, door.EntryAccess) else access
    problem = None
    if request.method == "POST":
        if form.is_valid():
            try:
                perform(form.cleaned_data)
            except RecordsError as error:
                problem = error
            else:
                messages.success(request, success_message)
                return redirect("records:case", case_id=case_access.case.case_id)
        door.record_unchanged(access)
    return form_page(
        request,
        template,
        form,
        problem,
        case=case_access.case,
        decision=case_access.decision,
        **context,
    )
