"""What is kept at a site: printers, door codes and who holds them, the visitor log, the
end-of-day checks and the paper-records register (DESIGN.md "Physical security")."""

from __future__ import annotations

from django.db import models

from safekeep.organisation.models import Site, StaffMember
from safekeep.records.models import Case


class Printer(models.Model):
    """A printer at a site. Case records print only to one with coded release or in a secure
    location (DESIGN.md); one with a `queue_uri` gets the job over IPP, held for release."""

    audit_type, audit_key = "printer", "printer_id"

    class Release(models.TextChoices):
        CODED = "coded", "Coded release"
        SECURE_LOCATION = "secure_location", "In a secure location"
        NONE = "none", "None"

    printer_id = models.CharField(max_length=40, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="printers")
    name = models.CharField(max_length=120)
    release = models.CharField(max_length=20, choices=Release.choices)
    queue_uri = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["site__name", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def secure(self) -> bool:
        return self.release != self.Release.NONE


class Door(models.Model):
    """A door secured by a code. The code is sealed (sites.sealing) and shown only to its
    current holders; `code_sealed` is empty until a manager first records one."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="doors")
    name = models.CharField(max_length=120)
    code_sealed = models.TextField(blank=True)
    code_set_at = models.DateTimeField(null=True, blank=True)
    code_set_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    holders = models.ManyToManyField(StaffMember, through="DoorCodeHolder", related_name="+")

    class Meta:
        ordering = ["site__name", "name"]
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="door_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} at {self.site.name}"


class DoorCodeHolder(models.Model):
    door = models.ForeignKey(Door, on_delete=models.CASCADE, related_name="holdings")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="door_codes")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["door", "staff"], name="door_holder_once"),
        ]


class Rotation(models.Model):
    """A door code that must change because `leaver`, who held it, left: due by `due_on`,
    done when a manager records the new code (`rotated_at`)."""

    door = models.ForeignKey(Door, on_delete=models.PROTECT, related_name="rotations")
    leaver = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    due_on = models.DateField()
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["door", "leaver"], name="rotation_once_per_leaver"),
        ]


class Visit(models.Model):
    """A professional visitor in the staff room, always with the member of staff
    accompanying them (the centres' policy)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="visits")
    visitor_name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    accompanied_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    signed_in_at = models.DateTimeField()
    signed_in_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    signed_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-signed_in_at"]


class EndOfDayCheck(models.Model):
    """One evening's check at a site: laptops locked away, paper records locked."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="end_of_day_checks")
    day = models.DateField()
    laptops_locked = models.BooleanField()
    paper_locked = models.BooleanField()
    note = models.CharField(max_length=500, blank=True)
    recorded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="one_check_a_day")]


class MissedCheck(models.Model):
    """A working day whose end-of-day check was not recorded, flagged the next morning by
    the `sites-missed-checks` job (once: the row is its own idempotence)."""

    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="missed_checks")
    day = models.DateField()
    flagged_at = models.DateTimeField()

    class Meta:
        ordering = ["-day"]
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="missed_once")]


class PaperFile(models.Model):
    """A case's paper file and where it is kept (site, cabinet)."""

    audit_type, audit_key = "paper_file", "file_id"

    file_id = models.CharField(max_length=40, unique=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="paper_files")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="paper_files")
    cabinet = models.CharField(max_length=120)

    class Meta:
        ordering = ["file_id"]

    def __str__(self) -> str:
        return self.file_id


class Checkout(models.Model):
    """A paper file out of its cabinet: to whom, since when, back by when, returned when."""

    paper_file = models.ForeignKey(PaperFile, on_delete=models.PROTECT, related_name="checkouts")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="paper_files")
    checked_out_at = models.DateTimeField()
    due_back = models.DateField()
    returned_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-checked_out_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["paper_file"],
                condition=models.Q(returned_at__isnull=True),
                name="one_checkout_at_a_time",
            )
        ]


class PrintJob(models.Model):
    """A case record printed: who, when, to which printer, held on the print server until
    the person releases it at the device with the code they were given (stored hashed)."""

    class State(models.TextChoices):
        HELD = "held", "Waiting for you at the printer"
        RELEASED = "released", "Released"
        COLLECT = "collect", "Sent; collect it now"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    printer = models.ForeignKey(Printer, on_delete=models.PROTECT, related_name="jobs")
    printed_at = models.DateTimeField()
    pages = models.PositiveIntegerField()
    state = models.CharField(max_length=20, choices=State.choices)
    queue_job_id = models.CharField(max_length=120, blank=True)
    release_code_hash = models.CharField(max_length=200, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-printed_at"]
