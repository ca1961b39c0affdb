"""Who may run the FOI report (`duties.may_answer_foi`), as a table: role by standing."""

from __future__ import annotations

import datetime as dt

import pytest

from safekeep.access.duties import may_answer_foi
from safekeep.access.policy import ActorFacts

TODAY = dt.date(2026, 11, 23)
REFUSED = ["only an FOI officer or information governance can run the FOI report"]


def actor(*roles: str, **fields: object) -> ActorFacts:
    return ActorFacts(staff_pk=1, roles=frozenset(roles), employment_type="employee", **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("who", "allowed", "reasons"),
    [
        (actor("foi_officer"), True, ["FOI officer"]),
        (actor("ig_officer"), True, ["information governance"]),
        (actor("practitioner"), False, REFUSED),
        (actor("team_manager"), False, REFUSED),
        (actor("it_support"), False, REFUSED),
        (actor("sysadmin"), False, REFUSED),
        (actor("foi_officer", end_date=TODAY - dt.timedelta(days=1)), False, REFUSED),
        (actor("foi_officer", end_date=TODAY), True, ["FOI officer"]),  # their last day
        (actor("foi_officer", start_date=TODAY + dt.timedelta(days=1)), False, REFUSED),
        (actor("ig_officer", disabled=True), False, REFUSED),
    ],
)
def test_may_answer_foi(who: ActorFacts, allowed: bool, reasons: list[str]) -> None:
    decision = may_answer_foi(who, TODAY)
    assert (decision.allowed, list(decision.reasons)) == (allowed, reasons)
