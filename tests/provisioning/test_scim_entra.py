"""Requests in the shapes Microsoft Entra ID's provisioning service sends (its documented
SCIM requests, kept in tests/provisioning/entra/): "Replace" in any case, values as objects
with dotted keys, "False" as a string, group membership by PATCH."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from safekeep.audit.models import AuditEntry
from safekeep.organisation.models import StaffChange
from tests import factories
from tests.provisioning.conftest import SCIM

pytestmark = pytest.mark.django_db
ENTRA = Path(__file__).parent / "entra"


def _patch(scim: Client, path: str, fixture: str, **values: str) -> Any:
    body = (ENTRA / fixture).read_text()
    for name, value in values.items():
        body = body.replace(f"{{{name}}}", value)
    return scim.patch(f"{SCIM}{path}", data=body, content_type="application/scim+json")


def test_replace_with_dotted_keys_changes_names_and_team(scim: Client) -> None:
    staff = factories.make_staff(team=factories.make_team("Children North"))
    adults = factories.make_team("Adults South")
    response = _patch(scim, f"/Users/{staff.pk}", "patch_user_replace.json")
    assert response.status_code == 200, response.content
    staff.refresh_from_db()
    assert (staff.given_name, staff.family_name, staff.team) == ("Beatrice", "Newname", adults)


def test_disable_with_the_string_false_ends_the_person(scim: Client) -> None:
    staff = factories.make_staff()
    assert _patch(scim, f"/Users/{staff.pk}", "patch_user_disable.json").status_code == 200
    staff.refresh_from_db()
    assert staff.is_leaver()
    entry = AuditEntry.objects.get(action="staff.end")
    assert entry.actor_username == "scim:Entra ID"


def test_the_same_patch_again_writes_nothing(scim: Client) -> None:
    staff = factories.make_staff()
    _patch(scim, f"/Users/{staff.pk}", "patch_user_disable.json")
    before = AuditEntry.objects.count()
    assert _patch(scim, f"/Users/{staff.pk}", "patch_user_disable.json").status_code == 200
    assert AuditEntry.objects.exclude(action="scim.read").count() == before


def test_joining_a_team_group_moves_the_person(scim: Client) -> None:
    staff = factories.make_staff(team=factories.make_team("Children North"))
    adults = factories.make_team("Adults South")
    response = _patch(
        scim, f"/Groups/team-{adults.pk}", "patch_group_add_member.json", member=str(staff.pk)
    )
    assert response.status_code == 200, response.content
    staff.refresh_from_db()
    assert staff.team == adults
    members = [m["value"] for m in response.json()["members"]]
    assert members == [str(staff.pk)]


def test_role_groups_add_and_take_away_roles(scim: Client) -> None:
    staff = factories.make_staff(roles=("practitioner",))
    joined = _patch(
        scim, "/Groups/role-team_manager", "patch_group_add_member.json", member=str(staff.pk)
    )
    assert joined.status_code == 200
    # A manager's role gives more: it waits for a second person, as from the staff form.
    assert StaffChange.objects.get(staff=staff).roles == "team_manager"
    left = _patch(
        scim, "/Groups/role-practitioner", "patch_group_remove_member.json", member=str(staff.pk)
    )
    assert left.status_code == 400
    assert left.json()["detail"] == "Select at least one role"


def test_a_role_that_cannot_be_held_with_another_is_refused(scim: Client) -> None:
    staff = factories.make_staff(roles=("practitioner",))
    response = _patch(
        scim, "/Groups/role-foi_officer", "patch_group_add_member.json", member=str(staff.pk)
    )
    assert response.status_code == 400
    assert staff.role_names() == {"practitioner"}


def test_leaving_a_team_without_joining_another_is_refused(scim: Client) -> None:
    team = factories.make_team("Children North")
    staff = factories.make_staff(team=team)
    response = _patch(
        scim, f"/Groups/team-{team.pk}", "patch_group_remove_member.json", member=str(staff.pk)
    )
    assert response.status_code == 400
    assert json.loads(response.content)["detail"] == (
        "Everyone belongs to a team: add the person to their new team instead"
    )


def test_groups_are_not_made_or_deleted_by_scim(scim: Client) -> None:
    team = factories.make_team("Children North")
    made = scim.post(f"{SCIM}/Groups", data="{}", content_type="application/scim+json")
    assert made.status_code == 501
    assert scim.delete(f"{SCIM}/Groups/team-{team.pk}").status_code == 501
