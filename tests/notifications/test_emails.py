"""Each event's email, through a real SMTP server: to whom, what it says, where it links,
and never anything from the record, a person's name or anyone's reasons. Every email leaves
one audit entry; a failed email leaves the decision standing; a rollback sends nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from safekeep.access.vocabulary import Duty
from safekeep.access.wording import minutes
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin, audit_event
from safekeep.governance.models import AlertTriage
from safekeep.notifications.jobs import alert_emails
from safekeep.organisation.models import StaffMember
from safekeep.records import services
from safekeep.records.models import AccessGrant, Case
from safekeep.records.selectors import subject_person
from tests.factories import (
    break_glass_access,
    case_access,
    duty_access,
    laptop_context,
    make_case,
    make_staff,
    make_team,
)
from tests.smtp import SmtpServer, text_of

pytestmark = pytest.mark.django_db
Capture = Callable[..., AbstractContextManager[Any]]
BASE = "https://safekeep.council.example"
ASKED_WHY = "Covering the allocated worker's leave this week"
REFUSED_WHY = "Another worker is already covering this family"
REFERRED_WHY = "Turning 18 next month, moving to adult services"
GLASS_WHY = "Child reported missing tonight, police asking"


@pytest.fixture
def world() -> dict[str, Any]:
    team = make_team("Children East")
    other = make_team("Adults West", directorate="Adults and Health")
    worker = make_staff(team=team)
    return {
        "team": team,
        "other": other,
        "worker": worker,
        "colleague": make_staff(team=team, given_name="Priya", family_name="Colleague"),
        "manager": make_staff(team=team, roles=("team_manager",), family_name="Manager"),
        "case": make_case(team=team, allocated=(worker,)),
    }


def asked(world: dict[str, Any]) -> AccessGrant:
    return services.grant_request(
        staff=world["colleague"],
        case=world["case"],
        actions=["view"],
        reason=ASKED_WHY,
        days=7,
        context=laptop_context(),
        origin=Origin(actor_username="test"),
    )


def decide(world: dict[str, Any], grant: AccessGrant, *, approve: bool) -> AccessGrant:
    return services.grant_decide(
        access=duty_access(world["manager"], grant),
        grant=grant,
        approve=approve,
        reason="" if approve else REFUSED_WHY,
    )


def notifications() -> list[tuple[str, str, str, str, list[str]]]:
    return [
        (e.action, e.decision, e.object_type, e.object_id, e.reasons)
        for e in AuditEntry.objects.filter(action__startswith="notification.").order_by("id")
    ]


def assert_nothing_from_the_record(text: str, case: Case, *people: StaffMember) -> None:
    for secret in (ASKED_WHY, REFUSED_WHY, REFERRED_WHY, GLASS_WHY):
        assert secret not in text
    person = subject_person(case.subject)
    assert person.given_name not in text and person.family_name not in text
    for staff in people:
        assert staff.given_name not in text and staff.family_name not in text


def test_an_approval_emails_the_person_who_asked(
    world: dict[str, Any], smtp_server: SmtpServer, django_capture_on_commit_callbacks: Capture
) -> None:
    grant = asked(world)
    with django_capture_on_commit_callbacks(execute=True):
        grant = decide(world, grant, approve=True)
    [message] = smtp_server.messages
    case_id = world["case"].case_id
    assert message["To"] == world["colleague"].email
    assert message["From"] == "safekeep@council.example"
    assert message["Subject"] == f"Your request for access to case {case_id} was approved"
    text = text_of(message)
    until = minutes(timezone.localtime(grant.expires_at))
    assert f"was approved by the team manager until {until}." in text
    assert f"{BASE}/cases/my-requests/#request-{grant.pk}" in text
    assert_nothing_from_the_record(text, world["case"], world["colleague"], world["manager"])
    staff_id = world["colleague"].staff_id
    assert notifications() == [
        ("notification.sent", "done", "accessgrant", str(grant.pk), [f"to staff {staff_id}"])
    ]


def test_a_refusal_emails_without_the_reason(
    world: dict[str, Any], smtp_server: SmtpServer, django_capture_on_commit_callbacks: Capture
) -> None:
    grant = asked(world)
    with django_capture_on_commit_callbacks(execute=True):
        grant = decide(world, grant, approve=False)
    [message] = smtp_server.messages
    case_id = world["case"].case_id
    assert message["Subject"] == f"Your request for access to case {case_id} was refused"
    text = text_of(message)
    assert f"See why in My requests: {BASE}/cases/my-requests/#request-{grant.pk}" in text
    assert_nothing_from_the_record(text, world["case"], world["colleague"], world["manager"])
    assert AccessGrant.objects.get(pk=grant.pk).refuse_reason == REFUSED_WHY


def test_a_referral_emails_each_manager_of_the_receiving_team(
    world: dict[str, Any], smtp_server: SmtpServer, django_capture_on_commit_callbacks: Capture
) -> None:
    managers = [make_staff(team=world["other"], roles=("team_manager",)) for _ in range(2)]
    make_staff(team=world["other"])  # a practitioner there: not emailed
    with django_capture_on_commit_callbacks(execute=True):
        referral = services.referral_create(
            access=case_access(world["manager"], world["case"], Duty.REFER),
            to_team=world["other"],
            kind="transfer",
            reason=REFERRED_WHY,
        )
    case_id = world["case"].case_id
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(m.email for m in managers)
    for message in smtp_server.messages:
        assert message["Subject"] == f"A transfer of case {case_id} is waiting for your team"
        text = text_of(message)
        assert f"Referrals and transfers: {BASE}/cases/referrals/" in text
        assert_nothing_from_the_record(text, world["case"], world["manager"], *managers)
    assert [(a, o, i) for a, _, o, i, _ in notifications()] == [
        ("notification.sent", "referral", str(referral.pk))
    ] * 2


def test_break_glass_emails_every_ig_officer_in_post(
    world: dict[str, Any], smtp_server: SmtpServer, django_capture_on_commit_callbacks: Capture
) -> None:
    officers = [make_staff(team=world["team"], roles=("ig_officer",)) for _ in range(2)]
    make_staff(team=world["team"], roles=("ig_officer",), end_date=dt.date(2024, 1, 1))  # left
    with django_capture_on_commit_callbacks(execute=True):
        glass = services.break_glass_start(
            access=break_glass_access(world["colleague"], world["case"], GLASS_WHY),
            reason=GLASS_WHY,
        )
    case_id = world["case"].case_id
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(o.email for o in officers)
    for message in smtp_server.messages:
        assert message["Subject"] == f"Break-glass was used to open case {case_id}"
        text = text_of(message)
        assert f"Break-glass reviews: {BASE}/cases/break-glass-reviews/" in text
        assert_nothing_from_the_record(text, world["case"], world["colleague"], *officers)
    assert {o for _, _, o, _, _ in notifications()} == {"breakglass"}
    assert {i for _, _, _, i, _ in notifications()} == {str(glass.pk)}


def test_an_unreachable_server_is_recorded_and_the_decision_stands(
    world: dict[str, Any], smtp_server: SmtpServer, django_capture_on_commit_callbacks: Capture
) -> None:
    grant = asked(world)
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, grant, approve=True)
    assert AccessGrant.objects.get(pk=grant.pk).status == "approved"
    staff_id = world["colleague"].staff_id
    assert notifications() == [
        (
            "notification.failed",
            "failed",
            "accessgrant",
            str(grant.pk),
            [f"to staff {staff_id}", "error ConnectionRefusedError"],
        )
    ]


def test_a_refused_recipient_is_recorded_with_the_smtp_code(
    world: dict[str, Any], smtp_server: SmtpServer, django_capture_on_commit_callbacks: Capture
) -> None:
    grant = asked(world)
    smtp_server.inbox.refuse.add(world["colleague"].email)
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, grant, approve=True)
    assert smtp_server.messages == []
    [(action, decision, _, _, reasons)] = notifications()
    assert (action, decision) == ("notification.failed", "failed")
    assert reasons[1:] == ["error SMTPRecipientsRefused", "SMTP code 550"]
    assert AccessGrant.objects.get(pk=grant.pk).status == "approved"


def test_someone_with_no_email_address_is_skipped(
    world: dict[str, Any], smtp_server: SmtpServer, django_capture_on_commit_callbacks: Capture
) -> None:
    StaffMember.objects.filter(pk=world["colleague"].pk).update(email="")
    grant = asked(world)
    with django_capture_on_commit_callbacks(execute=True):
        decide(world, grant, approve=False)
    assert smtp_server.messages == []
    staff_id = world["colleague"].staff_id
    assert notifications() == [
        (
            "notification.skipped",
            "done",
            "accessgrant",
            str(grant.pk),
            [f"to staff {staff_id}", "no email address"],
        )
    ]


def test_a_change_that_rolls_back_sends_nothing(
    world: dict[str, Any], smtp_server: SmtpServer, django_capture_on_commit_callbacks: Capture
) -> None:
    grant = asked(world)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        decide(world, grant, approve=True)
        raise RuntimeError("something after the decision failed")
    assert AccessGrant.objects.get(pk=grant.pk).status == "requested"
    assert smtp_server.messages == []
    assert notifications() == []


# --- alert-emails ---------------------------------------------------------------------------


def privileges_approved(about: StaffMember) -> AuditEntry:
    """The audit entry that raises a "privileges given" alert about `about`."""
    return audit_event(
        origin=Origin(actor_username="test"),
        action="staff.change_approve",
        decision="done",
        object_type="staff",
        object_id=about.staff_id,
    )


def run_alert_emails(capture: Capture) -> str:
    now = timezone.now()
    with capture(execute=True), transaction.atomic():
        return alert_emails(now)(Origin.command("run-jobs"))


def test_alert_emails_go_to_ig_once_and_never_to_the_person_it_is_about(
    world: dict[str, Any], smtp_server: SmtpServer, django_capture_on_commit_callbacks: Capture
) -> None:
    officers = [make_staff(team=world["team"], roles=("ig_officer",)) for _ in range(3)]
    entry = privileges_approved(officers[0])
    assert run_alert_emails(django_capture_on_commit_callbacks) == (
        "1 alert emailed to information governance."
    )
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(o.email for o in officers[1:])
    for message in smtp_server.messages:
        assert message["Subject"] == "A new anomaly alert on the IG dashboard"
        text = text_of(message)
        assert f"Triage it on the IG dashboard: {BASE}/audit/#section-alerts" in text
        assert_nothing_from_the_record(text, world["case"], *officers)
    alert_id = f"privileges_given:{entry.pk}"
    assert {(a, o, i) for a, _, o, i, _ in notifications()} == {
        ("notification.sent", "alert", alert_id)
    }
    # Each alert once: the next run finds nothing new.
    assert run_alert_emails(django_capture_on_commit_callbacks) == ""
    assert len(smtp_server.messages) == 2


def test_a_triaged_alert_is_not_emailed(
    world: dict[str, Any], smtp_server: SmtpServer, django_capture_on_commit_callbacks: Capture
) -> None:
    officer = make_staff(team=world["team"], roles=("ig_officer",))
    entry = privileges_approved(world["colleague"])
    AlertTriage.objects.create(
        rule="privileges_given",
        key=str(entry.pk),
        title="triaged",
        state="dismissed",
        by=officer,
        at=timezone.now(),
    )
    assert run_alert_emails(django_capture_on_commit_callbacks) == ""
    assert smtp_server.messages == []
