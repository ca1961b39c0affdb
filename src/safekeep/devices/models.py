"""The device register, enrolment credentials, the task policy, IT tasks and complaints.

No record content is ever stored here. Enrolment codes and device credentials are kept only
as SHA-256 hashes: the secret itself is shown once (code) or held by the device (cookie).
Both name a person: a code works only for the person IT issued it for, and the credential it
gives works only for that person (devices/context.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone

from safekeep.devices.vocabulary import (
    CONDITIONS,
    DEVICE_TYPES,
    MDM_COMPLIANCE_WORDS,
    TASK_LABELS,
    TASK_STATUSES,
    TYPE_WORDS,
)
from safekeep.organisation.models import Site, StaffMember


class DeviceType(models.TextChoices):
    BASIC_PHONE = "basic_phone", "Basic phone"
    SMARTPHONE = "smartphone", "Smartphone"
    TABLET = "tablet", "Tablet"
    LAPTOP = "laptop", "Laptop"
    DESKTOP = "desktop", "Desktop"


if tuple(DeviceType.values) != DEVICE_TYPES:  # a check that `python -O` keeps
    raise ImproperlyConfigured("DeviceType must name devices.vocabulary.DEVICE_TYPES in order")


class Ownership(models.TextChoices):
    COUNCIL = "council", "Council"
    PERSONAL = "personal", "Personal"


class TriState(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class DeviceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    LOST = "lost", "Lost"
    STOLEN = "stolen", "Stolen"
    RETIRED = "retired", "Retired"


# What the register remembers day by day (DeviceHistory): enough to say which council devices
# were in use, and by whom, on a past day (FOI `--as-of`).
HISTORY_FIELDS = ("device_type", "ownership", "assigned_staff_id", "status")
_HISTORY_NAMES = {*HISTORY_FIELDS, "assigned_staff"}


class DeviceQuerySet(models.QuerySet["Device"]):
    """Every way of writing a device keeps its history: bulk writes too, and `update()`
    refuses the fields the history follows."""

    def bulk_create(self, objs: Iterable[Device], *args: Any, **kwargs: Any) -> list[Device]:
        created = super().bulk_create(objs, *args, **kwargs)
        record_history(created)
        return created

    def bulk_update(
        self, objs: Iterable[Device], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        devices, names = list(objs), list(fields)
        # Django's bulk_update calls update(): a plain queryset's, not the refusing one here.
        plain: models.QuerySet[Device] = models.QuerySet(self.model, using=self.db)
        count = plain.bulk_update(devices, names, batch_size=batch_size)
        if _HISTORY_NAMES & set(names):
            record_history(devices)
        return count

    def update(self, **kwargs: Any) -> int:
        if _HISTORY_NAMES & set(kwargs):
            raise TypeError(
                "a device's type, ownership, holder and status change through save() or "
                "bulk_update(), which keep its history"
            )
        return super().update(**kwargs)


class Device(models.Model):
    """One device, council-owned or a member of staff's own, keyed by its asset tag."""

    audit_key = "asset_tag"  # the audit log names a device by its asset tag

    asset_tag = models.CharField(max_length=60, unique=True)
    device_type = models.CharField(max_length=20, choices=DeviceType.choices)
    ownership = models.CharField(max_length=10, choices=Ownership.choices)
    assigned_staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="devices"
    )
    encrypted = models.CharField(max_length=10, choices=TriState.choices)
    passcode = models.CharField(max_length=10, choices=TriState.choices)
    os_name = models.CharField(max_length=60, blank=True)
    os_version = models.CharField(max_length=60, blank=True)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="devices"
    )
    status = models.CharField(
        max_length=10, choices=DeviceStatus.choices, default=DeviceStatus.ACTIVE
    )
    on_site = models.BooleanField(default=True)
    last_seen = models.DateTimeField(null=True, blank=True)
    # What the council's device management (Intune) last reported; empty when the device came
    # only from Safekeep's own register or import. Anything but "compliant" is non-compliant.
    serial_number = models.CharField(max_length=100, blank=True)
    managed_by = models.CharField(max_length=60, blank=True)
    mdm_compliance = models.CharField(
        max_length=20, blank=True, choices=[("", "Not reported"), *MDM_COMPLIANCE_WORDS.items()]
    )
    mdm_checked_in_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeviceQuerySet.as_manager()

    class Meta:
        ordering = ["asset_tag"]
        indexes = [
            models.Index(fields=["assigned_staff", "status"]),
            models.Index(fields=["ownership", "status"]),
        ]

    def __str__(self) -> str:
        return self.asset_tag

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        fields = kwargs.get("update_fields")
        if fields is None or _HISTORY_NAMES & set(fields):
            record_history([self])

    @property
    def os(self) -> str:
        return f"{self.os_name} {self.os_version}".strip()

    @property
    def label(self) -> str:
        """How reasons name it: "council laptop LAP-0042"."""
        return f"{self.ownership} {TYPE_WORDS[self.device_type]} {self.asset_tag}"


class DeviceHistoryQuerySet(models.QuerySet["DeviceHistory"]):
    def on(self, day: dt.date) -> DeviceHistoryQuerySet:
        """How each device stood at the end of `day` (devices the register did not know then
        have no row)."""
        return self.filter(starts_on__lte=day).filter(
            models.Q(ends_on__isnull=True) | models.Q(ends_on__gt=day)
        )


class DeviceHistory(models.Model):
    """How one device stood from `starts_on` until the day before `ends_on` (None: still so):
    its type, ownership, holder and status, as the register recorded them at the end of each
    day (days in Europe/London). Written only by `record_history`, never by hand."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="history")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    device_type = models.CharField(max_length=20, choices=DeviceType.choices)
    ownership = models.CharField(max_length=10, choices=Ownership.choices)
    assigned_staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=DeviceStatus.choices)

    objects = DeviceHistoryQuerySet.as_manager()

    class Meta:
        ordering = ["device", "starts_on", "id"]
        indexes = [models.Index(fields=["starts_on", "ends_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["device"],
                condition=models.Q(ends_on__isnull=True),
                name="device_history_one_open_row",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gt=models.F("starts_on")),
                name="device_history_ends_after_it_starts",
            ),
        ]

    def state(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in HISTORY_FIELDS)


def record_history(devices: Iterable[Device], *, on: dt.date | None = None) -> None:
    """Bring each device's history up to date with how it stands now, from `on` (today).

    A change closes the open row and opens another; a second change on the same day
    rewrites that day's row, so the history holds one row per day at most.
    """
    day = on or timezone.localdate()
    by_pk = {device.pk: device for device in devices}
    open_rows = {
        row.device_id: row
        for row in DeviceHistory.objects.filter(device_id__in=by_pk, ends_on__isnull=True)
    }
    closed: list[DeviceHistory] = []
    rewritten: list[DeviceHistory] = []
    opened: list[DeviceHistory] = []
    for pk, device in by_pk.items():
        state = {name: getattr(device, name) for name in HISTORY_FIELDS}
        row = open_rows.get(pk)
        if row is not None and row.state() == tuple(state.values()):
            continue
        if row is not None and row.starts_on >= day:
            for name, value in state.items():
                setattr(row, name, value)
            rewritten.append(row)
            continue
        if row is not None:
            row.ends_on = day
            closed.append(row)
        opened.append(DeviceHistory(device_id=pk, starts_on=day, **state))
    DeviceHistory.objects.bulk_update(closed, ["ends_on"], batch_size=500)
    DeviceHistory.objects.bulk_update(rewritten, list(HISTORY_FIELDS), batch_size=500)
    DeviceHistory.objects.bulk_create(opened, batch_size=500)


class EnrolmentCode(models.Model):
    """A one-time, expiring code that turns the browser that redeems it into this device,
    for the one person it was issued for (the device's assigned member of staff)."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="enrolment_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # None only for codes made before codes named their person: those cannot be redeemed.
    issued_for = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)


class DeviceCredential(models.Model):
    """The secret a device presents with every request (a cookie); revocable at once.

    It is the device only for `staff`, the person who redeemed the code: presented with
    anyone else's session or API token it counts as no device at all.
    """

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="credentials")
    # None only on credentials revoked before credentials named their person.
    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="device_credentials",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=False) | models.Q(staff__isnull=False),
                name="live_credential_names_its_person",
            )
        ]


class ITTask(models.Model):
    """Something IT support must do about a device (e.g. recover an unencrypted laptop).

    Its cause is the category of the incident governance opens for it (devices/signals.py).
    """

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    class Cause(models.TextChoices):
        NONE = "", "None"
        LOST_DEVICE = "lost_device", "Lost device"
        STOLEN_DEVICE = "stolen_device", "Stolen device"
        UNENCRYPTED_DEVICE_REMOVED = "unencrypted_device_removed", "Unencrypted device removed"

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="it_tasks")
    cause = models.CharField(max_length=40, choices=Cause.choices, blank=True, default="")
    description = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class TaskPolicyVersion(models.Model):
    """One version of the task policy; the highest number is in force. Never edited."""

    audit_type, audit_key = "task_policy", "number"

    number = models.PositiveIntegerField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500)

    class Meta:
        ordering = ["-number"]


class TaskPolicyRule(models.Model):
    version = models.ForeignKey(TaskPolicyVersion, on_delete=models.CASCADE, related_name="rules")
    ownership = models.CharField(max_length=10, choices=Ownership.choices)
    device_type = models.CharField(max_length=20, choices=DeviceType.choices)
    task = models.CharField(max_length=40, choices=list(TASK_LABELS.items()))
    status = models.CharField(max_length=12, choices=[(s, s.title()) for s in TASK_STATUSES])
    condition = models.CharField(
        max_length=30, blank=True, choices=[("", "None"), *CONDITIONS.items()]
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["version", "ownership", "device_type", "task"], name="task_rule_unique"
            )
        ]


class DeviceComplaint(models.Model):
    """ "I could not do my work on my council device": what FOI question 1e counts."""

    audit_type = "complaint"

    class Category(models.TextChoices):
        DEVICE_FAULT = "device_fault", "Device fault"
        ACCESS_PROBLEM = "access_problem", "Access problem"
        TRAINING = "training", "Training"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        RESOLVED = "resolved", "Resolved"

    reported_on = models.DateField()
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="complaints")
    category = models.CharField(max_length=20, choices=Category.choices)
    summary = models.TextField(max_length=2000)
    device = models.ForeignKey(
        Device, on_delete=models.SET_NULL, null=True, blank=True, related_name="complaints"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    resolution = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-reported_on", "-id"]
        indexes = [models.Index(fields=["staff", "reported_on"])]


class DeviceReturn(models.Model):
    """IT's record that a leaver handed a council device back: the device leaves their hands
    (no holder) and their leaver checklist shows the item done."""

    device = models.ForeignKey(Device, on_delete=models.PROTECT, related_name="returns")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    returned_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["returned_at", "id"]
