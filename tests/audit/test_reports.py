"""IG reports and CSV export: who may see them, what they list, and that viewing is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin, audit_event
from tests.factories import make_staff, make_user, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ig(client: Client) -> Client:
    return sign_in(client, make_user(make_staff(roles=("ig_officer",))))


def entry(actor: str, subject: str, decision: str = "allowed", **extra: str) -> None:
    audit_event(
        origin=Origin(actor_staff_id=actor, device="LAP-9", source_address="10.0.0.9"),
        action=extra.pop("action", "case.view"),
        decision=decision,
        object_type="case",
        object_id=extra.pop("case", "C000001"),
        subject_id=subject,
        reasons=[extra.pop("reason", "allocated worker since 2026-03-01")],
    )


def test_reports_are_for_ig_officers_only(client: Client) -> None:
    sign_in(client, make_user(make_staff(roles=("practitioner",))))
    for name in ("dashboard", "subject-report", "staff-report", "refusals-report"):
        response = client.get(reverse(f"audit:{name}"))
        assert response.status_code == 403
    client.logout()
    assert client.get(reverse("audit:dashboard")).status_code == 302


def test_who_accessed_a_subject(ig: Client) -> None:
    entry("S00001", "P1")
    entry("S00002", "P1", decision="refused", reason="not allocated to this case")
    entry("S00003", "P2")
    response = ig.get(reverse("audit:subject-report"), {"subject_id": "P1"})
    html = response.content.decode()
    assert "S00001" in html and "S00002" in html and "S00003" not in html
    assert "Not allocated to this case" in html
    assert "2 entries" in html
    recorded = AuditEntry.objects.get(action="audit.report_subject")
    assert recorded.reasons == ["subject_id=P1"]


def test_report_csv_export_escapes_formulas(ig: Client) -> None:
    entry("S00001", "P1", reason="=HYPERLINK(evil)")
    response = ig.get(reverse("audit:subject-report"), {"subject_id": "P1", "format": "csv"})
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == 'attachment; filename="audit-subject.csv"'
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("sequence,time,actor_staff_id,actor_username,device")
    assert "'=HYPERLINK(evil)" in lines[1]
    assert AuditEntry.objects.filter(action="audit.report_subject_csv").count() == 1


def test_one_staff_members_activity_in_a_period(ig: Client) -> None:
    entry("S00001", "P1", case="C1")
    entry("S00001", "P2", case="C2")
    entry("S00009", "P3", case="C3")
    today = timezone.localdate().isoformat()
    response = ig.get(
        reverse("audit:staff-report"),
        {"staff_id": "S00001", "date_from": today, "date_to": today},
    )
    html = response.content.decode()
    assert "case C1" in html and "case C2" in html and "case C3" not in html
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    later = ig.get(
        reverse("audit:staff-report"),
        {"staff_id": "S00001", "date_from": tomorrow, "date_to": tomorrow},
    )
    assert "Nothing recorded matches." in later.content.decode()


def test_refusals_only(ig: Client) -> None:
    entry("S00001", "P1", case="C1")
    entry("S00002", "P2", decision="refused", case="C2", reason="device is not encrypted")
    today = timezone.localdate().isoformat()
    html = ig.get(
        reverse("audit:refusals-report"), {"date_from": today, "date_to": today}
    ).content.decode()
    assert "Device is not encrypted" in html and "case C1" not in html


def test_report_form_errors_use_the_govuk_pattern(ig: Client) -> None:
    response = ig.get(
        reverse("audit:staff-report"),
        {"staff_id": "", "date_from": "2026-11-31", "date_to": "2026-11-01"},
    )
    html = response.content.decode()
    assert "There is a problem" in html
    assert "govuk-form-group--error" in html
    assert "Enter the staff ID" in html
    assert "The start date must be a real date" in html
    response = ig.get(
        reverse("audit:refusals-report"), {"date_from": "2026-11-02", "date_to": "2026-11-01"}
    )
    assert "The end date must be the same as or after the start date" in response.content.decode()


def test_dashboard_lists_reports_and_is_audited(ig: Client) -> None:
    html = ig.get(reverse("audit:dashboard")).content.decode()
    assert "Who has accessed a subject's records" in html
    assert "No alerts." in html
    assert AuditEntry.objects.filter(action="audit.dashboard").count() == 1
