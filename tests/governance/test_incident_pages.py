"""The incident pages: IG's list and incident page with its forms, recording an incident, and a
team manager's one-form report of a personal phone number shared."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safekeep.audit.models import AuditEntry
from safekeep.governance.models import Incident
from safekeep.organisation.models import StaffMember, Team
from tests.factories import make_staff, make_team, make_user, sign_in

pytestmark = pytest.mark.django_db


def client_for(*roles: str, team: Team | None = None) -> tuple[Client, StaffMember]:
    staff = make_staff(roles=roles, team=team)
    return sign_in(Client(), make_user(staff), device=None), staff


def incident(**fields: object) -> Incident:
    values: dict[str, object] = {
        "category": "lost_device",
        "occurred_on": dt.date(2026, 11, 2),
        "reported_on": dt.date(2026, 11, 2),
        "summary": "Phone left on a bus",
        "source": "manual",
    }
    values.update(fields)
    return Incident.objects.create(**values)


def test_only_information_governance_opens_the_incident_pages():
    client, practitioner = client_for("practitioner")
    lost = incident()
    for url in (
        reverse("governance:incidents"),
        reverse("governance:incident-new"),
        reverse("governance:incident", args=[lost.pk]),
        reverse("governance:incident", args=[lost.pk + 100]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert (
            "Only information governance can see and work on incidents."
            in response.content.decode()
        )
    refused = AuditEntry.objects.filter(decision="refused").order_by("id")
    assert [(e.action, e.object_id) for e in refused] == [
        ("staff.run_incidents", practitioner.staff_id),
        ("staff.run_incidents", practitioner.staff_id),
        ("incident.run_incidents", str(lost.pk)),
        ("staff.run_incidents", practitioner.staff_id),
    ]
    assert Client().get(reverse("governance:incidents")).status_code == 302


def test_the_list_filters_by_category_and_open_and_names_people_by_name_and_role():
    client, _ = client_for("ig_officer")
    worker = make_staff(
        roles=("team_manager",),
        given_name="Ada",
        family_name="Lovelace",
        team=make_team("Early Help"),
    )
    incident(staff=worker)
    incident(category="other", summary="Door propped open")
    incident(
        category="lost_device", summary="Closed one", closed_at=timezone.now(), outcome="Found"
    )
    page = client.get(reverse("governance:incidents")).content.decode()
    assert "Phone left on a bus" in page and "Door propped open" in page
    assert "Closed one" not in page
    assert f"Ada Lovelace, Team manager, Early Help ({worker.staff_id})" in page
    page = client.get(reverse("governance:incidents"), {"category": "other"}).content.decode()
    assert "Door propped open" in page and "Phone left on a bus" not in page
    page = client.get(reverse("governance:incidents"), {"state": "closed"}).content.decode()
    assert "Closed one" in page and "Door propped open" not in page


def test_ig_records_a_breach_and_its_page_counts_down_in_london_time():
    client, ig = client_for("ig_officer")
    response = client.post(reverse("governance:incident-new"), {"category": "data_breach"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and "govuk-form-group--error" in page
    assert "Enter the day it happened" in page
    assert "Say briefly what happened" in page
    # Typed to the minute: 70 hours and under a minute are left.
    aware = timezone.localtime() - dt.timedelta(hours=2) + dt.timedelta(minutes=1)
    response = client.post(
        reverse("governance:incident-new"),
        {
            "category": "data_breach",
            "occurred_on": aware.date().isoformat(),
            "summary": "Report emailed to the wrong parent",
            "aware_at": aware.strftime("%Y-%m-%d %H:%M"),
            "severity": "high",
        },
    )
    breach = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("governance:incident", args=[breach.pk])
    assert (breach.reported_by, breach.source, breach.severity) == (ig, "manual", "high")
    page = client.get(response["Location"]).content.decode()
    deadline = timezone.localtime(breach.aware_at + dt.timedelta(hours=72))
    assert f"The ICO must be told by {deadline:%-d %B %Y at %H:%M}" in page
    assert "ICO: 70 hours left" in page
    assert "govuk-tag--yellow" in page
    assert "Report to the ICO?" in page


def test_an_overdue_breach_is_shown_in_red():
    client, _ = client_for("ig_officer")
    incident(category="data_breach", aware_at=timezone.now() - dt.timedelta(hours=73))
    page = client.get(reverse("governance:incidents")).content.decode()
    assert "Breaches waiting for the ICO decision" in page
    assert '<strong class="govuk-tag govuk-tag--red">ICO deadline passed: overdue by 1 hour' in page


def test_the_ico_decision_action_and_closure_forms():
    client, ig = client_for("ig_officer")
    breach = incident(category="data_breach", aware_at=timezone.now() - dt.timedelta(hours=1))
    url = reverse("governance:incident", args=[breach.pk])
    short = client.post(url, {"form": "ico", "decision": "report", "reasons": "Risky"})
    assert short.status_code == 400
    assert "Give the reasons for the decision in at least 20 characters" in short.content.decode()
    response = client.post(
        url,
        {"form": "ico", "decision": "report", "reasons": "A child's address reached a stranger"},
    )
    assert response.status_code == 302
    client.post(url, {"form": "action", "text": "Phoned the ICO helpline"})
    client.post(url, {"form": "close", "outcome": "ICO satisfied with the steps taken"})
    breach.refresh_from_db()
    assert (breach.ico_decision, breach.ico_decided_by, breach.closed_by) == ("report", ig, ig)
    page = client.get(url).content.decode()
    assert "Report to the ICO: decided by" in page
    assert "Phoned the ICO helpline" in page
    assert "Closed on" in page and "Close the incident" not in page
    actions = AuditEntry.objects.filter(object_type="incident").order_by("id")
    assert [e.action for e in actions] == [
        "incident.ico_decision",
        "incident.action",
        "incident.close",
    ]
    assert client.post(url, {"form": "nonsense"}).status_code == 404


def test_a_team_manager_reports_a_number_shared_in_one_form_from_start_and_team_pages():
    team = make_team("Early Help")
    client, manager = client_for("team_manager", team=team)
    worker = make_staff(team=team, given_name="Sam", family_name="Example")
    make_staff(team=make_team("Other team"), given_name="Not", family_name="Mine")
    form_url = reverse("governance:number-shared")
    assert form_url in client.get(reverse("web:start")).content.decode()
    assert form_url in client.get(reverse("organisation:team")).content.decode()
    page = client.get(form_url).content.decode()
    assert f"Sam Example ({worker.staff_id})" in page
    assert "Not Mine" not in page
    empty = client.post(form_url, {})
    assert empty.status_code == 400
    assert "Choose who shared their number" in empty.content.decode()
    response = client.post(
        form_url,
        {
            "staff": str(worker.pk),
            "occurred_on": "2026-11-20",
            "summary": "Gave a parent her mobile number to arrange a visit",
        },
        follow=True,
    )
    assert "Recorded: Sam Example shared their personal phone number." in response.content.decode()
    shared = Incident.objects.get()
    assert (shared.category, shared.staff, shared.reported_by) == (
        "personal_number_shared",
        worker,
        manager,
    )
    assert (shared.occurred_on, shared.source) == (dt.date(2026, 11, 20), "manual")
    entry = AuditEntry.objects.get(action="incident.record")
    assert entry.reasons == [
        "personal_number_shared",
        "source: manual",
        f"involving {worker.staff_id}",
    ]


def test_someone_who_is_not_a_team_manager_cannot_report_a_number_shared():
    client, _ = client_for("practitioner")
    response = client.get(reverse("governance:number-shared"))
    assert response.status_code == 403
    assert "Only the manager of a person&#x27;s team" in response.content.decode()
    manager_client, _ = client_for("team_manager")
    outsider = make_staff()
    response = manager_client.post(
        reverse("governance:number-shared"),
        {"staff": str(outsider.pk), "occurred_on": "2026-11-20", "summary": "Shared it"},
    )
    assert response.status_code == 400
    assert not Incident.objects.exists()


def test_information_governance_is_sent_to_the_full_form_with_the_category_chosen():
    client, _ = client_for("ig_officer")
    response = client.get(reverse("governance:number-shared"))
    assert response.status_code == 302
    assert (
        response["Location"]
        == reverse("governance:incident-new") + "?category=personal_number_shared"
    )
    page = client.get(response["Location"]).content.decode()
    assert 'value="personal_number_shared" checked' in page


def test_the_ig_dashboard_shows_open_incidents_breach_clocks_and_incidents_per_month():
    client, _ = client_for("ig_officer")
    empty = client.get(reverse("audit:dashboard")).content.decode()
    assert "No data breach is waiting for the ICO decision." in empty
    assert "There are no open incidents." in empty
    assert "No incidents recorded in this period." in empty
    today = timezone.localdate()
    incident(occurred_on=today, reported_on=today)
    incident(occurred_on=today, reported_on=today)
    breach = incident(
        category="data_breach",
        occurred_on=today,
        reported_on=today,
        aware_at=timezone.now() - dt.timedelta(hours=73),
    )
    incident(category="stolen_device", closed_at=timezone.now(), outcome="Recovered")
    page = client.get(reverse("audit:dashboard")).content.decode()
    assert "1 data breach waiting for the decision whether to report to the ICO" in page
    assert reverse("governance:incident", args=[breach.pk]) in page
    assert "ICO deadline passed: overdue by 1 hour" in page
    lost = f'{reverse("governance:incidents")}?category=lost_device&amp;state=open">Lost device</a>'
    assert lost in page
    assert "Stolen device</a>" not in page  # closed: not open any more
    chart = page[page.index('id="section-incidents-per-month"') :]
    assert "No incidents recorded in this period." not in chart[: chart.index("</section>")]
