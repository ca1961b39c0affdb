"""Changing who works for the council. Staff are never deleted: ending someone sets an end date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from safekeep.audit.writing import Origin, audit_change
from safekeep.organisation import signals
from safekeep.organisation.models import Role, StaffMember, StaffRole, Team


class StaffInvalid(Exception):
    """The change cannot be made; `errors` maps each field to a plain-words reason."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))


@dataclass(frozen=True, slots=True)
class StaffDetails:
    """Everything a person's directory entry holds, as entered on the add and change forms."""

    given_name: str
    family_name: str
    email: str
    team: Team
    roles: frozenset[str]
    employment_type: str
    works_with_vulnerable_people: bool
    work_pattern: str
    start_date: dt.date
    end_date: dt.date | None = None


def _check(details: StaffDetails, *, staff: StaffMember | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    clash = StaffMember.objects.filter(email__iexact=details.email)
    if staff is not None:
        clash = clash.exclude(pk=staff.pk)
    if clash.exists():
        errors["email"] = "Another member of staff already has this email address"
    if not details.roles:
        errors["roles"] = "Select at least one role"
    elif not details.roles <= set(Role.values):
        errors["roles"] = "Select roles from the list"
    if details.end_date is not None and details.end_date < details.start_date:
        errors["end_date"] = "The end date must be the same as or after the start date"
    return errors


def _apply(staff: StaffMember, details: StaffDetails) -> None:
    staff.given_name = details.given_name
    staff.family_name = details.family_name
    staff.email = details.email
    staff.team = details.team
    staff.directorate = details.team.directorate
    staff.employment_type = details.employment_type
    staff.works_with_vulnerable_people = details.works_with_vulnerable_people
    staff.work_pattern = details.work_pattern
    staff.start_date = details.start_date
    staff.end_date = details.end_date


def _set_roles(staff: StaffMember, roles: frozenset[str]) -> None:
    staff.roles.exclude(role__in=roles).delete()
    current = set(staff.roles.values_list("role", flat=True))
    StaffRole.objects.bulk_create(
        [StaffRole(staff=staff, role=role) for role in sorted(roles - current)]
    )


@transaction.atomic
def staff_create(*, origin: Origin, staff_id: str, details: StaffDetails) -> StaffMember:
    """Add someone to the directory (they get no sign-in until an account is made)."""
    errors = _check(details, staff=None)
    if StaffMember.objects.filter(staff_id=staff_id).exists():
        errors = {"staff_id": "A member of staff already has this staff ID", **errors}
    if errors:
        raise StaffInvalid(errors)
    staff = StaffMember(staff_id=staff_id)
    _apply(staff, details)
    staff.save()
    _set_roles(staff, details.roles)
    audit_change(origin, "staff.create", staff)
    return staff


@transaction.atomic
def staff_update(
    *, origin: Origin, staff: StaffMember, details: StaffDetails, today: dt.date | None = None
) -> StaffMember:
    """Change someone's entry; their roles are replaced by `details.roles`."""
    errors = _check(details, staff=staff)
    if errors:
        raise StaffInvalid(errors)
    day = today or timezone.localdate()
    was_leaver = staff.is_leaver(day)
    _apply(staff, details)
    staff.save()
    _set_roles(staff, details.roles)
    if not was_leaver and details.end_date is not None and details.end_date <= day:
        signals.staff_left.send(sender=StaffMember, staff_pks=[staff.pk])
    audit_change(origin, "staff.update", staff)
    return staff


@transaction.atomic
def staff_end(
    *, origin: Origin, staff: StaffMember, end_date: dt.date, today: dt.date | None = None
) -> StaffMember:
    """Record someone's last working day. From the day after, they are a leaver with no access.

    If the last day is today or earlier, their open sessions end at once.
    """
    if end_date < staff.start_date:
        raise StaffInvalid(
            {"end_date": "The last working day must be the same as or after the start date"}
        )
    day = today or timezone.localdate()
    staff.end_date = end_date
    staff.save(update_fields=["end_date", "updated_at"])
    if end_date <= day:
        signals.staff_left.send(sender=StaffMember, staff_pks=[staff.pk])
    audit_change(
        origin,
        "staff.end",
        staff,
        reasons=[f"last working day {end_date.isoformat()}"],
    )
    return staff
