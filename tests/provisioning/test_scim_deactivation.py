"""Deactivation in the identity system ends the person in Safekeep within the one request:
every session, API token and device credential they hold fails on its next use."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from safekeep.devices.models import DeviceCredential
from tests import factories
from tests.provisioning.conftest import SCIM

pytestmark = pytest.mark.django_db
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.mark.parametrize(
    "active",
    [False, "False"],  # Entra ID has sent the boolean as a string
    ids=["boolean", "entra-string"],
)
def test_active_false_ends_every_session_token_and_device_credential(
    scim: Client, active: object
) -> None:
    staff = factories.make_staff()
    user = factories.make_user(staff)
    browser = factories.sign_in(Client(), user)
    api = factories.api_headers(user)
    assert browser.get("/account/").status_code == 200
    assert Client().get("/api/v1/cases", headers=api).status_code == 200

    started = time.perf_counter()
    response = scim.patch(
        f"{SCIM}/Users/{staff.pk}",
        data=json.dumps(
            {
                "schemas": [PATCH],
                "Operations": [{"op": "Replace", "path": "active", "value": active}],
            }
        ),
        content_type="application/scim+json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    session = browser.get("/account/")
    token = Client().get("/api/v1/cases", headers=api)
    elapsed = time.perf_counter() - started

    assert session.status_code == 302
    assert token.status_code == 401
    assert not DeviceCredential.objects.filter(staff=staff, revoked_at__isnull=True).exists()
    staff.refresh_from_db()
    assert staff.is_leaver()
    print(f"deactivation to refusal: {elapsed * 1000:.0f} ms")
