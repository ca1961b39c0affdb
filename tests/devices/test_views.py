from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin, audit_event
from safekeep.devices import services
from safekeep.devices.conf import DEVICE_COOKIE
from safekeep.devices.models import Device, DeviceComplaint, DeviceCredential
from safekeep.devices.selectors import current_task_policy
from safekeep.governance.models import Incident
from tests.devices.helpers import ORIGIN, make_device, make_personal_phone
from tests.factories import make_staff, make_user, sign_in, use_device

pytestmark = pytest.mark.django_db


def client_for(*roles: str, **fields) -> tuple[Client, object]:
    staff = make_staff(roles=roles, **fields)
    return sign_in(Client(), make_user(staff), device=None), staff


def test_it_pages_need_the_it_role():
    client, _ = client_for("practitioner")
    for name in [
        "devices:register",
        "devices:register-csv",
        "devices:non-compliant",
        "devices:complaint-queue",
    ]:
        assert client.get(reverse(name)).status_code == 403
    assert Client().get(reverse("devices:register")).status_code == 302


def test_it_adds_a_device_with_gov_uk_errors_then_successfully():
    client, _ = client_for("it_support")
    response = client.post(reverse("devices:add"), {"asset_tag": "", "os": ""})
    html = response.content.decode()
    assert "There is a problem" in html
    assert "govuk-form-group--error" in html
    assert "Enter the asset tag" in html
    assert "Choose the type of device" in html
    holder = make_staff(staff_id="S777")
    response = client.post(
        reverse("devices:add"),
        {
            "asset_tag": "LAP-0042",
            "device_type": "laptop",
            "ownership": "council",
            "encrypted": "no",
            "passcode": "yes",
            "os": "Windows 11 23H2",
            "assigned_staff_id": "S777",
            "on_site": "on",
        },
    )
    assert response.status_code == 302
    device = Device.objects.get(asset_tag="LAP-0042")
    assert device.assigned_staff == holder
    page = client.get(reverse("devices:detail", args=["LAP-0042"])).content.decode()
    assert "it is not encrypted" in page
    assert "Must not leave site" in page
    assert "LAP-0042" in client.get(reverse("devices:non-compliant")).content.decode()


def test_it_marks_unencrypted_laptop_off_site_and_an_incident_appears():
    client, _ = client_for("it_support")
    make_device(asset_tag="LAP-9", encrypted="no")
    response = client.post(
        reverse("devices:change", args=["LAP-9"]),
        {
            "device_type": "laptop",
            "ownership": "council",
            "encrypted": "no",
            "passcode": "yes",
            "os": "Windows 11",
        },
    )
    assert response.status_code == 302
    assert Incident.objects.get().category == "unencrypted_device_removed"
    page = client.get(reverse("devices:non-compliant")).content.decode()
    assert "must not leave site" in page
    assert "Bring LAP-9 back on site" in page


def test_enrolment_via_code_sets_the_device_cookie_and_this_device_page_shows_it():
    it_client, _ = client_for("it_support")
    worker, staff = client_for("practitioner")
    make_device(asset_tag="LAP-5", assigned_staff=staff)
    response = it_client.post(reverse("devices:enrolment-code", args=["LAP-5"]))
    code = response.context["code"]
    assert "It works only for them: on council laptop LAP-5" in response.content.decode()
    page = worker.get(reverse("devices:this-device")).content.decode()
    assert "unknown personal device" in page
    assert (
        "Ask IT support for an enrolment code for this device. The code works only for you." in page
    )
    response = worker.post(reverse("devices:enrol"), {"code": code})
    assert response.status_code == 302
    token = response.cookies[DEVICE_COOKIE]
    assert token["httponly"]
    assert DeviceCredential.objects.get().token_hash != token.value
    page = worker.get(reverse("devices:this-device")).content.decode()
    assert "council laptop LAP-5" in page
    assert "Compliant" in page
    assert "You can have up to 3 devices enrolled at a time. You have 1." in page
    # The same code cannot be used twice.
    again = worker.post(reverse("devices:enrol"), {"code": code}).content.decode()
    assert "There is a problem" in again
    assert "already used or expired" in again


def test_it_cannot_get_a_code_for_a_device_assigned_to_nobody():
    it_client, _ = client_for("it_support")
    make_device(asset_tag="LAP-6")
    page = it_client.get(reverse("devices:detail", args=["LAP-6"])).content.decode()
    assert "Get an enrolment code" not in page
    assert "first assign it to the person who will use it" in page
    response = it_client.post(reverse("devices:enrolment-code", args=["LAP-6"]), follow=True)
    assert "LAP-6 is not assigned to anyone. Assign it to the person who will use it first" in (
        response.content.decode()
    )


def test_someone_elses_code_is_refused_on_the_page_in_plain_words():
    owner = make_staff()
    code = services.enrolment_code_issue(
        origin=ORIGIN, device=make_device(assigned_staff=owner), issued_by=None
    )
    client, _ = client_for("practitioner")
    response = client.post(reverse("devices:enrol"), {"code": code})
    html = response.content.decode()
    assert "There is a problem" in html and "govuk-form-group--error" in html
    assert (
        "This enrolment code is for someone else. Ask IT support for a code for your own device."
        in html
    )
    assert DEVICE_COOKIE not in response.cookies
    assert not DeviceCredential.objects.exists()


def test_a_browser_cannot_enrol_itself_as_a_personal_device():
    client, _ = client_for("practitioner")
    response = client.post(
        reverse("devices:enrol-personal"), {"device_type": "smartphone", "passcode": "yes"}
    )
    assert response.status_code == 405
    assert not Device.objects.exists() and not DeviceCredential.objects.exists()
    assert DEVICE_COOKIE not in response.cookies
    page = client.get(reverse("devices:enrol-personal")).content.decode()
    assert "Ask IT support to add your device to the device register." in page
    assert "IT support gives you a one-time enrolment code for your device." in page
    assert reverse("devices:enrol") in page


def test_a_personal_device_in_the_register_enrols_with_its_code_and_shows_what_it_may_do():
    client, staff = client_for("practitioner")
    phone = make_personal_phone(staff, asset_tag="PER-1")
    code = services.enrolment_code_issue(origin=ORIGIN, device=phone, issued_by=None)
    assert client.post(reverse("devices:enrol"), {"code": code}).status_code == 302
    page = client.get(reverse("devices:this-device")).content.decode()
    assert "personal phone PER-1" in page
    assert "Needs a passcode on the device: this device has no passcode we know of" in page
    assert "Prevented by the task policy" in page


def test_this_device_page_says_when_the_device_was_enrolled_for_someone_else():
    owner = make_staff()
    laptop = make_device(asset_tag="LAP-7", assigned_staff=owner)
    client, _ = client_for("practitioner")
    use_device(client, laptop, owner)
    page = client.get(reverse("devices:this-device")).content.decode()
    assert "This device was enrolled for someone else." in page
    assert "council laptop LAP-7" not in page
    refused = AuditEntry.objects.get(action="device.credential_refused")
    assert (refused.object_id, refused.reasons) == ("LAP-7", ["issued to another person"])


def test_lost_in_two_clicks_revokes_and_lists_recent_access():
    client, staff = client_for("practitioner")
    device = make_device(asset_tag="TAB-1", device_type="tablet", assigned_staff=staff)
    use_device(Client(), device)
    audit_event(
        origin=Origin(actor_staff_id=staff.staff_id, device="TAB-1"),
        action="case.view",
        decision="allowed",
        object_type="case",
        object_id="C000123",
    )
    page = client.get(reverse("devices:this-device")).content.decode()
    report_url = reverse("devices:report", args=["TAB-1"])
    assert report_url in page
    response = client.post(report_url, {"status": "stolen"}, follow=True)
    html = response.content.decode()
    assert "council tablet TAB-1 reported stolen" in html
    assert "C000123" in html
    assert not DeviceCredential.objects.filter(revoked_at__isnull=True).exists()
    assert Incident.objects.get().category == "stolen_device"


def test_someone_else_cannot_report_my_device():
    owner = make_staff()
    make_device(asset_tag="PH-1", device_type="smartphone", assigned_staff=owner)
    client, _ = client_for("practitioner")
    assert (
        client.post(reverse("devices:report", args=["PH-1"]), {"status": "lost"}).status_code == 404
    )
    assert Device.objects.get(asset_tag="PH-1").status == "active"


def test_complaint_logged_by_staff_and_worked_by_it():
    client, staff = client_for("practitioner")
    response = client.post(reverse("devices:complaint-new"), {"category": "device_fault"})
    assert "Describe what you could not do" in response.content.decode()
    client.post(
        reverse("devices:complaint-new"),
        {"category": "device_fault", "summary": "VPN dropped at every home visit"},
    )
    complaint = DeviceComplaint.objects.get()
    assert complaint.staff == staff
    it_client, _ = client_for("it_support")
    assert "VPN" not in str(AuditEntry.objects.filter(action="device.complaint").values())
    queue = it_client.get(reverse("devices:complaint-queue")).content.decode()
    assert reverse("devices:complaint-detail", args=[complaint.pk]) in queue
    response = it_client.post(
        reverse("devices:complaint-detail", args=[complaint.pk]), {"status": "resolved"}
    )
    assert "Say how the complaint was resolved" in response.content.decode()
    it_client.post(
        reverse("devices:complaint-detail", args=[complaint.pk]),
        {"status": "resolved", "resolution": "New SIM"},
    )
    complaint.refresh_from_db()
    assert complaint.status == "resolved"


def test_ig_changes_the_task_policy_on_a_page():
    client, _ = client_for("ig_officer")
    url = reverse("devices:task-policy-edit", args=["personal", "tablet"])
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["reason"] = ""
    data["save_to_device__status"] = "conditional"
    response = client.post(url, data)
    html = response.content.decode()
    assert "Enter the reason for the change" in html
    assert "Choose the condition for &#x27;save information to the device&#x27;" in html
    data.update(reason="Secure container approved", save_to_device__condition="encrypted")
    assert client.post(url, data).status_code == 302
    policy = current_task_policy()
    assert policy.version == 1
    assert policy.rule("personal", "tablet", "save_to_device").condition == "encrypted"
    page = client.get(reverse("devices:task-policy")).content.decode()
    assert "Secure container approved" in page
    practitioner, _ = client_for("practitioner")
    assert practitioner.get(url).status_code == 403
