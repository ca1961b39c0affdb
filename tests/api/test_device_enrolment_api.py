"""A calling system enrols itself with IT's one-time code and then sends the credential."""

from __future__ import annotations

import pytest
from django.test import Client

from safekeep.api.services import api_token_create
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.devices.models import DeviceCredential
from safekeep.devices.services import SOMEONE_ELSES_CODE, enrolment_code_issue
from tests.factories import (
    device_token,
    make_case,
    make_device,
    make_staff,
    make_team,
    make_user,
)

pytestmark = pytest.mark.django_db


def test_enrol_then_read_a_case_with_the_device_credential(client: Client) -> None:
    worker = make_staff()
    case = make_case(allocated=(worker,))
    _, token = api_token_create(user=make_user(worker), name="system", origin=Origin())
    bearer = {"Authorization": f"Bearer {token}"}
    desktop = make_device(device_type="desktop", asset_tag="SYS-1", staff=worker)
    code = enrolment_code_issue(origin=Origin(), device=desktop, issued_by=None)

    unknown = client.get(f"/api/v1/cases/{case.case_id}", headers=bearer)
    assert unknown.status_code == 403
    assert "not enrolled" in unknown.json()["reasons"][0]

    enrolled = client.post(
        "/api/v1/devices/enrol", {"code": code}, content_type="application/json", headers=bearer
    )
    assert enrolled.status_code == 201
    credential = enrolled.json()["credential"]
    assert enrolled.json()["asset_tag"] == "SYS-1"

    read = client.get(
        f"/api/v1/cases/{case.case_id}", headers={**bearer, "X-Safekeep-Device": credential}
    )
    assert read.status_code == 200

    again = client.post(
        "/api/v1/devices/enrol", {"code": code}, content_type="application/json", headers=bearer
    )
    assert again.status_code == 400
    assert again.json()["detail"].startswith("This enrolment code is not valid")


def test_the_code_binds_the_credential_to_the_tokens_person(client: Client) -> None:
    worker, stranger = make_staff(), make_staff()
    _, stranger_token = api_token_create(user=make_user(stranger), name="s", origin=Origin())
    desktop = make_device(device_type="desktop", staff=worker)
    code = enrolment_code_issue(origin=Origin(), device=desktop, issued_by=None)
    refused = client.post(
        "/api/v1/devices/enrol",
        {"code": code},
        content_type="application/json",
        headers={"Authorization": f"Bearer {stranger_token}"},
    )
    assert (refused.status_code, refused.json()) == (400, {"detail": SOMEONE_ELSES_CODE})
    _, worker_token = api_token_create(user=make_user(worker), name="w", origin=Origin())
    enrolled = client.post(
        "/api/v1/devices/enrol",
        {"code": code},
        content_type="application/json",
        headers={"Authorization": f"Bearer {worker_token}"},
    )
    assert enrolled.status_code == 201
    assert DeviceCredential.objects.get(revoked_at__isnull=True).staff == worker


def test_someone_elses_credential_with_your_token_is_no_device(client: Client) -> None:
    """The manager may oversee the case, but not from the practitioner's laptop."""
    team = make_team()
    practitioner = make_staff(team=team)
    manager = make_staff(team=team, roles=("team_manager",))
    case = make_case(team=team, allocated=(practitioner,))
    laptop = make_device(asset_tag="LAP-PRAC", staff=practitioner)
    credential = device_token(laptop)
    _, token = api_token_create(user=make_user(manager), name="m", origin=Origin())
    headers = {"Authorization": f"Bearer {token}", "X-Safekeep-Device": credential}

    listed = client.get("/api/v1/cases", headers=headers)
    read = client.get(f"/api/v1/cases/{case.case_id}", headers=headers)

    assert (listed.status_code, read.status_code) == (403, 403)
    assert "not enrolled" in read.json()["reasons"][0]
    refusals = AuditEntry.objects.filter(action="device.credential_refused")
    assert [(e.actor_staff_id, e.object_id, e.reasons) for e in refusals] == [
        (manager.staff_id, "LAP-PRAC", ["issued to another person"]),  # the list
        (manager.staff_id, "LAP-PRAC", ["issued to another person"]),  # the read
    ]
    own = client.get(
        f"/api/v1/cases/{case.case_id}",
        headers={
            "Authorization": f"Bearer {token}",
            "X-Safekeep-Device": device_token(make_device(staff=manager)),
        },
    )
    assert own.status_code == 200
