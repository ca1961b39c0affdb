"""Entries as social workers write them: a contact time apart from the time recorded, an
entry type, who was seen (sealed like the body) and a significant-event flag; through the
same door and audit as every entry, on the page and in the API."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from safekeep.access.vocabulary import Action
from safekeep.audit.models import AuditEntry
from safekeep.records import sealing, selectors, services
from safekeep.records.forms import parse_clock
from safekeep.records.models import Entry, EntryVersion
from safekeep.records.services import RecordsError
from tests import factories
from tests.api.test_cases_api import auth, world  # noqa: F401 - the API tests' fixture
from tests.factories import case_access, entry_access, make_case, make_staff, make_team
from tests.migrating import latest, migrate, old_case, old_staff_member

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.fixture
def w():
    team = make_team("Children Typed")
    worker = make_staff(team=team)
    case = make_case(team=team, allocated=(worker,))
    factories.make_user(worker)
    return {"team": team, "worker": worker, "case": case}


def add(w, **fields):
    access = case_access(w["worker"], w["case"], Action.ADD_ENTRY)
    fields.setdefault("title", "Visit")
    fields.setdefault("body", "Saw them at home")
    return services.entry_add(access=access, **fields)


def test_an_entry_keeps_its_type_contact_time_who_was_seen_and_significance(w):
    contact = timezone.now() - dt.timedelta(days=2, hours=3)
    entry = add(
        w,
        entry_type="home_visit",
        contact_at=contact,
        seen="Amy (child) and her mother",
        significant=True,
    )
    entry.refresh_from_db()
    assert (entry.entry_type, entry.kind, entry.significant) == ("home_visit", "note", True)
    assert entry.contact_at == contact and entry.created_at > contact
    [view] = selectors.entry_views(access=case_access(w["worker"], w["case"], change=False))
    assert view.latest.seen == "Amy (child) and her mother"
    # Sealed like the body: the column holds no plaintext, and opens only on its own row.
    version = EntryVersion.objects.get(entry=entry)
    assert version.seen.startswith("sk1:") and "Amy" not in version.seen
    assert sealing.open_seen(version, case_pk=w["case"].pk) == "Amy (child) and her mother"
    assert list(AuditEntry.objects.filter(action="entry.add").values_list("decision", flat=True))


def test_who_was_seen_moved_to_another_version_is_withheld(w):
    first = add(w, seen="Amy")
    second = add(w, seen="Somebody else")
    moved = EntryVersion.objects.get(entry=first)
    EntryVersion.objects.filter(entry=second).update(seen=moved.seen)
    views = selectors.entry_views(access=case_access(w["worker"], w["case"], change=False))
    by_pk = {v.entry.pk: v.latest for v in views}
    assert by_pk[first.pk].seen == "Amy"
    assert not by_pk[second.pk].intact and by_pk[second.pk].seen == ""


def test_nobody_seen_stores_nothing(w):
    entry = add(w, entry_type="phone_call")
    assert EntryVersion.objects.get(entry=entry).seen == ""


def test_contact_cannot_be_in_the_future_nor_without_its_zone(w):
    with pytest.raises(RecordsError) as error:
        add(w, contact_at=timezone.now() + dt.timedelta(minutes=5))
    assert error.value.field == "contact_at"
    assert "must be in the past" in error.value.message
    with pytest.raises(RecordsError, match="within the last 10 years"):
        add(w, contact_at=timezone.now() - dt.timedelta(days=365 * 11))
    with pytest.raises(ValueError, match="time zone"):
        add(w, contact_at=dt.datetime(2026, 1, 1, 10, 0))
    assert not Entry.objects.filter(case=w["case"]).exists()


def test_the_contact_time_defaults_to_when_it_was_recorded(w):
    entry = add(w)
    assert entry.contact_at == entry.created_at
    assert entry.entry_type == "case_note"


def test_the_older_kind_still_works_and_must_agree_with_the_type(w):
    assert add(w, kind="assessment").entry_type == "assessment"
    assert add(w, kind="note").entry_type == "case_note"
    assert add(w, entry_type="assessment").kind == "assessment"
    with pytest.raises(RecordsError, match="disagree"):
        add(w, kind="note", entry_type="assessment")
    with pytest.raises(RecordsError) as error:
        add(w, entry_type="séance")
    assert error.value.field == "entry_type"


def test_editing_keeps_who_was_seen_unless_changed(w):
    entry = add(w, seen="Amy")
    services.entry_edit(access=entry_access(w["worker"], entry), title="Visit", body="more")
    services.entry_edit(
        access=entry_access(w["worker"], entry), title="Visit", body="more", seen="Amy and Bo"
    )
    seen = [
        sealing.open_seen(v, case_pk=w["case"].pk)
        for v in EntryVersion.objects.filter(entry=entry).order_by("number")
    ]
    assert seen == ["Amy", "Amy", "Amy and Bo"]


@pytest.mark.parametrize(
    ("typed", "clock"),
    [
        ("14:30", dt.time(14, 30)),
        ("2:30pm", dt.time(14, 30)),
        ("2pm", dt.time(14, 0)),
        ("9.15am", dt.time(9, 15)),
        ("12am", dt.time(0, 0)),
        ("12pm", dt.time(12, 0)),
        ("midday", dt.time(12, 0)),
        ("  9:05 AM ", dt.time(9, 5)),
        ("14", None),
        ("25:00", None),
        ("13pm", None),
        ("10:75", None),
        ("soon", None),
        ("", None),
    ],
)
def test_times_are_read_as_people_type_them(typed, clock):
    assert parse_clock(typed) == clock


def form(**fields):
    data = {
        "entry_type": "home_visit",
        "contact_day": "2",
        "contact_month": "7",
        "contact_year": "2026",
        "contact_time": "10:30am",
        "seen": "Amy and her mother",
        "title": "Home visit",
        "body": "Amy was well",
        "significant": "on",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_the_page_takes_the_contact_in_the_councils_time(w):
    client = factories.sign_in(Client(), w["worker"].user)
    url = f"/cases/{w['case'].case_id}/entries/add/"
    page = client.get(url).content.decode()
    today = timezone.localdate()
    assert 'class="govuk-date-input"' in page and 'inputmode="numeric"' in page
    assert factories.date_boxes(page, "contact")[2] == str(today.year)
    assert "Strategy discussion" in page and "strategy_discussion</" not in page
    assert client.post(url, form()).status_code == 302
    entry = Entry.objects.get(case=w["case"])
    # 10:30am in London in July is 9:30 UTC (summer time).
    assert entry.contact_at == dt.datetime(2026, 7, 2, 10, 30, tzinfo=LONDON)
    assert entry.contact_at.astimezone(dt.UTC).hour == 9
    assert (entry.entry_type, entry.significant) == ("home_visit", True)
    case_page = client.get(f"/cases/{w['case'].case_id}/").content.decode()
    assert "Home visit on 2 July 2026 at 10:30am, seen: Amy and her mother" in case_page
    assert "Significant event" in case_page
    assert "+00:00" not in case_page


@pytest.mark.parametrize(
    ("fields", "message", "where"),
    [
        (
            {"contact_day": "", "contact_month": "", "contact_year": ""},
            "Enter the date of contact",
            "contact",
        ),
        ({"contact_month": ""}, "The date of contact must include a month", "contact"),
        (
            {"contact_day": "31", "contact_month": "2"},
            "The date of contact must be a real date",
            "contact",
        ),
        (
            {"contact_year": "2099"},
            "The date and time of contact must be in the past",
            "contact",
        ),
        ({"contact_time": ""}, "Enter the time of contact, for example 2:30pm", "contact_time"),
        ({"contact_time": "lunch"}, "Enter a real time of contact", "contact_time"),
        ({"entry_type": None}, "Choose what kind of entry it is", "entry_type"),
        ({"seen": "x" * 501}, "Ensure this value has at most 500 characters", "seen"),
    ],
)
def test_the_page_says_what_is_wrong_and_where(w, fields, message, where):
    client = factories.sign_in(Client(), w["worker"].user)
    response = client.post(f"/cases/{w['case'].case_id}/entries/add/", form(**fields))
    assert response.status_code == 400
    body = response.content.decode()
    assert message in body
    assert f'href="#id_{where}"' in body
    assert not Entry.objects.filter(case=w["case"]).exists()
    # The refused change is recorded as the page's decision, nothing half-written.
    assert not AuditEntry.objects.filter(action="entry.add").exists()


def test_the_api_takes_and_gives_the_new_fields_and_old_callers_still_work(client, world):  # noqa: F811
    url = f"/api/v1/cases/{world['case'].case_id}/entries"
    headers = auth(world["tokens"]["worker"])
    old = client.post(
        url, json.dumps({"kind": "note", "title": "Call", "body": "ok"}),
        content_type="application/json", **headers,
    )  # fmt: skip
    assert old.status_code == 201, old.content
    assert old.json()["entry_type"] == "case_note"
    assert old.json()["contact_at"] == old.json()["created_at"]
    new = client.post(
        url,
        json.dumps({
            "entry_type": "phone_call", "contact_at": "2026-11-20T09:15:00+00:00",
            "seen": "Mother", "significant": True, "title": "Call", "body": "ok",
        }),
        content_type="application/json", **headers,
    )  # fmt: skip
    assert new.status_code == 201, new.content
    out = new.json()
    assert (out["entry_type"], out["significant"], out["versions"][0]["seen"]) == (
        "phone_call",
        True,
        "Mother",
    )
    assert out["contact_at"].startswith("2026-11-20T09:15:00")
    future = client.post(
        url,
        json.dumps({"entry_type": "email", "contact_at": "2099-01-01T00:00:00Z", "title": "x"}),
        content_type="application/json", **headers,
    )  # fmt: skip
    assert future.status_code == 400
    assert future.json()["field"] == "contact_at"
    listed = client.get(f"/api/v1/cases/{world['case'].case_id}", **headers).json()
    assert {e["entry_type"] for e in listed["entries"]} == {"case_note", "phone_call"}


@pytest.mark.django_db(transaction=True)
def test_existing_entries_migrate_as_contacted_when_recorded():
    old = migrate([("records", "0006_subject_details")])
    staff = old_staff_member(old, "S1")
    case = old_case(old, staff)
    recorded = dt.datetime(2025, 3, 4, 15, 0, tzinfo=dt.UTC)
    made = old.get_model("records", "Entry")
    note = made.objects.create(case=case, kind="note", author=staff, created_at=recorded)
    assessment = made.objects.create(
        case=case, kind="assessment", author=staff, created_at=recorded
    )
    migrate(latest())
    note, assessment = Entry.objects.get(pk=note.pk), Entry.objects.get(pk=assessment.pk)
    assert (note.entry_type, note.contact_at, note.significant) == ("case_note", recorded, False)
    assert (assessment.entry_type, assessment.contact_at) == ("assessment", recorded)


def test_the_api_document_names_every_entry_type(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert set(schemas["EntryType"]["enum"]) == set(Entry.EntryType.values)
    assert schemas["EntryIn"]["properties"]["seen"]["maxLength"] == 500
    assert "kind" not in schemas["EntryIn"].get("required", [])


def test_an_api_caller_giving_only_a_type_needs_no_kind(client, world):  # noqa: F811
    response = client.post(
        f"/api/v1/cases/{world['case'].case_id}/entries",
        json.dumps({"entry_type": "assessment", "title": "Single assessment"}),
        content_type="application/json", **auth(world["tokens"]["worker"]),
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert (response.json()["kind"], response.json()["entry_type"]) == ("assessment", "assessment")
