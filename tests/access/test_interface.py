"""The access interface end to end: facts, decision, recording, list query, who-can-see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safekeep.access.facts import actor_facts, case_facts
from safekeep.access.policy import Basis
from safekeep.access.queries import visible_cases, visible_entries
from safekeep.access.selectors import who_can_see
from safekeep.access.services import AccessRefused, authorise, authorise_break_glass, require
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.organisation.models import RiskAssessment
from safekeep.records.models import AccessGrant, Allocation, BreakGlass, Entry, SubjectConflict
from tests.factories import laptop_context, make_case, make_staff, make_team

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
ORIGIN = Origin.command("test")


def test_allocated_worker_is_allowed_and_the_decision_is_recorded() -> None:
    worker = make_staff()
    case = make_case(allocated=(worker,))
    decision = authorise(
        staff=worker, case=case, action="view", context=laptop_context(NOW), origin=ORIGIN
    )
    assert decision.allowed
    assert decision.reasons == (
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
    assert entry.reasons == list(decision.reasons)


def test_require_raises_with_the_reason_and_records_the_refusal() -> None:
    stranger = make_staff()
    case = make_case()
    with pytest.raises(AccessRefused) as refused:
        require(
            staff=stranger, case=case, action="edit", context=laptop_context(NOW), origin=ORIGIN
        )
    assert str(refused.value) == (
        "you are not allocated to this case and have no approved access to it"
    )
    assert AuditEntry.objects.get().decision == "refused"


def test_facts_take_two_queries() -> None:
    team = make_team()
    volunteer = make_staff(team=team, employment_type="volunteer")
    RiskAssessment.objects.create(
        staff=volunteer,
        outcome="approved",
        scope_team=team,
        max_classification="OFFICIAL",
        assessed_on=dt.date(2026, 1, 1),
        review_due=dt.date(2027, 1, 1),
    )
    case = make_case(team=team, allocated=(volunteer,))
    AccessGrant.objects.create(
        case=case,
        grantee=volunteer,
        actions="view add_entry",
        reason="r",
        status="approved",
        starts_at=NOW - dt.timedelta(days=1),
        expires_at=NOW + dt.timedelta(days=1),
        ig_approved=True,
    )
    BreakGlass.objects.create(
        case=case, staff=volunteer, reason="r" * 20, started_at=NOW, expires_at=NOW
    )
    with CaptureQueriesContext(connection) as queries:
        actor = actor_facts(volunteer, today=NOW.date())
        facts = case_facts(case, volunteer)
    assert len(queries) == 2
    assert actor.latest_risk_assessment is not None
    assert actor.latest_risk_assessment.scope_team_id == team.pk
    assert facts.allocations[0].starts_on == dt.date(2025, 1, 1)
    assert facts.grants[0].actions == frozenset({"view", "add_entry"})
    assert facts.grants[0].expires_at == NOW + dt.timedelta(days=1)
    assert facts.grants[0].ig_approved is True
    assert facts.break_glass[0].started_at == NOW


def test_visible_cases_and_who_can_see() -> None:
    team = make_team()
    worker = make_staff(team=team)
    manager = make_staff(team=team, roles=("team_manager",))
    conflicted = make_staff(team=team, roles=("team_manager",))
    case = make_case(team=make_team(), allocated=(worker,))
    case.owning_team = team
    case.save()
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


def test_visible_entries_hide_sensitive_ones_from_a_co_worker() -> None:
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
    context = laptop_context(NOW)
    for staff, expected in ((worker, {plain, secret}), (co_worker, {plain})):
        decision = authorise(staff=staff, case=case, action="view", context=context, origin=ORIGIN)
        assert set(visible_entries(case, decision)) == expected


def test_break_glass_service_records_its_decision() -> None:
    stranger = make_staff()
    case = make_case()
    decision = authorise_break_glass(
        staff=stranger,
        case=case,
        reason="Child missing, police asked for contacts",
        context=laptop_context(NOW),
        origin=ORIGIN,
    )
    assert decision.allowed
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.decision) == ("case.break_glass", "allowed")
