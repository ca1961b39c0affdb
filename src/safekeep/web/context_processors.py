"""Template context every page needs: the navigation for the signed-in person's roles.

Links are built from URL names that other parts of Safekeep provide; a name that does not
exist (yet) is skipped, so the navigation never breaks a page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from safekeep.organisation.models import StaffMember
from safekeep.web.decorators import is_verified

SERVICE_NAME = "Safekeep"

MANAGER_ROLES = frozenset({"team_manager", "centre_manager", "volunteer_manager"})
CASEWORK_ROLES = frozenset({"practitioner", "team_manager", "centre_manager"})


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    url: str
    active: bool


def safe_reverse(name: str) -> str | None:
    """The URL for a name, or None when no part of Safekeep provides it yet."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def person_roles(request: HttpRequest) -> set[str]:
    """The signed-in, verified person's roles (with `volunteer` for volunteers); else empty."""
    user = getattr(request, "user", None)  # absent when an error page is shown very early
    if not is_verified(user):
        return set()
    staff: StaffMember | None = getattr(user, "staff", None)
    if staff is None:
        return set()
    roles = staff.role_names()
    if staff.employment_type == "volunteer":
        roles.add("volunteer")
    return roles


def nav_entries(roles: set[str]) -> list[tuple[str, str]]:
    """(label, URL name) pairs for these roles, in menu order."""
    if not roles:
        return []
    entries: list[tuple[str, str]] = []
    if roles & (CASEWORK_ROLES | {"volunteer"}):
        entries.append(("My caseload", "records:caseload"))
        entries.append(("My requests", "records:my-requests"))
    if roles & MANAGER_ROLES:
        entries.append(("My team", "organisation:team"))
    if "team_manager" in roles:
        entries.append(("Workload", "records:workload"))
        entries.append(("Access requests", "records:grant-requests"))
    if roles & {"team_manager", "ig_officer"}:
        entries.append(("Access reviews", "reviews:list"))
    if roles & {"volunteer_manager", "centre_manager"}:
        entries.append(("Volunteers' assessments", "reviews:assessments"))
    if "sysadmin" in roles:
        entries.append(("Staff", "organisation:staff-list"))
        entries.append(("Sign-ins", "accounts:people"))
    if roles & {"sysadmin", "ig_officer"}:
        entries.append(("Staff changes", "organisation:staff-changes"))
    if roles & {"sysadmin", "ig_officer", "it_support"}:
        entries.append(("Leavers", "organisation:leavers"))
    if "it_support" in roles:
        entries.append(("Devices", "devices:register"))
        entries.append(("Device complaints", "devices:complaint-queue"))
    if "ig_officer" in roles:
        entries.append(("Audit", "audit:dashboard"))
        entries.append(("Break-glass reviews", "records:break-glass-queue"))
        entries.append(("Incidents", "governance:incidents"))
        entries.append(("Task policy", "devices:task-policy"))
        entries.append(("Retention", "governance:retention"))
        entries.append(("Subject access", "governance:sar-list"))
    if roles & {"foi_officer", "ig_officer"}:
        entries.append(("FOI requests", "governance:foi-requests"))
        entries.append(("FOI report", "governance:foi-report"))
    entries.append(("This device", "devices:this-device"))
    entries.append(("Account", "accounts:account"))
    return entries


def navigation(request: HttpRequest) -> dict[str, object]:
    roles = person_roles(request)
    links = [(label, url) for label, name in nav_entries(roles) if (url := safe_reverse(name))]
    # Only the most specific match is current: the workload (/cases/workload/), not also
    # the caseload (/cases/).
    matches = [url for _, url in links if request.path.startswith(url)]
    current = max(matches, key=len, default=None)
    items = [NavItem(label=label, url=url, active=url == current) for label, url in links]
    user = getattr(request, "user", None)
    verified = is_verified(user)
    staff = getattr(user, "staff", None) if verified else None
    return {
        "service_name": SERVICE_NAME,
        "nav_items": items,
        "signed_in": verified,
        "signed_in_name": staff.full_name if staff is not None else "",
    }
