"""Who works for the council: directorates, teams, sites, staff and their roles."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone

from safekeep.organisation.roles import ROLE_LABELS, RoleName


class EmploymentType(models.TextChoices):
    EMPLOYEE = "employee", "Employee"
    AGENCY = "agency", "Agency worker"
    CONTRACTOR = "contractor", "Contractor"
    VOLUNTEER = "volunteer", "Volunteer"


class WorkPattern(models.TextChoices):
    OFFICE = "office", "Office based"
    REMOTE = "remote", "Remote"
    FLEXIBLE = "flexible", "Flexible"


class Role(models.TextChoices):
    PRACTITIONER = RoleName.PRACTITIONER.value, ROLE_LABELS[RoleName.PRACTITIONER]
    TEAM_MANAGER = RoleName.TEAM_MANAGER.value, ROLE_LABELS[RoleName.TEAM_MANAGER]
    CENTRE_MANAGER = RoleName.CENTRE_MANAGER.value, ROLE_LABELS[RoleName.CENTRE_MANAGER]
    VOLUNTEER_MANAGER = RoleName.VOLUNTEER_MANAGER.value, ROLE_LABELS[RoleName.VOLUNTEER_MANAGER]
    IT_SUPPORT = RoleName.IT_SUPPORT.value, ROLE_LABELS[RoleName.IT_SUPPORT]
    IG_OFFICER = RoleName.IG_OFFICER.value, ROLE_LABELS[RoleName.IG_OFFICER]
    FOI_OFFICER = RoleName.FOI_OFFICER.value, ROLE_LABELS[RoleName.FOI_OFFICER]
    SYSADMIN = RoleName.SYSADMIN.value, ROLE_LABELS[RoleName.SYSADMIN]


if set(Role.values) != set(RoleName):  # a check that `python -O` keeps
    raise ImproperlyConfigured("Role and organisation.roles.RoleName must name the same roles")


class Classification(models.TextChoices):
    """Government Security Classification tiers used for case records (ordered)."""

    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"


class Directorate(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A team; names are unique across the council (the staff CSV names teams alone)."""

    name = models.CharField(max_length=120, unique=True)
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="teams")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    """A children centre or office. `site_id` is the key of `safekeep import sites`; sites
    made before it (or by the devices import, by name) have none until that import names
    them. What is kept at the site (printers, door codes, paper files) is in safekeep.sites."""

    class Kind(models.TextChoices):
        CHILDREN_CENTRE = "children_centre", "Children centre"
        OFFICE = "office", "Office"
        OTHER = "other", "Other"

    site_id = models.CharField(max_length=40, unique=True, null=True, blank=True)
    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OFFICE)
    address = models.CharField(max_length=250, blank=True)
    staff_room = models.BooleanField(default=False)
    locked_storage = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StaffMemberQuerySet(models.QuerySet["StaffMember"]):
    def active_on(self, day: dt.date) -> StaffMemberQuerySet:
        """Started on or before `day` and not ended before it (an end date is the last day)."""
        return self.filter(start_date__lte=day).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day)
        )

    def with_role(self, role: str) -> StaffMemberQuerySet:
        return self.filter(roles__role=role)


class StaffMember(models.Model):
    """A person who works for the council, keyed by the HR `staff_id`.

    Staff are never deleted: ending someone's work sets `end_date`, after which they
    are a leaver and have no access at all.
    """

    audit_type, audit_key = "staff", "staff_id"  # the audit log names staff by staff id

    staff_id = models.CharField(max_length=40, unique=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    email = models.EmailField(unique=True)
    directorate = models.ForeignKey(Directorate, on_delete=models.PROTECT, related_name="staff")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="staff")
    employment_type = models.CharField(max_length=20, choices=EmploymentType.choices)
    works_with_vulnerable_people = models.BooleanField()
    work_pattern = models.CharField(max_length=20, choices=WorkPattern.choices)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        ordering = ["family_name", "given_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="staff_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.staff_id})"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    def is_leaver(self, today: dt.date | None = None) -> bool:
        """A leaver's end date is before today; the end date itself is their last working day."""
        day = today or timezone.localdate()
        return self.end_date is not None and self.end_date < day

    def role_names(self) -> set[str]:
        return {role.role for role in self.roles.all()}


class StaffRole(models.Model):
    """One of a staff member's roles. A team manager manages the team on their own row."""

    staff = models.ForeignKey(StaffMember, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=30, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["staff", "role"], name="staff_role_unique"),
        ]
        indexes = [models.Index(fields=["role", "staff"])]

    def __str__(self) -> str:
        return f"{self.staff.staff_id}: {self.role}"


class StaffChange(models.Model):
    """A change to someone's standing that waits for a second person (DESIGN.md: a change
    that gives case-content access, IG or administrator rights). Approving applies it;
    nothing else does. Who asked, who decided and what it gives are kept."""

    audit_type = "staff_change"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for approval"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="changes")
    roles = models.CharField(max_length=200, blank=True)  # space-separated roles to add
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # a team manager's new team
    reinstate = models.BooleanField(default=False)
    end_date = models.DateField(null=True, blank=True)  # with `reinstate`: the new end date
    gives = models.JSONField(default=list)  # what it gives, in words
    requested_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    requested_as = models.CharField(max_length=254)  # the origin: a person or a command
    requested_at = models.DateTimeField()
    # The changes one import asked for share a batch, so they can be approved together.
    batch = models.CharField(max_length=32, blank=True, db_index=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    decided_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.staff.staff_id}: {'; '.join(self.gives)} ({self.status})"

    def role_list(self) -> list[str]:
        return self.roles.split()


class RiskAssessment(models.Model):
    """A volunteer's records-access risk assessment; only the latest one counts.

    Imported rows are keyed by the whole row, so importing the same file twice adds nothing.
    """

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"

    staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="risk_assessments"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    scope_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    max_classification = models.CharField(max_length=20, choices=Classification.choices)
    assessed_on = models.DateField()
    review_due = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "staff",
                    "outcome",
                    "scope_team",
                    "max_classification",
                    "assessed_on",
                    "review_due",
                ],
                name="risk_assessment_row_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff.staff_id} {self.outcome} {self.assessed_on}"


class Leaving(models.Model):
    """That the leaver workflow has run for someone: once, when their end date was reached
    (`safekeep run-jobs`) or a manager ended them now. Its absence is what the job looks for,
    so running it again does nothing."""

    staff = models.OneToOneField(StaffMember, on_delete=models.PROTECT, related_name="leaving")
    left_on = models.DateField()  # their last working day, as it was when processed
    processed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.staff.staff_id} left on {self.left_on}"
