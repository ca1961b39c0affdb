"""Access reviews and the notices of volunteers' assessments due for review."""

from __future__ import annotations

from django.db import models

from safekeep.organisation.models import RiskAssessment, StaffMember, Team
from safekeep.records.models import Subject


class AccessReview(models.Model):
    """One review: a team member's roles, grants and allocations for a quarter (by their
    team's manager), or a restricted person's restriction and who can see them (by IG).

    Opened by `safekeep run-jobs`; decided once, by someone other than the person it is about.
    `changes` keeps, in words, what a "changed" or "access removed" outcome did.
    """

    audit_type = "access_review"

    class Kind(models.TextChoices):
        MEMBER = "member", "Team member's access"
        RESTRICTED = "restricted", "Restricted person's records"

    class Outcome(models.TextChoices):
        OPEN = "open", "Not reviewed yet"
        CONFIRMED = "confirmed", "Confirmed"
        CHANGED = "changed", "Changed"
        ACCESS_REMOVED = "access_removed", "Access removed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    period = models.CharField(max_length=20)  # "2026-Q4"; a restricted review: its due day
    staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    opened_on = models.DateField()
    due_on = models.DateField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    changes = models.JSONField(default=list)
    note = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    overdue_marked_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "period", "staff"],
                condition=models.Q(staff__isnull=False),
                name="review_member_once_a_period",
            ),
            models.UniqueConstraint(
                fields=["kind", "period", "subject"],
                condition=models.Q(subject__isnull=False),
                name="review_subject_once_a_period",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="member", staff__isnull=False, subject__isnull=True)
                    | models.Q(kind="restricted", subject__isnull=False, staff__isnull=True)
                ),
                name="review_about_one_thing",
            ),
        ]
        indexes = [models.Index(fields=["outcome", "due_on"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.period} {self.about}"

    @property
    def is_open(self) -> bool:
        return self.outcome == self.Outcome.OPEN

    @property
    def about(self) -> str:
        """Whom it is about, by name (a restricted person by their subject id: names are sealed)."""
        if self.staff is not None:
            return self.staff.full_name
        return self.subject.subject_id if self.subject is not None else ""


class AssessmentNotice(models.Model):
    """That `safekeep run-jobs` has noted a volunteer's assessment due for review or lapsed:
    once each, so running it again notes nothing new."""

    class State(models.TextChoices):
        DUE_SOON = "due_soon", "Review due soon"
        LAPSED = "lapsed", "Lapsed"

    assessment = models.ForeignKey(RiskAssessment, on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=20, choices=State.choices)
    noted_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "state"], name="assessment_noted_once"),
        ]
