"""Subject access requests: the request and its clock, what IG withholds, the exports kept."""

from __future__ import annotations

from django.db import models

from safekeep.organisation.models import StaffMember
from safekeep.records.models import Entry, Subject


class SubjectAccessRequest(models.Model):
    audit_type = "sar"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        SENT = "sent", "Sent"

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    received_on = models.DateField()
    identity_confirmed_on = models.DateField(null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()

    class Meta:
        ordering = ["received_on", "id"]

    def __str__(self) -> str:
        return f"SAR {self.pk} for {self.subject.subject_id}"


class Withholding(models.Model):
    """An entry left out of the disclosure, and why (e.g. third-party information)."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.CASCADE, related_name="withholdings"
    )
    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    decided_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["request", "entry"], name="one_withholding_per_entry")
        ]


class Export(models.Model):
    """A disclosure written to the data directory; purged 30 days after it was made."""

    request = models.ForeignKey(
        SubjectAccessRequest, on_delete=models.PROTECT, related_name="exports"
    )
    path = models.TextField()
    created_at = models.DateTimeField()
    purged_at = models.DateTimeField(null=True, blank=True)
