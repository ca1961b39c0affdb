"""Who may close and reopen a case (`duties.may_close_case`, `Duty.CLOSE_CASE`): the manager
of the team that owns it, working today, on a device that may show the case. As a table,
and as properties over random actors and cases."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safekeep.access import door
from safekeep.access.duties import manages_team, may_allocate, may_close_case
from safekeep.access.policy import ActorFacts, CaseFacts, decide
from safekeep.access.vocabulary import Action, Duty
from tests.access.test_policy_table import CTX, OTHER_TEAM, TEAM, TODAY, actors, cases

REFUSED = ["only the manager of the team that owns this case can close or reopen it"]
CASE = CaseFacts(
    case_pk=1, owning_team_id=TEAM, classification="OFFICIAL", subject_restricted=False
)


def actor(*roles: str, teams: tuple[int, ...] = (TEAM,), **fields: object) -> ActorFacts:
    return ActorFacts(
        staff_pk=1,
        roles=frozenset(roles),
        employment_type="employee",
        managed_team_ids=frozenset(teams),
        **fields,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        (actor("team_manager"), True),
        (actor("team_manager", teams=(OTHER_TEAM,)), False),  # manages another team
        (actor("team_manager", teams=()), False),
        (actor("practitioner"), False),  # on the team, not its manager
        (actor("ig_officer"), False),  # IG oversees access, not the caseload
        (actor("sysadmin"), False),
        (actor("team_manager", end_date=TODAY - dt.timedelta(days=1)), False),  # left
        (actor("team_manager", end_date=TODAY), True),  # their last day
        (actor("team_manager", start_date=TODAY + dt.timedelta(days=1)), False),
        (actor("team_manager", disabled=True), False),
    ],
)
def test_may_close_case(who: ActorFacts, allowed: bool) -> None:
    decision = may_close_case(who, CASE, TODAY)
    assert decision.allowed == allowed
    expected = ["team manager of the team that owns this case"] if allowed else REFUSED
    assert list(decision.reasons) == expected


def test_the_manager_a_case_is_only_referred_to_may_allocate_it_but_not_close_it() -> None:
    receiving = actor("team_manager", teams=(OTHER_TEAM,))
    referred = dataclasses.replace(CASE, receiving_referral=True)
    assert may_allocate(receiving, referred, TODAY).allowed
    assert not may_close_case(receiving, referred, TODAY).allowed


@settings(max_examples=400, deadline=None)
@given(who=actors, case=cases)
def test_only_the_owning_teams_manager_may_close(who: ActorFacts, case: CaseFacts) -> None:
    decision = may_close_case(who, case, TODAY)
    assert decision.allowed == manages_team(who, case.owning_team_id, TODAY)
    assert decision.reasons  # allowed or refused, it says why
    if not decision.allowed:
        assert list(decision.reasons) == REFUSED


@settings(max_examples=400, deadline=None)
@given(who=actors, case=cases)
def test_closing_needs_the_right_to_see_the_case_too(who: ActorFacts, case: CaseFacts) -> None:
    """Through the door: the duty is allowed exactly when the person may view the case here
    and manages its owning team; an allowed duty carries the view's reasons, then the duty's."""
    decision = door._duty_decision(who, case, CTX, Duty.CLOSE_CASE)
    view = decide(who, Action.VIEW, case, CTX)
    rule = may_close_case(who, case, TODAY)
    assert decision.allowed == (view.allowed and rule.allowed)
    if decision.allowed:
        assert list(decision.reasons) == [*view.reasons, *rule.reasons]
    elif not view.allowed:
        assert decision.reasons == view.reasons
    else:
        assert decision.reasons == rule.reasons


@settings(max_examples=200, deadline=None)
@given(who=actors, case=cases, other=st.sampled_from([TEAM, OTHER_TEAM]))
def test_closing_depends_on_the_owning_team_not_on_others(
    who: ActorFacts, case: CaseFacts, other: int
) -> None:
    """Moving the case to another team changes the answer only as the manager's teams do."""
    moved = dataclasses.replace(case, owning_team_id=other)
    assert may_close_case(who, moved, TODAY).allowed == manages_team(who, other, TODAY)
