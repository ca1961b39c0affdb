"""The per-case decision, the list query and the pages agree, on random worlds in the database.

Hypothesis builds small councils (staff with roles, leavers, disabled accounts and
volunteers with risk assessments; cases with restricted subjects, staff subjects and
conflicts; allocations, grants and break-glass in the past, present and future; and the
device the requests come from, known or not, compliant or not). For every person, case and
action, `decide()` on loaded facts must allow exactly the cases that
`visible_cases()` lists. Each world lives in a savepoint that is rolled back afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from safekeep.access import door
from safekeep.access.context import command_context
from safekeep.access.door import AccessRefused, EntryMissing
from safekeep.access.facts import actor_facts, case_facts
from safekeep.access.policy import Context, decide
from safekeep.access.queries import visible_cases
from safekeep.access.vocabulary import ACTIONS, Action, Duty
from safekeep.audit.writing import Origin
from safekeep.devices.vocabulary import DEVICE_TYPES, OWNERSHIPS, STATUSES, TRISTATE, DeviceFacts
from safekeep.organisation.models import (
    Directorate,
    RiskAssessment,
    StaffMember,
    StaffRole,
    Team,
)
from safekeep.records.models import (
    AccessGrant,
    Allocation,
    BreakGlass,
    Case,
    Entry,
    Subject,
    SubjectConflict,
)
from tests.factories import LAPTOP_FACTS, CaseQuestion

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)
CLASSIFICATIONS = ("OFFICIAL", "OFFICIAL-SENSITIVE")


class Rollback(Exception):
    """Raised to roll a world's savepoint back."""


# Ordered so that the simplest (shrunk) example is an active relationship.
day_offsets = st.sampled_from([0, -1, 1, -2, 2])
start_hours = st.sampled_from([-1, 0, 1, -2])
end_hours = st.sampled_from([1, 0, -1, 2])
N_STAFF = 3
N_CASES = 3
staff_index = st.integers(min_value=0, max_value=N_STAFF - 1)
case_index = st.integers(min_value=0, max_value=N_CASES - 1)
team_index = st.integers(min_value=0, max_value=1)

staff_strategy = st.fixed_dictionaries(
    {
        "team": team_index,
        "roles": st.lists(
            st.sampled_from(
                ["practitioner", "team_manager", "practitioner", "ig_officer", "it_support"]
            ),
            max_size=2,
            unique=True,
        ),
        "employment_type": st.sampled_from(["employee", "volunteer", "agency", "volunteer"]),
        "end": st.none() | st.none() | day_offsets,
        "active": st.sampled_from([True, True, True, False]),
        "assessments": st.lists(
            st.tuples(
                st.sampled_from(["approved", "refused", "approved"]),
                team_index,
                st.sampled_from(CLASSIFICATIONS),
                day_offsets,  # assessed_on (a future one does not count yet)
                day_offsets,  # review_due
            ),
            min_size=1,
            max_size=2,
        ),
    }
)
case_strategy = st.fixed_dictionaries(
    {
        "team": team_index,
        "classification": st.sampled_from(CLASSIFICATIONS),
        "restricted": st.sampled_from([True, False]),
        "subject_staff": st.none() | staff_index,
        "conflicts": st.lists(staff_index, max_size=1, unique=True),
    }
)
link_strategy = st.fixed_dictionaries(
    {
        "allocation": st.none()
        | st.tuples(
            st.sampled_from(["allocated_worker", "co_worker", "supervising_manager"]),
            day_offsets,
            st.none() | day_offsets,
        ),
        "grant": st.none()
        | st.tuples(
            st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=3, unique=True),
            st.sampled_from(["approved", "approved", "requested", "revoked"]),
            start_hours,
            end_hours,
            st.booleans(),
        ),
        "break_glass": st.none() | st.tuples(start_hours, end_hours),
    }
)
# The device the requests come from: None is a device Safekeep does not know. Devices that
# allow content come up often, so that the relationship rules are exercised in most worlds.
COUNCIL_LAPTOP = LAPTOP_FACTS
PERSONAL_PHONE = replace(
    COUNCIL_LAPTOP, ownership="personal", device_type="smartphone", label="personal phone"
)
device_strategy = (
    st.sampled_from([COUNCIL_LAPTOP, PERSONAL_PHONE])
    | st.none()
    | st.builds(
        DeviceFacts,
        enrolled=st.booleans(),
        ownership=st.sampled_from(OWNERSHIPS),
        device_type=st.sampled_from(DEVICE_TYPES),
        status=st.sampled_from(STATUSES),
        encrypted=st.sampled_from(TRISTATE),
        passcode=st.sampled_from(TRISTATE),
        on_site=st.booleans(),
        os_supported=st.booleans(),
        label=st.just("generated device"),
    )
)
# Every (person, case) pair gets a link, so relationships are dense even in small worlds.
world_strategy = st.fixed_dictionaries(
    {
        "device": device_strategy,
        "printer_secure": st.none() | st.booleans(),
        "staff": st.lists(staff_strategy, min_size=N_STAFF, max_size=N_STAFF),
        "cases": st.lists(case_strategy, min_size=N_CASES, max_size=N_CASES),
        "links": st.lists(link_strategy, min_size=N_STAFF * N_CASES, max_size=N_STAFF * N_CASES),
        # One entry per case: who wrote it, and whether it is sensitive.
        "entries": st.lists(
            st.tuples(staff_index, st.booleans()), min_size=N_CASES, max_size=N_CASES
        ),
    }
)


def build(world: dict[str, Any]) -> tuple[list[tuple[StaffMember, bool]], list[Case]]:
    directorate = Directorate.objects.create(name="Family Services")
    teams = [Team.objects.create(name=f"Team {n}", directorate=directorate) for n in range(2)]
    people: list[tuple[StaffMember, bool]] = []
    for n, spec in enumerate(world["staff"]):
        staff = StaffMember.objects.create(
            staff_id=f"S{n}",
            given_name="Staff",
            family_name=str(n),
            email=f"s{n}@council.example",
            directorate=directorate,
            team=teams[spec["team"]],
            employment_type=spec["employment_type"],
            works_with_vulnerable_people=True,
            work_pattern="remote",
            start_date=dt.date(2020, 1, 1),
            end_date=None if spec["end"] is None else TODAY + spec["end"] * DAY,
        )
        StaffRole.objects.bulk_create(StaffRole(staff=staff, role=r) for r in spec["roles"])
        for outcome, team, maximum, assessed, due in spec["assessments"]:
            RiskAssessment.objects.get_or_create(
                staff=staff,
                outcome=outcome,
                scope_team=teams[team],
                max_classification=maximum,
                assessed_on=TODAY + assessed * DAY,
                review_due=TODAY + due * DAY,
            )
        people.append((staff, spec["active"]))
    cases = []
    for n, spec in enumerate(world["cases"]):
        subject_staff = spec["subject_staff"]
        subject = Subject.objects.create(
            subject_id=f"P{n}",
            kind="child" if subject_staff is None else "staff",
            given_name="Subject",
            family_name=str(n),
            restricted=spec["restricted"],
            staff=None if subject_staff is None else people[subject_staff][0],
        )
        for staff_n in spec["conflicts"]:
            SubjectConflict.objects.create(subject=subject, staff=people[staff_n][0])
        case = Case.objects.create(
            case_id=f"C{n}",
            subject=subject,
            owning_team=teams[spec["team"]],
            classification=spec["classification"],
            opened_on=dt.date(2025, 1, 1),
        )
        author, sensitive = world["entries"][n]
        Entry.objects.create(
            case=case,
            kind="note",
            sensitive=sensitive,
            author=people[author][0],
            created_at=NOW - DAY,
        )
        cases.append(case)
    for n, link in enumerate(world["links"]):
        staff, case = people[n // N_CASES][0], cases[n % N_CASES]
        if link["allocation"] is not None:
            role, start, end = link["allocation"]
            Allocation.objects.create(
                staff=staff,
                case=case,
                role=role,
                starts_on=TODAY + start * DAY,
                ends_on=None if end is None else TODAY + end * DAY,
            )
        if link["grant"] is not None:
            actions, status, start, end, ig = link["grant"]
            AccessGrant.objects.create(
                grantee=staff,
                case=case,
                actions=" ".join(actions),
                reason="generated",
                status=status,
                starts_at=NOW + start * HOUR,
                expires_at=NOW + end * HOUR,
                ig_approved=ig,
            )
        if link["break_glass"] is not None:
            start, end = link["break_glass"]
            BreakGlass.objects.create(
                staff=staff,
                case=case,
                reason="generated reason text",
                started_at=NOW + start * HOUR,
                expires_at=NOW + end * HOUR,
            )
    return people, cases


def check_agreement(
    people: list[tuple[StaffMember, bool]], cases: list[Case], context: Context
) -> None:
    for staff, active in people:
        actor = actor_facts(staff, account_active=active, today=context.today)
        facts = [(case, case_facts(case, staff)) for case in cases]
        for action in ACTIONS:
            decided = {c.case_id for c, f in facts if decide(actor, action, f, context).allowed}
            listed = set(
                visible_cases(staff, context, action, account_active=active).values_list(
                    "case_id", flat=True
                )
            )
            assert decided == listed, (staff.staff_id, action)


def _opens(ask: Callable[[], object]) -> bool:
    try:
        ask()
    except (AccessRefused, EntryMissing):
        return False
    return True


def check_offers(
    people: list[tuple[StaffMember, bool]], cases: list[Case], context: Context
) -> None:
    """A case page offers exactly what the door then allows: each action, each duty, and
    changing each entry (DESIGN.md rule 6) -- for every person with a sign-in that works."""
    origin = Origin.command("property")
    for staff, active in people:
        if not active:
            continue  # the door reads a disabled account from the sign-in; these have none
        for case in cases:
            asks: CaseQuestion = {
                "staff": staff,
                "case_id": case.case_id,
                "context": context,
                "origin": origin,
            }
            try:
                page = door.case_access(action=Action.VIEW, **asks)
            except AccessRefused:
                continue
            offers = page.offers()
            for action in (Action.ADD_ENTRY, Action.DOWNLOAD):
                opens = _opens(partial(door.case_access, action=action, change=True, **asks))
                assert (action in offers) == opens, (staff.staff_id, case.case_id, action)
            for duty in (Duty.ALLOCATE, Duty.REFER, Duty.CLOSE_CASE, Duty.SEE_WHO_CAN_SEE):
                opens = _opens(partial(door.case_duty_access, duty=duty, change=True, **asks))
                assert (duty in offers) == opens, (staff.staff_id, case.case_id, duty)
            for entry in Entry.objects.filter(case=case):
                visible = not entry.sensitive or page.decision.sees_sensitive_entries
                offered = visible and page.may_change(
                    entry_pk=entry.pk, author_pk=entry.author_id, sensitive=entry.sensitive
                )
                opens = _opens(partial(door.entry_access, entry_id=entry.pk, change=True, **asks))
                assert offered == opens, (staff.staff_id, case.case_id, "edit", entry.pk)


@pytest.mark.django_db
@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=world_strategy)
def test_decide_and_visible_cases_agree(world: dict[str, Any]) -> None:
    try:
        with transaction.atomic():
            context = replace(
                command_context(NOW, device=world["device"]),
                printer_secure=world["printer_secure"],
            )
            people, cases = build(world)
            check_agreement(people, cases, context)
            check_offers(people, cases, context)
            raise Rollback
    except Rollback:
        pass
