from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from safekeep.access import door
from safekeep.access.door import DutyAccess
from safekeep.access.vocabulary import Action
from safekeep.records.models import Case, Entry
from safekeep.records.services import entries
from safekeep.subject_access import services
from safekeep.subject_access.models import SubjectAccessRequest
from tests.factories import (
    TEST_ORIGIN,
    case_access,
    laptop_context,
    make_case,
    make_staff,
    make_team,
)


@dataclass
class World:
    ig: DutyAccess
    case: Case
    other: Case
    kept: Entry
    held: Entry
    secret: Entry
    request: SubjectAccessRequest


@pytest.fixture
def world(db: None) -> World:
    team = make_team()
    worker = make_staff(team=team)
    case = make_case(team=team, allocated=(worker,))
    other = make_case(team=team, allocated=(worker,))
    write = case_access(worker, case, Action.ADD_ENTRY, change=True)
    kept = entries.entry_add(
        access=write, kind="note", title="Home visit", body="Visited KEEPMEVISIBLE at home."
    )
    held = entries.entry_add(
        access=case_access(worker, case, Action.ADD_ENTRY, change=True),
        kind="note",
        title="Neighbour's account",
        body="The neighbour WITHHELDNEIGHBOUR said things.",
    )
    secret = entries.entry_add(
        access=case_access(worker, other, Action.ADD_ENTRY, change=True),
        kind="note",
        title="Other",
        body="OTHERSUBJECTTEXT",
    )
    case_access(worker, case, change=False)  # a view the history must show
    officer = make_staff(team=team, roles=("ig_officer",))
    ig = door.subject_access(
        staff=officer, about=None, context=laptop_context(), origin=TEST_ORIGIN
    )
    request = services.open_request(ig, subject=case.subject, received_on=dt.date(2025, 1, 31))
    services.withhold(ig, request, entry=held, reason="third-party information")
    return World(ig, case, other, kept, held, secret, request)
