"""Legal holds, the monthly disposal lists IG approves, and the tombstones disposal leaves.

Nothing here points at a case with a foreign key: a disposed case is gone, and its hold,
list entry and tombstone must outlive it. They name it by its case id.
"""

from __future__ import annotations

from django.db import models

from safekeep.organisation.models import StaffMember
from safekeep.records.models import Case

CASE_TYPES = Case.CaseType.choices


class LegalHold(models.Model):
    """While a hold is in force (not released), the case is never disposed of."""

    audit_key = "case_id"
    audit_type = "case"
    case_id = models.CharField(max_length=40, db_index=True)
    reason = models.TextField()
    placed_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    placed_at = models.DateTimeField()
    released_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    release_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]


class DisposalBatch(models.Model):
    """The records due for disposal in one month, listed by run-jobs for IG to approve."""

    audit_type = "disposal_batch"
    month = models.DateField(unique=True)  # the first day of the month
    listed_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name_plural = "disposal batches"


class DisposalItem(models.Model):
    class Status(models.TextChoices):
        DUE = "due", "Due for disposal"
        DISPOSED = "disposed", "Disposed of"
        HELD = "held", "Kept: legal hold"
        KEPT = "kept", "Kept: no longer due"

    batch = models.ForeignKey(DisposalBatch, on_delete=models.PROTECT, related_name="items")
    case_id = models.CharField(max_length=40)
    case_type = models.CharField(max_length=40, choices=CASE_TYPES)
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DUE)

    class Meta:
        ordering = ["due_on", "case_id"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "case_id"], name="disposal_item_unique")
        ]


class Tombstone(models.Model):
    """What remains of a disposed case: which case it was, its type and dates, who approved
    its disposal and why. No names, no content."""

    audit_key = "case_id"
    audit_type = "case"
    case_id = models.CharField(max_length=40, unique=True)
    subject_ref = models.CharField(max_length=40)  # the subject's id, as the audit log names it
    case_type = models.CharField(max_length=40, choices=CASE_TYPES)
    classification = models.CharField(max_length=20)
    owning_team = models.CharField(max_length=200)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    due_on = models.DateField()
    citation = models.TextField()
    approved_by_staff_id = models.CharField(max_length=40)
    approved_by_name = models.CharField(max_length=200)
    reason = models.TextField()
    disposed_at = models.DateTimeField()
    batch_month = models.DateField(null=True, blank=True)
    # Set when a restore of an older backup disposed of it again from the ledger.
    reapplied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-disposed_at", "case_id"]
