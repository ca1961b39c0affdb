"""My requests: the signed-in person's own requests for access and the referrals they made."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.audit.wording import counted
from safekeep.audit.writing import audit_event
from safekeep.records import selectors
from safekeep.records.models import Case
from safekeep.web.decorators import verified_staff_required
from safekeep.web.pages import origin_of, staff_of


@verified_staff_required
@require_GET
def my_requests(request: HttpRequest) -> HttpResponse:
    """Each request with its state in words. A case is named and linked only where the door
    lets this person see it on this device; otherwise it is shown by its reference. Asking
    whether it may be seen records nothing: the page's one entry is `request.list`."""
    staff, context = staff_of(request), request_context(request)
    rows = selectors.my_requests(staff=staff, now=context.now)
    cases = Case.objects.filter(pk__in={row.case.pk for row in rows})
    visible = door.viewable(staff=staff, context=context, cases=cases).select_related("subject")
    names = {case.pk: selectors.subject_person(case.subject).full_name for case in visible}
    audit_event(
        origin=origin_of(request),
        action="request.list",
        decision="allowed",
        object_type="staff",
        object_id=staff.staff_id,
        reasons=[counted(len(rows), "request")],
    )
    return render(
        request,
        "records/my_requests.html",
        {"page_title": "My requests", "rows": [(row, names.get(row.case.pk)) for row in rows]},
    )
