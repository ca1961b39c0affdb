"""Reading the device register, the task policy and complaints."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from safekeep.audit.models import AuditEntry
from safekeep.audit.selectors import spreadsheet_safe
from safekeep.core.rows import Columns, table
from safekeep.devices.conf import os_minimums
from safekeep.devices.models import (
    Device,
    DeviceComplaint,
    DeviceStatus,
    ITTask,
    Ownership,
    TaskPolicyVersion,
)
from safekeep.devices.vocabulary import (
    TaskPolicySnapshot,
    TaskRule,
    compliance_problems,
    default_task_policy,
    must_stay_on_site,
    os_is_supported,
)
from safekeep.organisation.models import StaffMember

# --- register and compliance ------------------------------------------------------------


def enrolled_devices(staff: StaffMember) -> QuerySet[Device]:
    """The active devices on which `staff` holds a live credential: what the limit counts."""
    return Device.objects.filter(
        status=DeviceStatus.ACTIVE,
        credentials__staff=staff,
        credentials__revoked_at__isnull=True,
    ).distinct()


def device_list(*, status: str = "", search: str = "") -> QuerySet[Device]:
    devices = Device.objects.select_related("assigned_staff", "site")
    if status:
        devices = devices.filter(status=status)
    if search:
        devices = devices.filter(asset_tag__icontains=search.strip())
    return devices


REGISTER_CSV_COLUMNS = (
    "asset_tag",
    "device_type",
    "ownership",
    "assigned_staff_id",
    "assigned_to",
    "status",
    "site_id",
    "os",
    "os_version",
    "encrypted",
    "passcode",
    "serial_number",
    "managed_by",
    "intune_compliance",
    "intune_last_check_in",
    "last_seen",
)


def register_csv(devices: Iterable[Device]) -> str:
    """The register as IT's spreadsheet: codes, not words, so it can be filtered and joined;
    times in ISO 8601 with their offset; no cell a spreadsheet would run as a formula."""

    def when(moment: dt.datetime | None) -> str:
        return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(REGISTER_CSV_COLUMNS)
    for device in devices:
        staff = device.assigned_staff
        row = [
            device.asset_tag,
            device.device_type,
            device.ownership,
            staff.staff_id if staff else "",
            staff.full_name if staff else "",
            device.status,
            device.site.site_id if device.site else "",
            device.os_name,
            device.os_version,
            device.encrypted,
            device.passcode,
            device.serial_number,
            device.managed_by,
            device.mdm_compliance,
            when(device.mdm_checked_in_at),
            when(device.last_seen),
        ]
        writer.writerow([spreadsheet_safe(str(cell)) for cell in row])
    return out.getvalue()


def device_get(asset_tag: str) -> Device | None:
    return (
        Device.objects.select_related("assigned_staff", "site").filter(asset_tag=asset_tag).first()
    )


def device_problems(device: Device) -> tuple[str, ...]:
    """Why the device is not compliant, evaluated now against the configured OS minimums."""
    return compliance_problems(
        device_type=device.device_type,
        encrypted=device.encrypted,
        passcode=device.passcode,
        os_supported=os_is_supported(device.os_name, device.os_version, os_minimums()),
        mdm_compliance=device.mdm_compliance,
    )


def device_must_stay_on_site(device: Device) -> bool:
    return must_stay_on_site(device_type=device.device_type, encrypted=device.encrypted)


@dataclass(frozen=True, slots=True)
class NonCompliant:
    device: Device
    problems: tuple[str, ...]
    off_site_breach: bool


def devices_non_compliant() -> list[NonCompliant]:
    """Active council devices that break a compliance rule, worst (off site, unencrypted) first."""
    found = []
    active = device_list(status=DeviceStatus.ACTIVE).filter(ownership=Ownership.COUNCIL)
    for device in active:
        problems = device_problems(device)
        if problems:
            breach = not device.on_site and device_must_stay_on_site(device)
            found.append(NonCompliant(device, problems, breach))
    found.sort(key=lambda item: (not item.off_site_breach, item.device.asset_tag))
    return found


def devices_for_staff(staff: StaffMember) -> QuerySet[Device]:
    return device_list().filter(assigned_staff=staff).exclude(status=DeviceStatus.RETIRED)


def open_it_tasks() -> QuerySet[ITTask]:
    return ITTask.objects.filter(status=ITTask.Status.OPEN).select_related("device")


def device_recent_access(
    device: Device, *, now: dt.datetime | None = None, days: int = 30
) -> QuerySet[AuditEntry]:
    """What was done from this device in the last `days` days (audit metadata, no content)."""
    since = (now or timezone.now()) - dt.timedelta(days=days)
    return AuditEntry.objects.filter(device=device.asset_tag, occurred_at__gte=since).order_by(
        "-occurred_at", "-id"
    )


# --- the task policy --------------------------------------------------------------------


_VERSION = Columns(TaskPolicyVersion, "v")
_LATEST_VERSION_SQL = f"""
SELECT {_VERSION.sql} FROM {table(TaskPolicyVersion)} v ORDER BY v.number DESC LIMIT 1
"""  # noqa: S608  # nosec B608 # only model table and column names are formatted in


def task_policy_version_in_force(as_of: dt.date | None = None) -> TaskPolicyVersion | None:
    """The version in force now (or at the end of `as_of`); now is asked on every request,
    so it is one hand-written query."""
    if as_of is None:
        with connection.cursor() as cursor:
            cursor.execute(_LATEST_VERSION_SQL)
            row = cursor.fetchone()
        return None if row is None else _VERSION.build(row)
    end_of_day = dt.datetime.combine(
        as_of + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )
    versions = TaskPolicyVersion.objects.filter(created_at__lt=end_of_day)
    return versions.order_by("-number").first()


def task_policy_snapshot(version: TaskPolicyVersion | None) -> TaskPolicySnapshot:
    """A stored version as the pure snapshot; None is DESIGN.md's default (version 0)."""
    if version is None:
        return default_task_policy()
    rules = {
        (rule.ownership, rule.device_type, rule.task): TaskRule(rule.status, rule.condition)
        for rule in version.rules.all()
    }
    return TaskPolicySnapshot(version=version.number, rules=rules)


# Versions are never edited, so a version's rules can be kept once read (per process); the
# default (no version stored yet) is built once.
_DEFAULT_POLICY = task_policy_snapshot(None)
_snapshots: dict[tuple[str, int, int, dt.datetime], TaskPolicySnapshot] = {}


def current_task_policy(as_of: dt.date | None = None) -> TaskPolicySnapshot:
    """The task policy in force now (or at the end of `as_of`).

    Every decision needs it, so the common case costs one small query: which version is in
    force (a new version takes effect on the very next request); its rules come from a
    per-process cache (`task_policy_of`). A request with a device credential reads the
    version with the credential instead (`devices.context`).
    """
    return task_policy_of(task_policy_version_in_force(as_of))


def task_policy_of(version: TaskPolicyVersion | None) -> TaskPolicySnapshot:
    """The snapshot of a version row just read; its rules are cached per process, keyed by
    the row (database, number, id and creation time, so that a rolled-back and re-created
    version is never mistaken for another)."""
    if version is None:
        return _DEFAULT_POLICY
    key = (version._state.db or "default", version.number, version.pk, version.created_at)
    snapshot = _snapshots.get(key)
    if snapshot is None:
        snapshot = _snapshots[key] = task_policy_snapshot(version)
    return snapshot


def task_policy_versions() -> QuerySet[TaskPolicyVersion]:
    return TaskPolicyVersion.objects.select_related("created_by").order_by("-number")


# --- complaints -------------------------------------------------------------------------


def complaint_queue(*, status: str = "") -> QuerySet[DeviceComplaint]:
    complaints = DeviceComplaint.objects.select_related("staff", "device")
    if status:
        complaints = complaints.filter(status=status)
    return complaints


def complaints_by_staff(staff: StaffMember) -> QuerySet[DeviceComplaint]:
    return complaint_queue().filter(staff=staff)
