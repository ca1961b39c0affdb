"""My caseload and the case page."""

from __future__ import annotations

from dataclasses import replace

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.access.door import AccessRefused, CaseAccess
from safekeep.access.duties import is_ig_officer
from safekeep.access.vocabulary import Action, Basis
from safekeep.organisation.roles import RoleName
from safekeep.records import forms as record_forms
from safekeep.records import selectors, services
from safekeep.sites import selectors as site_selectors
from safekeep.web.decorators import verified_staff_required
from safekeep.web.pages import origin_of, staff_of
from safekeep.web.records import workload
from safekeep.web.records.opening import case_page

PAGE_SIZE = 25


@verified_staff_required
def caseload(request: HttpRequest) -> HttpResponse:
    """My caseload: every case I may see, paginated, with exact-match name search.

    On a device that may show no case, it says so (and why) instead of listing nothing.
    """
    form = record_forms.SearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    staff = staff_of(request)
    roles = staff.role_names()
    context: dict[str, object] = {
        "page_title": "My caseload",
        "search": search,
        "search_is_date": selectors.parse_date_of_birth(search) is not None,
        "form": form,
        "is_manager": RoleName.TEAM_MANAGER in roles,
        "is_ig": RoleName.IG_OFFICER in roles,
    }
    try:
        listing = door.case_list(
            staff=staff, context=request_context(request), origin=origin_of(request)
        )
    except AccessRefused as refusal:
        context["device_refusal"] = refusal.decision.words[0]
        return render(request, "records/caseload.html", context)
    page = Paginator(selectors.caseload(listing.cases, search=search), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    door.record_list(listing, page=page.number, searched=bool(search))
    context.update({"page": page, "rows": selectors.case_rows(page.object_list)})
    return render(request, "records/caseload.html", context)


@case_page(Action.VIEW, methods=("GET",))
def case_detail(request: HttpRequest, access: CaseAccess) -> HttpResponse:
    """The case: offering only what the door would allow this person here, decided once."""
    case = access.case
    entries = selectors.entry_views(access=access)
    editable = {
        view.entry.pk
        for view in entries
        if view.document is None
        and view.latest.intact
        and access.may_change(
            entry_pk=view.entry.pk, author_pk=view.entry.author_id, sensitive=view.entry.sensitive
        )
    }
    details = selectors.person_details(case.subject)
    return render(
        request,
        "records/case_detail.html",
        {
            "page_title": f"Case {case.case_id}",
            "case": case,
            "person": selectors.subject_person(case.subject),
            "decision": access.decision,
            "details": details,
            "may_edit_details": access.allows(Action.EDIT),
            "entries": entries,
            "editable": editable,
            "offers": services.offered(access),
            "allocations": selectors.case_allocations(case=case),
            "grants": selectors.case_grants(case=case),
            "referrals": selectors.case_referrals(case=case),
            "break_glass": access.decision.basis == Basis.BREAK_GLASS,
            "for_ig": is_ig_officer(access.actor, access.context.today),
            "may_print": replace(
                access, context=replace(access.context, printer_secure=True)
            ).allows(Action.PRINT),
            "paper_files": site_selectors.case_file_states(case, access.context.today),
            "closure": selectors.latest_closure(case),
            "closures": selectors.case_closures(case),
            **workload.case_page_offers(access),
        },
    )
