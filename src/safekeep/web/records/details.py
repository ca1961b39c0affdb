"""The person's details (address, contacts, NHS number, legal status, ...): changed with
`edit`, through the door like every case page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from safekeep.access.door import CaseAccess
from safekeep.access.vocabulary import Action
from safekeep.records import forms as record_forms
from safekeep.records import selectors, services
from safekeep.records.details import PersonDetails
from safekeep.web.records.opening import case_form, case_page


@case_page(Action.EDIT)
def person_details_edit(request: HttpRequest, access: CaseAccess) -> HttpResponse:
    subject = access.case.subject
    kept = selectors.person_details(subject) or PersonDetails()
    form = record_forms.DetailsForm(request.POST or None, kind=subject.kind, kept=kept)

    def perform(_data: dict[str, Any]) -> object:
        return services.person_details_set(access=access, details=form.details())

    return case_form(
        request,
        access,
        form=form,
        perform=perform,
        success_message="Details saved",
        template="records/details_form.html",
        page_title=f"{selectors.subject_person(subject).full_name}: details",
    )
