"""Nobody gives themself access, and a change that gives case-content access, IG or
administrator rights takes effect only when a second person approves it (issue 10,
finding 1: a system administrator made themself a team manager and read 1,101 cases)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.core.csv_import import ImportFailed, ImportOptions, run_import
from safekeep.governance.alerts import privileges_given
from safekeep.organisation.models import StaffChange, StaffMember, Team
from tests.factories import make_case, make_staff, make_team, make_user, sign_in, staff_form

pytestmark = pytest.mark.django_db


def person(team: Team, *roles: str, **fields: Any) -> tuple[StaffMember, Client]:
    staff = make_staff(team=team, roles=roles, **fields)
    return staff, sign_in(Client(), make_user(staff))


def change(client: Client, staff: StaffMember, **overrides: Any) -> Any:
    """Post the change page for `staff`: their entry as it is, with `overrides`."""
    entry: dict[str, Any] = {
        "staff_id": staff.staff_id,
        "email": staff.email,
        "given_name": staff.given_name,
        "family_name": staff.family_name,
        "start_date": staff.start_date.isoformat(),
        "end_date": staff.end_date.isoformat() if staff.end_date else "",
        "roles": sorted(staff.role_names()),
    }
    data = staff_form(staff.team, **entry)
    data.update(overrides)
    return client.post(reverse("organisation:staff-change", args=[staff.staff_id]), data)


def decide(client: Client, pending: StaffChange, decision: str = "approve") -> Any:
    url = reverse("organisation:staff-changes")
    return client.post(url, {"change": pending.pk, "decision": decision})


@pytest.fixture
def council() -> dict[str, Any]:
    digital, children = make_team("Digital"), make_team("Children North")
    admin, admin_client = person(digital, "sysadmin")
    _, other_client = person(digital, "sysadmin")
    ig, ig_client = person(make_team("Governance"), "ig_officer")
    cases = [make_case(team=children) for _ in range(3)]
    return {
        "children": children,
        "admin": admin,
        "admin_client": admin_client,
        "other_client": other_client,
        "ig": ig,
        "ig_client": ig_client,
        "cases": cases,
    }


def test_an_administrator_cannot_give_themself_a_role_team_or_dates(council: dict[str, Any]):
    admin, client = council["admin"], council["admin_client"]
    for overrides in (
        {"roles": ["sysadmin", "team_manager"]},
        {"team": str(council["children"].pk)},
        {"end_date": "2030-01-01"},
    ):
        response = change(client, admin, **overrides)
        assert response.status_code == 403
        assert "Nobody can change their own roles, team or dates." in response.content.decode()
    ending = client.post(
        reverse("organisation:staff-end", args=[admin.staff_id]), {"end_date": "2030-01-01"}
    )
    assert ending.status_code == 403
    admin.refresh_from_db()
    assert admin.role_names() == {"sysadmin"} and admin.end_date is None
    refused = AuditEntry.objects.filter(action="staff.change_staff", decision="refused")
    assert refused.count() == 4 and {e.object_id for e in refused} == {admin.staff_id}
    assert not StaffChange.objects.exists()


def test_roles_that_never_see_content_are_never_held_with_ones_that_do(council: dict[str, Any]):
    it, _ = person(make_team("Service Desk"), "it_support")
    response = change(council["admin_client"], it, roles=["it_support", "practitioner"])
    assert response.status_code == 200
    assert "Someone who may see case content cannot also be IT support" in (
        response.content.decode()
    )
    assert it.role_names() == {"it_support"} and not StaffChange.objects.exists()


def test_a_second_person_must_approve_a_new_team_manager_and_ig_is_told(council: dict[str, Any]):
    worker, worker_client = person(council["children"], "practitioner")
    response = change(council["admin_client"], worker, roles=["practitioner", "team_manager"])
    assert response.status_code == 302
    assert worker.role_names() == {"practitioner"}  # nothing yet
    pending = StaffChange.objects.get()
    assert pending.gives == ["gives the team manager role"]
    case_url = f"/cases/{council['cases'][0].case_id}/"
    assert worker_client.get(case_url).status_code == 403  # no oversight before approval
    # The person who asked cannot decide it; nor can the person it is about.
    assert decide(council["admin_client"], pending).status_code == 403
    assert pending.pk not in [
        c.pk
        for c in council["admin_client"]
        .get(reverse("organisation:staff-changes"))
        .context["pending"]
    ]
    assert worker_client.post(reverse("organisation:staff-changes"), {}).status_code == 403
    assert decide(council["ig_client"], pending).status_code == 302
    assert worker.role_names() == {"practitioner", "team_manager"}
    assert worker_client.get(case_url).status_code == 200
    pending.refresh_from_db()
    assert (pending.status, pending.decided_by) == ("approved", council["ig"])
    actions = list(
        AuditEntry.objects.filter(object_id=worker.staff_id).values_list("action", "decision")
    )
    assert ("staff.update", "done") in actions and ("staff.change_approve", "done") in actions
    asked = AuditEntry.objects.get(action="staff.update", object_id=worker.staff_id)
    assert asked.actor_staff_id == council["admin"].staff_id
    alerts = privileges_given(AuditEntry.objects.latest("id").occurred_at).alerts
    assert [a.title.split(" at ")[0] for a in alerts] == [
        f"{worker.full_name} (Practitioner and team manager, {worker.team.name}): "
        "a second person approved new access rights"
    ]


def test_another_administrator_may_refuse_and_nothing_changes(council: dict[str, Any]):
    worker, _ = person(council["children"], "practitioner")
    change(council["admin_client"], worker, roles=["practitioner", "ig_officer"])
    pending = StaffChange.objects.get()
    assert decide(council["other_client"], pending, "refuse").status_code == 302
    pending.refresh_from_db()
    assert pending.status == "refused" and worker.role_names() == {"practitioner"}


def test_moving_a_manager_and_bringing_back_a_leaver_wait_too(council: dict[str, Any]):
    manager, _ = person(make_team("Children South"), "team_manager")
    leaver, _ = person(council["children"], "practitioner", end_date=dt.date(2025, 1, 1))
    change(council["admin_client"], manager, team=str(council["children"].pk))
    change(council["admin_client"], leaver, end_date="")
    gives = sorted(g for c in StaffChange.objects.all() for g in c.gives)
    assert gives == ["brings back someone who had left", "moves a team manager to another team"]
    manager.refresh_from_db()
    leaver.refresh_from_db()
    assert manager.team.name == "Children South" and leaver.end_date == dt.date(2025, 1, 1)
    for pending in StaffChange.objects.all():
        decide(council["ig_client"], pending)
    manager.refresh_from_db()
    leaver.refresh_from_db()
    assert manager.team == council["children"] and leaver.end_date is None


HEADER = (
    "staff_id,given_name,family_name,email,directorate,team,role,employment_type,"
    "works_with_vulnerable_people,work_pattern,start_date,end_date"
)


def staff_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def test_an_import_holds_privileges_back_and_refuses_the_runners_own_row(council: dict[str, Any]):
    admin = council["admin"]
    rows = [
        f"{admin.staff_id},A,B,{admin.email},Family Services,Children North,sysadmin,"
        "employee,yes,office,2020-01-01,",
    ]
    origin = Origin.command("import staff", staff_id=admin.staff_id)
    data = staff_file(*rows)
    with pytest.raises(ImportFailed) as caught:
        run_import("staff", data, origin=origin, options=ImportOptions(create_missing=True))
    assert any("is the person running this import" in m for m in caught.value.messages), (
        caught.value.messages
    )
    newcomer = (
        "S777,New,Starter,new.starter@council.example,Family Services,Children North,"
        "team_manager,employee,yes,office,2020-01-01,"
    )
    data = staff_file(newcomer)
    run_import("staff", data, origin=origin, options=ImportOptions())
    run_import("staff", data, origin=origin, options=ImportOptions())  # again: asked once
    starter = StaffMember.objects.get(staff_id="S777")
    assert starter.role_names() == set()
    pending = StaffChange.objects.get(staff=starter)
    assert (pending.requested_by, pending.roles, bool(pending.batch)) == (
        admin,
        "team_manager",
        True,
    )


def test_the_changes_of_one_import_are_approved_together(council: dict[str, Any]):
    rows = [
        f"S80{n},New,Starter{n},starter{n}@council.example,Family Services,Children North,"
        "practitioner,employee,yes,office,2020-01-01,"
        for n in range(3)
    ]
    origin = Origin.command("import staff", staff_id=council["admin"].staff_id)
    run_import("staff", staff_file(*rows), origin=origin)
    page = council["ig_client"].get(reverse("organisation:staff-changes")).content.decode()
    assert "3 changes" in page
    batch = StaffChange.objects.earliest("id").batch
    council["ig_client"].post(
        reverse("organisation:staff-changes"), {"batch": batch, "decision": "approve"}
    )
    assert set(StaffChange.objects.values_list("status", flat=True)) == {"approved"}
    assert (
        StaffMember.objects.filter(staff_id__startswith="S80", roles__role="practitioner").count()
        == 3
    )
    # The person who ran the import cannot approve it as a batch either.
    run_import(
        "staff",
        (
            "\n".join([HEADER, rows[0].replace("practitioner", "practitioner;ig_officer")]) + "\n"
        ).encode(),
        origin=origin,
    )
    waiting = StaffChange.objects.get(status="waiting")
    response = council["admin_client"].post(
        reverse("organisation:staff-changes"), {"batch": waiting.batch, "decision": "approve"}
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "waiting"  # not in their queue: nothing decided
