"""Incident pages: IG's list and each incident's page (assess, actions, the ICO decision,
closure), recording a new one, and a team manager's one-form report of a personal phone
number shared (FOI question 1g). Thin: the door decides, a service writes.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.governance import selectors, services
from safekeep.governance.forms import (
    ActionForm,
    CloseForm,
    IcoDecisionForm,
    IncidentFilterForm,
    IncidentForm,
    IncidentUpdateForm,
    NumberSharedForm,
)
from safekeep.governance.models import Incident
from safekeep.governance.services import IncidentError
from safekeep.organisation.models import StaffMember
from safekeep.organisation.selectors import managed_team, team_members
from safekeep.web.decorators import verified_staff_required
from safekeep.web.errors import Refused
from safekeep.web.pages import error_summary, origin_of, staff_of

PAGE_ROWS = 500


def _run(request: HttpRequest, incident: Incident | None) -> door.DutyAccess:
    """The door's answer to "may this person work on incidents?"; a refusal is a 403."""
    try:
        return door.incidents_access(
            staff=staff_of(request),
            incident=incident,
            context=request_context(request),
            origin=origin_of(request),
        )
    except door.AccessRefused as refusal:
        raise _refused(refusal) from None


def _may_report(request: HttpRequest, involved: StaffMember | None) -> door.DutyAccess:
    try:
        return door.incident_report_access(
            staff=staff_of(request),
            involved=involved,
            context=request_context(request),
            origin=origin_of(request),
        )
    except door.AccessRefused as refusal:
        raise _refused(refusal) from None


def _refused(refusal: door.AccessRefused) -> Refused:
    return Refused(*(w[:1].upper() + w[1:] + "." for w in refusal.decision.words))


@verified_staff_required
def incident_list(request: HttpRequest) -> HttpResponse:
    _run(request, None)
    form = IncidentFilterForm(request.GET or None)
    category, state = "", selectors.OPEN
    if form.is_valid():
        category = form.cleaned_data["category"]
        state = form.cleaned_data["state"] or selectors.OPEN
    found = list(selectors.incident_list(category=category, state=state)[: PAGE_ROWS + 1])
    now = timezone.now()
    return render(
        request,
        "governance/incidents.html",
        {
            "page_title": "Incidents",
            "form": form,
            "rows": [
                (incident, selectors.breach_clock(incident, now)) for incident in found[:PAGE_ROWS]
            ],
            "more": len(found) > PAGE_ROWS,
            "page_rows": PAGE_ROWS,
            "clocks": selectors.open_breach_clocks(now),
        },
    )


@require_http_methods(["GET", "POST"])
@verified_staff_required
def incident_new(request: HttpRequest) -> HttpResponse:
    access = _run(request, None)
    initial = {"category": request.GET.get("category", "")}
    form = IncidentForm(request.POST if request.method == "POST" else None, initial=initial)
    problem: IncidentError | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_record(
                access=access,
                category=data["category"],
                occurred_on=data["occurred_on"],
                staff=data["staff_id"],
                summary=data["summary"],
                severity=data["severity"],
                what_happened=data["what_happened"],
                aware_at=data["aware_at"],
            )
        except IncidentError as exc:
            problem = exc
        else:
            messages.success(request, f"Incident {incident.pk} recorded")
            return redirect("governance:incident", pk=incident.pk)
    summary = error_summary(form, problem) if request.method == "POST" else []
    return render(
        request,
        "governance/incident_new.html",
        {"page_title": "Record an incident", "form": form, "error_summary": summary},
        status=400 if summary else 200,
    )


# The forms on an incident's page, by the name of the button's `form` value.
DETAIL_FORMS = ("update", "action", "ico", "close")


@require_http_methods(["GET", "POST"])
@verified_staff_required
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = selectors.incident_get(pk)
    if incident is None:
        _run(request, None)  # only IG learns that there is no such incident
        raise Http404("No such incident")
    access = _run(request, incident)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    if request.method == "POST" and which not in DETAIL_FORMS:
        raise Http404("No such form")
    bound = {name: request.POST if name == which else None for name in DETAIL_FORMS}
    found: dict[str, forms.Form] = {
        "update": IncidentUpdateForm(
            bound["update"],
            breach=incident.is_breach,
            initial={
                "severity": incident.severity,
                "what_happened": incident.what_happened,
                "aware_at": timezone.localtime(incident.aware_at).strftime("%Y-%m-%d %H:%M")
                if incident.aware_at
                else "",
            },
        ),
        "action": ActionForm(bound["action"]),
        "ico": IcoDecisionForm(bound["ico"]),
        "close": CloseForm(bound["close"]),
    }
    problem: IncidentError | None = None
    if which:
        form = found[which]
        if form.is_valid():
            try:
                done = _change(access, incident, which, form.cleaned_data)
            except IncidentError as exc:
                problem = exc
            else:
                messages.success(request, done)
                return redirect("governance:incident", pk=incident.pk)
    summary = error_summary(found[which], problem) if which else []
    return render(
        request,
        "governance/incident_detail.html",
        {
            "page_title": f"Incident {incident.pk}: {incident.get_category_display()}",
            "incident": incident,
            "clock": selectors.breach_clock(incident),
            "forms": found,
            "failed": which if summary else "",
            "error_summary": summary,
        },
        status=400 if summary else 200,
    )


def _change(access: door.DutyAccess, incident: Incident, which: str, data: dict[str, Any]) -> str:
    """Carry out one of the page's forms; the words to show once it is done."""
    if which == "update":
        services.incident_update(
            access=access,
            incident=incident,
            severity=data["severity"],
            what_happened=data["what_happened"],
            aware_at=data.get("aware_at"),
        )
        return "Incident updated"
    if which == "action":
        services.incident_action_add(access=access, incident=incident, text=data["text"])
        return "Action recorded"
    if which == "ico":
        services.incident_ico_decide(
            access=access, incident=incident, decision=data["decision"], reasons=data["reasons"]
        )
        return "ICO decision recorded"
    services.incident_close(access=access, incident=incident, outcome=data["outcome"])
    return "Incident closed"


@require_http_methods(["GET", "POST"])
@verified_staff_required
def number_shared(request: HttpRequest) -> HttpResponse:
    """A team manager's report that someone in their team gave a client their personal phone
    number against instructions: one short form, reached from the start and team pages."""
    _may_report(request, None)
    team = managed_team(staff=staff_of(request))
    if team is None:  # information governance, managing no team: the full form
        new = reverse("governance:incident-new")
        return redirect(f"{new}?category={Incident.Category.PERSONAL_NUMBER_SHARED}")
    members = team_members(team=team, today=timezone.localdate())
    posted = request.POST if request.method == "POST" else None
    form = NumberSharedForm(posted, team_members=members)
    if request.method == "POST" and form.is_valid():
        involved = form.cleaned_data["staff"]
        access = _may_report(request, involved)
        try:
            services.personal_number_shared_report(
                access=access,
                staff=involved,
                occurred_on=form.cleaned_data["occurred_on"],
                summary=form.cleaned_data["summary"],
            )
        except IncidentError as exc:
            form.add_error(exc.field or None, exc.message)
        else:
            messages.success(
                request,
                f"Recorded: {involved.full_name} shared their personal phone number. "
                "Information governance will follow it up.",
            )
            return redirect("governance:number-shared")
    summary = error_summary(form) if request.method == "POST" else []
    return render(
        request,
        "governance/number_shared.html",
        {
            "page_title": "Report a personal phone number shared",
            "form": form,
            "team": team,
            "error_summary": summary,
        },
        status=400 if summary else 200,
    )
