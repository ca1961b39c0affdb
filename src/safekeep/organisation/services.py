"""Changing who works for the council. Staff are never deleted: ending someone sets an end date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from safekeep.audit.writing import Origin, audit_change
from safekeep.organisation import signals
from safekeep.organisation.models import (
    Leaving,
    Role,
    StaffChange,
    StaffMember,
    StaffRole,
    Team,
)
from safekeep.organisation.roles import Standing, Waiting, hold_back_privileges, roles_conflict


class StaffInvalid(Exception):
    """The change cannot be made; `errors` maps each field to a plain-words reason."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        self.message = " ".join(errors.values())
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
    elif conflict := roles_conflict(details.roles):
        errors["roles"] = conflict[:1].upper() + conflict[1:]
    if details.end_date is not None and details.end_date < details.start_date:
        errors["end_date"] = "The end date must be the same as or after the start date"
    return errors


def standing_of(staff: StaffMember) -> Standing:
    return Standing(
        roles=frozenset(staff.role_names()),
        team_id=staff.team_id,
        start_date=staff.start_date,
        end_date=staff.end_date,
    )


def wanted(details: StaffDetails) -> Standing:
    return Standing(
        roles=details.roles,
        team_id=details.team.pk,
        start_date=details.start_date,
        end_date=details.end_date,
    )


def _apply(staff: StaffMember, details: StaffDetails, now: Standing) -> None:
    """Set the entry from the form, with the standing that takes effect now."""
    staff.given_name = details.given_name
    staff.family_name = details.family_name
    staff.email = details.email
    if now.team_id == details.team.pk:
        staff.team = details.team
        staff.directorate = details.team.directorate
    staff.employment_type = details.employment_type
    staff.works_with_vulnerable_people = details.works_with_vulnerable_people
    staff.work_pattern = details.work_pattern
    staff.start_date = now.start_date
    staff.end_date = now.end_date


def _set_roles(staff: StaffMember, roles: frozenset[str]) -> None:
    staff.roles.exclude(role__in=roles).delete()
    current = set(staff.roles.values_list("role", flat=True))
    StaffRole.objects.bulk_create(
        [StaffRole(staff=staff, role=role) for role in sorted(roles - current)]
    )


@transaction.atomic
def staff_create(
    *, origin: Origin, staff_id: str, details: StaffDetails, today: dt.date | None = None
) -> StaffMember:
    """Add someone to the directory (they get no sign-in until an account is made).

    Roles that may lead to case content, IG or administration wait for a second person.
    """
    errors = _check(details, staff=None)
    if StaffMember.objects.filter(staff_id=staff_id).exists():
        errors = {"staff_id": "A member of staff already has this staff ID", **errors}
    if errors:
        raise StaffInvalid(errors)
    now, waiting = hold_back_privileges(None, wanted(details), today or timezone.localdate())
    staff = StaffMember(staff_id=staff_id)
    _apply(staff, details, now)
    staff.save()
    _set_roles(staff, now.roles)
    audit_change(origin, "staff.create", staff, reasons=staff_change_open(staff, waiting, origin))
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
    old_team_id = staff.team_id
    now, waiting = hold_back_privileges(standing_of(staff), wanted(details), day)
    _apply(staff, details, now)
    staff.save()
    if staff.team_id != old_team_id:
        signals.staff_moved.send(sender=StaffMember, moves=[(staff.pk, old_team_id)])
    _set_roles(staff, now.roles)
    audit_change(origin, "staff.update", staff, reasons=staff_change_open(staff, waiting, origin))
    if not was_leaver and now.end_date is not None and now.end_date <= day:
        leaver_process(origin=origin, staff=staff, now=timezone.now())
    return staff


def staff_change_open(
    staff: StaffMember, waiting: Waiting | None, origin: Origin, *, batch: str = ""
) -> list[str]:
    """Keep the part of a change that waits for a second person; the words for the audit.

    `batch` names the import that asked for it, so its changes can be decided together.
    """
    if waiting is None:
        return []
    change = waiting_change(staff.pk, waiting, origin, requested_by(origin), batch=batch)
    if not StaffChange.objects.filter(
        status=StaffChange.Status.WAITING, **change_key_fields(change)
    ).exists():  # else asked already (the same file imported again, a form sent twice)
        change.save()
    return [waiting_words(waiting)]


def waiting_words(waiting: Waiting) -> str:
    return f"waiting for a second person: {'; '.join(waiting.gives)}"


def requested_by(origin: Origin) -> StaffMember | None:
    """Who asks for a change: the person running it, if they are staff."""
    if not origin.actor_staff_id:
        return None
    return StaffMember.objects.filter(staff_id=origin.actor_staff_id).first()


def waiting_change(
    staff: int | str, waiting: Waiting, origin: Origin, asker: StaffMember | None, *, batch: str
) -> StaffChange:
    """The (unsaved) change waiting for a second person; `staff` is the staff member's id,
    or their staff_id for a bulk insert that finds them (safekeep.core.bulk lookups)."""
    return StaffChange(
        staff_id=staff,
        roles=" ".join(sorted(waiting.roles)),
        team_id=waiting.team_id,
        reinstate=waiting.reinstate,
        end_date=waiting.end_date,
        gives=list(waiting.gives),
        requested_by=asker,
        requested_as=origin.actor_staff_id or origin.actor_username,
        requested_at=timezone.now(),
        batch=batch,
    )


def change_key_fields(change: StaffChange) -> dict[str, object]:
    """What makes two waiting changes the same request."""
    return {
        "staff_id": change.staff_id,
        "roles": change.roles,
        "team_id": change.team_id,
        "reinstate": change.reinstate,
        "end_date": change.end_date,
    }


@transaction.atomic
def staff_change_decide(
    *, origin: Origin, change: StaffChange, approve: bool, decided_by: StaffMember
) -> StaffChange:
    """Approve (and so apply) or refuse a change that waits for a second person.

    The door has checked who may decide; that the person deciding is neither the one who
    asked nor the one it is about is kept here too, as a fact of every decided change.
    """
    change = StaffChange.objects.select_for_update().select_related("staff").get(pk=change.pk)
    if change.status != StaffChange.Status.WAITING:
        raise StaffInvalid({"__all__": "This change has already been decided"})
    if decided_by.pk in {change.requested_by_id, change.staff_id}:
        raise ValueError("a change is decided by someone other than who asked or who it is about")
    staff = change.staff
    if approve:
        roles = frozenset(staff.role_names()) | frozenset(change.role_list())
        if conflict := roles_conflict(roles):
            raise StaffInvalid({"__all__": conflict[:1].upper() + conflict[1:]})
        if change.team is not None and change.team.pk != staff.team_id:
            signals.staff_moved.send(sender=StaffMember, moves=[(staff.pk, staff.team_id)])
            staff.team, staff.directorate = change.team, change.team.directorate
        if change.reinstate:
            staff.end_date = change.end_date
        staff.save()
        _set_roles(staff, roles)
    change.status = StaffChange.Status.APPROVED if approve else StaffChange.Status.REFUSED
    change.decided_by = decided_by
    change.decided_at = timezone.now()
    change.save()
    action = "staff.change_approve" if approve else "staff.change_refuse"
    audit_change(origin, action, staff, reasons=[*change.gives, f"asked by {change.requested_as}"])
    return change


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
    audit_change(
        origin,
        "staff.end",
        staff,
        reasons=[f"last working day {end_date.isoformat()}"],
    )
    if end_date <= day:
        leaver_process(origin=origin, staff=staff, now=timezone.now())
    return staff


def leaver_process(*, origin: Origin, staff: StaffMember, now: dt.datetime) -> bool:
    """Run the leaver workflow for `staff` once: every app that holds something of theirs
    ends it at once (signals.staff_left: sign-in, sessions, tokens, device credentials,
    grants, allocations, …) and lists what someone must still do (organisation.leaving).

    Idempotent: False, doing nothing, when it has run for them already. Call inside a
    transaction (run-jobs and staff_end do), so the leaving and its effects commit together.
    """
    if staff.end_date is None:
        raise ValueError(f"{staff.staff_id} has no end date: they are not leaving")
    leaving = Leaving.objects.filter(staff=staff).first()
    if leaving is not None and leaving.left_on == staff.end_date:
        return False
    # Reinstated and leaving again: the new leaving is processed like the first.
    Leaving.objects.update_or_create(
        staff=staff, defaults={"left_on": staff.end_date, "processed_at": now}
    )
    signals.staff_left.send(sender=StaffMember, staff_pks=[staff.pk])
    audit_change(
        origin,
        "staff.leaver_processed",
        staff,
        reasons=[
            f"last working day {staff.end_date.isoformat()}",
            f"employment type {staff.employment_type}",
        ],
    )
    return True


def leavers_due(*, now: dt.datetime, origin: Origin) -> str:
    """The run-jobs job: everyone whose last working day has passed and who has not been
    processed yet goes through the leaver workflow (DESIGN.md, run-jobs)."""
    today = timezone.localdate(now)
    due = (
        StaffMember.objects.filter(end_date__lt=today)
        .filter(Q(leaving__isnull=True) | ~Q(leaving__left_on=F("end_date")))
        .order_by("pk")
    )
    processed = [s.staff_id for s in due if leaver_process(origin=origin, staff=s, now=now)]
    if not processed:
        return ""
    return f"{len(processed)} leavers processed: {', '.join(processed)}"
