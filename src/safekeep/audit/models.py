"""The audit log: append-only entries, the hash chain over them, Merkle tiles and checkpoints.

An entry is written in the caller's transaction and never changes. A sequencer chains
committed entries moments later (`ChainLink`: sequence, previous hash, own hash), so
concurrent writers never wait on each other. Every table here except the `PendingEntry`
queue refuses UPDATE and DELETE in the database itself (see migrations and docs/audit.md).
"""

from __future__ import annotations

from django.db import models


class AuditEntry(models.Model):
    """One thing that happened. Never holds record content: ids, decisions and reasons only."""

    class Decision(models.TextChoices):
        ALLOWED = "allowed", "Allowed"
        REFUSED = "refused", "Refused"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

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
    # What the decision required if allowed, e.g. ["audit", "alert_ig", "ig_review"].
    obligations = models.JSONField(default=list)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "audit entries"
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["decision", "occurred_at"]),
            models.Index(fields=["actor_staff_id", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.decision} ({self.pk})"


class PendingEntry(models.Model):
    """Queue of committed entries the sequencer has not chained yet (the only mutable table)."""

    entry = models.OneToOneField(AuditEntry, on_delete=models.DO_NOTHING, primary_key=True)


class ChainLink(models.Model):
    """An entry's place in the chain: sequence 1, 2, 3, ... with no gaps and no forks."""

    sequence = models.BigIntegerField(primary_key=True)
    entry = models.OneToOneField(AuditEntry, on_delete=models.DO_NOTHING, related_name="link")
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)


class MerkleTile(models.Model):
    """Root of the complete 256-leaf subtree number `index` (leaves 256*index .. +255).

    Kept so roots and proofs for a large log need a few thousand hashes, not a million.
    """

    index = models.BigIntegerField(primary_key=True)
    root_hash = models.CharField(max_length=64)


class Checkpoint(models.Model):
    """A signed statement of the tree size and root at one moment, kept for custody."""

    tree_size = models.BigIntegerField(db_index=True)
    root_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    key_id = models.CharField(max_length=64)
    signature = models.CharField(max_length=200)

    class Meta:
        ordering = ["id"]
