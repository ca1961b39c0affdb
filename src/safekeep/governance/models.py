"""Incidents: every category of DESIGN.md's incidents CSV, with who was involved, what happened,
the actions taken and the closure; a data breach also runs the ICO's 72-hour clock.

An incident comes from the incidents import, from a person's form (an IG officer, or a manager
reporting a personal phone number shared), or automatically from devices (a device reported
lost or stolen, an unencrypted laptop taken off site). Incidents are never deleted.
"""

from __future__ import annotations

from django.db import models

from safekeep.devices.models import Device, ITTask
from safekeep.organisation.models import StaffMember


class Incident(models.Model):
    audit_type = "incident"

    class Category(models.TextChoices):
        DATA_BREACH = "data_breach", "Data breach"
        LOST_DEVICE = "lost_device", "Lost device"
        STOLEN_DEVICE = "stolen_device", "Stolen device"
        UNAUTHORISED_ACCESS = "unauthorised_access", "Unauthorised access"
        PERSONAL_NUMBER_SHARED = "personal_number_shared", "Personal phone number shared"
        UNENCRYPTED_DEVICE_REMOVED = (
            "unencrypted_device_removed",
            "Unencrypted device taken off site",
        )
        OTHER = "other", "Other"

    class Severity(models.TextChoices):
        NOT_ASSESSED = "", "Not assessed yet"
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"

    class Source(models.TextChoices):
        IMPORT = "import", "Imported"
        MANUAL = "manual", "Reported on a form"
        AUTOMATIC = "automatic", "Raised automatically"

    class IcoDecision(models.TextChoices):
        UNDECIDED = "", "Not decided yet"
        REPORT = "report", "Report to the ICO"
        NOT_REPORT = "not_report", "Do not report to the ICO"

    category = models.CharField(max_length=40, choices=Category.choices)
    occurred_on = models.DateField()
    reported_on = models.DateField()
    # Who was involved: the link, and the staff_id as the import (or form) gave it, so an
    # imported row stays keyed by its whole row.
    staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    staff_ref = models.CharField(max_length=40, blank=True)
    summary = models.CharField(max_length=2000)
    severity = models.CharField(
        max_length=10, choices=Severity.choices, blank=True, default=Severity.NOT_ASSESSED
    )
    what_happened = models.TextField(max_length=10000, blank=True)
    device = models.ForeignKey(
        Device, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What IT was asked to do about the device (recover it, wipe it), for automatic incidents.
    it_task = models.ForeignKey(
        ITTask, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices)
    reported_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.TextField(max_length=5000, blank=True)

    # A data breach: the ICO must be told within 72 hours of the council becoming aware,
    # unless it decides (and records why) that the breach is unlikely to risk people's rights.
    aware_at = models.DateTimeField(null=True, blank=True)
    ico_decision = models.CharField(
        max_length=12, choices=IcoDecision.choices, blank=True, default=IcoDecision.UNDECIDED
    )
    ico_reasons = models.TextField(max_length=5000, blank=True)
    ico_decided_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ico_decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["category", "occurred_on"]),
            models.Index(fields=["closed_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(occurred_on__lte=models.F("reported_on")),
                name="incident_reported_after_it_occurred",
            ),
            models.CheckConstraint(
                condition=models.Q(closed_at__isnull=True) | ~models.Q(outcome=""),
                name="incident_closure_has_outcome",
            ),
            models.CheckConstraint(
                condition=models.Q(ico_decision="")
                | (~models.Q(ico_reasons="") & models.Q(ico_decided_at__isnull=False)),
                name="incident_ico_decision_has_reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"Incident {self.pk}: {self.get_category_display()}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @property
    def is_breach(self) -> bool:
        return self.category == self.Category.DATA_BREACH


class IncidentAction(models.Model):
    """One thing done about an incident, by whom and when: the incident's running record."""

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="actions")
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(max_length=5000)

    class Meta:
        ordering = ["taken_at", "id"]
