"""Drafts of entries: saved as the person types, sealed, visible only to their author, kept
until the entry is saved or the draft discarded; through the door, audited."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from safekeep.access.door import AccessRefused
from safekeep.access.vocabulary import Action, Duty
from safekeep.audit.models import AuditEntry
from safekeep.records import selectors, services
from safekeep.records.models import Entry, EntryDraft
from safekeep.records.services import RecordsError
from tests import factories
from tests.factories import case_access, make_case, make_staff, make_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    team = make_team("Children Drafts")
    worker = make_staff(team=team)
    colleague = make_staff(team=team)
    manager = make_staff(team=team, roles=("team_manager",))
    stranger = make_staff(team=make_team("Far"))
    case = make_case(team=team, allocated=(worker, colleague))
    for person in (worker, colleague, manager, stranger):
        factories.make_user(person)
    return {"case": case, "worker": worker, "colleague": colleague, "manager": manager,
            "stranger": stranger}  # fmt: skip


def adding(w, who="worker"):
    return case_access(w[who], w["case"], Action.ADD_ENTRY)


def test_a_draft_is_sealed_and_only_its_author_sees_it(w):
    services.draft_save(
        access=adding(w), fields={"title": "Visit to Amy", "body": "She said", "junk": "x"}
    )
    draft = EntryDraft.objects.get()
    assert draft.content.startswith("sk1:") and "Amy" not in draft.content
    mine = selectors.my_draft(access=adding(w))
    assert mine is not None and mine.fields == {"title": "Visit to Amy", "body": "She said"}
    assert selectors.my_draft(access=adding(w, "colleague")) is None
    assert selectors.my_draft(access=adding(w, "manager")) is None
    # Saving again replaces it: one draft per person and case.
    services.draft_save(access=adding(w), fields={"title": "Visit to Amy", "body": "She said more"})
    assert EntryDraft.objects.count() == 1
    assert selectors.my_draft(access=adding(w)).fields["body"] == "She said more"


def test_a_draft_moved_to_someone_else_does_not_open(w):
    services.draft_save(access=adding(w), fields={"body": "secret"})
    services.draft_save(access=adding(w, "colleague"), fields={"body": "mine"})
    theirs = EntryDraft.objects.get(author=w["worker"])
    EntryDraft.objects.filter(author=w["colleague"]).update(content=theirs.content)
    assert selectors.my_draft(access=adding(w, "colleague")) is None


def test_saving_the_entry_removes_the_draft_and_discarding_is_audited(w):
    services.draft_save(access=adding(w), fields={"title": "Visit"})
    services.draft_save(access=adding(w, "colleague"), fields={"title": "Theirs"})
    services.entry_add(access=adding(w), title="Visit", body="")
    assert list(EntryDraft.objects.values_list("author", flat=True)) == [w["colleague"].pk]
    assert services.draft_discard(access=adding(w, "colleague")) is True
    assert services.draft_discard(access=adding(w, "colleague")) is False
    assert not EntryDraft.objects.exists()
    codes = list(AuditEntry.objects.values_list("action", flat=True))
    assert codes.count("entry.draft") == 2 and codes.count("entry.draft_discard") == 1


def test_too_long_or_a_closed_case_is_refused(w):
    with pytest.raises(RecordsError, match="too long"):
        services.draft_save(access=adding(w), fields={"title": "x" * 201})
    services.case_close(
        access=case_access(w["manager"], w["case"], Duty.CLOSE_CASE),
        reason="needs_met",
        closed_on=w["case"].opened_on,
    )
    with pytest.raises(RecordsError, match="must be reopened"):
        services.draft_save(access=adding(w, "manager"), fields={"title": "x"})
    with pytest.raises(AccessRefused):  # closing ended the worker's allocation
        adding(w)
    assert not EntryDraft.objects.exists()


def test_a_stranger_cannot_save_a_draft(w):
    with pytest.raises(AccessRefused):
        adding(w, "stranger")


def test_the_pages(w):
    worker = factories.sign_in(Client(), w["worker"].user)
    colleague = factories.sign_in(Client(), w["colleague"].user)
    base = f"/cases/{w['case'].case_id}/entries"
    form = worker.get(f"{base}/add/").content.decode()
    assert f'data-draft-url="{base}/draft/"' in form and "records/draft" in form
    assert "<script>" not in form  # no inline script: the CSP allows only files
    saved = worker.post(
        f"{base}/draft/",
        {"entry_type": "home_visit", "contact_time": "4pm", "title": "Visit", "body": "Half",
         "significant": "on"},
    )  # fmt: skip
    assert saved.status_code == 200 and "saved_at" in saved.json()
    assert worker.get(f"{base}/draft/").status_code == 405

    back = worker.get(f"{base}/add/").content.decode()
    assert "Your draft from" in back and ">Half</textarea>" in back
    assert 'value="home_visit" checked' in back and 'value="4pm"' in back
    assert 'name="significant" type="checkbox" value="on" checked' in back
    assert "Your draft from" not in colleague.get(f"{base}/add/").content.decode()

    discarded = worker.post(f"{base}/draft/", {"discard": "1"})
    assert discarded.status_code == 302 and not EntryDraft.objects.exists()

    too_long = worker.post(f"{base}/draft/", {"title": "x" * 201})
    assert too_long.status_code == 400
    assert json.loads(too_long.content)["field"] == "title"
    assert not Entry.objects.exists()
