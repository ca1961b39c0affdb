"""Someone with no relationship to a case is told the same whatever the case is: missing,
restricted or ordinary (issue 10, finding 6). The audit log keeps the true reason for IG,
`access explain` still gives it, and a person refused many times in a short while is
slowed down and IG is told."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from safekeep.audit.models import AuditEntry
from safekeep.governance.alerts import repeated_refusals
from safekeep.records.models import AccessGrant
from tests.factories import (
    api_headers,
    make_case,
    make_risk_assessment,
    make_staff,
    make_team,
    make_user,
    sign_in,
)

pytestmark = pytest.mark.django_db


def _same(body: str, case_id: str) -> str:
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return body.replace(case_id, "X")


@pytest.fixture
def cases():
    team = make_team("Strangers Team")
    return {"ordinary": make_case(team=team), "restricted": make_case(team=team, restricted=True)}


@pytest.mark.parametrize(
    "path", ["", "entries/add/", "allocate/", "who-can-see/"], ids=["view", "add", "duty", "who"]
)
@pytest.mark.parametrize("kind", ["employee", "volunteer"])
def test_a_stranger_gets_one_answer_for_missing_restricted_and_ordinary(
    cases: dict[str, Any], path: str, kind: str
) -> None:
    stranger = make_staff(team=make_team("Far Away"), employment_type=kind)
    if kind == "volunteer":
        make_risk_assessment(stranger, team=stranger.team)
    client = sign_in(Client(), make_user(stranger))
    answers = {}
    for name, case_id in (
        ("missing", "C-NO-SUCH"),
        ("ordinary", cases["ordinary"].case_id),
        ("restricted", cases["restricted"].case_id),
    ):
        response = client.get(f"/cases/{case_id}/{path}")
        assert response.status_code == 403, name
        answers[name] = _same(response.content.decode(), case_id)
    assert answers["missing"] == answers["ordinary"] == answers["restricted"]
    reasons = list(AuditEntry.objects.filter(decision="refused").values_list("reasons", flat=True))
    assert ["no such case"] in reasons  # IG still sees which was which
    if path == "":
        assert any("restricted" in " ".join(r) for r in reasons)


def test_the_api_tells_a_stranger_the_same(cases: dict[str, Any]) -> None:
    stranger = make_user(make_staff(team=make_team("Far Away")))
    headers = api_headers(stranger)
    bodies = [
        Client().get(f"/api/v1/cases/{case_id}", headers=headers).json()
        for case_id in ("C-NO-SUCH", cases["ordinary"].case_id, cases["restricted"].case_id)
    ]
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["detail"] == "You cannot see this record."


def test_access_explain_still_gives_ig_the_true_reason(cases: dict[str, Any], capsys: Any) -> None:
    stranger = make_staff(team=make_team("Far Away"))
    call_command(
        "access",
        "explain",
        "--staff",
        stranger.staff_id,
        "--case",
        cases["restricted"].case_id,
        "--action",
        "view",
    )
    assert "this person's records are restricted" in capsys.readouterr().out


def test_asking_twice_for_a_real_case_answers_as_for_any_other(cases: dict[str, Any]) -> None:
    client = sign_in(Client(), make_user(make_staff(team=make_team("Far Away"))))
    form = {"actions": ["view"], "reason": "Covering the allocated worker's leave", "days": "5"}
    url = "/cases/{}/request-access/"
    first = client.post(url.format(cases["ordinary"].case_id), form)
    again = client.post(url.format(cases["ordinary"].case_id), form)
    missing = client.post(url.format("C-NO-SUCH"), form)
    assert "Request sent" in again.content.decode()
    assert (
        _same(again.content.decode(), cases["ordinary"].case_id)
        == _same(missing.content.decode(), "C-NO-SUCH")
        == _same(first.content.decode(), cases["ordinary"].case_id)
    )
    assert AccessGrant.objects.count() == 1
    refused = AuditEntry.objects.filter(action="grant.request", decision="refused")
    assert sorted(e.reasons[0] for e in refused) == [
        "already asked; the earlier request is still waiting",
        "no such case",
    ]


def test_a_person_refused_many_times_is_slowed_down_and_ig_told(
    cases: dict[str, Any], settings: Any
) -> None:
    settings.SAFEKEEP_REFUSALS_BEFORE_SLOWING = 3
    scanner = make_staff(team=make_team("Far Away"))
    mine = make_case(team=scanner.team, allocated=(scanner,))
    client = sign_in(Client(), make_user(scanner))
    statuses = [client.get(f"/cases/C{n:06d}-X/").status_code for n in range(5)]
    assert statuses == [403, 403, 403, 429, 429]
    slowed = client.get(f"/cases/{cases['ordinary'].case_id}/")
    assert slowed.status_code == 429 and slowed["Retry-After"] == "600"
    assert "Wait before trying again" in slowed.content.decode()
    assert "not allocated" not in slowed.content.decode()  # nothing more to learn
    assert client.get(f"/cases/{mine.case_id}/").status_code == 200  # their own work goes on
    assert AuditEntry.objects.filter(action="access.slowed").count() == 1
    alerts = repeated_refusals(AuditEntry.objects.latest("id").occurred_at).alerts
    assert [a.title.split(" at ")[0] for a in alerts] == [
        f"{scanner.full_name} (Practitioner, Far Away) was slowed down after repeated refusals"
    ]
