"""Referring or transferring a case, and the queue of referrals to my team."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.access.door import CaseAccess
from safekeep.access.vocabulary import Duty
from safekeep.records import forms as record_forms
from safekeep.records import services
from safekeep.records.models import Referral
from safekeep.web.decorators import verified_staff_required
from safekeep.web.pages import staff_of
from safekeep.web.queues import queue_page
from safekeep.web.records.opening import case_form, case_page


@case_page(Duty.REFER, open_only=True)
def referral_create(request: HttpRequest, access: CaseAccess) -> HttpResponse:
    def perform(data: dict[str, Any]) -> object:
        return services.referral_create(
            access=access, to_team=data["to_team"], kind=data["kind"], reason=data["reason"]
        )

    return case_form(
        request,
        access,
        form=record_forms.ReferralForm(request.POST or None),
        perform=perform,
        success_message="Referral sent",
        template="records/referral_form.html",
        page_title="Refer or transfer this case",
    )


def _decide(access: door.DutyAccess, referral: Referral, data: dict[str, Any]) -> object:
    return services.referral_decide(
        access=access, referral=referral, accept=data["decision"] == "accept"
    )


@verified_staff_required
@require_http_methods(["GET", "POST"])
def referrals(request: HttpRequest) -> HttpResponse:
    """Referrals and transfers waiting for my team (its manager accepts or declines)."""
    return queue_page(
        request,
        model=Referral,
        field="referral",
        form_class=record_forms.ReferralDecisionForm,
        choose="Choose accept or decline",
        ask=partial(door.referral_access, duty=Duty.DECIDE_REFERRAL),
        perform=_decide,
        done="Decision recorded",
        template="records/referrals.html",
        page_title="Referrals and transfers",
        pending=door.queue(
            staff=staff_of(request), duty=Duty.DECIDE_REFERRAL, context=request_context(request)
        ),
    )
