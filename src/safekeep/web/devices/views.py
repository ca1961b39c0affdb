"""Device pages: thin views over the services and selectors.

IT support keeps the register and works the complaints queue; IG edits the task policy;
everyone can see what this device is and what they may do on it, enrol a device, report a
device lost or stolen, and log a device complaint.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from safekeep.audit.writing import audit_event
from safekeep.devices import selectors, services
from safekeep.devices.context import (
    ANOTHER_PERSON,
    device_facts,
    device_for_request,
    origin_for,
    request_device,
    set_device_cookie,
)
from safekeep.devices.forms import (
    ComplaintForm,
    ComplaintUpdateForm,
    DeviceChangeForm,
    DeviceForm,
    EnrolCodeForm,
    TaskPolicyForm,
)
from safekeep.devices.models import Device, DeviceComplaint, DeviceStatus, ITTask
from safekeep.devices.services import DeviceError, format_code
from safekeep.devices.vocabulary import (
    DEVICE_TYPES,
    OWNERSHIPS,
    TASK_LABELS,
    TASKS,
    TYPE_WORDS,
    task_verdicts,
)
from safekeep.governance.selectors import incidents_for_device
from safekeep.organisation.models import StaffMember
from safekeep.web.decorators import role_required, verified_staff_required
from safekeep.web.pages import account_of

IT = "it_support"
IG = "ig_officer"


def _staff(request: HttpRequest) -> StaffMember:
    staff = request.user.staff  # type: ignore[union-attr]
    assert staff is not None  # nosec B101 # narrows the type: the decorators refused anyone else
    return staff


def _device_or_404(asset_tag: str) -> Device:
    device = selectors.device_get(asset_tag)
    if device is None:
        raise Http404("No such device")
    return device


# --- this device --------------------------------------------------------------------------


@verified_staff_required
def this_device(request: HttpRequest) -> HttpResponse:
    """What this device is to Safekeep, for the signed-in person, and how to enrol it."""
    found = request_device(request)
    device = found.device
    facts = device_facts(device) if device is not None else None
    policy = selectors.current_task_policy()
    problems = selectors.device_problems(device) if device is not None else ()
    staff = _staff(request)
    enrolled = set(selectors.enrolled_devices(staff).values_list("pk", flat=True))
    return render(
        request,
        "devices/this_device.html",
        {
            "page_title": "This device",
            "device": device,
            "someone_elses": found.refusal == ANOTHER_PERSON,
            "problems": problems,
            "must_stay": device is not None and selectors.device_must_stay_on_site(device),
            "verdicts": task_verdicts(facts, policy),
            "policy_version": policy.version,
            "my_devices": selectors.devices_for_staff(staff),
            "enrolled": enrolled,
            "device_limit": settings.SAFEKEEP_MAX_DEVICES_PER_PERSON,
        },
    )


# --- enrolment ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@verified_staff_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Enter a one-time code on the device being enrolled; it works only for the person IT
    issued it for."""
    # The link IT hands out carries the code; the person still presses "Enrol this device".
    form = EnrolCodeForm(request.POST or None, initial={"code": request.GET.get("code", "")[:40]})
    if request.method == "POST" and form.is_valid():
        try:
            device, token = services.enrolment_redeem(
                origin=origin_for(request), code=form.cleaned_data["code"], user=account_of(request)
            )
        except DeviceError as exc:
            form.add_error("code", str(exc))
        else:
            messages.success(request, f"This device is now enrolled as {device.label}")
            response = redirect("devices:this-device")
            set_device_cookie(response, token)
            return response
    return render(request, "devices/enrol.html", {"page_title": "Enrol this device", "form": form})


@require_http_methods(["GET"])
@verified_staff_required
def enrol_personal(request: HttpRequest) -> HttpResponse:
    """How to use your own device for work: IT adds it to the register and issues a code.
    A browser cannot enrol itself by saying what it is."""
    return render(
        request,
        "devices/enrol_personal.html",
        {
            "page_title": "Use your own device for work",
            "device_limit": settings.SAFEKEEP_MAX_DEVICES_PER_PERSON,
        },
    )


# --- lost or stolen -----------------------------------------------------------------------


def _may_report(request: HttpRequest, device: Device) -> bool:
    staff = _staff(request)
    current = device_for_request(request)
    return (
        device.assigned_staff_id == staff.pk
        or bool(staff.role_names() & {IT, IG})
        or (current is not None and current.pk == device.pk)
    )


@require_http_methods(["GET", "POST"])
@verified_staff_required
def report_missing(request: HttpRequest, asset_tag: str) -> HttpResponse:
    """Two clicks: open this page, press "It is lost" or "It was stolen"."""
    device = _device_or_404(asset_tag)
    if not _may_report(request, device):
        raise Http404("No such device")
    error = ""
    if request.method == "POST":
        try:
            services.device_report_missing(
                origin=origin_for(request),
                device=device,
                status=request.POST.get("status", ""),
                reporter=_staff(request),
            )
        except DeviceError as exc:
            error = str(exc)
        else:
            return redirect("devices:reported", asset_tag=device.asset_tag)
    return render(
        request,
        "devices/report_missing.html",
        {
            "page_title": f"Report {device.asset_tag} lost or stolen",
            "device": device,
            "error": error,
        },
    )


@verified_staff_required
def reported(request: HttpRequest, asset_tag: str) -> HttpResponse:
    """What was done from a lost or stolen device in the last 30 days (audit metadata only)."""
    device = _device_or_404(asset_tag)
    if not _may_report(request, device) or device.status not in {
        DeviceStatus.LOST,
        DeviceStatus.STOLEN,
    }:
        raise Http404("No such device")
    return render(
        request,
        "devices/reported.html",
        {
            "page_title": f"{device.asset_tag} reported {device.status}",
            "device": device,
            "entries": selectors.device_recent_access(device)[:500],
            "incident": incidents_for_device(device).first(),
        },
    )


# --- complaints ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@verified_staff_required
def complaint_new(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None)
    staff = _staff(request)
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_log(
                origin=origin_for(request),
                staff=staff,
                device=device_for_request(request),
                **form.cleaned_data,
            )
        except DeviceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Your device complaint has been sent to IT support")
            return redirect("devices:complaint-new")
    return render(
        request,
        "devices/complaint_new.html",
        {
            "page_title": "Tell IT you could not do your work on a device",
            "form": form,
            "mine": selectors.complaints_by_staff(staff)[:20],
        },
    )


@role_required(IT)
def complaint_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    if status not in DeviceComplaint.Status.values and status != "all":
        status = "open"
    complaints = selectors.complaint_queue(status="" if status == "all" else status)
    return render(
        request,
        "devices/complaint_queue.html",
        {
            "page_title": "Device complaints",
            "complaints": complaints[:500],
            "status": status,
            "statuses": [*DeviceComplaint.Status.choices, ("all", "All")],
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(IT)
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = get_object_or_404(DeviceComplaint.objects.select_related("staff", "device"), pk=pk)
    form = ComplaintUpdateForm(
        request.POST or None,
        initial={"status": complaint.status, "resolution": complaint.resolution},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.complaint_update(
                origin=origin_for(request), complaint=complaint, **form.cleaned_data
            )
        except DeviceError as exc:
            form.add_error("resolution", str(exc))
        else:
            messages.success(request, "Complaint updated")
            return redirect("devices:complaint-queue")
    return render(
        request,
        "devices/complaint_detail.html",
        {"page_title": "Device complaint", "complaint": complaint, "form": form},
    )


# --- the register (IT support) ------------------------------------------------------------


REGISTER_PAGE_SIZE = 50


def _register_filter(request: HttpRequest) -> tuple[str, str]:
    status = request.GET.get("status", "")
    return (status if status in DeviceStatus.values else ""), request.GET.get("q", "")[:60]


@role_required(IT)
def register(request: HttpRequest) -> HttpResponse:
    status, search = _register_filter(request)
    devices = selectors.device_list(status=status, search=search).order_by("asset_tag")
    page = Paginator(devices, REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "devices/register.html",
        {
            "page_title": "Device register",
            "page": page,
            "status": status,
            "search": search,
            "statuses": DeviceStatus.choices,
        },
    )


@role_required(IT)
def register_csv(request: HttpRequest) -> HttpResponse:
    """The whole register (as filtered) for IT's spreadsheet; who took it is audited, as
    it names every member of staff with a device."""
    status, search = _register_filter(request)
    devices = list(selectors.device_list(status=status, search=search).order_by("asset_tag"))
    audit_event(
        origin=origin_for(request),
        action="device.register_export",
        decision="done",
        object_type="device_register",
        object_id="csv",
        reasons=[
            f"rows {len(devices)}",
            *([f"status {status}"] if status else []),
            *([f"search {search}"] if search else []),
        ],
    )
    response = HttpResponse(selectors.register_csv(devices), content_type="text/csv; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="device-register-{day}.csv"'
    return response


@role_required(IT)
def non_compliant(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "devices/non_compliant.html",
        {
            "page_title": "Non-compliant devices",
            "items": selectors.devices_non_compliant(),
            "tasks": selectors.open_it_tasks(),
        },
    )


@require_POST
@role_required(IT)
def it_task_done(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(ITTask, pk=pk, status=ITTask.Status.OPEN)
    services.it_task_close(origin=origin_for(request), task=task)
    messages.success(request, f"IT task for {task.device.asset_tag} marked as done")
    return redirect("devices:non-compliant")


def _register_fields(form: DeviceForm) -> dict[str, object]:
    data = form.cleaned_data
    return {
        "device_type": data["device_type"],
        "ownership": data["ownership"],
        "encrypted": data["encrypted"],
        "passcode": data["passcode"],
        "os": data["os"],
        "assigned_staff": data["assigned_staff_id"],
        "site": data["site"],
        "on_site": data["on_site"],
    }


@require_http_methods(["GET", "POST"])
@role_required(IT)
def device_add(request: HttpRequest) -> HttpResponse:
    form = DeviceForm(request.POST or None, initial={"on_site": True})
    if request.method == "POST" and form.is_valid():
        try:
            device = services.device_create(
                origin=origin_for(request),
                asset_tag=form.cleaned_data["asset_tag"],
                **_register_fields(form),  # type: ignore[arg-type]
            )
        except DeviceError as exc:
            form.add_error("asset_tag", str(exc))
        else:
            messages.success(request, f"{device.asset_tag} added to the register")
            return redirect("devices:detail", asset_tag=device.asset_tag)
    return render(request, "devices/device_form.html", {"page_title": "Add a device", "form": form})


@require_http_methods(["GET", "POST"])
@role_required(IT)
def device_change(request: HttpRequest, asset_tag: str) -> HttpResponse:
    device = _device_or_404(asset_tag)
    initial = {
        "device_type": device.device_type,
        "ownership": device.ownership,
        "encrypted": device.encrypted,
        "passcode": device.passcode,
        "os": device.os,
        "assigned_staff_id": device.assigned_staff.staff_id if device.assigned_staff else "",
        "site": device.site_id,
        "on_site": device.on_site,
    }
    form = DeviceChangeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.device_update(
                origin=origin_for(request), device=device, **_register_fields(form)
            )
        except DeviceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"{device.asset_tag} updated")
            return redirect("devices:detail", asset_tag=device.asset_tag)
    return render(
        request,
        "devices/device_form.html",
        {"page_title": f"Change {device.asset_tag}", "form": form, "device": device},
    )


@role_required(IT)
def device_detail(request: HttpRequest, asset_tag: str) -> HttpResponse:
    device = _device_or_404(asset_tag)
    return render(
        request,
        "devices/device_detail.html",
        {
            "page_title": device.asset_tag,
            "device": device,
            "problems": selectors.device_problems(device),
            "must_stay": selectors.device_must_stay_on_site(device),
            "incidents": incidents_for_device(device)[:20],
        },
    )


@require_POST
@role_required(IT)
def enrolment_code(request: HttpRequest, asset_tag: str) -> HttpResponse:
    device = _device_or_404(asset_tag)
    try:
        code = services.enrolment_code_issue(
            origin=origin_for(request), device=device, issued_by=_staff(request)
        )
    except DeviceError as exc:
        messages.error(request, str(exc))
        return redirect("devices:detail", asset_tag=device.asset_tag)
    return render(
        request,
        "devices/enrolment_code.html",
        {
            "page_title": f"Enrolment code for {device.asset_tag}",
            "device": device,
            "code": format_code(code),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(IT)
def device_retire(request: HttpRequest, asset_tag: str) -> HttpResponse:
    device = _device_or_404(asset_tag)
    error = ""
    if request.method == "POST":
        try:
            services.device_retire(origin=origin_for(request), device=device)
        except DeviceError as exc:
            error = str(exc)
        else:
            messages.success(request, f"{device.asset_tag} retired; it can no longer be used")
            return redirect("devices:detail", asset_tag=device.asset_tag)
    return render(
        request,
        "devices/retire.html",
        {"page_title": f"Retire {device.asset_tag}", "device": device, "error": error},
    )


# --- the task policy (IG) -----------------------------------------------------------------


@role_required(IG, IT)
def task_policy(request: HttpRequest) -> HttpResponse:
    policy = selectors.current_task_policy()
    rows = []
    for ownership in OWNERSHIPS:
        for device_type in DEVICE_TYPES:
            rows.append(
                (
                    ownership,
                    device_type,
                    f"{ownership.capitalize()} {TYPE_WORDS[device_type]}",
                    [policy.rule(ownership, device_type, task) for task in TASKS],
                )
            )
    return render(
        request,
        "devices/task_policy.html",
        {
            "page_title": "Task policy",
            "policy": policy,
            "rows": rows,
            "task_labels": [TASK_LABELS[t] for t in TASKS],
            "versions": selectors.task_policy_versions()[:50],
            "may_edit": IG in _staff(request).role_names(),
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(IG)
def task_policy_edit(request: HttpRequest, ownership: str, device_type: str) -> HttpResponse:
    if ownership not in OWNERSHIPS or device_type not in DEVICE_TYPES:
        raise Http404("No such device kind")
    policy = selectors.current_task_policy()
    initial: dict[str, str] = {}
    for task in TASKS:
        rule = policy.rule(ownership, device_type, task)
        initial[f"{task}__status"] = rule.status
        initial[f"{task}__condition"] = rule.condition
    form = TaskPolicyForm(request.POST or None, initial=initial)
    kind = device_type.replace("_", " ")
    if request.method == "POST" and form.is_valid():
        try:
            version = services.task_policy_change(
                origin=origin_for(request),
                changed_by=_staff(request),
                ownership=ownership,
                device_type=device_type,
                rules=form.rules(),
                reason=form.cleaned_data["reason"],
            )
        except DeviceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Task policy version {version.number} is now in force")
            return redirect("devices:task-policy")
    return render(
        request,
        "devices/task_policy_edit.html",
        {
            "page_title": f"Change the task policy for {ownership} {kind}s",
            "form": form,
            "ownership": ownership,
            "device_type": device_type,
        },
    )
