from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone

from safekeep.access.device_rules import device_decision
from safekeep.audit.models import AuditEntry
from safekeep.devices import services
from safekeep.devices.conf import DEVICE_COOKIE
from safekeep.devices.context import device_facts_for_request
from safekeep.devices.models import DeviceCredential, DeviceIncident, EnrolmentCode, ITTask
from safekeep.devices.selectors import current_task_policy, devices_non_compliant
from safekeep.devices.services import DeviceError
from tests.devices.helpers import ORIGIN, make_device
from tests.factories import make_staff

pytestmark = pytest.mark.django_db


def request_with(token: str = ""):
    request = RequestFactory().get("/")
    if token:
        request.COOKIES[DEVICE_COOKIE] = token
    return request


def test_create_splits_os_and_refuses_a_repeated_asset_tag():
    device = services.device_create(
        origin=ORIGIN,
        asset_tag="LAP-0042",
        device_type="laptop",
        ownership="council",
        encrypted="no",
        passcode="yes",
        os="Windows 11 23H2",
    )
    assert (device.os_name, device.os_version) == ("Windows", "11 23H2")
    entry = AuditEntry.objects.get(action="device.create")
    assert entry.reasons == ["not compliant: it is not encrypted"]
    with pytest.raises(
        DeviceError, match=r"^A device with asset tag LAP-0042 is already registered$"
    ):
        services.device_create(
            origin=ORIGIN,
            asset_tag="LAP-0042",
            device_type="laptop",
            ownership="council",
            encrypted="yes",
            passcode="yes",
            os="Windows 11",
        )


def test_update_reevaluates_compliance_and_audits_the_change():
    device = make_device(encrypted="no")
    services.device_update(origin=ORIGIN, device=device, encrypted="yes")
    entry = AuditEntry.objects.get(action="device.update")
    assert entry.reasons == ["changed: encrypted", "compliant"]
    assert entry.object_id == device.asset_tag


def test_unencrypted_laptop_taken_off_site_raises_one_incident_and_it_task():
    device = make_device(encrypted="no")
    services.device_update(origin=ORIGIN, device=device, on_site=False)
    incident = DeviceIncident.objects.get()
    assert incident.category == "unencrypted_device_removed"
    assert ITTask.objects.get().incident == incident
    # Asked again while the task is open: no second incident.
    again = services.unencrypted_off_site_incident_raise(origin=ORIGIN, device=device)
    assert again == incident
    assert DeviceIncident.objects.count() == 1
    assert devices_non_compliant()[0].off_site_breach


def test_encrypted_laptop_off_site_raises_nothing():
    device = make_device()
    services.device_update(origin=ORIGIN, device=device, on_site=False)
    assert not DeviceIncident.objects.exists()


def test_enrolment_code_is_one_time_and_gives_a_credential():
    device = make_device()
    code = services.enrolment_code_issue(origin=ORIGIN, device=device, issued_by=None)
    assert not EnrolmentCode.objects.filter(code_hash=code).exists()  # stored hashed
    enrolled, token = services.enrolment_redeem(origin=ORIGIN, code=services.format_code(code))
    assert enrolled == device
    facts = device_facts_for_request(request_with(token))
    assert facts is not None
    assert facts.label == f"council laptop {device.asset_tag}"
    with pytest.raises(DeviceError) as caught:
        services.enrolment_redeem(origin=ORIGIN, code=code)
    assert str(caught.value) == services.ENROLMENT_CODE_REFUSAL
    refused = AuditEntry.objects.get(action="device.enrol", decision="refused")
    assert refused.object_id == device.asset_tag


def test_expired_code_refused():
    device = make_device()
    code = services.enrolment_code_issue(origin=ORIGIN, device=device, issued_by=None)
    EnrolmentCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(DeviceError, match="not valid"):
        services.enrolment_redeem(origin=ORIGIN, code=code)


def test_a_new_code_cancels_the_old_one():
    device = make_device()
    first = services.enrolment_code_issue(origin=ORIGIN, device=device, issued_by=None)
    services.enrolment_code_issue(origin=ORIGIN, device=device, issued_by=None)
    with pytest.raises(DeviceError):
        services.enrolment_redeem(origin=ORIGIN, code=first)


def test_no_or_bad_cookie_is_an_unknown_device():
    assert device_facts_for_request(request_with()) is None
    assert device_facts_for_request(request_with("not-a-token")) is None


def test_reporting_lost_revokes_the_credential_and_records_an_incident():
    staff = make_staff()
    device = make_device(assigned_staff=staff)
    code = services.enrolment_code_issue(origin=ORIGIN, device=device, issued_by=None)
    _, token = services.enrolment_redeem(origin=ORIGIN, code=code)
    incident = services.device_report_missing(
        origin=ORIGIN, device=device, status="lost", reporter=staff
    )
    assert incident.category == "lost_device"
    assert incident.staff == staff
    assert device_facts_for_request(request_with(token)) is None
    assert not DeviceCredential.objects.filter(revoked_at__isnull=True).exists()
    with pytest.raises(DeviceError, match=rf"^{device.asset_tag} has already been reported lost$"):
        services.device_report_missing(origin=ORIGIN, device=device, status="lost", reporter=staff)


def test_a_declared_passcode_counts_only_once_it_confirms_it():
    staff = make_staff()
    device, token = services.personal_device_enrol(
        origin=ORIGIN, staff=staff, device_type="smartphone", passcode="yes", os="iOS 17.5"
    )
    facts = device_facts_for_request(request_with(token))
    assert facts is not None
    # DESIGN.md: what a person says of their own phone is "unknown" until IT confirms it.
    assert (facts.ownership, facts.device_type, facts.passcode) == (
        "personal",
        "smartphone",
        "unknown",
    )
    assert facts.label == f"personal phone {device.asset_tag}"
    assert not device_decision("view", facts, current_task_policy()).allowed
    entry = AuditEntry.objects.get(action="device.enrol_personal")
    assert entry.reasons[0] == "personal smartphone, passcode declared yes"
    services.device_update(origin=ORIGIN, device=device, passcode="yes")  # IT confirms
    confirmed = device_facts_for_request(request_with(token))
    assert (
        confirmed is not None and device_decision("view", confirmed, current_task_policy()).allowed
    )


def test_retire_stops_the_credential():
    device = make_device()
    code = services.enrolment_code_issue(origin=ORIGIN, device=device, issued_by=None)
    _, token = services.enrolment_redeem(origin=ORIGIN, code=code)
    services.device_retire(origin=ORIGIN, device=device)
    assert device_facts_for_request(request_with(token)) is None
    with pytest.raises(DeviceError, match=r"is already retired$"):
        services.device_retire(origin=ORIGIN, device=device)


def test_task_policy_change_makes_a_new_audited_version():
    ig = make_staff(roles=("ig_officer",))
    assert current_task_policy().version == 0
    version = services.task_policy_change(
        origin=ORIGIN,
        changed_by=ig,
        ownership="personal",
        device_type="smartphone",
        rules={"save_to_device": ("conditional", "passcode_and_encrypted")},
        reason="Approved secure container app",
    )
    policy = current_task_policy()
    assert policy.version == version.number == 1
    assert policy.rule("personal", "smartphone", "save_to_device").condition == (
        "passcode_and_encrypted"
    )
    assert policy.rule("personal", "tablet", "save_to_device").status == "prevented"
    entry = AuditEntry.objects.get(action="task_policy.change")
    assert entry.reasons == [
        "why: Approved secure container app",
        "personal smartphone save_to_device: prevented -> conditional (passcode_and_encrypted)",
    ]
    with pytest.raises(DeviceError, match=r"^Enter the reason for the change$"):
        services.task_policy_change(
            origin=ORIGIN,
            changed_by=ig,
            ownership="personal",
            device_type="smartphone",
            rules={"save_to_device": ("prevented", "")},
            reason=" ",
        )
    with pytest.raises(DeviceError, match=r"^Nothing was changed$"):
        services.task_policy_change(
            origin=ORIGIN,
            changed_by=ig,
            ownership="personal",
            device_type="smartphone",
            rules={"save_to_device": ("conditional", "passcode_and_encrypted")},
            reason="again",
        )
    with pytest.raises(DeviceError, match=r"^Choose the condition for 'personal use'$"):
        services.task_policy_change(
            origin=ORIGIN,
            changed_by=ig,
            ownership="council",
            device_type="laptop",
            rules={"personal_use": ("conditional", "")},
            reason="x",
        )


def test_complaints_are_logged_without_auditing_their_text():
    staff = make_staff()
    complaint = services.complaint_log(
        origin=ORIGIN, staff=staff, category="device_fault", summary="Screen broken at a visit"
    )
    entry = AuditEntry.objects.get(action="device.complaint")
    assert entry.reasons == ["device_fault"]
    with pytest.raises(DeviceError, match=r"^Say how the complaint was resolved$"):
        services.complaint_update(origin=ORIGIN, complaint=complaint, status="resolved")
    services.complaint_update(
        origin=ORIGIN, complaint=complaint, status="resolved", resolution="Replaced"
    )
    complaint.refresh_from_db()
    assert complaint.status == "resolved"


def test_os_minimum_is_configurable(settings):
    device = make_device(os_name="Windows", os_version="11 23H2")
    assert devices_non_compliant() == []
    settings.SAFEKEEP_OS_MINIMUMS = {"windows": "12"}
    assert devices_non_compliant()[0].problems == (
        "its operating system is not a supported version",
    )
    assert device.asset_tag == devices_non_compliant()[0].device.asset_tag


def test_device_facts_for_asset_tag():
    from safekeep.devices.context import device_facts_for_asset_tag

    make_device(asset_tag="DSK-1", device_type="desktop", os_name="Windows", os_version="10")
    facts = device_facts_for_asset_tag("DSK-1")
    assert facts is not None
    assert (facts.label, facts.os_supported, facts.enrolled) == (
        "council desktop DSK-1",
        False,
        True,
    )
    assert device_facts_for_asset_tag("NOPE") is None
