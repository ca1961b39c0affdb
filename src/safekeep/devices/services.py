"""Changing the device register, enrolment, the task policy, IT tasks and complaints.

Each function runs in one transaction and writes its audit entry in it. Audit entries name
devices by asset tag and never hold complaint text, codes or tokens. A device reported lost
or stolen, or an unencrypted one found off site, is announced (`signals.device_incident`):
governance opens the incident, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from safekeep.accounts.models import User
from safekeep.accounts.standing import account_may_act
from safekeep.audit.writing import Origin, audit_change, audit_event
from safekeep.devices.conf import ENROLMENT_CODE_HOURS
from safekeep.devices.context import hash_secret
from safekeep.devices.models import (
    Device,
    DeviceComplaint,
    DeviceCredential,
    DeviceReturn,
    DeviceStatus,
    EnrolmentCode,
    ITTask,
    TaskPolicyRule,
    TaskPolicyVersion,
)
from safekeep.devices.selectors import (
    current_task_policy,
    device_must_stay_on_site,
    device_problems,
    enrolled_devices,
)
from safekeep.devices.signals import device_incident
from safekeep.devices.vocabulary import (
    CONDITIONAL,
    CONDITIONS,
    DEVICE_TYPES,
    OWNERSHIPS,
    TASK_LABELS,
    TASK_STATUSES,
    TASKS,
    split_os,
)
from safekeep.organisation.models import Site, StaffMember

# A code people can read out and type: no 0/O or 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12


class DeviceError(Exception):
    """A device change that cannot be made; the message says why in plain words."""


# --- the register -----------------------------------------------------------------------

EDITABLE_FIELDS = (
    "device_type",
    "ownership",
    "assigned_staff",
    "encrypted",
    "passcode",
    "os_name",
    "os_version",
    "site",
    "on_site",
)


def device_create(
    *,
    origin: Origin,
    asset_tag: str,
    device_type: str,
    ownership: str,
    encrypted: str,
    passcode: str,
    os: str,
    assigned_staff: StaffMember | None = None,
    site: Site | None = None,
    on_site: bool = True,
) -> Device:
    """Register a device. Asset tags are unique."""
    tag = asset_tag.strip()
    if not tag:
        raise DeviceError("Enter the asset tag")
    os_name, os_version = split_os(os)
    try:
        with transaction.atomic():
            device = Device.objects.create(
                asset_tag=tag,
                device_type=device_type,
                ownership=ownership,
                encrypted=encrypted,
                passcode=passcode,
                os_name=os_name,
                os_version=os_version,
                assigned_staff=assigned_staff,
                site=site,
                on_site=on_site,
            )
            _audit_change(origin, device, "device.create", [], None)
    except IntegrityError:
        raise DeviceError(f"A device with asset tag {tag} is already registered") from None
    return device


@transaction.atomic
def device_update(*, origin: Origin, device: Device, **changes: Any) -> Device:
    """Change register fields (`os` is split into name and version); compliance is re-evaluated.

    Moving an unencrypted laptop or desktop off site makes an IT task and an incident.
    """
    if "os" in changes:
        changes["os_name"], changes["os_version"] = split_os(changes.pop("os"))
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DeviceError(f"These cannot be changed here: {', '.join(sorted(unknown))}")
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status == DeviceStatus.RETIRED:
        raise DeviceError(f"{device.asset_tag} is retired and cannot be changed")
    before_problems = device_problems(device)
    was_on_site = device.on_site
    changed = [name for name, value in changes.items() if getattr(device, name) != value]
    for name in changed:
        setattr(device, name, changes[name])
    if changed:
        device.save()
        _audit_change(origin, device, "device.update", changed, before_problems)
    if was_on_site and not device.on_site and device_must_stay_on_site(device):
        unencrypted_off_site_report(origin=origin, device=device)
    return device


def device_assign(*, origin: Origin, device: Device, staff: StaffMember | None) -> Device:
    return device_update(origin=origin, device=device, assigned_staff=staff)


@transaction.atomic
def device_returned(
    *, origin: Origin, device: Device, recorded_by: StaffMember | None
) -> DeviceReturn:
    """IT records that the person holding `device` handed it back: it has no holder now,
    its credentials stop working, and the holder's leaver checklist shows it returned."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    holder = device.assigned_staff  # (no join: PostgreSQL locks no outer join's null side)
    if holder is None:
        raise DeviceError(f"{device.asset_tag} is not assigned to anyone")
    returned = DeviceReturn.objects.create(
        device=device, staff=holder, returned_at=timezone.now(), recorded_by=recorded_by
    )
    device.assigned_staff = None
    device.save(update_fields=["assigned_staff", "updated_at"])
    revoked = _revoke_credentials(device)
    audit_change(
        origin,
        "device.returned",
        device,
        reasons=[f"returned by {holder.staff_id}", f"credentials revoked: {revoked}"],
    )
    return returned


@transaction.atomic
def device_retire(*, origin: Origin, device: Device) -> Device:
    """Retire a device: nothing can be done on it any more and its credentials stop working."""
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status == DeviceStatus.RETIRED:
        raise DeviceError(f"{device.asset_tag} is already retired")
    device.status = DeviceStatus.RETIRED
    device.save(update_fields=["status", "updated_at"])
    revoked = _revoke_credentials(device)
    audit_change(
        origin,
        "device.retire",
        device,
        reasons=[f"credentials revoked: {revoked}"],
    )
    return device


@transaction.atomic
def device_report_missing(
    *, origin: Origin, device: Device, status: str, reporter: StaffMember | None
) -> ITTask:
    """Report a device lost or stolen: credential revoked at once, an IT task made and the
    incident announced."""
    if status not in {DeviceStatus.LOST, DeviceStatus.STOLEN}:
        raise DeviceError("Choose whether the device is lost or stolen")
    device = Device.objects.select_for_update().get(pk=device.pk)
    if device.status == DeviceStatus.RETIRED:
        raise DeviceError(f"{device.asset_tag} is retired; it cannot be reported {status}")
    if device.status == status:
        raise DeviceError(f"{device.asset_tag} has already been reported {status}")
    device.status = status
    device.save(update_fields=["status", "updated_at"])
    revoked = _revoke_credentials(device)
    cause = ITTask.Cause.LOST_DEVICE if status == DeviceStatus.LOST else ITTask.Cause.STOLEN_DEVICE
    task = ITTask.objects.create(
        device=device,
        cause=cause,
        description=f"{device.asset_tag} reported {status}: wipe it remotely if it is managed",
    )
    audit_change(
        origin,
        f"device.report_{status}",
        device,
        reasons=[f"credentials revoked: {revoked}", f"IT task {task.pk} recorded"],
    )
    _announce(origin, task, reporter, f"{device.label} reported {status}")
    return task


@transaction.atomic
def unencrypted_off_site_report(*, origin: Origin, device: Device) -> ITTask:
    """An unencrypted laptop or desktop is off site: an IT task and an incident, once.

    While the IT task for an earlier such report is still open, that task is returned and
    nothing new is made, so that repeated refusals on the same device do not flood IT or IG.
    """
    open_task = ITTask.objects.filter(
        device=device,
        status=ITTask.Status.OPEN,
        cause=ITTask.Cause.UNENCRYPTED_DEVICE_REMOVED,
    ).first()
    if open_task is not None:
        return open_task
    task = ITTask.objects.create(
        device=device,
        cause=ITTask.Cause.UNENCRYPTED_DEVICE_REMOVED,
        description=f"Bring {device.asset_tag} back on site and encrypt it before it leaves again",
    )
    audit_change(
        origin,
        "device.incident",
        device,
        reasons=[
            "unencrypted_device_removed",
            f"{device.label} must not leave site",
            f"IT task {task.pk} recorded",
        ],
    )
    _announce(origin, task, None, f"{device.label} is unencrypted and was reported off site")
    return task


def _announce(origin: Origin, task: ITTask, reporter: StaffMember | None, summary: str) -> None:
    device_incident.send(
        sender=ITTask,
        origin=origin,
        cause=task.cause,
        device=task.device,
        task=task,
        reporter=reporter,
        summary=summary,
    )


@transaction.atomic
def it_task_close(*, origin: Origin, task: ITTask) -> ITTask:
    task.status = ITTask.Status.DONE
    task.save(update_fields=["status"])
    audit_change(
        origin,
        "device.it_task_done",
        task.device,
        reasons=[f"IT task {task.pk} done"],
    )
    return task


def _audit_change(
    origin: Origin,
    device: Device,
    action: str,
    changed: list[str],
    before_problems: tuple[str, ...] | None,
) -> None:
    problems = device_problems(device)
    reasons = [f"changed: {', '.join(changed)}"] if changed else []
    if before_problems is None or bool(before_problems) != bool(problems):
        if problems:
            reasons.append("not compliant: " + "; ".join(problems))
        else:
            reasons.append("compliant")
    audit_change(
        origin,
        action,
        device,
        reasons=reasons,
    )


def _revoke_credentials(device: Device) -> int:
    return DeviceCredential.objects.filter(device=device, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


# --- enrolment --------------------------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_code(code: str) -> str:
    """ABCDEFGHJKMN -> ABCD-EFGH-JKMN, easier to read out and type."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def enrolment_code_issue(*, origin: Origin, device: Device, issued_by: StaffMember | None) -> str:
    """A one-time code for enrolling `device`, valid for ENROLMENT_CODE_HOURS. Shown once.

    The code works only for the device's assigned member of staff, so a personal device, too,
    is first added to the register for its owner (by IT or the devices import).
    """
    if device.status != DeviceStatus.ACTIVE:
        raise DeviceError(f"{device.asset_tag} is {device.status}; only active devices can enrol")
    if device.assigned_staff is None:
        raise DeviceError(
            f"{device.asset_tag} is not assigned to anyone. Assign it to the person who will "
            "use it first: the code works only for them"
        )
    code = _new_code()
    now = timezone.now()
    # Older unused codes for the device stop working: only the latest one counts.
    EnrolmentCode.objects.filter(device=device, used_at__isnull=True).update(expires_at=now)
    EnrolmentCode.objects.create(
        device=device,
        code_hash=hash_secret(code),
        expires_at=now + dt.timedelta(hours=ENROLMENT_CODE_HOURS),
        issued_for=device.assigned_staff,
        created_by=issued_by,
    )
    audit_change(
        origin,
        "device.enrolment_code",
        device,
        reasons=[
            f"for {device.assigned_staff.staff_id}",
            f"valid for {ENROLMENT_CODE_HOURS} hours",
        ],
    )
    return code


ENROLMENT_CODE_REFUSAL = (
    "This enrolment code is not valid: it may be mistyped, already used or expired. "
    "Ask IT support for a new one."
)
SOMEONE_ELSES_CODE = (
    "This enrolment code is for someone else. Ask IT support for a code for your own device."
)
ACCOUNT_MAY_NOT_ENROL = "Your account cannot enrol a device now. Ask IT support."


@dataclass(frozen=True, slots=True)
class _Refusal:
    """Why a code cannot be redeemed: what the person is told, and what the audit log says."""

    shown: str
    recorded: str


def enrolment_redeem(*, origin: Origin, code: str, user: User) -> tuple[Device, str]:
    """Use a code: the device gets a new credential for `user`, earlier ones are revoked;
    returns the token.

    Only the person the code was issued for may redeem it, while their account may act and
    while they have fewer than SAFEKEEP_MAX_DEVICES_PER_PERSON other devices enrolled. A
    refusal is audited (in its own transaction, so the entry survives the error).
    """
    moment = timezone.now()
    with transaction.atomic():
        entry = (
            EnrolmentCode.objects.select_for_update()
            .select_related("device")
            .filter(code_hash=hash_secret(normalise_code(code)))
            .first()
        )
        outcome = _redeemer(entry, user, moment)
        if not isinstance(outcome, _Refusal):
            redeemed, staff = outcome
            device = redeemed.device
            redeemed.used_at = moment
            redeemed.save(update_fields=["used_at"])
            token = _issue_credential(device, staff)
            audit_change(
                replace(origin, device=device.asset_tag),
                "device.enrol",
                device,
                reasons=[f"device credential issued to {staff.staff_id}"],
            )
            return device, token
    with transaction.atomic():
        audit_event(
            origin=origin,
            action="device.enrol",
            decision="refused",
            object_type="device",
            object_id=entry.device.asset_tag if entry is not None else "",
            reasons=[outcome.recorded],
        )
    raise DeviceError(outcome.shown)


def _redeemer(
    entry: EnrolmentCode | None, user: User, now: dt.datetime
) -> tuple[EnrolmentCode, StaffMember] | _Refusal:
    """The code and the member of staff who may redeem it now (their row locked, so two
    codes redeemed at once cannot both pass the device limit), or why `user` may not."""
    if entry is None or entry.used_at is not None or entry.expires_at <= now:
        return _Refusal(ENROLMENT_CODE_REFUSAL, ENROLMENT_CODE_REFUSAL)
    device = entry.device
    if device.status != DeviceStatus.ACTIVE:
        shown = f"{device.asset_tag} is reported {device.status}; it cannot be enrolled"
        return _Refusal(shown, shown)
    standing = account_may_act(user, now)
    if not standing.may_act:
        return _Refusal(ACCOUNT_MAY_NOT_ENROL, standing.reason)
    staff = StaffMember.objects.select_for_update().get(user=user)
    if entry.issued_for_id != staff.pk:
        return _Refusal(SOMEONE_ELSES_CODE, "code issued for another person")
    if device.assigned_staff_id != staff.pk:
        return _Refusal(
            SOMEONE_ELSES_CODE, "device assigned to another person since the code was issued"
        )
    limit = settings.SAFEKEEP_MAX_DEVICES_PER_PERSON
    if enrolled_devices(staff).exclude(pk=device.pk).count() >= limit:
        return _Refusal(
            f"You already have {limit} devices enrolled, the most you can have. Ask IT "
            "support to end the enrolment of one you no longer use.",
            f"device limit reached: {limit} enrolled",
        )
    return entry, staff


@transaction.atomic
def device_credentials_revoke(*, origin: Origin, device: Device) -> int:
    revoked = _revoke_credentials(device)
    audit_change(
        origin,
        "device.revoke",
        device,
        reasons=[f"credentials revoked: {revoked}"],
    )
    return revoked


def _issue_credential(device: Device, staff: StaffMember) -> str:
    _revoke_credentials(device)
    token = secrets.token_urlsafe(32)
    DeviceCredential.objects.create(device=device, staff=staff, token_hash=hash_secret(token))
    Device.objects.filter(pk=device.pk).update(last_seen=timezone.now())
    return token


# --- the task policy --------------------------------------------------------------------


@transaction.atomic
def task_policy_change(
    *,
    origin: Origin,
    changed_by: StaffMember | None,
    ownership: str,
    device_type: str,
    rules: Mapping[str, tuple[str, str]],
    reason: str,
) -> TaskPolicyVersion:
    """A new version of the task policy: the current one with one ownership and type row changed.

    `rules` maps task -> (status, condition); a conditional task needs a condition, and
    allowed or prevented tasks carry none. The version records who and why; so does the audit.
    """
    why = reason.strip()
    if not why:
        raise DeviceError("Enter the reason for the change")
    if ownership not in OWNERSHIPS or device_type not in DEVICE_TYPES:
        raise DeviceError("Choose a device ownership and type")
    for task, (status, condition) in rules.items():
        if task not in TASKS or status not in TASK_STATUSES:
            raise DeviceError(f"'{task}: {status}' is not a task policy setting")
        if status == CONDITIONAL and condition not in CONDITIONS:
            raise DeviceError(f"Choose the condition for '{TASK_LABELS[task]}'")
    current = current_task_policy()
    changes = []
    new_rules = dict(current.rules)
    for task, (status, condition) in rules.items():
        condition = condition if status == CONDITIONAL else ""
        key = (ownership, device_type, task)
        old = current.rule(*key)
        if (old.status, old.condition) != (status, condition):
            changes.append(
                f"{ownership} {device_type} {task}: {_show(old.status, old.condition)} -> "
                f"{_show(status, condition)}"
            )
            new_rules[key] = type(old)(status, condition)
    if not changes:
        raise DeviceError("Nothing was changed")
    last = TaskPolicyVersion.objects.select_for_update().order_by("-number").first()
    version = TaskPolicyVersion.objects.create(
        number=(last.number if last is not None else 0) + 1, created_by=changed_by, reason=why
    )
    TaskPolicyRule.objects.bulk_create(
        TaskPolicyRule(
            version=version,
            ownership=key[0],
            device_type=key[1],
            task=key[2],
            status=rule.status,
            condition=rule.condition,
        )
        for key, rule in new_rules.items()
    )
    audit_change(
        origin,
        "task_policy.change",
        version,
        reasons=[f"why: {why}", *changes],
    )
    return version


def _show(status: str, condition: str) -> str:
    return f"{status} ({condition})" if condition else status


# --- complaints -------------------------------------------------------------------------


@transaction.atomic
def complaint_log(
    *,
    origin: Origin,
    staff: StaffMember,
    category: str,
    summary: str,
    device: Device | None = None,
    reported_on: dt.date | None = None,
) -> DeviceComplaint:
    """Staff log "I could not do my work on my device". The summary is never audited."""
    if category not in DeviceComplaint.Category.values:
        raise DeviceError("Choose what kind of problem it was")
    if not summary.strip():
        raise DeviceError("Describe what happened")
    complaint = DeviceComplaint.objects.create(
        reported_on=reported_on or timezone.localdate(),
        staff=staff,
        category=category,
        summary=summary.strip(),
        device=device,
    )
    audit_change(
        origin,
        "device.complaint",
        complaint,
        reasons=[category],
    )
    return complaint


@transaction.atomic
def complaint_update(
    *, origin: Origin, complaint: DeviceComplaint, status: str, resolution: str = ""
) -> DeviceComplaint:
    if status not in DeviceComplaint.Status.values:
        raise DeviceError("Choose a status")
    if status == DeviceComplaint.Status.RESOLVED and not resolution.strip():
        raise DeviceError("Say how the complaint was resolved")
    complaint.status = status
    complaint.resolution = resolution.strip()
    complaint.save(update_fields=["status", "resolution", "updated_at"])
    audit_change(
        origin,
        "device.complaint_update",
        complaint,
        reasons=[status],
    )
    return complaint
