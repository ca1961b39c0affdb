"""Closing a case with a reason and a date, and reopening it (the owning team's manager)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from safekeep.access.door import CaseAccess
from safekeep.access.vocabulary import Duty
from safekeep.records import forms as record_forms
from safekeep.records import selectors, services
from safekeep.web.records.opening import case_form, case_page


@case_page(Duty.CLOSE_CASE)
def case_closure(request: HttpRequest, access: CaseAccess) -> HttpResponse:
    """An open case offers closing; a closed one, reopening."""
    case = access.case
    if case.closed_on is None:

        def close(data: dict[str, Any]) -> object:
            return services.case_close(
                access=access,
                reason=data["reason"],
                details=data["details"],
                closed_on=data["closed_on"],
            )

        return case_form(
            request,
            access,
            form=record_forms.CloseCaseForm(request.POST or None, today=access.context.today),
            perform=close,
            success_message="Case closed. It takes no new entries until it is reopened.",
            template="records/close_form.html",
            page_title="Close this case",
        )

    def reopen(data: dict[str, Any]) -> object:
        return services.case_reopen(access=access, details=data["details"])

    return case_form(
        request,
        access,
        form=record_forms.ReopenCaseForm(request.POST or None),
        perform=reopen,
        success_message="Case reopened",
        template="records/reopen_form.html",
        page_title="Reopen this case",
        closure=selectors.latest_closure(case),
    )
