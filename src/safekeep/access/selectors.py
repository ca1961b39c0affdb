"""Reading access facts for people: "who can see this case, and why?"."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from safekeep.access.facts import actor_facts, case_facts
from safekeep.access.policy import Context, relationship_decision
from safekeep.access.vocabulary import Action, Basis
from safekeep.organisation.models import StaffMember
from safekeep.organisation.roles import RoleName
from safekeep.records.models import Case


@dataclass(frozen=True, slots=True)
class Viewer:
    """One person who can view the case, the rule that lets them, and its reason in words."""

    staff: StaffMember
    basis: Basis
    reason: str
    sees_sensitive_entries: bool


def who_can_see(case: Case, *, now: dt.datetime | None = None) -> list[Viewer]:
    """Every person the policy lets view `case` at `now`, with the rule that gives access.

    Candidates are everyone with any relationship to the case (allocations, approved
    grants, break-glass, the owning team's managers); each is then decided by the very
    same relationship rules as the case page (devices aside: this is about people), so the
    answer cannot drift from the rules.
    Disabled sign-in accounts are treated as disabled.
    """
    context = Context(now=timezone.localtime(now or timezone.now()))
    candidates = (
        StaffMember.objects.filter(
            Q(allocations__case=case)
            | Q(grants__case=case)
            | Q(break_glass__case=case)
            | Q(team_id=case.owning_team_id, roles__role=RoleName.TEAM_MANAGER)
        )
        .distinct()
        .select_related("user")
        .order_by("family_name", "given_name", "pk")
    )
    viewers = []
    for staff in candidates:
        user = getattr(staff, "user", None)
        active = user.is_active if user is not None else True
        decision = relationship_decision(
            actor_facts(staff, account_active=active, today=context.today),
            Action.VIEW,
            case_facts(case, staff),
            context,
        )
        if decision.allowed:
            viewers.append(
                Viewer(
                    staff=staff,
                    basis=decision.basis,
                    reason=decision.reasons[0],
                    sees_sensitive_entries=decision.sees_sensitive_entries,
                )
            )
    return viewers
