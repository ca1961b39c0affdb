"""What the identity system's SCIM requests change, through the organisation's own services.

Everything goes through `organisation.services`, so the rules of the staff form and the
staff import hold here too: roles that give case content, IG or administrator rights wait
for a second person, and deactivation (`active: false`) or DELETE calls `staff_end`, whose
`staff_left` signal signs the person out, ends their API tokens and device credentials and
starts the leaver workflow, within the request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from scim2_models import (
    EnterpriseUser,
    Group,
    InvalidValueException,
    MutabilityException,
    SCIMException,
    UniquenessException,
)

from safekeep.audit.writing import Origin, audit_change
from safekeep.organisation.models import EmploymentType, Role, StaffMember, Team, WorkPattern
from safekeep.organisation.services import (
    StaffDetails,
    StaffInvalid,
    staff_create,
    staff_end,
    staff_update,
)
from safekeep.provisioning.models import ScimClient, ScimRemoval
from safekeep.provisioning.resources import ROLE, TEAM, UserResource, is_active
from safekeep.provisioning.selectors import scim_staff, staff_details

# What a provisioned person starts with: SCIM says who they are, not what they do. The
# practitioner role waits for a second person, as from the staff form.
NEW_ROLE = Role.PRACTITIONER.value


def _scim_error(exc: StaffInvalid) -> SCIMException:
    if {"email", "staff_id"} & exc.errors.keys():
        return UniquenessException(detail=exc.message)
    return InvalidValueException(detail=exc.message)


def _required(value: str | None, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidValueException(detail=f"{what} is required")
    return value


def _email(resource: UserResource) -> str:
    email = _required(resource.user_name, "userName (the staff email)").lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidValueException(detail="userName must be the staff email address") from None
    return email


def _team(resource: UserResource) -> Team:
    extension = resource[EnterpriseUser]
    name = (extension.department if extension is not None else None) or ""
    if not name.strip():
        raise InvalidValueException(detail="department (the person's team) is required")
    team = Team.objects.filter(name__iexact=name.strip()).select_related("directorate").first()
    if team is None:
        raise InvalidValueException(
            detail=f"There is no team called {name.strip()!r}: teams come from the staff import"
        )
    return team


def _details(resource: UserResource, staff: StaffMember | None, today: dt.date) -> StaffDetails:
    """The entry SCIM describes; what SCIM does not carry stays as it is (or, for someone
    new, starts as an office-based employee who works with vulnerable people, from today)."""
    name = resource.name
    team = _team(resource)
    kept = (
        _with_a_role(staff_details(staff))
        if staff
        else StaffDetails(
            given_name="",
            family_name="",
            email="",
            team=team,
            roles=frozenset({NEW_ROLE}),
            employment_type=EmploymentType.EMPLOYEE,
            works_with_vulnerable_people=True,
            work_pattern=WorkPattern.OFFICE,
            start_date=today,
        )
    )
    return replace(
        kept,
        given_name=_required(name.given_name if name else None, "name.givenName"),
        family_name=_required(name.family_name if name else None, "name.familyName"),
        email=_email(resource),
        team=team,
    )


def _with_a_role(details: StaffDetails) -> StaffDetails:
    """Every entry has a role: someone whose only role still waits for a second person asks
    for it again (the waiting change is not made twice)."""
    return details if details.roles else replace(details, roles=frozenset({NEW_ROLE}))


def _leave_now(staff: StaffMember, origin: Origin, today: dt.date) -> None:
    """Make the person a leaver now: their last working day was yesterday (or today, for
    someone who started today); `staff_end` signs them out everywhere at once."""
    last_day = max(staff.start_date, today - dt.timedelta(days=1))
    staff_end(origin=origin, staff=staff, end_date=last_day, today=today)


def _apply_active(
    staff: StaffMember, details: StaffDetails, active: bool | None, origin: Origin, today: dt.date
) -> StaffMember:
    if active is False and is_active(staff, today):
        _leave_now(staff, origin, today)
    elif active is True and not is_active(staff, today):
        # Bringing back a leaver waits for a second person, as everywhere else.
        staff = staff_update(
            origin=origin, staff=staff, details=replace(details, end_date=None), today=today
        )
    return staff


@transaction.atomic
def user_create(*, resource: UserResource, origin: Origin) -> StaffMember:
    today = timezone.localdate()
    staff_id = _required(resource.external_id, "externalId (the HR staff ID)")
    try:
        staff = staff_create(
            origin=origin, staff_id=staff_id, details=_details(resource, None, today), today=today
        )
    except StaffInvalid as exc:
        raise _scim_error(exc) from exc
    if resource.active is False:
        _leave_now(staff, origin, today)
    return staff


@transaction.atomic
def user_replace(*, staff: StaffMember, resource: UserResource, origin: Origin) -> StaffMember:
    """PUT, and what PATCH leaves after it is applied: the entry becomes what SCIM sent."""
    today = timezone.localdate()
    if resource.active is None:
        raise MutabilityException(detail="active is always true or false: it cannot be removed")
    if resource.external_id and resource.external_id != staff.staff_id:
        raise MutabilityException(detail="externalId is the HR staff ID and does not change")
    details = _details(resource, staff, today)
    if details != _with_a_role(
        staff_details(staff)
    ):  # Entra re-sends what has not changed: no entry for it
        try:
            staff = staff_update(origin=origin, staff=staff, details=details, today=today)
        except StaffInvalid as exc:
            raise _scim_error(exc) from exc
    return _apply_active(staff, details, resource.active, origin, today)


@transaction.atomic
def user_remove(*, staff: StaffMember, client: ScimClient, origin: Origin) -> None:
    """DELETE: staff are never deleted. The person leaves now and SCIM stops showing them."""
    today = timezone.localdate()
    if is_active(staff, today):
        _leave_now(staff, origin, today)
    ScimRemoval.objects.create(staff=staff, removed_at=timezone.now(), removed_by=client)
    audit_change(origin, "scim.user_remove", staff, reasons=[f"removed by {client.name}"])


def _member_pks(group: Group) -> set[int]:
    pks = set()
    for member in group.members or []:
        if not (member.value or "").isdigit():
            raise InvalidValueException(detail=f"{member.value!r} is not a User id")
        pks.add(int(member.value or ""))
    return pks


@transaction.atomic
def group_members_set(*, before: Group, after: Group, origin: Origin) -> None:
    """Membership changes only (PATCH or PUT): joining a team moves the person there;
    a role group adds or takes away that role. Teams and roles themselves are fixed."""
    if (after.display_name or "") != (before.display_name or ""):
        raise MutabilityException(detail="Teams and roles are named by the staff import")
    was, now = _member_pks(before), _member_pks(after)
    group_id = before.id or ""
    people = {s.pk: s for s in scim_staff().filter(pk__in=was ^ now)}
    if missing := (was ^ now) - people.keys():
        raise InvalidValueException(detail=f"No such User: {', '.join(map(str, sorted(missing)))}")
    today = timezone.localdate()
    for pk in sorted(was ^ now):
        staff = people[pk]
        details = staff_details(staff)
        if group_id.startswith(TEAM):
            if pk in was:
                raise InvalidValueException(
                    detail="Everyone belongs to a team: add the person to their new team instead"
                )
            team = Team.objects.select_related("directorate").get(pk=int(group_id[len(TEAM) :]))
            details = replace(details, team=team)
        else:
            role = group_id[len(ROLE) :]
            roles = details.roles - {role} if pk in was else details.roles | {role}
            details = replace(details, roles=frozenset(roles))
        try:
            staff_update(origin=origin, staff=staff, details=details, today=today)
        except StaffInvalid as exc:
            raise _scim_error(exc) from exc
