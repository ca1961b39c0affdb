"""What notifications keeps: which anomaly alerts information governance has been emailed."""

from __future__ import annotations

from django.db import models


class AlertNotice(models.Model):
    """An alert emailed to IG, named as its triage names it (rule and key): each once."""

    rule = models.CharField(max_length=40)
    key = models.CharField(max_length=80)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "key"], name="alert_notice_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rule}:{self.key}"
