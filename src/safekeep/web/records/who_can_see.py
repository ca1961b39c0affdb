"""Who can see a case, and why: for information governance and the owning team's manager."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safekeep.access.door import CaseAccess
from safekeep.access.duties import is_ig_officer
from safekeep.access.selectors import who_can_see
from safekeep.access.vocabulary import Duty
from safekeep.web.records.opening import case_page


@case_page(Duty.SEE_WHO_CAN_SEE, methods=("GET",))
def who_can_see_case(request: HttpRequest, access: CaseAccess) -> HttpResponse:
    case = access.case
    return render(
        request,
        "records/who_can_see.html",
        {
            "page_title": f"Who can see case {case.case_id}",
            "case": case,
            "viewers": who_can_see(case, now=access.context.now),
            "for_ig": is_ig_officer(access.actor, access.context.today),
        },
    )
