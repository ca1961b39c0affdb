"""Reading the staff directory: a manager's team, leavers, the sysadmin's search."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from safekeep.organisation.models import StaffMember, StaffMemberQuerySet, Team

MANAGER_ROLES = ("team_manager", "centre_manager", "volunteer_manager")


def managed_team(*, staff: StaffMember) -> Team | None:
    """The team a manager manages: the team on their own row (DESIGN.md, staff CSV)."""
    if staff.role_names() & set(MANAGER_ROLES):
        return staff.team
    return None


def team_members(*, team: Team, today: dt.date) -> StaffMemberQuerySet:
    """Everyone in the team who is not a leaver on `today` (new starters included)."""
    return (
        StaffMember.objects.filter(team=team)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .prefetch_related("roles")
        .order_by("family_name", "given_name")
    )


def matching_name(staff: StaffMemberQuerySet, *, name: str) -> StaffMemberQuerySet:
    """Those whose given or family name holds every word of `name`, in any case ("ann fea")."""
    for word in name.split():
        staff = staff.filter(Q(given_name__icontains=word) | Q(family_name__icontains=word))
    return staff


def leavers(*, today: dt.date, team: Team | None = None) -> StaffMemberQuerySet:
    """People whose last working day was before `today`, most recent first."""
    found = StaffMember.objects.filter(end_date__lt=today)
    if team is not None:
        found = found.filter(team=team)
    return found.prefetch_related("roles").order_by("-end_date", "family_name")


def staff_search(*, query: str = "") -> StaffMemberQuerySet:
    """Staff whose name, staff ID or email contains every word of `query`."""
    found = StaffMember.objects.select_related("team", "directorate").prefetch_related("roles")
    for word in query.split():
        found = found.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(staff_id__icontains=word)
            | Q(email__icontains=word)
        )
    return found.order_by("family_name", "given_name", "staff_id")


def staff_status(staff: StaffMember, today: dt.date) -> str:
    """Plain words for where someone is in their time with the council."""
    if staff.start_date > today:
        return f"Starts on {_day(staff.start_date)}"
    if staff.end_date is None:
        return "Active"
    if staff.end_date < today:
        return f"Left on {_day(staff.end_date)}"
    return f"Leaving on {_day(staff.end_date)}"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"
