"""The roles of the staff import, and which may be held together: pure, no Django.

Both the directory (organisation) and the access decision speak this vocabulary, so it
lives in one module that imports nothing but the standard library.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class RoleName(StrEnum):
    """The roles of the staff import (DESIGN.md, "Data exchange formats")."""

    PRACTITIONER = "practitioner"
    TEAM_MANAGER = "team_manager"
    CENTRE_MANAGER = "centre_manager"
    VOLUNTEER_MANAGER = "volunteer_manager"
    IT_SUPPORT = "it_support"
    IG_OFFICER = "ig_officer"
    FOI_OFFICER = "foi_officer"
    SYSADMIN = "sysadmin"


ROLE_LABELS: Final[dict[str, str]] = {
    RoleName.PRACTITIONER: "Practitioner",
    RoleName.TEAM_MANAGER: "Team manager",
    RoleName.CENTRE_MANAGER: "Centre manager",
    RoleName.VOLUNTEER_MANAGER: "Volunteer manager",
    RoleName.IT_SUPPORT: "IT support",
    RoleName.IG_OFFICER: "Information governance officer",
    RoleName.FOI_OFFICER: "FOI officer",
    RoleName.SYSADMIN: "System administrator",
}

# Roles that never see case content (DESIGN.md rule 2)...
NO_CASE_CONTENT_ROLES: Final = frozenset(
    {RoleName.IT_SUPPORT, RoleName.SYSADMIN, RoleName.FOI_OFFICER}
)
# ...and the roles through which a person may come to see it (by allocation, oversight,
# an approved grant or break-glass).
CASE_CONTENT_ROLES: Final = frozenset(RoleName) - NO_CASE_CONTENT_ROLES
# Being given one of these needs a second person's approval: case content, information
# governance, or administration of Safekeep itself.
PRIVILEGED_ROLES: Final = CASE_CONTENT_ROLES | {RoleName.SYSADMIN}

ROLES_HELD_APART: Final = (
    "someone who may see case content cannot also be IT support, a system administrator "
    "or an FOI officer"
)


def roles_conflict(roles: Iterable[str]) -> str:
    """Why these roles cannot be held by one account, or "" when they can.

    The roles that never see content administer the systems and answer questions about
    them; holding one beside a content role would let one account both run and read.
    """
    held = set(roles)
    if held & NO_CASE_CONTENT_ROLES and held & CASE_CONTENT_ROLES:
        return ROLES_HELD_APART
    return ""


MOVES_A_MANAGER: Final = "moves a team manager to another team"
BRINGS_BACK: Final = "brings back someone who had left"


@dataclass(frozen=True, slots=True)
class Standing:
    """What decides what a person may reach: their roles, their team and their dates."""

    roles: frozenset[str]
    team_id: int
    start_date: dt.date
    end_date: dt.date | None


def privileges_given(before: Standing | None, after: Standing, today: dt.date) -> tuple[str, ...]:
    """What a change gives that needs a second person's approval, in words; () if nothing.

    A role that may lead to case content, information governance or administration; a
    team manager moved to another team (its cases come with the role); someone who had
    left brought back. `before` None: a new member of staff.
    """
    given = [
        f"gives the {ROLE_LABELS[role].lower()} role"
        for role in sorted(after.roles - (before.roles if before else frozenset()))
        if role in PRIVILEGED_ROLES
    ]
    if before is not None:
        if RoleName.TEAM_MANAGER in after.roles & before.roles and after.team_id != before.team_id:
            given.append(MOVES_A_MANAGER)
        left = before.end_date is not None and before.end_date < today
        if left and (after.end_date is None or after.end_date >= today):
            given.append(BRINGS_BACK)
    return tuple(given)


@dataclass(frozen=True, slots=True)
class Waiting:
    """The part of a change held back until a second person approves it."""

    roles: frozenset[str]
    team_id: int | None  # a team manager's new team
    reinstate: bool  # bring back someone who had left, with `end_date`
    end_date: dt.date | None
    gives: tuple[str, ...]


def hold_back_privileges(
    before: Standing | None, after: Standing, today: dt.date
) -> tuple[Standing, Waiting | None]:
    """Split a change into what takes effect now and what waits for a second person.

    Taking rights away, and everything else, happens at once; only what `privileges_given`
    names waits.
    """
    gives = privileges_given(before, after, today)
    if not gives:
        return after, None
    held_roles = (after.roles - (before.roles if before else frozenset())) & PRIVILEGED_ROLES
    moved = before is not None and MOVES_A_MANAGER in gives
    reinstated = before is not None and BRINGS_BACK in gives
    now = Standing(
        roles=after.roles - held_roles,
        team_id=before.team_id if moved and before else after.team_id,
        start_date=after.start_date,
        end_date=before.end_date if reinstated and before else after.end_date,
    )
    waiting = Waiting(
        roles=held_roles,
        team_id=after.team_id if moved else None,
        reinstate=reinstated,
        end_date=after.end_date if reinstated else None,
        gives=gives,
    )
    return now, waiting
