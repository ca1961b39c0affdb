"""Allocating a case: the owning team's manager (or the manager it is referred to)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from safekeep.access.door import CaseAccess
from safekeep.access.vocabulary import Duty
from safekeep.records import forms as record_forms
from safekeep.records import services
from safekeep.web.records.opening import case_form, case_page


@case_page(Duty.ALLOCATE)
def allocate(request: HttpRequest, access: CaseAccess) -> HttpResponse:
    def perform(data: dict[str, Any]) -> object:
        return services.allocation_create(
            access=access,
            worker=data["worker"],
            role=data["role"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
        )

    return case_form(
        request,
        access,
        form=record_forms.AllocationForm(
            request.POST or None, initial={"starts_on": access.context.today}
        ),
        perform=perform,
        success_message="Allocation added",
        template="records/allocation_form.html",
        page_title="Allocate this case",
    )
