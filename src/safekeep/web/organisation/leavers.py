"""The leaver pages: every leaver with something still open (information governance, IT,
system administrators), one leaver's checklist (those and the manager of their team), and IT
recording a council device returned. Each goes through the door (`leavers_access`,
`device_returned_access`); the organisation and devices services audit what is read and done."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.devices.models import Device
from safekeep.devices.services import DeviceError, device_returned
from safekeep.organisation.leaving import (
    leaver_checklist_read,
    leaver_checklists_read,
    leavers_as_of,
)
from safekeep.organisation.models import StaffMember
from safekeep.web.decorators import verified_staff_required
from safekeep.web.pages import origin_of, refusal_page, staff_of


def _leaver(staff_id: str) -> StaffMember:
    """A leaver (ended, or ended now); anyone else has no checklist."""
    found = leavers_as_of(timezone.localdate()).filter(staff_id=staff_id).first()
    if found is None:
        raise Http404("There is no leaver with this staff ID.")
    return found


@verified_staff_required
def leavers(request: HttpRequest) -> HttpResponse:
    try:
        access = door.leavers_access(
            staff=staff_of(request),
            leaver=None,
            context=request_context(request),
            origin=origin_of(request),
        )
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    checklists = leaver_checklists_read(
        origin=access.origin, as_of=timezone.localdate(), outstanding_only=True
    )
    context = {"page_title": "Leavers with open items", "checklists": checklists}
    return render(request, "organisation/leavers.html", context)


@verified_staff_required
def leaver_checklist(request: HttpRequest, staff_id: str) -> HttpResponse:
    leaver = _leaver(staff_id)
    viewer = staff_of(request)
    context_of_request = request_context(request)
    try:
        access = door.leavers_access(
            staff=viewer, leaver=leaver, context=context_of_request, origin=origin_of(request)
        )
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    checklist = leaver_checklist_read(origin=access.origin, staff=leaver)
    context = {
        "page_title": f"Leaver checklist: {leaver.full_name}",
        "leaver": leaver,
        "checklist": checklist,
        "records_returns": "it_support" in viewer.role_names(),
    }
    return render(request, "organisation/leaver_checklist.html", context)


@require_POST
@verified_staff_required
def leaver_device_returned(request: HttpRequest, staff_id: str, asset_tag: str) -> HttpResponse:
    leaver = _leaver(staff_id)
    device = get_object_or_404(Device, asset_tag=asset_tag, assigned_staff=leaver)
    try:
        access = door.device_returned_access(
            staff=staff_of(request),
            device=device,
            context=request_context(request),
            origin=origin_of(request),
        )
    except door.AccessRefused as refusal:
        return refusal_page(request, refusal)
    try:
        device_returned(origin=access.origin, device=device, recorded_by=access.staff)
    except DeviceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{device.asset_tag} is recorded as returned.")
    return redirect("organisation:leaver", staff_id=leaver.staff_id)
