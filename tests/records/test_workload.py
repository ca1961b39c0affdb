"""The team manager's workload page, allocating by name, ending an allocation and revoking
access: each through the door, audited, and refused or rejected cleanly."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from safekeep.access.door import AccessRefused
from safekeep.access.vocabulary import Action
from safekeep.audit.models import AuditEntry
from safekeep.records.models import AccessGrant, Allocation, Entry
from tests.factories import case_access, make_case, make_grant, make_staff, make_team, make_user
from tests.records.test_pages import as_

pytestmark = pytest.mark.django_db

URL = "/cases/workload/"


@pytest.fixture
def team_world():
    team = make_team("Children North")
    manager = make_staff(team=team, roles=("team_manager",), given_name="Mina", family_name="Rao")
    ann = make_staff(team=team, given_name="Ann", family_name="Able")
    ben = make_staff(team=team, given_name="Ben", family_name="Bright")
    other_team = make_team("Adults South")
    other_manager = make_staff(team=other_team, roles=("team_manager",))
    outsider = make_staff(team=other_team)
    for person in (manager, ann, ben, other_manager, outsider):
        make_user(person)
    ann_one = make_case(team=team, allocated=(ann,))
    ann_two = make_case(team=team, allocated=(ann,))
    # Two cases wait for a worker; the older one first, whatever their case ids.
    newer = make_case(team=team)
    older = make_case(team=team)
    older.opened_on, newer.opened_on = dt.date(2024, 3, 1), dt.date(2025, 6, 1)
    older.save(), newer.save()
    # A case with only a supervising manager still waits for a worker.
    Allocation.objects.create(
        case=newer, staff=ben, role="supervising_manager", starts_on=dt.date(2025, 1, 1)
    )
    # An allocation that ended, and a closed case: neither counts.
    closed = make_case(team=team, allocated=(ben,))
    closed.closed_on = dt.date(2025, 9, 1)
    closed.save()
    Allocation.objects.create(
        case=ann_one,
        staff=ben,
        role="co_worker",
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 2, 1),
    )
    theirs = make_case(team=other_team, allocated=(outsider,))
    return {
        "team": team,
        "manager": manager,
        "ann": ann,
        "ben": ben,
        "other_manager": other_manager,
        "outsider": outsider,
        "ann_one": ann_one,
        "ann_two": ann_two,
        "newer": newer,
        "older": older,
        "closed": closed,
        "theirs": theirs,
    }


def _loads(body: str) -> dict[str, tuple[int, int]]:
    found = re.findall(
        r'data-staff="([^"]+)">\s*<td[^>]*>[^<]*</td>\s*<td[^>]*>(\d+)</td>\s*<td[^>]*>(\d+)</td>',
        body,
    )
    return {staff_id: (int(cases), int(allocations)) for staff_id, cases, allocations in found}


def test_counts_and_queue(client, team_world):
    w = team_world
    response = as_(client, w["manager"]).get(URL)
    assert response.status_code == 200
    body = response.content.decode()
    loads = _loads(body)
    assert loads[w["ann"].staff_id] == (2, 2)
    # Ben supervises one open case; his ended co-working and the closed case do not count.
    assert loads[w["ben"].staff_id] == (1, 1)
    assert loads[w["manager"].staff_id] == (0, 0)
    assert w["outsider"].staff_id not in loads
    assert "2 open cases with no allocated worker" in body
    queue = body[body.index('id="queue"') : body.index('id="cases"')]
    assert queue.index(w["older"].case_id) < queue.index(w["newer"].case_id)
    assert w["ann_one"].case_id not in queue
    assert "1 March 2024" in queue
    # The list of the team's cases: open ones only, never another team's.
    assert "4 cases" in body
    assert w["closed"].case_id not in body and w["theirs"].case_id not in body
    listed = AuditEntry.objects.filter(action="case.list").latest("id")
    assert (listed.decision, listed.actor_staff_id) == ("allowed", w["manager"].staff_id)


def test_filters_and_sorting(client, team_world):
    w = team_world
    now = timezone.now()
    Entry.objects.create(
        case=w["ann_one"], kind="note", author=w["ann"], created_at=now - dt.timedelta(days=2)
    )
    Entry.objects.create(
        case=w["ann_two"], kind="note", author=w["ann"], created_at=now - dt.timedelta(days=40)
    )
    w["ann_two"].classification = "OFFICIAL-SENSITIVE"
    w["ann_two"].save()
    manager = as_(client, w["manager"])

    def listed(**query: str) -> list[str]:
        body = manager.get(URL, query).content.decode()
        table = body[body.index('id="team-cases"') :] if 'id="team-cases"' in body else ""
        return re.findall(r'href="/cases/(C\d+)/"', table)

    assert listed(unallocated="on") == [w["older"].case_id, w["newer"].case_id]
    # No contact in 28 days: the case last seen 40 days ago, and those with no entry at all.
    assert set(listed(no_contact_days="28")) == {
        w["ann_two"].case_id,
        w["older"].case_id,
        w["newer"].case_id,
    }
    assert listed(classification="OFFICIAL-SENSITIVE") == [w["ann_two"].case_id]
    assert listed(sort="-contact")[:2] == [w["ann_one"].case_id, w["ann_two"].case_id]
    bad = manager.get(URL, {"no_contact_days": "soon"})
    assert bad.status_code == 400
    assert "There is a problem" in bad.content.decode()
    assert "Enter the number of days as a whole number" in bad.content.decode()


def test_pagination_keeps_the_filters(client, team_world):
    w = team_world
    for _ in range(26):
        make_case(team=w["team"])
    body = as_(client, w["manager"]).get(URL, {"unallocated": "on"}).content.decode()
    assert "Page 1 of 2" in body
    assert "unallocated=on&amp;page=2" in body or "page=2&amp;unallocated=on" in body


def test_a_manager_of_another_team_sees_nothing_of_this_team(client, team_world):
    w = team_world
    body = as_(client, w["other_manager"]).get(URL).content.decode()
    assert w["theirs"].case_id in body
    for case in ("ann_one", "ann_two", "newer", "older"):
        assert w[case].case_id not in body
    for person in ("ann", "ben", "manager"):
        assert w[person].staff_id not in body and w[person].full_name not in body
    # Nor may they allocate, end or revoke on this team's case.
    case = w["ann_one"]
    allocation = case.allocations.get(staff=w["ann"])
    other = as_(client, w["other_manager"])
    assert other.get(f"/cases/{case.case_id}/allocate/").status_code == 403
    response = other.post(
        f"/cases/{case.case_id}/allocations/{allocation.pk}/end/",
        {"ends_on": "2026-01-01", "reason": "Not mine to end at all, honestly"},
    )
    assert response.status_code == 403
    allocation.refresh_from_db()
    assert allocation.ends_on is None


def test_a_practitioner_may_not_open_the_workload(client, team_world):
    assert as_(client, team_world["ann"]).get(URL).status_code == 403


def test_allocate_by_name_from_the_team(client, team_world):
    w = team_world
    url = f"/cases/{w['older'].case_id}/allocate/"
    manager = as_(client, w["manager"])
    form = manager.get(url).content.decode()
    # The people of the team by name, never a box for a staff id.
    assert "Ben Bright" in form and "Ann Able" in form
    assert f'<option value="{w["ben"].staff_id}"' in form
    assert w["outsider"].full_name not in form
    assert "Staff ID" not in form
    response = manager.post(
        url, {"worker": w["ben"].staff_id, "role": "allocated_worker", "starts_on": "2026-01-05"}
    )
    assert response.status_code == 302
    allocation = w["older"].allocations.get(staff=w["ben"])
    assert allocation.role == "allocated_worker"
    entry = AuditEntry.objects.filter(action="allocation.create").latest("id")
    assert (entry.decision, entry.object_id, entry.actor_staff_id) == (
        "done",
        str(allocation.pk),
        w["manager"].staff_id,
    )
    assert f"{w['ben'].staff_id} as allocated_worker" in entry.reasons
    body = manager.get(URL).content.decode()
    assert "1 open case with no allocated worker" in body


def test_allocate_searches_the_team_by_name_and_keeps_the_list(client, team_world):
    w = team_world
    url = f"/cases/{w['older'].case_id}/allocate/"
    manager = as_(client, w["manager"])

    def offered(**query: str) -> tuple[list[str], str]:
        body = manager.get(url, query).content.decode()
        return re.findall(r'<option value="([^"]+)"', body), body

    everyone = [w["ann"].staff_id, w["ben"].staff_id, w["manager"].staff_id]
    assert offered()[0] == everyone
    found, body = offered(name="  bRiGhT ")
    assert found == [w["ben"].staff_id]
    assert "1 person matches “bRiGhT”" in body and 'value="bRiGhT"' in body
    assert offered(name="ben bri")[0] == [w["ben"].staff_id]  # every word, first or last
    assert offered(name="a")[0] == [w["ann"].staff_id, w["manager"].staff_id]
    # Another team's people are never found; nobody matching keeps the whole team listed.
    found, body = offered(name=w["outsider"].family_name)
    assert found == everyone
    assert f"No one in Children North matches “{w['outsider'].family_name}”" in body


def test_allocate_without_choosing_anyone_is_an_error(client, team_world):
    w = team_world
    response = as_(client, w["manager"]).post(
        f"/cases/{w['older'].case_id}/allocate/",
        {"worker": "", "role": "allocated_worker", "starts_on": "2026-01-05"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and 'href="#id_worker"' in body
    assert "Choose who to allocate" in body
    assert not w["older"].allocations.exists()


def _end_url(case, allocation):
    return f"/cases/{case.case_id}/allocations/{allocation.pk}/end/"


def test_ending_an_allocation_takes_the_workers_access_away(client, team_world):
    w = team_world
    case = w["ann_two"]
    assert case_access(w["ann"], case, Action.VIEW).decision.allowed
    allocation = case.allocations.get(staff=w["ann"])
    manager = as_(client, w["manager"])
    page = manager.get(f"/cases/{case.case_id}/").content.decode()
    assert _end_url(case, allocation) in page
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = manager.post(
        _end_url(case, allocation),
        {"ends_on": yesterday.isoformat(), "reason": "Ann moved to the leaving care team"},
    )
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert (allocation.ends_on, allocation.end_reason) == (
        yesterday,
        "Ann moved to the leaving care team",
    )
    entry = AuditEntry.objects.filter(action="allocation.end").latest("id")
    assert (entry.decision, entry.actor_staff_id) == ("done", w["manager"].staff_id)
    with pytest.raises(AccessRefused):
        case_access(w["ann"], case, Action.VIEW)
    assert as_(client, w["ann"]).get(f"/cases/{case.case_id}/").status_code == 403
    counts = _loads(as_(client, w["manager"]).get(URL).content.decode())
    assert counts[w["ann"].staff_id] == (1, 1)


@pytest.mark.parametrize(
    ("data", "message", "field"),
    [
        ({"ends_on": "2026-01-01", "reason": ""}, "Enter your reason", "reason"),
        (
            {"ends_on": "2026-01-01", "reason": "too short"},
            "Explain why you are ending this allocation in at least 20 characters",
            "reason",
        ),
        (
            {"ends_on": "2024-12-31", "reason": "Ann moved to the leaving care team"},
            "The end date must be on or after the day the allocation started",
            "ends_on",
        ),
        (
            {"ends_on": "", "reason": "Ann moved to the leaving care team"},
            "Enter the last day",
            "ends_on",
        ),
    ],
)
def test_ending_with_bad_input_writes_nothing(client, team_world, data, message, field):
    w = team_world
    case = w["ann_two"]
    allocation = case.allocations.get(staff=w["ann"])
    before = AuditEntry.objects.filter(action="allocation.end").count()
    response = as_(client, w["manager"]).post(_end_url(case, allocation), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert f'href="#id_{field}"' in body and "govuk-form-group--error" in body
    allocation.refresh_from_db()
    assert (allocation.ends_on, allocation.end_reason) == (None, "")
    assert AuditEntry.objects.filter(action="allocation.end").count() == before
    # The request's decision is still recorded, once.
    assert AuditEntry.objects.filter(action="case.allocate").latest("id").decision == "allowed"


def _approved(case, grantee):
    now = timezone.now()
    return make_grant(
        case,
        grantee,
        starts_at=now - dt.timedelta(hours=1),
        expires_at=now + dt.timedelta(days=5),
        status=AccessGrant.Status.APPROVED,
    )


def test_revoking_a_grant_takes_the_access_away(client, team_world):
    w = team_world
    case = w["older"]
    grant = _approved(case, w["outsider"])
    assert case_access(w["outsider"], case, Action.VIEW).decision.allowed
    url = f"/cases/{case.case_id}/access/{grant.pk}/revoke/"
    manager = as_(client, w["manager"])
    assert url in manager.get(f"/cases/{case.case_id}/").content.decode()
    assert manager.get(url).status_code == 200
    response = manager.post(url, {"reason": "The strategy discussion has finished"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert (grant.status, grant.revoke_reason) == (
        "revoked",
        "The strategy discussion has finished",
    )
    entry = AuditEntry.objects.filter(action="grant.revoke").latest("id")
    assert (entry.decision, entry.actor_staff_id) == ("done", w["manager"].staff_id)
    with pytest.raises(AccessRefused):
        case_access(w["outsider"], case, Action.VIEW)
    # Revoked access is not offered again, and a second revoke finds nothing.
    assert url not in manager.get(f"/cases/{case.case_id}/").content.decode()
    assert manager.post(url, {"reason": "The strategy discussion has finished"}).status_code == 404


def test_revoking_without_a_reason_writes_nothing(client, team_world):
    w = team_world
    case = w["older"]
    grant = _approved(case, w["outsider"])
    response = as_(client, w["manager"]).post(
        f"/cases/{case.case_id}/access/{grant.pk}/revoke/", {"reason": "   "}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and 'href="#id_reason"' in body
    grant.refresh_from_db()
    assert grant.status == "approved"
    assert not AuditEntry.objects.filter(action="grant.revoke").exists()


def test_only_the_owning_manager_may_revoke(client, team_world):
    w = team_world
    grant = _approved(w["older"], w["outsider"])
    # The grantee may open the case, but may not revoke (nor decide) their own access.
    response = as_(client, w["outsider"]).post(
        f"/cases/{w['older'].case_id}/access/{grant.pk}/revoke/",
        {"reason": "I do not need it any more, thanks"},
    )
    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.status == "approved"


def test_the_menu_marks_only_the_workload_as_current(client, team_world):
    body = as_(client, team_world["manager"]).get(URL).content.decode()
    assert body.count('aria-current="page"') == 1
    assert re.search(r'href="/cases/workload/" aria-current="page">Workload<', body)


def test_never_contacted_cases_sort_first_by_longest_ago(client, team_world):
    w = team_world
    Entry.objects.create(case=w["ann_one"], kind="note", author=w["ann"], created_at=timezone.now())
    body = as_(client, w["manager"]).get(URL, {"sort": "contact"}).content.decode()
    listed = re.findall(r'href="/cases/(C\d+)/"', body[body.index('id="team-cases"') :])
    assert listed[-1] == w["ann_one"].case_id
