"""The door end to end: facts once, decision once, recorded once, one refusal for all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from safekeep.access import door
from safekeep.access.door import AccessRefused, DutyAccess, EntryMissing
from safekeep.access.facts import actor_facts, case_facts
from safekeep.access.queries import visible_cases
from safekeep.access.selectors import who_can_see
from safekeep.access.vocabulary import Action, Basis, Duty, Obligation
from safekeep.access.wording import ASK_MANAGER, USE_BREAK_GLASS
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.governance.models import Incident
from safekeep.records import selectors
from safekeep.records.models import (
    AccessGrant,
    Allocation,
    BreakGlass,
    Entry,
    Referral,
    SubjectConflict,
)
from tests.factories import (
    LAPTOP_FACTS,
    laptop_context,
    make_case,
    make_device,
    make_grant,
    make_risk_assessment,
    make_staff,
    make_team,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
ORIGIN = Origin.command("test")
NOT_ALLOCATED = "you are not allocated to this case and have no approved access to it"


def ask(staff, case_id, action=Action.VIEW, *, context=None, change=False):
    return door.case_access(
        staff=staff,
        case_id=case_id,
        action=action,
        context=context or laptop_context(NOW),
        origin=ORIGIN,
        change=change,
    )


def entries():
    return list(AuditEntry.objects.values_list("action", "decision"))


def _approved_around_now(case, grantee, **fields):
    """Approved access to view and add entries, from a day before NOW to a day after."""
    return make_grant(
        case,
        grantee,
        actions="view add_entry",
        reason="r",
        status="approved",
        starts_at=NOW - dt.timedelta(days=1),
        expires_at=NOW + dt.timedelta(days=1),
        **fields,
    )


def test_an_allowed_decision_is_recorded_once_with_its_reasons() -> None:
    worker = make_staff()
    case = make_case(allocated=(worker,))
    access = ask(worker, case.case_id)
    assert access.decision.reasons == (
        "allocated worker since 2025-01-01",
        "viewing records is allowed on a council laptop (task policy version 0)",
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.decision, entry.object_type, entry.object_id) == (
        "case.view",
        "allowed",
        "case",
        case.case_id,
    )
    assert entry.subject_id == case.subject.subject_id
    assert entry.actor_staff_id == worker.staff_id
    assert entry.reasons == list(access.decision.reasons)


def test_a_missing_case_is_refused_exactly_as_a_forbidden_one() -> None:
    stranger = make_staff()
    case = make_case()
    with pytest.raises(AccessRefused) as forbidden:
        ask(stranger, case.case_id, Action.EDIT)
    with pytest.raises(AccessRefused) as missing:
        ask(stranger, "C-NOPE", Action.EDIT)
    for refusal in (forbidden.value, missing.value):
        assert refusal.decision.words == (NOT_ALLOCATED,)
        assert refusal.decision.advice == (ASK_MANAGER, USE_BREAK_GLASS)
        assert refusal.title == "You cannot change this entry"
    assert entries() == [("case.edit", "refused"), ("case.edit", "refused")]
    assert AuditEntry.objects.latest("id").reasons == [
        "no such case"
    ]  # only IG sees the difference


def test_a_change_is_recorded_by_the_change_or_else_once_by_the_page() -> None:
    worker = make_staff()
    case = make_case(allocated=(worker,))
    access = ask(worker, case.case_id, Action.ADD_ENTRY, change=True)
    assert entries() == []
    door.record_unchanged(access)
    assert entries() == [("case.add_entry", "allowed")]


def test_the_door_gathers_the_facts_once() -> None:
    worker = make_staff()
    case = make_case(allocated=(worker,))
    context = laptop_context(NOW)
    with CaptureQueriesContext(connection) as queries:
        ask(worker, case.case_id, Action.ADD_ENTRY, context=context, change=True)
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum("s.employment_type" in q for q in sql) == 1  # the person
    assert sum("'subject' AS kind" in q for q in sql) == 1  # the case's relationships
    assert len(sql) == 4  # the case, the account, the two facts


def test_facts_take_two_queries() -> None:
    team = make_team()
    volunteer = make_staff(team=team, employment_type="volunteer")
    make_risk_assessment(volunteer, team=team)
    case = make_case(team=team, allocated=(volunteer,))
    _approved_around_now(case, volunteer, ig_approved=True)
    BreakGlass.objects.create(
        case=case, staff=volunteer, reason="r" * 20, started_at=NOW, expires_at=NOW
    )
    with CaptureQueriesContext(connection) as queries:
        actor = actor_facts(volunteer, today=NOW.date())
        facts = case_facts(case, volunteer)
    assert len(queries) == 2
    assert actor.latest_risk_assessment is not None
    assert actor.latest_risk_assessment.scope_team_id == team.pk
    assert actor.start_date == dt.date(2020, 1, 1)
    assert facts.allocations[0].starts_on == dt.date(2025, 1, 1)
    assert facts.grants[0].actions == frozenset({"view", "add_entry"})
    assert facts.grants[0].expires_at == NOW + dt.timedelta(days=1)
    assert facts.grants[0].ig_approved is True
    assert facts.break_glass[0].started_at == NOW
    assert facts.receiving_referral is False


def test_the_receiving_manager_of_an_open_referral_is_a_fact_of_the_case() -> None:
    receiver = make_staff(roles=("team_manager",))
    case = make_case()
    referral = Referral.objects.create(
        case=case,
        kind="referral",
        from_team=case.owning_team,
        to_team=receiver.team,
        reason="r" * 20,
        created_by=receiver,
    )
    _approved_around_now(case, receiver, referral=referral)
    assert case_facts(case, receiver).receiving_referral is True
    assert ask(receiver, case.case_id).may(Duty.ALLOCATE)
    referral.status = "closed"
    referral.save()
    assert case_facts(case, receiver).receiving_referral is False


def test_visible_cases_and_who_can_see() -> None:
    team = make_team()
    worker = make_staff(team=team)
    manager = make_staff(team=team, roles=("team_manager",))
    conflicted = make_staff(team=team, roles=("team_manager",))
    case = make_case(team=team, allocated=(worker,))
    SubjectConflict.objects.create(subject=case.subject, staff=conflicted)
    other = make_case(team=team, restricted=True)
    context = laptop_context(NOW)
    assert list(visible_cases(worker, context)) == [case]
    assert list(visible_cases(manager, context)) == [case]
    assert list(visible_cases(conflicted, context)) == []
    viewers = who_can_see(case, now=NOW)
    assert [(v.staff, v.basis) for v in viewers] == sorted(
        [(worker, Basis.ALLOCATION), (manager, Basis.OVERSIGHT)],
        key=lambda pair: (pair[0].family_name, pair[0].given_name),
    )
    assert who_can_see(other, now=NOW) == []


def test_sensitive_entries_are_hidden_from_a_co_worker() -> None:
    worker = make_staff()
    co_worker = make_staff()
    case = make_case(allocated=(worker,))
    Allocation.objects.create(
        case=case, staff=co_worker, role="co_worker", starts_on=dt.date(2025, 1, 1)
    )
    plain = Entry.objects.create(case=case, kind="note", author=worker, created_at=NOW)
    secret = Entry.objects.create(
        case=case, kind="note", sensitive=True, author=worker, created_at=NOW
    )
    for staff, expected in ((worker, {plain, secret}), (co_worker, {plain})):
        assert set(selectors.case_entries(access=ask(staff, case.case_id))) == expected


def test_break_glass_is_decided_here_and_recorded_by_its_start_or_its_refusal() -> None:
    stranger = make_staff()
    case = make_case()
    access = door.break_glass_access(
        staff=stranger,
        case_id=case.case_id,
        reason="Child missing, police asked for contacts",
        context=laptop_context(NOW),
        origin=ORIGIN,
    )
    assert access.decision.allowed
    assert entries() == []  # break_glass.start carries it
    restricted = make_case(restricted=True)
    with pytest.raises(AccessRefused):
        door.break_glass_access(
            staff=stranger,
            case_id=restricted.case_id,
            reason="Child missing, police asked for contacts",
            context=laptop_context(NOW),
            origin=ORIGIN,
        )
    assert entries() == [("case.break_glass", "refused")]


# --- changing an existing entry (DESIGN.md rule 6) ---------------------------------------


def _edit(staff, entry, change=True):
    return door.entry_access(
        staff=staff,
        case_id=entry.case.case_id,
        entry_id=entry.pk,
        context=laptop_context(NOW),
        origin=ORIGIN,
        change=change,
    )


def test_an_entry_is_changed_by_its_author_or_corrected_by_the_owning_manager() -> None:
    team = make_team()
    worker, co_worker = make_staff(team=team), make_staff(team=team)
    manager = make_staff(team=team, roles=("team_manager",))
    case = make_case(team=team, allocated=(worker, co_worker))
    note = Entry.objects.create(case=case, kind="note", author=worker, created_at=NOW)
    mine = _edit(worker, note)
    assert mine.decision.reasons[1] == "you wrote this entry"
    assert Obligation.RECORD_REASON not in mine.decision.obligations
    correction = _edit(manager, note)
    assert Obligation.RECORD_REASON in correction.decision.obligations
    with pytest.raises(AccessRefused) as refused:
        _edit(co_worker, note)
    assert refused.value.decision.reasons == (
        "only the person who wrote an entry, or a manager of the team that owns the case "
        "correcting it, can change it",
    )
    assert refused.value.title == "You cannot change this entry"
    assert entries() == [("case.edit", "refused")]


def test_a_volunteer_never_changes_someone_elses_entry() -> None:
    team = make_team()
    worker = make_staff(team=team)
    volunteer = make_staff(team=team, employment_type="volunteer")
    make_risk_assessment(volunteer, team=team)
    case = make_case(team=team, allocated=(worker, volunteer))
    theirs = Entry.objects.create(case=case, kind="note", author=worker, created_at=NOW)
    own = Entry.objects.create(case=case, kind="note", author=volunteer, created_at=NOW)
    with pytest.raises(AccessRefused):
        _edit(volunteer, theirs)
    assert _edit(volunteer, own).decision.allowed


def test_a_hidden_entry_is_missing_whoever_wrote_it() -> None:
    worker, co_worker = make_staff(), make_staff()
    case = make_case(allocated=(worker,))
    Allocation.objects.create(
        case=case, staff=co_worker, role="co_worker", starts_on=dt.date(2025, 1, 1)
    )
    secret = Entry.objects.create(
        case=case, kind="note", sensitive=True, author=worker, created_at=NOW
    )
    with pytest.raises(EntryMissing):
        _edit(co_worker, secret)
    assert entries() == [("case.edit", "allowed")]


# --- devices, lists and pages ------------------------------------------------------------


def test_an_unencrypted_laptop_off_site_is_refused_and_the_door_raises_the_incident() -> None:
    worker = make_staff()
    case = make_case(allocated=(worker,))
    laptop = make_device(staff=worker, encrypted="no", on_site=False)
    facts = replace(LAPTOP_FACTS, encrypted="no", on_site=False, asset_tag=laptop.asset_tag)
    context = replace(laptop_context(NOW), device=facts)
    with pytest.raises(AccessRefused) as refused:
        ask(worker, case.case_id, context=context)
    assert refused.value.decision.refused_by_device
    assert refused.value.title == "You cannot open this record on this device"
    assert Incident.objects.filter(device=laptop).count() == 1


def test_the_list_on_a_refused_device_is_a_refusal_not_an_empty_list() -> None:
    worker = make_staff()
    make_case(allocated=(worker,))
    unknown = replace(laptop_context(NOW), device=None)
    with pytest.raises(AccessRefused) as refused:
        door.case_list(staff=worker, context=unknown, origin=ORIGIN)
    assert refused.value.decision.reasons[0].startswith("this device is not enrolled")
    assert entries() == [("case.list", "refused")]
    it = make_staff(roles=("it_support",))
    assert not door.case_list(staff=it, context=laptop_context(NOW), origin=ORIGIN).cases.exists()


def test_offers_are_what_the_door_would_allow_here() -> None:
    team = make_team()
    worker = make_staff(team=team)
    manager = make_staff(team=team, roles=("team_manager",))
    case = make_case(team=team, allocated=(worker,))
    assert ask(worker, case.case_id).offers() == {"add_entry", "download"}
    assert ask(manager, case.case_id).offers() == {
        "add_entry",
        "download",
        "allocate",
        "refer",
        "close_case",
        "who_can_see",
    }
    phone = replace(LAPTOP_FACTS, ownership="personal", device_type="smartphone")
    on_phone = replace(laptop_context(NOW), device=phone)
    assert ask(worker, case.case_id, context=on_phone).offers() == {"add_entry"}


def test_nobody_decides_their_own_request_and_the_refusal_is_recorded() -> None:
    manager = make_staff(roles=("team_manager",))
    case = make_case(team=manager.team)
    grant = make_grant(case, manager, starts_at=NOW, expires_at=NOW + dt.timedelta(days=1))
    with pytest.raises(AccessRefused) as refused:
        door.grant_access(staff=manager, grant=grant, context=laptop_context(NOW), origin=ORIGIN)
    assert refused.value.decision.reasons == ("you cannot decide your own request for access",)
    assert entries() == [("accessgrant.decide_grant", "refused")]


def test_each_queue_lists_exactly_what_the_door_lets_that_person_decide() -> None:
    north, south = make_team(), make_team()
    manager_north = make_staff(team=north, roles=("team_manager",))
    manager_south = make_staff(team=south, roles=("team_manager",))
    ig = make_staff(team=south, roles=("ig_officer",))
    left = make_staff(team=north, roles=("team_manager",), end_date=dt.date(2026, 1, 1))
    worker = make_staff(team=north)
    people = [manager_north, manager_south, ig, left, worker]
    plain, restricted = make_case(team=north), make_case(team=north, restricted=True)
    for case in (plain, restricted):
        for grantee in (worker, manager_north, ig):
            make_grant(case, grantee, starts_at=NOW, expires_at=NOW + dt.timedelta(days=1))
    Referral.objects.create(
        case=plain, kind="referral", from_team=north, to_team=south, reason="r" * 20,
        created_by=manager_north,
    )  # fmt: skip
    for user in (worker, ig):
        BreakGlass.objects.create(
            case=plain, staff=user, reason="r" * 20, started_at=NOW, expires_at=NOW
        )
    context = laptop_context(NOW)
    # Each queue's duty, what may wait in it, and the door's question for one item.
    items: list[tuple[Duty, QuerySet[Any], Callable[..., DutyAccess], str]] = [
        (Duty.DECIDE_GRANT, AccessGrant.objects.all(), door.grant_access, "grant"),
        (Duty.DECIDE_REFERRAL, Referral.objects.all(), door.referral_access, "referral"),
        (
            Duty.REVIEW_BREAK_GLASS,
            BreakGlass.objects.all(),
            door.break_glass_review_access,
            "glass",
        ),
    ]
    for person in people:
        for duty, every, ask_door, name in items:
            allowed = set()
            for item in every:
                extra = {"duty": duty} if duty is Duty.DECIDE_REFERRAL else {}
                try:
                    ask_door(staff=person, context=context, origin=ORIGIN, **{name: item}, **extra)
                except AccessRefused:
                    continue
                allowed.add(item.pk)
            listed = {item.pk for item in door.queue(staff=person, duty=duty, context=context)}
            assert listed == allowed, (person.staff_id, duty)
