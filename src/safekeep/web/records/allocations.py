"""Allocating a case: the owning team's manager (or the manager it is referred to)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from safekeep.access.door import CaseAccess
from safekeep.access.vocabulary import Duty
from safekeep.organisation import selectors as organisation_selectors
from safekeep.records import services
from safekeep.records.workload_forms import AllocateByNameForm, NameSearchForm
from safekeep.web.records.opening import case_form, case_page


@case_page(Duty.ALLOCATE, open_only=True)
def allocate(request: HttpRequest, access: CaseAccess) -> HttpResponse:
    """Allocate someone chosen by name from the owning team (workload.AllocateByNameForm);
    `?name=` narrows the list to those whose names hold its words (everyone if nobody does).
    """
    members = organisation_selectors.team_members(
        team=access.case.owning_team, today=access.context.today
    )
    search = NameSearchForm(request.GET)
    name = search.cleaned_data["name"] if search.is_valid() else ""
    matching = organisation_selectors.matching_name(members, name=name)
    found = len(matching) if name else None

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
        form=AllocateByNameForm(
            request.POST or None,
            initial={"starts_on": access.context.today},
            members=matching if found else members,
        ),
        perform=perform,
        success_message="Allocation added",
        template="records/allocation_form.html",
        page_title="Allocate this case",
        search=search,
        name=name,
        found=found,
    )
