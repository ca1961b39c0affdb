from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone

from safekeep.access.device_rules import device_decision
from safekeep.audit.models import AuditEntry
from safekeep.devices import selectors, services
from safekeep.devices.conf import DEVICE_COOKIE
from safekeep.devices.context import device_facts_for_request, request_device
from safekeep.devices.models import DeviceCredential, EnrolmentCode, ITTask
from safekeep.devices.selectors import current_task_policy, devices_non_compliant
from safekeep.devices.services import DeviceError
from safekeep.governance.models import Incident
from safekeep.organisation.services import staff_end
from tests.devices.helpers import ORIGIN, make_device, make_personal_phone
from tests.factories import make_staff, make_user

pytestmark = pytest.mark.django_db


def request_with(token: str = "", user=None):
    """A request carrying `token` as its device cookie, from `user` (None: nobody signed in)."""
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
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
    incident = Incident.objects.get()
    assert incident.category == "unencrypted_device_removed"
    task = ITTask.objects.get()
    assert (task.cause, incident.it_task) == ("unencrypted_device_removed", task)
    # Asked again while the task is open: no second incident.
    again = services.unencrypted_off_site_report(origin=ORIGIN, device=device)
    assert again == task
    assert Incident.objects.count() == 1
    assert devices_non_compliant()[0].off_site_breach


def test_encrypted_laptop_off_site_raises_nothing():
    device = make_device()
    services.device_update(origin=ORIGIN, device=device, on_site=False)
    assert not Incident.objects.exists()


def enrol(device, user) -> str:
    """IT issues a code for `device`'s person and `user` redeems it: the credential's token."""
    code = services.enrolment_code_issue(origin=ORIGIN, device=device, issued_by=None)
    return services.enrolment_redeem(origin=ORIGIN, code=code, user=user)[1]


def test_enrolment_code_is_one_time_and_gives_a_credential():
    user = make_user(make_staff())
    device = make_device(assigned_staff=user.staff)
    code = services.enrolment_code_issue(origin=ORIGIN, device=device, issued_by=None)
    assert not EnrolmentCode.objects.filter(code_hash=code).exists()  # stored hashed
    enrolled, token = services.enrolment_redeem(
        origin=ORIGIN, code=services.format_code(code), user=user
    )
    assert enrolled == device
    assert DeviceCredential.objects.get(revoked_at__isnull=True).staff == user.staff
    facts = device_facts_for_request(request_with(token, user))
    assert facts is not None
    assert facts.label == f"council laptop {device.asset_tag}"
    with pytest.raises(DeviceError) as caught:
        services.enrolment_redeem(origin=ORIGIN, code=code, user=user)
    assert str(caught.value) == services.ENROLMENT_CODE_REFUSAL
    refused = AuditEntry.objects.get(action="device.enrol", decision="refused")
    assert refused.object_id == device.asset_tag


def test_expired_code_refused():
    user = make_user(make_staff())
    code = services.enrolment_code_issue(
        origin=ORIGIN, device=make_device(assigned_staff=user.staff), issued_by=None
    )
    EnrolmentCode.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(DeviceError, match="not valid"):
        services.enrolment_redeem(origin=ORIGIN, code=code, user=user)


def test_a_new_code_cancels_the_old_one():
    user = make_user(make_staff())
    device = make_device(assigned_staff=user.staff)
    first = services.enrolment_code_issue(origin=ORIGIN, device=device, issued_by=None)
    services.enrolment_code_issue(origin=ORIGIN, device=device, issued_by=None)
    with pytest.raises(DeviceError):
        services.enrolment_redeem(origin=ORIGIN, code=first, user=user)


def test_a_code_is_issued_only_for_a_device_assigned_to_someone():
    device = make_device()
    with pytest.raises(DeviceError) as caught:
        services.enrolment_code_issue(origin=ORIGIN, device=device, issued_by=None)
    assert str(caught.value) == (
        f"{device.asset_tag} is not assigned to anyone. Assign it to the person who will use it "
        "first: the code works only for them"
    )
    assert not EnrolmentCode.objects.exists()


def test_a_code_works_only_for_the_person_it_was_issued_for():
    owner = make_user(make_staff())
    device = make_device(assigned_staff=owner.staff)
    code = services.enrolment_code_issue(origin=ORIGIN, device=device, issued_by=None)
    assert EnrolmentCode.objects.get().issued_for == owner.staff
    someone = make_user(make_staff())
    with pytest.raises(DeviceError) as caught:
        services.enrolment_redeem(origin=ORIGIN, code=code, user=someone)
    assert str(caught.value) == services.SOMEONE_ELSES_CODE
    refused = AuditEntry.objects.get(action="device.enrol", decision="refused")
    assert (refused.object_id, refused.reasons) == (
        device.asset_tag,
        ["code issued for another person"],
    )
    assert not DeviceCredential.objects.exists()
    # The code is not spent by someone else's attempt: its person can still use it.
    assert services.enrolment_redeem(origin=ORIGIN, code=code, user=owner)[0] == device


def test_a_code_stops_working_when_the_device_is_given_to_someone_else():
    first, second = make_user(make_staff()), make_user(make_staff())
    device = make_device(assigned_staff=first.staff)
    code = services.enrolment_code_issue(origin=ORIGIN, device=device, issued_by=None)
    services.device_assign(origin=ORIGIN, device=device, staff=second.staff)
    for user in (first, second):
        with pytest.raises(DeviceError, match=services.SOMEONE_ELSES_CODE):
            services.enrolment_redeem(origin=ORIGIN, code=code, user=user)
    assert [e.reasons for e in AuditEntry.objects.filter(decision="refused")] == [
        ["device assigned to another person since the code was issued"],
        ["code issued for another person"],
    ]


def test_a_person_may_have_only_so_many_devices_enrolled(settings):
    settings.SAFEKEEP_MAX_DEVICES_PER_PERSON = 2
    user = make_user(make_staff())
    laptop, phone, tablet = (make_device(assigned_staff=user.staff) for _ in range(3))
    enrol(laptop, user)
    enrol(phone, user)
    enrol(phone, user)  # enrolling the same device again replaces its credential
    with pytest.raises(DeviceError) as caught:
        enrol(tablet, user)
    assert str(caught.value) == (
        "You already have 2 devices enrolled, the most you can have. Ask IT support to end "
        "the enrolment of one you no longer use."
    )
    assert AuditEntry.objects.get(action="device.enrol", decision="refused").reasons == [
        "device limit reached: 2 enrolled"
    ]
    services.device_credentials_revoke(origin=ORIGIN, device=phone)
    enrol(tablet, user)
    services.device_report_missing(origin=ORIGIN, device=laptop, status="lost", reporter=None)
    assert list(selectors.enrolled_devices(user.staff)) == [tablet]


def test_the_default_limit_is_three_devices():
    user = make_user(make_staff())
    for _ in range(3):
        enrol(make_device(assigned_staff=user.staff), user)
    with pytest.raises(DeviceError, match=r"^You already have 3 devices enrolled"):
        enrol(make_device(assigned_staff=user.staff), user)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"staff": {"end_date": dt.date(2021, 1, 1)}}, "staff member has left"),
        ({"user": {"is_active": False}}, "account disabled"),
    ],
    ids=["leaver", "disabled"],
)
def test_an_account_that_may_not_act_cannot_redeem_a_code(change, reason):
    user = make_user(make_staff())
    device = make_device(assigned_staff=user.staff)
    code = services.enrolment_code_issue(origin=ORIGIN, device=device, issued_by=None)
    for field, value in change.get("staff", {}).items():
        setattr(user.staff, field, value)
    user.staff.save()
    for field, value in change.get("user", {}).items():
        setattr(user, field, value)
    user.save()
    with pytest.raises(DeviceError) as caught:
        services.enrolment_redeem(origin=ORIGIN, code=code, user=user)
    assert str(caught.value) == services.ACCOUNT_MAY_NOT_ENROL
    refused = AuditEntry.objects.get(action="device.enrol", decision="refused")
    assert refused.reasons == [reason]
    assert not DeviceCredential.objects.exists()


def test_a_credential_is_no_device_for_anyone_else_and_that_is_audited_once():
    owner, other = make_user(make_staff()), make_user(make_staff())
    device = make_device(assigned_staff=owner.staff)
    token = enrol(device, owner)
    request = request_with(token, other)
    assert device_facts_for_request(request) is None
    assert device_facts_for_request(request) is None  # asked twice in one request
    refused = AuditEntry.objects.get(action="device.credential_refused")
    assert (refused.decision, refused.object_id, refused.actor_staff_id, refused.reasons) == (
        "refused",
        device.asset_tag,
        other.staff.staff_id,
        ["issued to another person"],
    )
    assert request_device(request).refusal == "issued to another person"
    # Nobody signed in: no person to hold it for, nothing to refuse.
    assert device_facts_for_request(request_with(token)) is None
    # Its own person still has the device.
    assert device_facts_for_request(request_with(token, owner)) is not None
    assert AuditEntry.objects.filter(action="device.credential_refused").count() == 1


def test_a_leavers_credentials_and_unused_codes_end_when_they_leave():
    leaver = make_user(make_staff())
    laptop, phone = (
        make_device(assigned_staff=leaver.staff),
        make_device(assigned_staff=leaver.staff),
    )
    token = enrol(laptop, leaver)
    code = services.enrolment_code_issue(origin=ORIGIN, device=phone, issued_by=None)
    staff_end(origin=ORIGIN, staff=leaver.staff, end_date=timezone.localdate())
    assert not DeviceCredential.objects.filter(revoked_at__isnull=True).exists()
    assert device_facts_for_request(request_with(token, leaver)) is None
    with pytest.raises(DeviceError, match=services.ENROLMENT_CODE_REFUSAL):
        services.enrolment_redeem(origin=ORIGIN, code=code, user=leaver)


def test_no_or_bad_cookie_is_an_unknown_device():
    user = make_user(make_staff())
    assert device_facts_for_request(request_with(user=user)) is None
    assert device_facts_for_request(request_with("not-a-token", user)) is None


def test_reporting_lost_revokes_the_credential_and_records_an_incident():
    user = make_user(make_staff())
    staff = user.staff
    device = make_device(assigned_staff=staff)
    token = enrol(device, user)
    task = services.device_report_missing(
        origin=ORIGIN, device=device, status="lost", reporter=staff
    )
    incident = Incident.objects.get(it_task=task)
    assert (incident.category, incident.source) == ("lost_device", "automatic")
    assert (incident.staff, incident.reported_by, incident.device) == (staff, staff, device)
    assert device_facts_for_request(request_with(token, user)) is None
    assert not DeviceCredential.objects.filter(revoked_at__isnull=True).exists()
    with pytest.raises(DeviceError, match=rf"^{device.asset_tag} has already been reported lost$"):
        services.device_report_missing(origin=ORIGIN, device=device, status="lost", reporter=staff)


def test_a_personal_device_opens_nothing_needing_a_passcode_until_it_confirms_it():
    user = make_user(make_staff())
    # What the person told IT is not confirmed yet: the register says "unknown".
    device = make_personal_phone(user.staff)
    token = enrol(device, user)
    facts = device_facts_for_request(request_with(token, user))
    assert facts is not None
    assert (facts.ownership, facts.device_type, facts.passcode) == (
        "personal",
        "smartphone",
        "unknown",
    )
    assert not device_decision("view", facts, current_task_policy()).allowed
    services.device_update(origin=ORIGIN, device=device, passcode="yes")  # IT confirms
    confirmed = device_facts_for_request(request_with(token, user))
    assert (
        confirmed is not None and device_decision("view", confirmed, current_task_policy()).allowed
    )


def test_retire_stops_the_credential():
    user = make_user(make_staff())
    device = make_device(assigned_staff=user.staff)
    token = enrol(device, user)
    services.device_retire(origin=ORIGIN, device=device)
    assert device_facts_for_request(request_with(token, user)) is None
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
