"""Case pages: thin views over the services; refusals are 403 with the reasons in words."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from safekeep.audit.models import AuditEntry
from safekeep.records.models import BreakGlass, Entry
from safekeep.records.services import subject_details_set
from tests.factories import make_case, make_staff, make_team, make_user, sign_in
from tests.records.opened import body_bytes, family_name, text

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    team = make_team("Children North")
    worker = make_staff(team=team)
    stranger = make_staff(team=make_team("Elsewhere"))
    manager = make_staff(team=team, roles=("team_manager",))
    ig = make_staff(team=team, roles=("ig_officer",))
    case = make_case(team=team, allocated=(worker,))
    for person in (worker, stranger, manager, ig):
        make_user(person)
    return {
        "team": team,
        "worker": worker,
        "stranger": stranger,
        "manager": manager,
        "ig": ig,
        "case": case,
    }


def normalise(body: str, case_id: str) -> str:
    """The page with the case id and per-response CSRF tokens blanked out."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
    return body.replace(case_id, "X")


def as_(client, staff):
    return sign_in(client, staff.user)


def test_caseload_lists_only_visible_cases_and_search_is_exact(client, world):
    hidden = make_case(team=make_team("Hidden"))
    name = family_name(world["case"])
    subject_details_set(
        subject=hidden.subject, given_name="Other", family_name=name, date_of_birth=None
    )
    response = as_(client, world["worker"]).get("/cases/")
    assert response.status_code == 200
    assert world["case"].case_id in response.content.decode()
    assert hidden.case_id not in response.content.decode()
    found = client.get("/cases/", {"q": name.upper()})
    body = found.content.decode()
    assert "1 matching case" in body and hidden.case_id not in body
    partial = client.get("/cases/", {"q": name[:-1]})
    assert "No cases you can see match that name." in partial.content.decode()


def test_caseload_needs_sign_in(client):
    assert client.get("/cases/").status_code == 302


def test_case_page_for_allocated_worker(client, world):
    response = as_(client, world["worker"]).get(f"/cases/{world['case'].case_id}/")
    assert response.status_code == 200
    assert "Allocated worker since 2025-01-01" in response.content.decode()


def test_refusal_says_why_and_what_to_do(client, world):
    response = as_(client, world["stranger"]).get(f"/cases/{world['case'].case_id}/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "You are not allocated to this case and have no approved access to it" in body
    assert "Ask your team manager for time-limited access." in body
    assert family_name(world["case"]) not in body


def test_missing_case_answers_like_a_forbidden_one(client, world):
    client = as_(client, world["stranger"])
    real = client.get(f"/cases/{world['case'].case_id}/").content.decode()
    missing = client.get("/cases/C999999/")
    assert missing.status_code == 403
    assert normalise(missing.content.decode(), "C999999") == normalise(real, world["case"].case_id)


def test_add_entry_page(client, world):
    client = as_(client, world["worker"])
    url = f"/cases/{world['case'].case_id}/entries/add/"
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "entry_type": "case_note",
            "contact_day": "2",
            "contact_month": "11",
            "contact_year": "2026",
            "contact_time": "10am",
            "title": "",
        },
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "There is a problem" in body and "govuk-form-group--error" in body
    assert "Enter a title" in body
    ok = client.post(
        url,
        {
            "entry_type": "case_note",
            "contact_day": "2",
            "contact_month": "11",
            "contact_year": "2026",
            "contact_time": "10am",
            "title": "Home visit",
            "body": "All well",
        },
    )
    assert ok.status_code == 302
    assert text(Entry.objects.get().versions.get()) == ("Home visit", "All well")


def test_edit_entry_page_makes_a_version(client, world):
    client = as_(client, world["worker"])
    client.post(
        f"/cases/{world['case'].case_id}/entries/add/",
        {
            "entry_type": "case_note",
            "contact_day": "2",
            "contact_month": "11",
            "contact_year": "2026",
            "contact_time": "10am",
            "title": "One",
            "body": "a",
        },
    )
    entry = Entry.objects.get()
    url = f"/cases/{world['case'].case_id}/entries/{entry.pk}/edit/"
    edit = {"entry_type": "home_visit", "contact_time": "10am", "title": "Two", "body": "b"}
    edit |= {"contact_day": "2", "contact_month": "11", "contact_year": "2026"}
    assert client.post(url, edit).status_code == 302
    page = client.get(f"/cases/{world['case'].case_id}/").content.decode()
    assert "Two" in page and "Earlier versions" in page


def test_upload_and_download_document(client, world):
    client = as_(client, world["worker"])
    url = f"/cases/{world['case'].case_id}/documents/add/"
    bad = client.post(url, {"title": "Bad", "file": SimpleUploadedFile("x.exe", b"MZ")})
    assert bad.status_code == 400
    assert "The selected file must be a PDF, PNG, JPEG, DOCX or TXT" in bad.content.decode()
    ok = client.post(url, {"title": "Letter", "file": SimpleUploadedFile("l.txt", b"hello")})
    assert ok.status_code == 302
    entry = Entry.objects.get()
    download = f"/cases/{world['case'].case_id}/entries/{entry.pk}/download/"
    got = client.get(download)
    assert (got.status_code, body_bytes(got), got["Content-Type"]) == (200, b"hello", "text/plain")
    assert got["Content-Disposition"] == 'attachment; filename="l.txt"'
    stranger = as_(client, world["stranger"]).get(download)
    assert stranger.status_code == 403 and b"hello" not in stranger.content


def test_break_glass_page_then_view_only(client, world):
    client = as_(client, world["stranger"])
    url = f"/cases/{world['case'].case_id}/break-glass/"
    short = client.post(url, {"reason": "now"})
    assert (
        "Give the reason for emergency access in at least 20 characters" in short.content.decode()
    )
    assert client.post(url, {"reason": "Police called about a missing child"}).status_code == 302
    assert client.get(f"/cases/{world['case'].case_id}/").status_code == 200
    add = client.get(f"/cases/{world['case'].case_id}/entries/add/")
    assert add.status_code == 403
    assert "Break-glass access allows viewing only" in add.content.decode()
    queue = as_(client, world["ig"]).get("/cases/break-glass-reviews/")
    assert world["case"].case_id in queue.content.decode()
    glass = BreakGlass.objects.get()
    assert (
        client.post(
            "/cases/break-glass-reviews/", {"glass": glass.pk, "outcome": "justified"}
        ).status_code
        == 302
    )
    glass.refresh_from_db()
    assert glass.outcome == "justified"


def test_break_glass_queue_is_for_ig_only(client, world):
    assert as_(client, world["manager"]).get("/cases/break-glass-reviews/").status_code == 403


def test_grant_request_and_approval_pages(client, world):
    client = as_(client, world["stranger"])
    url = f"/cases/{world['case'].case_id}/request-access/"
    sent = client.post(
        url,
        {"actions": ["view", "add_entry"], "reason": "Covering for a colleague now", "days": "5"},
    )
    assert sent.status_code == 200 and "Request sent" in sent.content.decode()
    missing = client.post(
        "/cases/C999999/request-access/",
        {"actions": ["view"], "reason": "Covering for a colleague now", "days": "5"},
    )
    assert normalise(missing.content.decode(), "C999999") == normalise(
        sent.content.decode(), world["case"].case_id
    )
    manager = as_(client, world["manager"])
    queue = manager.get("/cases/access-requests/").content.decode()
    assert "Covering for a colleague now" in queue
    # Which case (linked), what access in words, when it was asked and until when: no codes.
    assert f'href="/cases/{world["case"].case_id}/"' in queue
    assert "See the record and add entries" in queue and "add_entry" not in queue
    assert re.search(r"Asked</dt><dd[^>]*>\d{1,2} [A-Z][a-z]+ 20\d\d at ", queue)
    assert re.search(r"5\sdays, until \d{1,2} [A-Z][a-z]+ 20\d\d at ", queue)
    grant = world["case"].grants.get()
    assert (
        manager.post(
            "/cases/access-requests/", {"grant": grant.pk, "decision": "approve"}
        ).status_code
        == 302
    )
    assert as_(client, world["stranger"]).get(f"/cases/{world['case'].case_id}/").status_code == 200


def test_allocate_page_for_manager_only(client, world):
    url = f"/cases/{world['case'].case_id}/allocate/"
    assert as_(client, world["worker"]).get(url).status_code == 403
    manager = as_(client, world["manager"])
    assert manager.get(url).status_code == 200
    response = manager.post(
        url, {"worker": world["stranger"].staff_id, "role": "co_worker", "starts_on": "2026-01-01"}
    )
    assert response.status_code == 302
    assert world["case"].allocations.filter(staff=world["stranger"]).exists()


def test_who_can_see_for_manager_and_ig(client, world):
    url = f"/cases/{world['case'].case_id}/who-can-see/"
    assert as_(client, world["worker"]).get(url).status_code == 403
    body = as_(client, world["ig"]).get(url).content.decode()
    assert world["worker"].staff_id in body and "Allocated worker since" in body
    assert as_(client, world["manager"]).get(url).status_code == 200


def test_every_view_is_audited(client, world):
    as_(client, world["worker"]).get(f"/cases/{world['case'].case_id}/")
    entry = AuditEntry.objects.get(action="case.view")
    assert (entry.decision, entry.object_id) == ("allowed", world["case"].case_id)


def test_referral_and_transfer_pages(client, world):
    other = make_team("Adults South", directorate="Adults and Health")
    receiver = make_staff(team=other, roles=("team_manager",))
    make_user(receiver)
    manager = as_(client, world["manager"])
    response = manager.post(
        f"/cases/{world['case'].case_id}/refer/",
        {"kind": "transfer", "to_team": other.pk, "reason": "Moving to adult services at 18"},
    )
    assert response.status_code == 302
    inbox = as_(client, receiver)
    page = inbox.get("/cases/referrals/").content.decode()
    assert world["case"].case_id in page
    referral = world["case"].referrals.get()
    assert (
        inbox.post("/cases/referrals/", {"referral": referral.pk, "decision": "accept"}).status_code
        == 302
    )
    world["case"].refresh_from_db()
    assert world["case"].owning_team == other
    assert dt.date.today()
