"""The FOI officer's request pages: logging (errors name the field, nothing half-saved),
answering, the letter, the disclosure log without the requester; refused to others."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from safekeep.audit.models import AuditEntry
from safekeep.governance.foi.questions import QUESTIONS
from safekeep.governance.models import FoiRequest
from tests.factories import date_boxes, make_staff, make_team, make_user, sign_in

pytestmark = pytest.mark.django_db
SEED_TEXT = "\n\n".join(f"{q.number}. {q.text}" for q in QUESTIONS)


@pytest.fixture
def officer(client: Client) -> Client:
    staff = make_staff(roles=("foi_officer",), staff_id="FOI1", works_with_vulnerable_people=False)
    return sign_in(client, make_user(staff))


def _log(client: Client, **fields: str):
    data = {
        "received_on": "2020-02-11",
        "reference": "6073489",
        "requester_name": "A. Researcher",
        "requester_contact": "researcher@example.org",
        "questions": SEED_TEXT + "\n\nHow many parking permits did you issue?",
        "assigned_to": "",
    }
    data.update(fields)
    return client.post(reverse("governance:foi-request-new"), data)


def test_the_officer_logs_answers_and_responds(officer: Client):
    make_staff(team=make_team("Early Help"))
    response = _log(officer)
    foi = FoiRequest.objects.get()
    assert response.status_code == 302 and foi.questions.count() == 8
    page = reverse("governance:foi-request", args=[foi.pk])
    assert "10 March 2020" in officer.get(page).content.decode()
    officer.post(page, {"form": "prefill", "as_of": "2020-02-24"})
    officer.post(
        page,
        {
            "form": "answer",
            "position": "8",
            "q8-position": "8",
            "q8-answer": "",
            "q8-exemptions": ["s12"],
        },
    )
    response = officer.post(
        page, {"form": "respond", "responded_on": "2020-02-24", "publish": "on"}
    )
    assert response.status_code == 302, response.content.decode()
    text = officer.get(page).content.decode()
    assert "Pre-filled from Safekeep" in text and "23 April 2020 (40 working days)" in text
    letter = officer.get(reverse("governance:foi-request-letter", args=[foi.pk, "html"]))
    assert "Thank you for your request received on 11 February 2020" in letter.content.decode()
    log = officer.get(reverse("governance:foi-disclosure-log-csv")).content.decode()
    rows = list(csv.DictReader(io.StringIO(log)))
    assert len(rows) == 8 and rows[-1]["exemptions"] == "s12"
    assert "Researcher" not in log and "example.org" not in log
    listing = officer.get(reverse("governance:foi-requests")).content.decode()
    assert "6073489" in listing and "100% (1 of 1)" in listing
    assert AuditEntry.objects.filter(action="foi.request.view").count() >= 4


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"received_on": "2999-01-01"}, "The date received cannot be in the future"),
        ({"questions": "  "}, "Enter at least one question the request asks"),
        ({"received_on": "2020-02-30"}, "The date received must be a real date"),
    ],
)
def test_bad_input_is_shown_and_nothing_saved(
    officer: Client, fields: dict[str, str], message: str
):
    response = _log(officer, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not FoiRequest.objects.exists()


def test_others_are_refused_at_the_door(client: Client):
    sign_in(client, make_user(make_staff()))
    assert client.get(reverse("governance:foi-requests")).status_code == 403
    assert client.get(reverse("governance:foi-disclosure-log-csv")).status_code == 403


def test_the_day_offered_is_written_as_it_is_typed(officer: Client):
    _log(officer)
    page = officer.get(reverse("governance:foi-request", args=[FoiRequest.objects.get().pk]))
    from django.utils import timezone

    today = timezone.localdate()
    assert date_boxes(page.content.decode(), "as_of") == (
        str(today.day),
        str(today.month),
        str(today.year),
    )
