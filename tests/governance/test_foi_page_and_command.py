"""The FOI officer's page and `safekeep foi-report`: who may run it, the answers in words,
each format, bad input, and the audit entry every run and download leaves."""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import io
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from safekeep.audit.models import AuditEntry
from safekeep.devices.models import DeviceComplaint
from safekeep.governance.foi import foi_report
from safekeep.governance.foi.letter import answered
from safekeep.governance.foi.questions import DASH, QUESTIONS
from tests.devices.helpers import make_device
from tests.factories import make_staff, make_team, make_user, sign_in

pytestmark = pytest.mark.django_db


def _council() -> None:
    """Three counted people in two directorates, with a laptop, a phone and a complaint."""
    family, adults = make_team("Early Help"), make_team("Reablement", "Adults and Health")
    ann = make_staff(team=family)
    make_staff(team=family, work_pattern="remote")
    make_staff(team=adults)
    make_staff(team=adults, employment_type="agency")
    make_device(asset_tag="LAP-1", assigned_staff=ann)
    make_device(asset_tag="PHN-1", device_type="smartphone", assigned_staff=ann)
    DeviceComplaint.objects.create(
        reported_on=timezone.localdate(), staff=ann, category="device_fault", summary="Slow"
    )


@pytest.fixture
def foi_officer(client: Client) -> Client:
    officer = make_staff(
        roles=("foi_officer",), staff_id="FOI1", works_with_vulnerable_people=False
    )
    return sign_in(client, make_user(officer))


def test_the_answers_in_words_never_information_not_held():
    _council()
    words = {
        item.question.number: item.answer for item in answered(foi_report(timezone.localdate()))
    }
    assert words["1a"] == "Total = 3, 2 are in Family Services and 1 is in Adults and Health"
    assert words["1b"].startswith("All 3 above are remote or flexible workers")
    assert words["1c"] == (
        "Yes, staff have access to these: smartphone and laptop computer. "
        "Not provided: basic mobile phone, tablet and desktop computer."
    )
    assert words["1d"] == "Yes to all the above"
    assert words["1e"].startswith("1 complaint was recorded in the 12 months to ")
    assert words["1f"].startswith(
        f"Yes, we prevent some tasks {DASH} on their own devices these employees may not save "
        "information to the device or contact clients; they may access central records, "
    )
    assert words["1g"] == (
        "No: there have been no incidents recorded of these employees sharing their personal "
        "mobile phone number for work purposes."
    )
    assert not any("not held" in answer for answer in words.values())


def test_the_seed_figures_read_as_the_council_wrote_them():
    family, adults = make_team("Early Help"), make_team("Reablement", "Adults and Health")
    for team, count in ((family, 373), (adults, 218)):
        for _ in range(count):
            make_staff(team=team)
    words = answered(foi_report(timezone.localdate()))
    assert (
        words[0].answer
        == "Total = 591, 373 are in Family Services and 218 are in Adults and Health"
    )


def test_the_page_quotes_every_question_and_answers_it(foi_officer: Client):
    _council()
    response = foi_officer.get(reverse("governance:foi-report"))
    assert response.status_code == 200
    html = response.content.decode()
    for question in QUESTIONS:
        assert question.text.replace("'", "&#x27;") in html
    assert "Total = 3, 2 are in Family Services and 1 is in Adults and Health" in html
    assert "not held" not in html
    entry = AuditEntry.objects.get(action="foi.report")
    assert (entry.actor_staff_id, entry.decision) == ("FOI1", "allowed")
    assert entry.reasons == [f"as_of={timezone.localdate().isoformat()}", "format=page"]


def test_a_past_day_and_a_bad_one(foi_officer: Client):
    _council()
    response = foi_officer.get(
        reverse("governance:foi-report"),
        {"as_of_day": "1", "as_of_month": "1", "as_of_year": "2021"},
    )
    assert "Answers as at 1 January 2021" in response.content.decode()
    assert "Total = 0: no employees" not in response.content.decode()  # they started in 2020
    for query, message in [
        (
            {"as_of_day": "31", "as_of_month": "2", "as_of_year": "2026"},
            "The date must be a real date",
        ),
        (
            {"as_of_day": "x", "as_of_month": "2", "as_of_year": "2026"},
            "The date must be a real date",
        ),
        (
            {"as_of_day": "3", "as_of_month": "", "as_of_year": "2026"},
            "The date must include a month",
        ),
        (
            {"as_of_day": "1", "as_of_month": "1", "as_of_year": "2999"},
            "The date must be today or in the past",
        ),
    ]:
        response = foi_officer.get(reverse("governance:foi-report"), query)
        html = response.content.decode()
        assert response.status_code == 400, query
        assert (
            "There is a problem" in html and message in html and "govuk-form-group--error" in html
        )
    assert AuditEntry.objects.filter(action="foi.report").count() == 1


@pytest.mark.parametrize(
    ("fmt", "content_type", "starts"),
    [
        ("pdf", "application/pdf", b"%PDF-"),
        ("html", "text/html; charset=utf-8", b"<!DOCTYPE html>"),
        ("csv", "text/csv; charset=utf-8", b"as_of,question,field,value\r\n"),
        ("json", "application/json", b"{"),
    ],
)
def test_downloads(foi_officer: Client, fmt: str, content_type: str, starts: bytes):
    _council()
    query = {"as_of_day": "23", "as_of_month": "11", "as_of_year": "2025"}
    response = foi_officer.get(reverse("governance:foi-download", args=[fmt]), query)
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="foi-report-2025-11-23.{fmt}"'
    assert response.content.startswith(starts)
    entry = AuditEntry.objects.get(action="foi.report")
    assert entry.reasons == ["as_of=2025-11-23", f"format={fmt}"]


def test_the_csv_holds_every_field_of_the_json(foi_officer: Client):
    _council()
    today = timezone.localdate().isoformat()
    rows = list(
        csv.reader(
            io.StringIO(
                foi_officer.get(reverse("governance:foi-download", args=["csv"])).content.decode()
            )
        )
    )
    assert rows[0] == ["as_of", "question", "field", "value"]
    assert [today, "q1a", "by_directorate.Adults and Health", "1"] in rows
    assert [today, "q1c", "provided_device_types", "laptop;smartphone"] in rows
    assert [today, "q1d", "personal_use", "true"] in rows
    assert [today, "q1g", "last_12_months", "0"] in rows
    assert len(rows) == 1 + 2 + 1 + 1 + 8 + 1 + 3 + 2 + 1  # header, q1a..q1g leaves (3 in q1a)


def test_who_may_run_it(client: Client):
    ig = make_user(make_staff(roles=("ig_officer",)))
    assert sign_in(client, ig).get(reverse("governance:foi-report")).status_code == 200
    for roles in [("practitioner",), ("it_support",), ("sysadmin",), ("team_manager",)]:
        client.logout()
        person = make_staff(roles=roles)
        sign_in(client, make_user(person))
        for url in [
            reverse("governance:foi-report"),
            reverse("governance:foi-download", args=["pdf"]),
        ]:
            response = client.get(url)
            assert response.status_code == 403, roles
            assert "You cannot run the FOI report" in response.content.decode()
        refused = AuditEntry.objects.filter(actor_staff_id=person.staff_id, decision="refused")
        assert refused.count() == 2
        assert refused.first().reasons == [  # type: ignore[union-attr]
            "only an FOI officer or information governance can run the FOI report"
        ]
    leaver = make_staff(roles=("foi_officer",), end_date=dt.date(2020, 6, 1))
    client.logout()
    user = make_user(leaver)
    client.force_login(user)
    assert client.get(reverse("governance:foi-report")).status_code in {302, 403}
    assert AuditEntry.objects.filter(action="foi.report").count() == 1  # only IG's


def test_the_start_page_and_menu_lead_the_foi_officer_to_it(foi_officer: Client):
    html = foi_officer.get("/").content.decode()
    assert "There is nothing to do here yet" not in html
    assert f'href="{reverse("governance:foi-report")}"' in html


def test_the_command_in_every_format(tmp_path: Path):
    _council()
    out = StringIO()
    call_command("foi_report", "--format", "json", "--as-of", "2025-11-23", stdout=out)
    answer = json.loads(out.getvalue())
    assert answer["as_of"] == "2025-11-23"
    assert answer["q1a"] == {
        "total": 3,
        "by_directorate": {"Adults and Health": 1, "Family Services": 2},
    }
    for fmt in ("csv", "html", "pdf"):
        target = tmp_path / f"report.{fmt}"
        call_command("foi_report", "--format", fmt, "--output", str(target), stderr=StringIO())
        assert target.stat().st_size > 0
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
    assert "Total = 3, 2 are in Family Services" in (tmp_path / "report.html").read_text()
    entries = AuditEntry.objects.filter(action="foi.report").order_by("pk")
    assert [e.reasons[1] for e in entries] == [
        "format=json",
        "format=csv",
        "format=html",
        "format=pdf",
    ]
    assert all(
        e.actor_username == f"command:foi-report (operating-system user {getpass.getuser()})"
        for e in entries
    )


def test_the_command_refuses_bad_input_and_names_its_actor():
    ann = make_staff(staff_id="S1", roles=("foi_officer",))
    with pytest.raises(CommandError, match="--as-of '2026-13-01' is not a real date in the form"):
        call_command("foi_report", "--format", "json", "--as-of", "2026-13-01")
    with pytest.raises(CommandError, match=r"--as-of: 2999-01-01 is in the future"):
        call_command("foi_report", "--format", "json", "--as-of", "2999-01-01")
    with pytest.raises(CommandError, match="there is no member of staff with that staff id"):
        call_command("foi_report", "--format", "json", "--actor", "NOBODY")
    assert not AuditEntry.objects.filter(action="foi.report").exists()
    call_command("foi_report", "--format", "json", "--actor", ann.staff_id, stdout=StringIO())
    assert AuditEntry.objects.get(action="foi.report").actor_staff_id == "S1"
