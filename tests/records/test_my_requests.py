"""My requests: a person's own requests for access and the referrals they made, newest first,
each state in words; a case named and linked only where the door lets them see it here; one
`request.list` entry per page shown."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db.models import Max
from django.test import Client
from django.utils import timezone

from safekeep.access.vocabulary import Duty
from safekeep.access.wording import minutes
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.organisation.models import StaffMember
from safekeep.records import services
from safekeep.records.models import AccessGrant, Case
from safekeep.records.selectors import subject_person
from tests.factories import (
    case_access,
    duty_access,
    laptop_context,
    make_case,
    make_grant,
    make_staff,
    make_team,
    make_user,
    sign_in,
)

pytestmark = pytest.mark.django_db
WHY = "Covering the allocated worker's leave this week"
REFUSED_WHY = "Another worker is already covering this family"


@pytest.fixture
def world() -> dict[str, Any]:
    team = make_team("Children North")
    asker = make_staff(team=make_team("Children South"))
    manager = make_staff(team=team, roles=("team_manager",))
    for person in (asker, manager):
        make_user(person)
    return {"team": team, "asker": asker, "manager": manager}


def ask(world: dict[str, Any], case: Case) -> AccessGrant:
    return services.grant_request(
        staff=world["asker"],
        case=case,
        actions=["view", "add_entry"],
        reason=WHY,
        days=7,
        context=laptop_context(),
        origin=Origin(actor_username="test"),
    )


def rows(body: str) -> list[str]:
    """Each row of the table as its text, cells separated by " | "."""
    found = []
    for row in re.findall(r'<tr class="govuk-table__row" id="[^"]+">(.*?)</tr>', body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        found.append(" | ".join(re.sub(r"<[^>]+>", "", cell).strip() for cell in cells))
    return found


def page_of(client: Client, staff: StaffMember) -> str:
    response = sign_in(client, staff.user).get("/cases/my-requests/")
    assert response.status_code == 200
    return str(response.content.decode())


def test_each_request_with_its_state_newest_first(client: Client, world: dict[str, Any]) -> None:
    pending, approved, refused, revoked, ended = (make_case(team=world["team"]) for _ in range(5))
    now = timezone.now()
    make_grant(
        ended,
        world["asker"],
        starts_at=now - dt.timedelta(days=10),
        expires_at=now - dt.timedelta(days=3),
        status="approved",
    )
    grant = ask(world, revoked)
    services.grant_decide(access=duty_access(world["manager"], grant), grant=grant, approve=True)
    services.grant_revoke(
        access=duty_access(world["manager"], grant), grant=grant, reason="No longer needed"
    )
    grant = ask(world, refused)
    services.grant_decide(
        access=duty_access(world["manager"], grant), grant=grant, approve=False, reason=REFUSED_WHY
    )
    grant = ask(world, approved)
    grant = services.grant_decide(
        access=duty_access(world["manager"], grant), grant=grant, approve=True
    )
    ask(world, pending)

    body = page_of(client, world["asker"])
    until = minutes(timezone.localtime(grant.expires_at))
    name = subject_person(approved.subject).full_name
    states = [row.split(" | ")[0::3] for row in rows(body)]
    assert states == [
        [f"Case {pending.case_id}", "Pending"],
        [f"{name} ({approved.case_id})", f"Approved until {until}"],
        [f"Case {refused.case_id}", f"Refused: {REFUSED_WHY}"],
        [f"Case {revoked.case_id}", "Revoked"],
        [f"Case {ended.case_id}", "Ended"],
    ]
    assert "Access to see the record and add entries" in rows(body)[0]
    # Linked, and named, only where the door lets them see it: the approved request.
    assert re.findall(r'href="/cases/(C\d+)/"', body) == [approved.case_id]
    for hidden in (pending, refused, revoked, ended):
        assert subject_person(hidden.subject).family_name not in body


def test_referrals_made_are_listed(client: Client, world: dict[str, Any]) -> None:
    other = make_team("Adults West", directorate="Adults and Health")
    make_staff(team=other, roles=("team_manager",))
    case = make_case(team=world["team"])
    referral = services.referral_create(
        access=case_access(world["manager"], case, Duty.REFER),
        to_team=other,
        kind="referral",
        reason="Turning 18 next month, moving to adult services",
    )
    body = page_of(client, world["manager"])
    name = subject_person(case.subject).full_name
    assert rows(body) == [
        f"{name} ({case.case_id}) | Referral to Adults West | "
        f"{minutes(timezone.localtime(referral.created_at))} | Pending"
    ]
    assert f'id="referral-{referral.pk}"' in body


def test_each_page_shown_is_one_request_list_entry(client: Client, world: dict[str, Any]) -> None:
    ask(world, make_case(team=world["team"]))
    sign_in(client, world["asker"].user)
    before = AuditEntry.objects.aggregate(last=Max("pk"))["last"] or 0  # PostgreSQL: not a count
    assert client.get("/cases/my-requests/").status_code == 200
    [entry] = AuditEntry.objects.filter(pk__gt=before)
    assert (entry.action, entry.decision, entry.actor_staff_id, entry.reasons) == (
        "request.list",
        "allowed",
        world["asker"].staff_id,
        ["1 request"],
    )


def test_nothing_asked_yet(client: Client, world: dict[str, Any]) -> None:
    body = page_of(client, world["asker"])
    assert "You have not asked for access to a case or referred one." in body
