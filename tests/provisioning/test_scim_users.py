"""SCIM Users: create, read, filter, replace, PATCH (Entra's shapes), deactivate, delete."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from safekeep.audit.models import AuditEntry
from safekeep.organisation.models import StaffChange, StaffMember, Team
from tests import factories
from tests.provisioning.conftest import SCIM

pytestmark = pytest.mark.django_db

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def _send(scim: Client, method: str, path: str, body: Any) -> Any:
    return getattr(scim, method)(
        f"{SCIM}{path}", data=json.dumps(body), content_type="application/scim+json"
    )


def entra_user(**overrides: Any) -> dict[str, Any]:
    """A create as Entra ID's provisioning service sends it (its documented request)."""
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE],
        "externalId": "E10001",
        "userName": "Ada.Lovelace@council.example",
        "active": True,
        "displayName": "Ada Lovelace",
        "emails": [{"primary": True, "type": "work", "value": "Ada.Lovelace@council.example"}],
        "meta": {"resourceType": "User"},
        "name": {"familyName": "Lovelace", "givenName": "Ada"},
        ENTERPRISE: {"department": "Children North"},
    }
    body.update(overrides)
    return body


def test_create_maps_the_user_to_a_staff_member(scim: Client, team: Team) -> None:
    response = _send(scim, "post", "/Users", entra_user())
    assert response.status_code == 201, response.content
    staff = StaffMember.objects.get(staff_id="E10001")
    assert (staff.given_name, staff.family_name, staff.email, staff.team) == (
        "Ada",
        "Lovelace",
        "ada.lovelace@council.example",
        team,
    )
    body = response.json()
    assert body["id"] == str(staff.pk)
    assert body["externalId"] == "E10001"
    assert body[ENTERPRISE]["department"] == "Children North"
    assert response["Location"].endswith(f"/scim/v2/Users/{staff.pk}")
    # The practitioner role gives case content: it waits for a second person.
    assert staff.role_names() == set()
    assert StaffChange.objects.get(staff=staff).roles == "practitioner"
    entry = AuditEntry.objects.get(action="staff.create")
    assert entry.actor_username == "scim:Entra ID"
    assert entry.object_id == "E10001"


def test_an_unknown_team_is_refused_in_plain_words(scim: Client, team: Team) -> None:
    response = _send(scim, "post", "/Users", entra_user(**{ENTERPRISE: {"department": "Nowhere"}}))
    assert response.status_code == 400
    assert (
        response.json()["detail"]
        == "There is no team called 'Nowhere': teams come from the staff import"
    )
    assert not StaffMember.objects.exists()


def test_the_same_email_twice_is_a_uniqueness_conflict(scim: Client, team: Team) -> None:
    factories.make_staff(team=team, email="ada.lovelace@council.example")
    response = _send(scim, "post", "/Users", entra_user())
    assert response.status_code == 409
    assert response.json()["scimType"] == "uniqueness"


def test_filter_by_username_finds_the_person_whatever_the_case(scim: Client, team: Team) -> None:
    staff = factories.make_staff(team=team, email="bo@council.example")
    factories.make_staff(team=team)
    response = scim.get(f"{SCIM}/Users", {"filter": 'userName eq "Bo@Council.example"'})
    assert response.status_code == 200
    body = response.json()
    assert body["totalResults"] == 1
    assert body["Resources"][0]["id"] == str(staff.pk)


def test_entra_patch_capitalised_op_and_dotted_keys(scim: Client, team: Team) -> None:
    staff = factories.make_staff(team=team, given_name="Bo", family_name="Old")
    other = factories.make_team("Adults South")
    response = _send(
        scim,
        "patch",
        f"/Users/{staff.pk}",
        {
            "schemas": [PATCH],
            "Operations": [
                {"op": "Replace", "value": {"name.givenName": "Bea", "name.familyName": "New"}},
                {"op": "Add", "path": f"{ENTERPRISE}:department", "value": "Adults South"},
            ],
        },
    )
    assert response.status_code == 200, response.content
    staff.refresh_from_db()
    assert (staff.given_name, staff.family_name, staff.team) == ("Bea", "New", other)


def test_a_bad_token_is_refused_and_audited(client: Client, team: Team) -> None:
    response = client.get(f"{SCIM}/Users", HTTP_AUTHORIZATION="Bearer skscim_wrong")
    assert response.status_code == 401
    assert AuditEntry.objects.filter(action="auth.scim_token", decision="refused").count() == 1


def test_delete_makes_the_person_leave_and_answers_404_after(scim: Client, team: Team) -> None:
    staff = factories.make_staff(team=team)
    assert scim.delete(f"{SCIM}/Users/{staff.pk}").status_code == 204
    staff.refresh_from_db()
    assert staff.is_leaver()
    assert scim.get(f"{SCIM}/Users/{staff.pk}").status_code == 404
    assert list(
        AuditEntry.objects.filter(object_id=staff.staff_id).values_list("action", "actor_username")
    ) == [
        ("staff.end", "scim:Entra ID"),
        ("staff.leaver_processed", "scim:Entra ID"),  # the leaver workflow, at once
        ("scim.user_remove", "scim:Entra ID"),
    ]
