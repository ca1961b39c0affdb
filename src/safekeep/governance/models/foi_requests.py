"""Freedom of Information requests: the register (reference, received date, the requester
sealed, the questions in order, the officer, the status), the clock's pauses and extension,
the answers, and internal reviews with any complaint to the ICO.

The requester's name and contact details are sealed under the request's own data key
(`foirequest:<pk>`, governance/foi/sealing.py) and opened only for the FOI team. Requests are
never deleted: the disclosure log and the statistics count them.
"""

from __future__ import annotations

from django.db import models

from safekeep.organisation.models import StaffMember


class FoiRequest(models.Model):
    audit_type = "foi_request"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ON_HOLD = "on_hold", "Waiting for the requester"
        RESPONDED = "responded", "Responded"
        WITHDRAWN = "withdrawn", "Withdrawn"

    reference = models.CharField(max_length=40, unique=True)
    received_on = models.DateField()
    # Sealed text (sk1:...), opened only for the FOI team.
    requester_name = models.TextField()
    requester_contact = models.TextField()
    assigned_to = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    # A public-interest extension (s10(3)): a new date, and why.
    extended_to = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(max_length=2000, blank=True)
    responded_on = models.DateField(null=True, blank=True)
    published = models.BooleanField(default=False)  # in the disclosure log
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return self.reference


class FoiQuestion(models.Model):
    """One question of a request, in the order asked, with its answer."""

    request = models.ForeignKey(FoiRequest, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=5000)
    # The seed questionnaire's number ("1a") when the question is one Safekeep answers.
    matches = models.CharField(max_length=4, blank=True)
    answer = models.TextField(max_length=10000, blank=True)
    prefilled = models.BooleanField(default=False)  # the answer came from the FOI report
    # Exemptions cited, codes from governance/foi/exemptions.py joined by ";".
    exemptions = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint(fields=["request", "position"], name="foi_question_once")
        ]


class FoiPause(models.Model):
    """The clock held while a clarification or a fee is awaited."""

    class Kind(models.TextChoices):
        CLARIFICATION = "clarification", "Clarification asked for"
        FEE = "fee", "Fee notice sent"

    request = models.ForeignKey(FoiRequest, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=14, choices=Kind.choices)
    started_on = models.DateField()
    answered_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["request", "started_on", "pk"]


class FoiReview(models.Model):
    """An internal review of a response, with its own clock, and any complaint to the ICO."""

    class Outcome(models.TextChoices):
        PENDING = "", "Not decided yet"
        UPHELD = "upheld", "Original response upheld"
        PARTLY_UPHELD = "partly_upheld", "Partly upheld: more released"
        OVERTURNED = "overturned", "Overturned: released"

    request = models.ForeignKey(FoiRequest, on_delete=models.CASCADE, related_name="reviews")
    requested_on = models.DateField()
    late_reason = models.TextField(max_length=2000, blank=True)  # asked after the 40 days
    grounds = models.TextField(max_length=5000)
    outcome = models.CharField(max_length=14, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    ico_complained_on = models.DateField(null=True, blank=True)
    ico_decision = models.TextField(max_length=5000, blank=True)

    class Meta:
        ordering = ["request", "requested_on", "pk"]
