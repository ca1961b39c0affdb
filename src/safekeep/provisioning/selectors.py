"""What SCIM shows: the directory less the people the identity system removed."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from safekeep.organisation.models import StaffMember, StaffMemberQuerySet
from safekeep.organisation.services import StaffDetails
from safekeep.provisioning.models import ScimRemoval


def scim_staff() -> StaffMemberQuerySet:
    return (
        StaffMember.objects.exclude(Exists(ScimRemoval.objects.filter(staff=OuterRef("pk"))))
        .select_related("team__directorate")
        .prefetch_related("roles")
        .order_by("pk")
    )


def staff_details(staff: StaffMember) -> StaffDetails:
    """A person's entry as the staff form holds it, to change one part and keep the rest."""
    return StaffDetails(
        given_name=staff.given_name,
        family_name=staff.family_name,
        email=staff.email,
        team=staff.team,
        roles=frozenset(staff.role_names()),
        employment_type=staff.employment_type,
        works_with_vulnerable_people=staff.works_with_vulnerable_people,
        work_pattern=staff.work_pattern,
        start_date=staff.start_date,
        end_date=staff.end_date,
    )
