"""The API: token auth, the same decisions as the pages, refusals as 403 {detail, reasons}."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command

from safekeep.access.vocabulary import Action
from safekeep.api.models import ApiToken
from safekeep.api.services import api_token_create, api_token_revoke
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.records import services
from tests import factories

pytestmark = pytest.mark.django_db
ORIGIN = Origin(actor_username="test")


@pytest.fixture
def world():
    team = factories.make_team("Children API")
    worker = factories.make_staff(team=team)
    stranger = factories.make_staff(team=factories.make_team("Other API"))
    case = factories.make_case(team=team, allocated=(worker,))
    hidden = factories.make_case(team=team)
    users = {"worker": factories.make_user(worker), "stranger": factories.make_user(stranger)}
    tokens = {
        name: api_token_create(user=u, name="t", origin=ORIGIN)[1] for name, u in users.items()
    }
    for name, token in tokens.items():
        # Each calling system presents an enrolled device credential with its API token.
        laptop = factories.make_device(staff=users[name].staff)
        DEVICE_FOR_TOKEN[token] = factories.device_token(laptop)
    return {
        "worker": worker,
        "stranger": stranger,
        "case": case,
        "hidden": hidden,
        "users": users,
        "tokens": tokens,
    }


DEVICE_FOR_TOKEN: dict[str, str] = {}


def auth(token):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if token in DEVICE_FOR_TOKEN:
        headers["HTTP_X_SAFEKEEP_DEVICE"] = DEVICE_FOR_TOKEN[token]
    return headers


def test_token_is_stored_hashed_and_shown_once(world):
    token = ApiToken.objects.filter(user=world["users"]["worker"]).get()
    plain = world["tokens"]["worker"]
    assert token.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in (token.name, token.prefix, token.token_hash)


def test_no_token_is_401(client, world):
    assert client.get("/api/v1/cases").status_code == 401
    assert client.get("/api/v1/cases", **auth("skp_wrong")).status_code == 401


def test_revoked_token_stops_working(client, world):
    token = ApiToken.objects.get(user=world["users"]["worker"])
    api_token_revoke(user=world["users"]["worker"], token=token, origin=ORIGIN)
    assert client.get("/api/v1/cases", **auth(world["tokens"]["worker"])).status_code == 401


def test_list_is_paginated_and_only_visible(client, world):
    response = client.get("/api/v1/cases?page_size=10", **auth(world["tokens"]["worker"]))
    assert response.status_code == 200
    data = response.json()
    assert (data["count"], data["page"], data["pages"]) == (1, 1, 1)
    assert [c["case_id"] for c in data["results"]] == [world["case"].case_id]
    empty = client.get("/api/v1/cases", **auth(world["tokens"]["stranger"])).json()
    assert (empty["count"], empty["results"]) == (0, [])


def test_read_case_with_entries(client, world):
    services.entry_add(
        access=factories.case_access(world["worker"], world["case"], Action.ADD_ENTRY),
        kind="note",
        title="Visit",
        body="Fine",
    )
    data = client.get(
        f"/api/v1/cases/{world['case'].case_id}", **auth(world["tokens"]["worker"])
    ).json()
    assert data["entries"][0]["versions"][0]["title"] == "Visit"
    assert data["access"] == [
        "allocated worker since 2025-01-01",
        "viewing records is allowed on a council laptop (task policy version 0)",
    ]
    audit = AuditEntry.objects.filter(action="case.view").last()
    assert audit.decision == "allowed"
    assert audit.device.startswith("DEV-")  # the calling system's enrolled device


def test_refusal_is_403_with_reasons_and_missing_is_the_same(client, world):
    refused = client.get(
        f"/api/v1/cases/{world['case'].case_id}", **auth(world["tokens"]["stranger"])
    )
    missing = client.get("/api/v1/cases/NOPE", **auth(world["tokens"]["stranger"]))
    expected = {
        "detail": "You cannot see this record.",
        "reasons": ["You are not allocated to this case and have no approved access to it"],
    }
    assert (refused.status_code, refused.json()) == (403, expected)
    assert (missing.status_code, missing.json()) == (403, expected)


def test_add_entry(client, world):
    url = f"/api/v1/cases/{world['case'].case_id}/entries"
    ok = client.post(
        url,
        {"kind": "note", "title": "Call", "body": "Phoned"},
        content_type="application/json",
        **auth(world["tokens"]["worker"]),
    )
    assert ok.status_code == 201
    assert ok.json()["versions"][0]["body"] == "Phoned"
    bad = client.post(
        url,
        {"kind": "poem", "title": "x"},
        content_type="application/json",
        **auth(world["tokens"]["worker"]),
    )
    assert bad.status_code == 422  # the document declares the two kinds
    [problem] = bad.json()["detail"]
    assert problem["loc"] == ["body", "payload", "kind"]
    blank = client.post(
        url,
        {"kind": "note", "title": "   "},
        content_type="application/json",
        **auth(world["tokens"]["worker"]),
    )
    assert blank.status_code == 422  # "not blank", as the document says
    refused = client.post(
        url,
        {"kind": "note", "title": "x"},
        content_type="application/json",
        **auth(world["tokens"]["stranger"]),
    )
    assert refused.status_code == 403


def test_openapi_document(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert "/api/v1/cases/{case_id}/entries" in response.json()["paths"]


def test_tokens_page_creates_and_revokes(client, world):
    factories.sign_in(client, world["users"]["worker"])
    created = client.post("/api/v1/tokens/", {"name": "Case system"})
    body = created.content.decode()
    assert "it will not be shown again" in body
    token = ApiToken.objects.get(name="Case system")
    again = client.get("/api/v1/tokens/").content.decode()
    assert "it will not be shown again" not in again and token.prefix in again
    assert client.post("/api/v1/tokens/", {"revoke": token.pk}).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    blank = client.post("/api/v1/tokens/", {"name": ""})
    assert blank.status_code == 400 and "Enter a name for the token" in blank.content.decode()


def test_api_token_command(world):
    out, err = io.StringIO(), io.StringIO()
    call_command("api_token", "create", "--user", world["worker"].email, stdout=out, stderr=err)
    expiry, plain = out.getvalue().strip().splitlines()
    assert plain.startswith("skp_")
    token = ApiToken.objects.get(token_hash=hashlib.sha256(plain.encode()).hexdigest())
    assert expiry == f"Expires {token.expires_at:%Y-%m-%d %H:%M %Z}."
    assert token.expires_at - token.created_at == dt.timedelta(days=90)
