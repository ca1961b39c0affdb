"""What information governance records about its own work: how each anomaly alert was triaged.

The alerts themselves are computed from the audit log each time (`governance.alerts`); an
alert is named by its rule and a key the rule derives from the facts (`Alert.key`), so the
same facts raise the same alert and a triage stays with it.
"""

from __future__ import annotations

from django.db import models

from safekeep.organisation.models import StaffMember


class AlertTriage(models.Model):
    """One step of triage: an alert acknowledged or dismissed, by whom, when, with a note.

    Steps are only added, never changed: an alert's state is its latest step, and the
    earlier ones stay as its history (the audit log has one entry for each).
    """

    audit_type = "alert"
    audit_key = "alert_id"

    class State(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        DISMISSED = "dismissed", "Dismissed"

    rule = models.CharField(max_length=40)
    key = models.CharField(max_length=80)
    # The alert's title when it was triaged: the alert may later leave the lookback window.
    title = models.CharField(max_length=300)
    state = models.CharField(max_length=20, choices=State.choices)
    note = models.TextField(max_length=2000, blank=True)
    by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["rule", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.alert_id} {self.state}"

    @property
    def alert_id(self) -> str:
        """How the audit log names the alert: rule and key."""
        return f"{self.rule}:{self.key}"[:80]
