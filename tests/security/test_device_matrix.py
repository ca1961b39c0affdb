"""The access matrix's device rows, on the real routes: one allocated worker, many devices.

The same practitioner views the case, adds an entry, downloads a document and reads the
case through the API from each kind of device; the answers follow DESIGN.md's device rules
and the default task policy. (Print and share have no routes yet; their device rows are in
tests/access/test_decision_with_devices.py.)
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from safekeep.access.vocabulary import Action
from safekeep.api.services import api_token_create
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.devices.selectors import device_recent_access
from safekeep.governance.models import Incident
from safekeep.records import services
from tests.factories import (
    case_access,
    device_token,
    make_case,
    make_device,
    make_staff,
    make_user,
    sign_in,
    use_device,
)

pytestmark = pytest.mark.django_db

ORIGIN = Origin(actor_username="test")
A, R = True, False
PHONE: dict[str, Any] = {"device_type": "smartphone", "os_name": "Android", "os_version": "14"}
SENSITIVE = "OFFICIAL-SENSITIVE"
SOMEONE_ELSES = "enrolled by someone else"
# name: (device fields, or None for a device Safekeep does not know) -> view, add, download, API
# (an OFFICIAL case unless the name says OFFICIAL-SENSITIVE; enrolled by the worker unless
# the name says SOMEONE_ELSES)
ROWS: dict[str, tuple[dict[str, Any] | None, tuple[bool, bool, bool, bool]]] = {
    "compliant council laptop": ({}, (A, A, A, A)),
    "unencrypted laptop on site": ({"encrypted": "no"}, (R, R, R, R)),
    "unencrypted laptop off site": ({"encrypted": "no", "on_site": False}, (R, R, R, R)),
    "council tablet without passcode": (
        {"device_type": "tablet", "passcode": "no", "os_name": "iPadOS", "os_version": "17"},
        (R, R, R, R),
    ),
    "personal phone with passcode": ({**PHONE, "ownership": "personal"}, (A, A, R, A)),
    "personal phone without passcode": (
        {**PHONE, "ownership": "personal", "passcode": "no"},
        (R, R, R, R),
    ),
    "unknown device": (None, (R, R, R, R)),
    "lost laptop": ({"status": "lost"}, (R, R, R, R)),
    # DESIGN.md: OFFICIAL-SENSITIVE content is never shown on, or saved to, a personal device.
    "personal phone with passcode, OFFICIAL-SENSITIVE": (
        {**PHONE, "ownership": "personal"},
        (R, R, R, R),
    ),
    "compliant council laptop, OFFICIAL-SENSITIVE": ({}, (A, A, A, A)),
    # A credential is the device only for the person it was issued to.
    f"compliant council laptop, {SOMEONE_ELSES}": ({}, (R, R, R, R)),
    f"personal phone with passcode, {SOMEONE_ELSES}": (
        {**PHONE, "ownership": "personal"},
        (R, R, R, R),
    ),
}


@pytest.mark.parametrize("row", list(ROWS), ids=list(ROWS))
def test_device_rows_on_the_real_routes(row: str) -> None:
    fields, expected = ROWS[row]
    worker = make_staff()
    classification = SENSITIVE if row.endswith(SENSITIVE) else "OFFICIAL"
    case = make_case(allocated=(worker,), classification=classification)
    document = services.document_upload(
        access=case_access(worker, case, Action.ADD_ENTRY),
        title="Letter",
        filename="letter.txt",
        content=b"document text",
    )
    user = make_user(worker)
    holder = make_staff() if row.endswith(SOMEONE_ELSES) else worker
    device = None if fields is None else make_device(staff=holder, **fields)
    client = sign_in(Client(), user, device=None)
    if device is not None:
        use_device(client, device)
    case_url = reverse("records:case", kwargs={"case_id": case.case_id})
    add_url = reverse("records:entry-add", kwargs={"case_id": case.case_id})
    download_url = reverse(
        "records:document-download", kwargs={"case_id": case.case_id, "entry_id": document.pk}
    )
    _, token = api_token_create(user=user, name="system", origin=ORIGIN)
    api_headers = {"Authorization": f"Bearer {token}"}
    if device is not None:
        api_headers["X-Safekeep-Device"] = device_token(device)

    viewed = client.get(case_url)
    added = client.post(
        add_url,
        {
            "entry_type": "case_note",
            "contact_day": "2",
            "contact_month": "11",
            "contact_year": "2026",
            "contact_time": "10am",
            "title": "Visit",
            "body": "Seen at home",
        },
    )
    downloaded = client.get(download_url)
    api = Client().get(f"/api/v1/cases/{case.case_id}", headers=api_headers)

    answers = (
        viewed.status_code == 200,
        added.status_code == 302,
        downloaded.status_code == 200,
        api.status_code == 200,
    )
    assert answers == expected, row
    for response, allowed in zip((viewed, added, downloaded, api), expected, strict=True):
        if not allowed:
            assert response.status_code == 403, row
            assert b"document text" not in b"".join(getattr(response, "streaming_content", []))


def test_refusal_on_a_personal_phone_says_why() -> None:
    worker = make_staff()
    case = make_case(allocated=(worker,))
    document = services.document_upload(
        access=case_access(worker, case, Action.ADD_ENTRY),
        title="Letter",
        filename="letter.txt",
        content=b"document text",
    )
    phone = make_device(staff=worker, ownership="personal", **PHONE)
    client = sign_in(Client(), make_user(worker), device=phone)
    response = client.get(
        reverse(
            "records:document-download",
            kwargs={"case_id": case.case_id, "entry_id": document.pk},
        )
    )
    assert response.status_code == 403
    assert "Downloads need a council device; this is a personal phone" in response.content.decode()


def test_an_unencrypted_laptop_used_off_site_raises_an_incident() -> None:
    worker = make_staff()
    case = make_case(allocated=(worker,))
    laptop = make_device(staff=worker, encrypted="no", on_site=False)
    client = sign_in(Client(), make_user(worker), device=laptop)
    assert client.get(reverse("records:case", kwargs={"case_id": case.case_id})).status_code == 403
    incident = Incident.objects.get(device=laptop)
    assert incident.category == "unencrypted_device_removed"


def test_the_caseload_says_when_it_is_the_device_that_hides_the_cases() -> None:
    worker = make_staff()
    make_case(allocated=(worker,))
    user = make_user(worker)
    unknown = sign_in(Client(), user, device=None).get(reverse("records:caseload"))
    assert unknown.status_code == 200
    page = unknown.content.decode()
    assert "This device hides your cases: this device is not enrolled with Safekeep" in page
    assert "You have no cases to see" not in page
    laptop = sign_in(Client(), user).get(reverse("records:caseload"))
    assert "This device hides your cases" not in laptop.content.decode()
    assert "1 case you can see" in laptop.content.decode()


def test_the_api_list_on_a_refused_device_is_403_with_the_reasons() -> None:
    worker = make_staff()
    make_case(allocated=(worker,))
    _, token = api_token_create(user=make_user(worker), name="system", origin=ORIGIN)
    response = Client().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Your cases cannot be shown on this device.",
        "reasons": [
            "This device is not enrolled with Safekeep, so it is treated as a personal, "
            "unmanaged device and case content cannot be opened on it"
        ],
    }


def test_a_personal_phone_lists_no_official_sensitive_case() -> None:
    worker = make_staff()
    plain = make_case(allocated=(worker,))
    sensitive = make_case(allocated=(worker,), classification=SENSITIVE)
    phone = make_device(staff=worker, ownership="personal", **PHONE)
    page = sign_in(Client(), make_user(worker), device=phone).get(reverse("records:caseload"))
    body = page.content.decode()
    assert plain.case_id in body and sensitive.case_id not in body


def test_case_pages_record_the_device_so_a_lost_device_report_can_list_them() -> None:
    worker = make_staff()
    case = make_case(allocated=(worker,))
    laptop = make_device(asset_tag="LAP-LOST", staff=worker)
    client = sign_in(Client(), make_user(worker), device=laptop)
    assert client.get(reverse("records:case", kwargs={"case_id": case.case_id})).status_code == 200
    entry = AuditEntry.objects.filter(action="case.view").get()
    assert (entry.device, entry.object_id) == ("LAP-LOST", case.case_id)
    assert list(device_recent_access(laptop).values_list("object_id", flat=True)) == [case.case_id]
