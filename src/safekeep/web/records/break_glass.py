"""Break-glass: a reason, then four hours' view-only access; and IG's review queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.access.door import AccessRefused
from safekeep.access.vocabulary import BREAK_GLASS_HOURS, Duty
from safekeep.organisation.roles import RoleName
from safekeep.records import forms as record_forms
from safekeep.records import services
from safekeep.records.models import BreakGlass
from safekeep.web.decorators import role_required, verified_staff_required
from safekeep.web.pages import form_page, origin_of, refusal_page, staff_of
from safekeep.web.queues import queue_page


@verified_staff_required
@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, case_id: str) -> HttpResponse:
    """Emergency access: a reason, then view-only access that IG reviews. The form shows
    nothing of the case; the door decides when the reason is given."""
    form = record_forms.BreakGlassForm(request.POST or None)
    problem = None
    if request.method == "POST" and form.is_valid():
        try:
            reason = services.check_break_glass_reason(form.cleaned_data["reason"])
            access = door.break_glass_access(
                staff=staff_of(request),
                case_id=case_id,
                reason=reason,
                context=request_context(request),
                origin=origin_of(request),
            )
            services.break_glass_start(access=access, reason=reason)
        except AccessRefused as refusal:
            return refusal_page(request, refusal)
        except services.RecordsError as error:
            problem = error
        else:
            messages.warning(
                request,
                f"Break-glass access is open for {BREAK_GLASS_HOURS} hours, view only. "
                "Information governance will review it.",
            )
            return redirect("records:case", case_id=case_id)
    return form_page(
        request,
        "records/break_glass_form.html",
        form,
        problem,
        case_id=case_id,
        page_title="Emergency access (break-glass)",
    )


def _review(access: door.DutyAccess, glass: BreakGlass, data: dict[str, Any]) -> object:
    return services.break_glass_review(
        access=access,
        glass=glass,
        justified=data["outcome"] == "justified",
        note=data["note"],
    )


@role_required(RoleName.IG_OFFICER)
@require_http_methods(["GET", "POST"])
def break_glass_queue(request: HttpRequest) -> HttpResponse:
    """IG's queue: every use of break-glass not yet marked justified or not justified."""
    return queue_page(
        request,
        model=BreakGlass,
        field="glass",
        form_class=record_forms.BreakGlassReviewForm,
        choose="Choose justified or not justified",
        ask=door.break_glass_review_access,
        perform=_review,
        done="Review recorded",
        template="records/break_glass_queue.html",
        page_title="Break-glass reviews",
        queue=door.queue(
            staff=staff_of(request), duty=Duty.REVIEW_BREAK_GLASS, context=request_context(request)
        ),
    )
