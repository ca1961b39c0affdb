"""Triaging anomaly alerts: acknowledge or dismiss with a note, audited, IG only, and never
an alert about oneself."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safekeep.access import door
from safekeep.access.door import AccessRefused
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin, audit_event
from safekeep.governance import alerts, selectors, services
from safekeep.governance.errors import GovernanceError
from safekeep.governance.models import AlertTriage
from safekeep.organisation.models import StaffMember
from tests.factories import TEST_ORIGIN, laptop_context, make_case, make_staff, make_user, sign_in

pytestmark = pytest.mark.django_db


def restricted_refusal(nosy: StaffMember) -> alerts.Alert:
    """A refused look at a restricted subject's case by someone not allocated: one alert."""
    case = make_case(restricted=True)
    audit_event(
        origin=Origin(actor_staff_id=nosy.staff_id),
        action="case.view",
        decision="refused",
        object_type="case",
        object_id=case.case_id,
        subject_id=case.subject.subject_id,
    )
    [alert] = alerts.restricted_access(timezone.now()).alerts
    return alert


def triage_access(staff: StaffMember, alert: alerts.Alert) -> door.DutyAccess:
    found = selectors.alert_raised(alert.rule, alert.key, timezone.now())
    assert found is not None
    return door.alert_triage_access(
        staff=staff,
        alert=selectors.triage_name(alert),
        about=found[1],
        context=laptop_context(),
        origin=TEST_ORIGIN,
    )


def triage(staff: StaffMember, alert: alerts.Alert, state: str, note: str = "") -> AlertTriage:
    return services.alert_triage(
        access=triage_access(staff, alert), alert=alert, state=state, note=note
    )


def test_acknowledge_then_dismiss_with_a_note_is_kept_and_audited() -> None:
    ig = make_staff(roles=("ig_officer",))
    alert = restricted_refusal(make_staff())
    before = AuditEntry.objects.count()

    first = triage(ig, alert, "acknowledged", "  Asked their manager.  ")
    assert (first.state, first.note, first.by, first.title) == (
        "acknowledged",
        "Asked their manager.",
        ig,
        alert.title,
    )
    second = triage(ig, alert, "dismissed", "Manager confirms a mistyped case id.")

    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [(e.action, e.decision, e.object_type) for e in entries] == [
        ("alert.acknowledge", "done", "alert"),
        ("alert.dismiss", "done", "alert"),
    ]
    assert entries[0].object_id == f"restricted:{alert.key}"
    assert entries[0].actor_staff_id == ig.staff_id
    assert entries[0].reasons == ["information governance", alert.title]
    [board] = [
        b for b in selectors.alert_board(alerts.evaluate_all()) if b.result.rule == "restricted"
    ]
    assert board.open == [] and board.acknowledged == []
    assert [step.pk for step in board.dismissed[0].steps] == [first.pk, second.pk]


def test_dismissing_needs_a_note_and_happens_once() -> None:
    ig = make_staff(roles=("ig_officer",))
    alert = restricted_refusal(make_staff())
    with pytest.raises(GovernanceError, match=r"^Enter a note saying why the alert is dismissed$"):
        triage(ig, alert, "dismissed", "   ")
    triage(ig, alert, "dismissed", "Test account.")
    with pytest.raises(GovernanceError, match=r"^This alert has already been dismissed$"):
        triage(ig, alert, "acknowledged")
    assert AlertTriage.objects.count() == 1


def test_acknowledging_happens_once_and_needs_no_note() -> None:
    ig = make_staff(roles=("ig_officer",))
    alert = restricted_refusal(make_staff())
    triage(ig, alert, "acknowledged")
    with pytest.raises(GovernanceError, match=r"^This alert has already been acknowledged$"):
        triage(ig, alert, "acknowledged", "again")
    with pytest.raises(GovernanceError, match=r"^Choose acknowledge or dismiss$"):
        triage(ig, alert, "reopened")
    assert AlertTriage.objects.count() == 1


def test_only_information_governance_triages_and_never_about_themselves() -> None:
    practitioner = make_staff()
    ig = make_staff(roles=("ig_officer",))
    alert = restricted_refusal(ig)  # the IG officer themself looked at a restricted case
    with pytest.raises(AccessRefused, match="only information governance can acknowledge"):
        triage_access(practitioner, alert)
    with pytest.raises(AccessRefused, match="an alert about what you did is for another") as own:
        triage_access(ig, alert)
    assert own.value.title == "You cannot acknowledge or dismiss this alert"
    left = make_staff(roles=("ig_officer",), end_date=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(AccessRefused):
        triage_access(left, alert)
    refused = AuditEntry.objects.filter(action="alert.triage_alert", decision="refused")
    assert [e.actor_staff_id for e in refused.order_by("id")] == [
        practitioner.staff_id,
        ig.staff_id,
        left.staff_id,
    ]
    assert refused.first().object_id == f"restricted:{alert.key}"  # type: ignore[union-attr]
    assert triage_access(make_staff(roles=("ig_officer",)), alert).decision.allowed
    assert not AlertTriage.objects.exists()


@pytest.fixture
def ig_client(client: Client) -> tuple[Client, StaffMember]:
    staff = make_staff(roles=("ig_officer",), given_name="Iris", family_name="Grant")
    return sign_in(client, make_user(staff)), staff


def test_the_dashboard_triages_an_alert(ig_client: tuple[Client, StaffMember]) -> None:
    client, _ = ig_client
    alert = restricted_refusal(make_staff())
    page = client.get(reverse("audit:dashboard")).content.decode()
    assert "1 alert needs review." in page and f'value="{alert.key}"' in page

    before = AuditEntry.objects.count()
    response = client.post(
        reverse("audit:alert-triage"),
        {"rule": alert.rule, "key": alert.key, "state": "acknowledged", "note": "Looking."},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("audit:dashboard") + "#section-alerts"
    assert list(AuditEntry.objects.order_by("id")[before:].values_list("action", "decision")) == [
        ("alert.acknowledge", "done")
    ]
    page = client.get(reverse("audit:dashboard")).content.decode()
    assert "No alert needs review." in page
    assert "Acknowledged by Iris Grant on " in page and "“Looking.”" in page


def test_the_dashboard_shows_a_problem_again(
    ig_client: tuple[Client, StaffMember], settings: Any
) -> None:
    client, _ = ig_client
    alert = restricted_refusal(make_staff())
    url = reverse("audit:alert-triage")
    no_note = client.post(url, {"rule": alert.rule, "key": alert.key, "state": "dismissed"})
    assert no_note.status_code == 400
    assert "Enter a note saying why the alert is dismissed" in no_note.content.decode()
    no_choice = client.post(url, {"rule": alert.rule, "key": alert.key, "note": "x"})
    assert "Choose acknowledge or dismiss" in no_choice.content.decode()
    gone = client.post(url, {"rule": alert.rule, "key": "999999", "state": "acknowledged"})
    assert gone.status_code == 400 and "This alert is no longer raised" in gone.content.decode()
    assert not AlertTriage.objects.exists()


def test_someone_not_in_information_governance_cannot_triage(client: Client) -> None:
    sign_in(client, make_user(make_staff(roles=("team_manager",))))
    alert = restricted_refusal(make_staff())
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("audit:alert-triage"),
        {"rule": alert.rule, "key": alert.key, "state": "dismissed", "note": "Nothing."},
    )
    assert response.status_code == 403
    assert list(AuditEntry.objects.order_by("id")[before:].values_list("action", "decision")) == [
        ("page.open", "refused")
    ]
    assert not AlertTriage.objects.exists()


def test_a_new_fact_raises_a_new_alert_but_the_same_facts_keep_their_key() -> None:
    staff = make_staff()
    first = restricted_refusal(staff)
    assert [a.key for a in alerts.restricted_access(timezone.now()).alerts] == [first.key]
    case = make_case(restricted=True)
    audit_event(
        origin=Origin(actor_staff_id=staff.staff_id),
        action="case.view",
        decision="refused",
        object_type="case",
        object_id=case.case_id,
        subject_id=case.subject.subject_id,
    )
    keys = [a.key for a in alerts.restricted_access(timezone.now()).alerts]
    assert len(keys) == 2 and keys[0] == first.key
