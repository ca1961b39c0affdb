"""Closing a case with a reason and a date, and reopening it: the owning team's manager,
through the door's `close_case` duty, audited in words; a closed case takes nothing new."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from safekeep.access.door import AccessRefused
from safekeep.access.vocabulary import Action, Duty
from safekeep.audit.models import AuditEntry
from safekeep.audit.wording import ACTION_WORDS
from safekeep.records import selectors, services
from safekeep.records.models import Allocation, Case, CaseClosure, Entry
from safekeep.records.services import RecordsError
from tests import factories
from tests.factories import case_access, make_case, make_staff, make_team

pytestmark = pytest.mark.django_db
START, DAYS_5 = dt.date(2025, 1, 1), dt.timedelta(days=5)


@pytest.fixture
def w():
    team = make_team("Children Closing")
    worker = make_staff(team=team)
    manager = make_staff(team=team, roles=("team_manager",))
    other_manager = make_staff(team=make_team("Elsewhere"), roles=("team_manager",))
    case = make_case(team=team, allocated=(worker,))
    for person in (worker, manager, other_manager):
        factories.make_user(person)
    return {"case": case, "worker": worker, "manager": manager, "other_manager": other_manager}


def closing(w, who="manager"):
    return case_access(w[who], w["case"], Duty.CLOSE_CASE)


def written_since(before: int) -> list[tuple[str, str]]:
    return [(e.action, e.decision) for e in AuditEntry.objects.order_by("id")[before:]]


def test_the_manager_closes_with_a_reason_and_a_date_and_reopens(w):
    today = timezone.localdate()
    before = AuditEntry.objects.count()
    closure = services.case_close(
        access=closing(w), reason="moved_away", details="Family moved to Leeds", closed_on=today
    )
    case = Case.objects.get(pk=w["case"].pk)
    assert case.closed_on == today
    assert written_since(before) == [("case.close", "done"), ("allocation.end", "done")]
    # The words are sealed like an entry's text.
    assert closure.details.startswith("sk1:") and "Leeds" not in closure.details
    shown = selectors.latest_closure(case)
    assert shown is not None
    assert (shown.reason_words, shown.details) == ("Moved out of the area", "Family moved to Leeds")

    before = AuditEntry.objects.count()
    services.case_reopen(access=closing(w), details="Family came back to the area")
    case.refresh_from_db()
    assert case.closed_on is None and selectors.latest_closure(case) is None
    assert written_since(before) == [("case.reopen", "done")]
    history = selectors.case_closures(case)
    assert [h.kind for h in history] == ["reopen", "close"]
    assert history[0].details == "Family came back to the area"


def test_words_for_the_new_audit_actions():
    for code in ("case.close", "case.reopen", "case.close_case"):
        assert code in ACTION_WORDS


def test_only_the_owning_teams_manager_may_close(w):
    with pytest.raises(AccessRefused) as refused:
        closing(w, "worker")  # sees the case, does not manage its team
    words = refused.value.decision.words
    assert "only the manager of the team that owns this case can close or reopen it" in words
    with pytest.raises(AccessRefused):
        closing(w, "other_manager")  # a manager, of another team: cannot even see it
    assert AuditEntry.objects.filter(action="case.close_case", decision="refused").count() == 2


@pytest.mark.parametrize(
    ("fields", "message", "field"),
    [
        ({"reason": "bored"}, "Choose why the case is closing", "reason"),
        ({"reason": "other", "details": "short"}, "at least 10 characters", "details"),
        ({"closed_on": dt.date(2099, 1, 1)}, "cannot be in the future", "closed_on"),
        ({"closed_on": dt.date(2000, 1, 1)}, "on or after it opened", "closed_on"),
    ],
)
def test_closing_says_what_is_wrong(w, fields, message, field):
    data = {"reason": "needs_met", "details": "", "closed_on": timezone.localdate()}
    data.update(fields)
    with pytest.raises(RecordsError, match=message) as error:
        services.case_close(access=closing(w), **data)
    assert error.value.field == field
    assert Case.objects.get(pk=w["case"].pk).closed_on is None
    assert not CaseClosure.objects.exists()


def test_twice_closed_or_reopened_while_open_is_refused(w):
    services.case_close(access=closing(w), reason="needs_met", closed_on=timezone.localdate())
    with pytest.raises(RecordsError, match="already closed"):
        services.case_close(access=closing(w), reason="needs_met", closed_on=timezone.localdate())
    services.case_reopen(access=closing(w), details="Another referral came in")
    with pytest.raises(RecordsError, match="This case is open"):
        services.case_reopen(access=closing(w), details="Another referral came in")
    with pytest.raises(RecordsError, match="at least 10"):
        services.case_reopen(access=closing(w), details="")


def test_a_closed_case_takes_no_new_entries_or_documents_until_reopened(w):
    services.case_close(access=closing(w), reason="needs_met", closed_on=timezone.localdate())
    add = case_access(w["worker"], w["case"], Action.ADD_ENTRY)
    with pytest.raises(RecordsError, match="must be reopened"):
        services.entry_add(access=add, title="Visit", body="")
    with pytest.raises(RecordsError, match="must be reopened"):
        services.document_upload(access=add, title="Letter", filename="a.txt", content=b"hello")
    assert not Entry.objects.filter(case=w["case"]).exists()
    services.case_reopen(access=closing(w), details="New concerns were reported")
    add = case_access(w["worker"], w["case"], Action.ADD_ENTRY)
    assert services.entry_add(access=add, title="Visit", body="").pk


def test_the_pages(w):
    manager = factories.sign_in(Client(), w["manager"].user)
    worker = factories.sign_in(Client(), w["worker"].user)
    case_url = f"/cases/{w['case'].case_id}/"
    url = f"{case_url}closure/"
    assert "Close this case" in manager.get(case_url).content.decode()
    assert url not in worker.get(case_url).content.decode()
    assert worker.get(url).status_code == 403

    form = manager.get(url).content.decode()
    today = timezone.localdate()
    assert 'class="govuk-date-input"' in form and f'value="{today.year}"' in form
    assert "Moved to adult services" in form
    bad = manager.post(
        url, {"reason": "", "closed_on_day": "32", "closed_on_month": "1", "closed_on_year": "2026"}
    )
    assert bad.status_code == 400
    body = bad.content.decode()
    assert (
        "Choose why the case is closing" in body
        and "The date the case closed must be a real date" in body
    )
    assert 'href="#id_closed_on"' in body
    done = manager.post(
        url,
        {
            "reason": "adult_services",
            "details": "Turned eighteen",
            "closed_on_day": str(today.day),
            "closed_on_month": str(today.month),
            "closed_on_year": str(today.year),
        },
    )
    assert done.status_code == 302
    page = worker.get(case_url).content.decode()
    assert 'govuk-tag--grey">Closed</strong>' in page
    assert (
        f"This case was closed on {today:%-d %B %Y}" in page and "moved to adult services" in page
    )
    assert "Add an entry" not in page and "Upload a document" not in page
    # The add page says why instead of a form that cannot save.
    refused = worker.get(f"{case_url}entries/add/", follow=True).content.decode()
    closed_words = f"This case was closed on {today:%-d %B %Y}. It must be reopened before"
    assert f"{closed_words} anything is added to it" in refused
    upload = worker.post(
        f"{case_url}documents/add/",
        {"title": "Letter", "file": SimpleUploadedFile("a.txt", b"x")},
        follow=True,
    )
    assert upload.redirect_chain == [(case_url, 302)]
    assert f"{closed_words} anything is added to it" in upload.content.decode()
    assert not Entry.objects.filter(case=w["case"]).exists()

    reopen = manager.get(url).content.decode()
    assert "Reopen the case" in reopen and "Turned eighteen" in reopen
    assert manager.post(url, {"details": ""}).status_code == 400
    assert manager.post(url, {"details": "A new referral from school"}).status_code == 302
    page = worker.get(case_url).content.decode()
    assert "Add an entry" in page and "This case was closed on" not in page
    assert "When this case was closed and reopened" in page


def test_a_closed_case_takes_no_allocation_or_referral_until_reopened(w):
    services.case_close(access=closing(w), reason="needs_met", closed_on=timezone.localdate())
    newcomer = make_staff(team=w["case"].owning_team)
    receiving = make_team("Adults Receiving Closed")
    make_staff(team=receiving, roles=("team_manager",))
    allocate = case_access(w["manager"], w["case"], Duty.ALLOCATE)
    with pytest.raises(RecordsError, match="must be reopened before anyone is allocated to it"):
        services.allocation_create(
            access=allocate, worker=newcomer, role="co_worker", starts_on=timezone.localdate()
        )
    refer = case_access(w["manager"], w["case"], Duty.REFER)
    with pytest.raises(RecordsError, match="must be reopened before it is referred"):
        services.referral_create(
            access=refer, to_team=receiving, kind="referral", reason="Moving to adults at 18"
        )
    assert not w["case"].allocations.filter(staff=newcomer).exists()
    assert not w["case"].referrals.exists()
    # Ending an allocation still in force tidies a closed case up: that is still allowed.
    [held] = w["case"].allocations.filter(staff=w["worker"])
    services.allocation_end(access=allocate, allocation=held, ends_on=timezone.localdate())


def test_a_closed_case_page_offers_only_what_a_closed_case_takes(w):
    """Every action link on the case page, for its manager, before and after closing: only
    what the door allows and the case's state takes."""
    manager = factories.sign_in(Client(), w["manager"].user)
    base = f"/cases/{w['case'].case_id}"
    closing_only = [
        f"{base}/entries/add/",
        f"{base}/documents/add/",
        f"{base}/allocate/",
        f"{base}/refer/",
    ]
    still = [f"{base}/closure/", f"{base}/who-can-see/", f"{base}/chronology/", "/end/"]
    page = manager.get(f"{base}/").content.decode()
    assert all(link in page for link in closing_only + still)
    services.case_close(access=closing(w), reason="needs_met", closed_on=timezone.localdate())
    page = manager.get(f"{base}/").content.decode()
    assert [link for link in closing_only if link in page] == []
    assert all(link in page for link in still) and "Reopen this case" in page
    # Typed in by hand, each page sends them back to the case, which says why.
    for url, doing in zip(
        closing_only,
        ["anything is added to it"] * 2 + ["anyone is allocated to it", "it is referred"],
        strict=True,
    ):
        response = manager.get(url, follow=True)
        assert response.redirect_chain == [(f"{base}/", 302)], url
        assert f"must be reopened before {doing}" in response.content.decode(), url


def test_closing_ends_the_allocations_in_force_and_says_so(w):
    today = timezone.localdate()
    co_worker = make_staff(team=w["case"].owning_team)
    earlier = make_staff(team=w["case"].owning_team)
    for person, ends_on in ((co_worker, today + dt.timedelta(days=30)), (earlier, today - DAYS_5)):
        Allocation.objects.create(
            case=w["case"], staff=person, role="co_worker", starts_on=START, ends_on=ends_on
        )
    before = AuditEntry.objects.count()
    services.case_close(access=closing(w), reason="needs_met", closed_on=today)
    ends = {a.staff_id: (a.ends_on, a.end_reason) for a in w["case"].allocations.all()}
    assert ends[w["worker"].pk] == (today, "The case was closed")
    assert ends[co_worker.pk] == (today, "The case was closed")
    assert ends[earlier.pk] == (today - DAYS_5, "")  # already over: untouched
    assert written_since(before) == [
        ("case.close", "done"),
        ("allocation.end", "done"),
        ("allocation.end", "done"),
    ]
    # The allocated worker's need to know ended with the case (from the day after).
    tomorrow = factories.laptop_context(timezone.now() + dt.timedelta(days=1))
    with pytest.raises(AccessRefused):
        case_access(w["worker"], w["case"], Action.VIEW, context=tomorrow)
    services.case_reopen(access=closing(w), details="A new referral from school")
    assert not w["case"].allocations.filter(ends_on__isnull=True).exists()


def test_a_referral_of_a_case_closed_meanwhile_cannot_be_accepted(w):
    receiving = make_team("Adults Receiving Later")
    receiver = make_staff(team=receiving, roles=("team_manager",))
    refer = case_access(w["manager"], w["case"], Duty.REFER)
    referral = services.referral_create(
        access=refer, to_team=receiving, kind="referral", reason="Moving to adults at 18"
    )
    services.case_close(access=closing(w), reason="needs_met", closed_on=timezone.localdate())
    decide = factories.duty_access(receiver, referral)
    with pytest.raises(RecordsError, match="must reopen it before the referral can be accepted"):
        services.referral_decide(access=decide, referral=referral, accept=True)
    declined = services.referral_decide(access=decide, referral=referral, accept=False)
    assert declined.status == "declined"
