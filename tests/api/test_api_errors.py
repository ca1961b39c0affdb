"""Every API error answers in JSON and is declared in the OpenAPI document; the API and the
page refuse the same over-long entry."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from safekeep.organisation.models import Classification
from safekeep.records.models import Entry, Subject
from safekeep.records.services.entries import BODY_MAX, TITLE_MAX
from tests import factories
from tests.api.test_cases_api import auth, world  # noqa: F401 - the fixture
from tests.web.error_urls import SECRET

pytestmark = pytest.mark.django_db
ERROR_CODES = {"400", "401", "403", "404", "405", "413", "422", "500"}


def _entries(world) -> str:  # noqa: F811
    return f"/api/v1/cases/{world['case'].case_id}/entries"


def _post_entry(client: Client, world, body: str, length: int | None = None):  # noqa: F811
    """An entry from the worker's system; `length` overrides the Content-Length header."""
    data = json.dumps({"kind": "note", "title": "Call", "body": body})
    return client.generic(
        "POST",
        _entries(world),
        data,
        content_type="application/json",
        CONTENT_LENGTH=str(length if length is not None else len(data)),
        **auth(world["tokens"]["worker"]),
    )


def test_errors_outside_the_operations_answer_in_json(client: Client, world) -> None:  # noqa: F811
    headers = auth(world["tokens"]["worker"])
    nowhere = client.get("/api/v1/no-such-thing", **headers)
    assert nowhere.status_code == 404 and nowhere["Content-Type"] == "application/json"
    assert nowhere.json() == {
        "detail": "There is nothing at this address. The API document "
        "(/api/v1/openapi.json) lists the addresses."
    }
    for method in ("delete", "put", "patch", "options", "trace"):
        refused = getattr(client, method)("/api/v1/cases", **headers)
        assert refused.status_code == 405, method
        assert refused.json()["detail"].startswith("This address does not accept"), method
        assert refused["Allow"], method
    unauthorised = client.get("/api/v1/cases")
    assert (unauthorised.status_code, unauthorised.json()) == (401, {"detail": "Unauthorized"})


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(
    client: Client,
    world,  # noqa: F811
) -> None:
    # The test client's payload refuses to be read past what it holds: a 413 here means
    # nothing tried to read the 3 MB the header announces.
    response = _post_entry(client, world, "short", length=3 * 1024 * 1024)
    assert response.status_code == 413
    assert response.json() == {
        "detail": "What you sent is larger than this address accepts (at most 2 MB)."
    }


def test_the_api_refuses_an_entry_the_page_refuses(client: Client, world) -> None:  # noqa: F811
    too_long = "x" * 1_500_000  # 1.5 MB of text: under the request limit, over the entry's
    response = _post_entry(client, world, too_long)
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "payload", "body"]
    assert problem["msg"] == f"String should have at most {BODY_MAX} characters"
    assert _post_entry(client, world, "x" * BODY_MAX).status_code == 201

    page = factories.sign_in(Client(), world["users"]["worker"])
    form = page.post(
        f"/cases/{world['case'].case_id}/entries/add/",
        {"kind": "note", "title": "Call", "body": "x" * (BODY_MAX + 1)},
    )
    assert form.status_code == 400
    assert "The entry must be 100,000 characters or fewer" in form.content.decode()


@pytest.mark.urls("tests.web.error_urls")
def test_a_fault_on_the_server_answers_in_json_without_its_details() -> None:
    response = Client(raise_request_exception=False).get("/api/v1/test/explode/")
    assert response.status_code == 500
    detail = response.json()["detail"]
    assert detail == (
        "Something went wrong on our side. Try again later; if it keeps happening, "
        f"give IT support this request id: {response['X-Request-Id']}."
    )
    assert SECRET not in response.content.decode()


def test_every_operation_declares_its_json_errors(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            assert ERROR_CODES - {"403"} <= declared, (method, path)
            for code in ERROR_CODES & declared:
                content = operation["responses"][code]["content"]["application/json"]
                assert content["schema"], (method, path, code)


def test_the_document_declares_the_choices_the_api_gives_and_takes(client: Client) -> None:
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    def choices(schema: str, field: str) -> set[str]:
        return set(schemas[schema]["properties"][field]["enum"])

    assert choices("EntryIn", "kind") == {Entry.Kind.NOTE, Entry.Kind.ASSESSMENT}
    assert choices("EntryOut", "kind") == set(Entry.Kind.values)
    assert choices("SubjectOut", "kind") == set(Subject.Kind.values)
    assert choices("CaseOut", "classification") == set(Classification.values)
    title = schemas["EntryIn"]["properties"]["title"]
    assert (title["maxLength"], title["pattern"]) == (TITLE_MAX, r"\S")
    assert schemas["EntryIn"]["properties"]["body"]["maxLength"] == BODY_MAX
