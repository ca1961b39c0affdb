"""How pages name a member of staff: by name and role, never by id alone."""

from __future__ import annotations

from django import template

from safekeep.organisation.models import StaffMember

register = template.Library()


@register.filter
def person(staff: StaffMember | None) -> str:
    """Their name, roles and team, then their id: "Sam Example, Team manager, Early Help
    (S001)"; "Nobody named" when there is none."""
    if staff is None:
        return "Nobody named"
    roles = ", ".join(sorted(role.get_role_display() for role in staff.roles.all()))
    words = (
        [staff.full_name, roles, staff.team.name] if roles else [staff.full_name, staff.team.name]
    )
    return f"{', '.join(words)} ({staff.staff_id})"
