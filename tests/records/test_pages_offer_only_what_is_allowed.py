"""Pages never offer what the door would refuse, and a refusal names what was refused.

Also the query budget of the door on real requests: every form POST gathers the facts of
its decision exactly once.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from safekeep.access import door
from safekeep.access.vocabulary import Action, Duty
from safekeep.records import services
from safekeep.records.models import BreakGlass, Entry
from tests.factories import (
    case_access,
    laptop_context,
    make_case,
    make_device,
    make_staff,
    make_team,
    make_user,
    sign_in,
)

pytestmark = pytest.mark.django_db
PHONE = {"device_type": "smartphone", "os_name": "Android", "os_version": "14"}


@pytest.fixture
def team_world():
    team = make_team("Offer Team")
    worker, co_worker = make_staff(team=team), make_staff(team=team)
    manager = make_staff(team=team, roles=("team_manager",))
    case = make_case(team=team, allocated=(worker, co_worker))
    for person in (worker, co_worker, manager):
        make_user(person)
    mine = services.entry_add(
        access=case_access(worker, case, Action.ADD_ENTRY), kind="note", title="Mine", body=""
    )
    theirs = services.entry_add(
        access=case_access(co_worker, case, Action.ADD_ENTRY), kind="note", title="Theirs", body=""
    )
    document = services.document_upload(
        access=case_access(worker, case, Action.ADD_ENTRY),
        title="Letter",
        filename="letter.txt",
        content=b"hello",
    )
    return {
        "worker": worker,
        "manager": manager,
        "case": case,
        "mine": mine,
        "theirs": theirs,
        "document": document,
    }


def _page(staff, case, device=None) -> str:
    client = (
        sign_in(Client(), staff.user)
        if device is None
        else sign_in(Client(), staff.user, device=device)
    )
    response = client.get(f"/cases/{case.case_id}/")
    assert response.status_code == 200
    return response.content.decode()


# An edit posts the whole form, as the page sends it.
_edited = {
    "entry_type": "case_note",
    "contact_day": "2",
    "contact_month": "11",
    "contact_year": "2026",
    "contact_time": "10am",
    "body": "more",
}


def _edit_link(case, entry) -> str:
    return f"/cases/{case.case_id}/entries/{entry.pk}/edit/"


def test_the_case_page_offers_what_the_door_allows_this_person_here(team_world):
    w = team_world
    case = w["case"]
    worker_page = _page(w["worker"], case)
    assert _edit_link(case, w["mine"]) in worker_page
    assert _edit_link(case, w["theirs"]) not in worker_page  # someone else's entry
    assert f"/cases/{case.case_id}/entries/add/" in worker_page
    assert f"/entries/{w['document'].pk}/download/" in worker_page
    assert f"/cases/{case.case_id}/allocate/" not in worker_page
    manager_page = _page(w["manager"], case)
    assert _edit_link(case, w["theirs"]) in manager_page  # corrects it, with a reason
    assert f"/cases/{case.case_id}/allocate/" in manager_page
    assert f"/cases/{case.case_id}/who-can-see/" in manager_page
    phone = make_device(staff=w["worker"], ownership="personal", **PHONE)
    phone_page = _page(w["worker"], case, device=phone)
    assert f"/entries/{w['document'].pk}/download/" not in phone_page
    assert "it cannot be downloaded on this device" in phone_page


def test_break_glass_pages_offer_nothing_but_reading(team_world):
    w = team_world
    stranger = make_staff(team=make_team("Elsewhere"))
    make_user(stranger)
    BreakGlass.objects.create(
        case=w["case"],
        staff=stranger,
        reason="Police called about a missing child",
        started_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5),
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
    )
    page = _page(stranger, w["case"])
    assert "/entries/add/" not in page and "/edit/" not in page and "/download/" not in page


def test_a_refusal_names_what_was_refused(team_world):
    w = team_world
    stranger = make_staff(team=make_team("Elsewhere"))
    client = sign_in(Client(), make_user(stranger))
    add = client.get(f"/cases/{w['case'].case_id}/entries/add/").content.decode()
    assert "You cannot add to this record" in add
    change = sign_in(Client(), w["worker"].user).get(_edit_link(w["case"], w["theirs"]))
    assert change.status_code == 403
    assert "You cannot change this entry" in change.content.decode()
    assert "Add a new entry to the record instead." in change.content.decode()
    phone = make_device(staff=w["worker"], ownership="personal", **PHONE)
    on_phone = sign_in(Client(), w["worker"].user, device=phone)
    download = on_phone.get(f"/cases/{w['case'].case_id}/entries/{w['document'].pk}/download/")
    assert download.status_code == 403
    assert "You cannot download on this device" in download.content.decode()


def test_a_manager_correcting_someone_elses_entry_gives_a_reason(team_world):
    w = team_world
    client = sign_in(Client(), w["manager"].user)
    url = _edit_link(w["case"], w["theirs"])
    assert "Why are you correcting this entry?" in client.get(url).content.decode()
    missing = client.post(url, {**_edited, "title": "Theirs"})
    assert missing.status_code == 400
    assert "Give the reason for correcting an entry someone else wrote" in missing.content.decode()
    done = client.post(url, {**_edited, "title": "Theirs", "reason": "Wrong date"})
    assert done.status_code == 302
    page = client.get(f"/cases/{w['case'].case_id}/").content.decode()
    assert "correcting it: Wrong date" in page


def test_a_restricted_refusal_offers_a_request_that_lands_with_ig(team_world):
    """A stranger is told nothing about the record (issue 10), but the request they can send
    goes to IG's queue; the owning team's manager, who has a relationship, is told to ask IG."""
    team = make_team("Restricted Team")
    stranger = make_staff(team=team)
    manager = make_staff(team=team, roles=("team_manager",))
    ig = make_staff(team=team, roles=("ig_officer",))
    case = make_case(team=team, restricted=True)
    client = sign_in(Client(), make_user(stranger))
    refused = client.get(f"/cases/{case.case_id}/")
    body = refused.content.decode()
    assert refused.status_code == 403
    assert "restricted" not in body
    assert "Ask for access" in body and f"/cases/{case.case_id}/request-access/" in body
    sent = client.post(
        f"/cases/{case.case_id}/request-access/",
        {"actions": ["view"], "reason": "I am the new allocated worker from Monday", "days": "7"},
    )
    assert "Request sent" in sent.content.decode()
    queue = door.queue(staff=ig, duty=Duty.DECIDE_GRANT, context=laptop_context())
    assert list(queue) == list(case.grants.all())
    told = sign_in(Client(), make_user(manager)).get(f"/cases/{case.case_id}/").content.decode()
    assert "restricted to their allocated workers" in told
    assert "Ask information governance for access" in told


# --- the door's query budget ---------------------------------------------------------------

ACTOR_SQL = "s.employment_type, s.end_date"
CASE_SQL = "'subject' AS kind"


def _post(client, url, data):
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    sql = [q["sql"] for q in queries.captured_queries]
    return response, sql


def test_every_form_post_gathers_the_facts_of_its_decision_once(team_world):
    w = team_world
    case = w["case"]
    other = make_team("Adults Receiving")
    make_staff(team=other, roles=("team_manager",))
    worker = sign_in(Client(), w["worker"].user)
    manager = sign_in(Client(), w["manager"].user)
    stranger = make_staff(team=make_team("Far Away"))
    stranger_client = sign_in(Client(), make_user(stranger))
    newcomer = make_staff(team=case.owning_team)
    base = f"/cases/{case.case_id}"
    posts = [
        (
            worker,
            f"{base}/entries/add/",
            {
                "entry_type": "case_note",
                "contact_day": "2",
                "contact_month": "11",
                "contact_year": "2026",
                "contact_time": "10am",
                "title": "Visit",
                "body": "ok",
            },
        ),
        (worker, f"{base}/entries/{w['mine'].pk}/edit/", {**_edited, "title": "Mine"}),
        (
            worker,
            f"{base}/documents/add/",
            {"title": "Doc", "file": SimpleUploadedFile("a.txt", b"x")},
        ),
        (
            manager,
            f"{base}/allocate/",
            {"worker": newcomer.staff_id, "role": "co_worker", "starts_on": "2026-01-01"},
        ),
        (
            manager,
            f"{base}/refer/",
            {"kind": "referral", "to_team": other.pk, "reason": "Moving to adults at eighteen"},
        ),
        (
            stranger_client,
            f"{base}/break-glass/",
            {"reason": "Police called about a missing child"},
        ),
    ]
    for client, url, data in posts:
        response, sql = _post(client, url, data)
        assert response.status_code == 302, url
        assert sum(ACTOR_SQL in q for q in sql) == 1, url
        assert sum(CASE_SQL in q for q in sql) == 1, url


def test_adding_an_entry_costs_a_fixed_number_of_queries(team_world):
    w = team_world
    client = sign_in(Client(), w["worker"].user)
    url = f"/cases/{w['case'].case_id}/entries/add/"
    client.post(
        url,
        {
            "entry_type": "case_note",
            "contact_day": "2",
            "contact_month": "11",
            "contact_year": "2026",
            "contact_time": "10am",
            "title": "Warm-up",
            "body": "ok",
        },
    )  # caches warm
    response, sql = _post(
        client,
        url,
        {
            "entry_type": "case_note",
            "contact_day": "2",
            "contact_month": "11",
            "contact_year": "2026",
            "contact_time": "10am",
            "title": "Visit",
            "body": "ok",
        },
    )
    assert response.status_code == 302
    # PostgreSQL writes the audit entry and its queue row in one statement, SQLite in two;
    # one query removes the author's draft of the entry, if any; the device credential and
    # the task-policy version in force are one query.
    expected = {"sqlite": 20, "postgresql": 19}[connection.vendor]
    assert len(sql) == expected, "\n".join(sql)
    assert Entry.objects.filter(case=w["case"]).count() == 5
