"""The audit log: one append-only row per decision and change (hash-chained; see docs/audit.md)."""

from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    """One thing that happened. Never holds record content: ids, decisions and reasons only."""

    class Decision(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        REFUSED = "refused", "Refused"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    sequence = models.BigIntegerField(unique=True, null=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor_staff_id = models.CharField(max_length=40, blank=True, db_index=True)
    actor_username = models.CharField(max_length=254, blank=True)
    device = models.CharField(max_length=60, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    source_address = models.CharField(max_length=64, blank=True)
    action = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=80, blank=True)
    subject_id = models.CharField(max_length=40, blank=True, db_index=True)
    decision = models.CharField(max_length=10, choices=Decision.choices)
    reasons = models.JSONField(default=list)
    previous_hash = models.CharField(max_length=64, blank=True)
    entry_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
