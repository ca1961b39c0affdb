"""Changing an entry after it was saved: its contact time, type, who was seen and the
significant flag as well as its text; each edit a new version that keeps the old values,
through the door's edit decision, audited; on the page with the new-entry form's three-box
date and time."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client
from django.utils import timezone

from safekeep.access.vocabulary import Action
from safekeep.audit.models import AuditEntry
from safekeep.records import selectors, services
from safekeep.records.models import Entry, EntryVersion
from safekeep.records.services import RecordsError
from tests import factories
from tests.factories import case_access, entry_access, make_case, make_staff, make_team
from tests.migrating import latest, migrate, old_case, old_staff_member

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")
VISIT = dt.datetime(2026, 7, 2, 16, 15, tzinfo=LONDON)


@pytest.fixture
def w():
    team = make_team("Children Editing")
    worker = make_staff(team=team)
    manager = make_staff(team=team, roles=("team_manager",))
    case = make_case(team=team, allocated=(worker,))
    for person in (worker, manager):
        factories.make_user(person)
    entry = services.entry_add(
        access=case_access(worker, case, Action.ADD_ENTRY),
        entry_type="phone_call",
        contact_at=VISIT,
        seen="Amy",
        title="Call",
        body="Spoke to Amy",
    )
    return {"worker": worker, "manager": manager, "case": case, "entry": entry}


def test_an_edit_changes_the_contact_and_keeps_the_old_one_in_a_version(w):
    before = AuditEntry.objects.count()
    later = VISIT + dt.timedelta(days=1)
    services.entry_edit(
        access=entry_access(w["worker"], w["entry"]),
        title="Home visit",
        body="Saw Amy at home",
        seen="Amy and her mother",
        entry_type="assessment",
        contact_at=later,
        significant=True,
    )
    entry = Entry.objects.get(pk=w["entry"].pk)
    assert (entry.entry_type, entry.kind, entry.contact_at, entry.significant) == (
        "assessment",
        "assessment",
        later,
        True,
    )
    versions = selectors.entry_view(entry).versions
    assert [(v.number, v.entry_type, v.contact_at, v.significant, v.seen) for v in versions] == [
        (2, "Assessment", later, True, "Amy and her mother"),
        (1, "Phone call", VISIT, False, "Amy"),
    ]
    [audit] = AuditEntry.objects.order_by("id")[before:]
    assert (audit.action, audit.decision) == ("entry.edit", "done")
    assert "version 2" in audit.reasons
    assert "changed the entry type, the contact time, the significant flag" in audit.reasons
    assert not any("Amy" in reason for reason in audit.reasons)


def test_what_is_not_given_stays_as_it_was(w):
    services.entry_edit(access=entry_access(w["worker"], w["entry"]), title="Call", body="More")
    entry = Entry.objects.get(pk=w["entry"].pk)
    assert (entry.entry_type, entry.contact_at, entry.significant) == ("phone_call", VISIT, False)
    newest = EntryVersion.objects.get(entry=entry, number=2)
    assert (newest.entry_type, newest.contact_at, newest.significant) == (
        "phone_call",
        VISIT,
        False,
    )
    edit = AuditEntry.objects.get(action="entry.edit")
    assert not any(reason.startswith("changed") for reason in edit.reasons)


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        (
            {"contact_at": "future"},
            "The date and time of contact must be in the past",
            "contact_at",
        ),
        ({"entry_type": "séance"}, "Choose what kind of contact or entry it is", "entry_type"),
    ],
)
def test_an_edit_is_checked_as_a_new_entry_is(w, change, message, field):
    if change.get("contact_at") == "future":
        change["contact_at"] = timezone.now() + dt.timedelta(hours=1)
    with pytest.raises(RecordsError, match=message) as error:
        services.entry_edit(
            access=entry_access(w["worker"], w["entry"]), title="Call", body="", **change
        )
    assert error.value.field == field
    assert EntryVersion.objects.filter(entry=w["entry"]).count() == 1
    assert Entry.objects.get(pk=w["entry"].pk).entry_type == "phone_call"


def _form(**fields: str) -> dict[str, str]:
    data = {
        "entry_type": "home_visit",
        "contact_day": "1",
        "contact_month": "7",
        "contact_year": "2026",
        "contact_time": "4:15pm",
        "seen": "Amy and her mother",
        "title": "Home visit",
        "body": "Saw Amy at home",
        "significant": "on",
    }
    data.update(fields)
    return data


def test_the_edit_page_takes_the_contact_as_the_new_entry_page_does(w):
    client = factories.sign_in(Client(), w["worker"].user)
    url = f"/cases/{w['case'].case_id}/entries/{w['entry'].pk}/edit/"
    page = client.get(url).content.decode()
    # The three-box date and the time, as the entry has them, in the council's time.
    assert 'class="govuk-date-input"' in page
    assert factories.date_boxes(page, "contact") == ("2", "7", "2026")
    assert 'name="contact_time" type="text" value="4:15pm"' in page
    assert 'value="phone_call" checked' in page
    assert 'name="significant"' in page and 'name="sensitive"' not in page

    bad = client.post(url, _form(contact_year="2099"))
    assert bad.status_code == 400
    assert "The date and time of contact must be in the past" in bad.content.decode()
    assert 'href="#id_contact"' in bad.content.decode()
    assert client.post(url, _form(contact_time="lunch")).status_code == 400
    assert EntryVersion.objects.filter(entry=w["entry"]).count() == 1

    assert client.post(url, _form()).status_code == 302
    entry = Entry.objects.get(pk=w["entry"].pk)
    assert entry.contact_at == dt.datetime(2026, 7, 1, 16, 15, tzinfo=LONDON)
    assert (entry.entry_type, entry.significant) == ("home_visit", True)
    case_page = client.get(f"/cases/{w['case'].case_id}/").content.decode()
    assert "Home visit on 1 July 2026 at 4:15pm, seen: Amy and her mother" in case_page
    # The earlier version, as it was.
    assert "Phone call on 2 July 2026 at 4:15pm, seen: Amy" in case_page


def test_a_manager_correcting_the_contact_time_gives_a_reason(w):
    client = factories.sign_in(Client(), w["manager"].user)
    url = f"/cases/{w['case'].case_id}/entries/{w['entry'].pk}/edit/"
    missing = client.post(url, _form())
    assert missing.status_code == 400
    assert "Give the reason for correcting an entry someone else wrote" in missing.content.decode()
    assert client.post(url, _form(reason="The visit was the day before")).status_code == 302
    latest_version = selectors.entry_view(Entry.objects.get(pk=w["entry"].pk)).latest
    assert latest_version.change_reason == "The visit was the day before"


@pytest.mark.django_db(transaction=True)
def test_existing_versions_migrate_keeping_their_entrys_contact():
    old = migrate([("records", "0010_end_and_revoke_reasons")])
    staff = old_staff_member(old, "S1")
    case = old_case(old, staff)
    recorded = dt.datetime(2025, 3, 4, 15, 0, tzinfo=dt.UTC)
    entry = old.get_model("records", "Entry").objects.create(
        case=case, kind="note", author=staff, created_at=recorded, contact_at=recorded,
        entry_type="home_visit", significant=True,
    )  # fmt: skip
    for number in (1, 2):
        old.get_model("records", "EntryVersion").objects.create(
            entry=entry, number=number, title="t", edited_by=staff, edited_at=recorded
        )
    migrate(latest())
    kept = EntryVersion.objects.filter(entry_id=entry.pk).values_list(
        "entry_type", "contact_at", "significant"
    )
    assert list(kept) == [("home_visit", recorded, True)] * 2
