"""A calling system enrols itself with IT's one-time code and then sends the credential."""

from __future__ import annotations

import pytest
from django.test import Client

from safekeep.api.services import api_token_create
from safekeep.audit.writing import Origin
from safekeep.devices.services import enrolment_code_issue
from tests.factories import make_case, make_device, make_staff, make_user

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
