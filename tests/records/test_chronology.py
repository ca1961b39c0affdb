"""The chronology: significant events by default, in the order the contacts happened,
filterable by type and dates (in the council's time zone), through the case page's
decision and audit."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.test import Client

from safekeep.access.vocabulary import Action
from safekeep.audit.models import AuditEntry
from safekeep.records import services
from safekeep.records.models import Allocation
from tests import factories
from tests.factories import case_access, make_case, make_staff, make_team

pytestmark = pytest.mark.django_db
LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def w():
    team = make_team("Children Chronology")
    worker = make_staff(team=team)
    co_worker = make_staff(team=team)
    stranger = make_staff(team=make_team("Far"))
    case = make_case(team=team, allocated=(worker,))
    Allocation.objects.create(
        case=case, staff=co_worker, role="co_worker", starts_on=dt.date(2025, 1, 1)
    )
    for person in (worker, co_worker, stranger):
        factories.make_user(person)
    access = case_access(worker, case, Action.ADD_ENTRY)

    def add(title, contact, entry_type="home_visit", significant=True, sensitive=False):
        return services.entry_add(
            access=access, title=title, body=f"{title} body", entry_type=entry_type,
            contact_at=contact, significant=significant, sensitive=sensitive, seen="Amy",
        )  # fmt: skip

    # Written in a different order from the one they happened in.
    add("Strategy meeting", at(2026, 9, 10, 14, 0), "strategy_discussion")
    add("First visit", at(2026, 7, 1, 0, 30))  # 11:30pm on 30 June in UTC
    add("Routine call", at(2026, 8, 1, 9, 0), "phone_call", significant=False)
    add("Disclosure", at(2026, 8, 20, 16, 45), "home_visit", sensitive=True)
    add("Late June call", at(2026, 6, 30, 23, 59), "phone_call")
    return {"case": case, "worker": worker, "co_worker": co_worker, "stranger": stranger}


def page(w, who="worker", **query):
    client = factories.sign_in(Client(), w[who].user)
    return client.get(f"/cases/{w['case'].case_id}/chronology/", query)


def titles(response) -> list[str]:
    body = response.content.decode()
    order = ["Late June call", "First visit", "Routine call", "Disclosure", "Strategy meeting"]
    found = [(body.find(f": {t}</h2>"), t) for t in order if f": {t}</h2>" in body]
    return [t for _, t in sorted(found)]


def test_significant_events_by_default_in_the_order_they_happened(w):
    response = page(w)
    assert response.status_code == 200
    assert titles(response) == ["Late June call", "First visit", "Disclosure", "Strategy meeting"]
    body = response.content.decode()
    assert "1 July 2026 at 12:30am" in body and "10 September 2026 at 2pm" in body
    assert "Significant events, in the order they happened." in body
    assert "+00:00" not in body and ">home_visit" not in body
    assert "Strategy discussion: Strategy meeting" in body and "Seen: Amy." in body


def test_every_entry_and_types(w):
    assert titles(page(w, show="all")) == [
        "Late June call", "First visit", "Routine call", "Disclosure", "Strategy meeting",
    ]  # fmt: skip
    calls = page(w, show="all", types="phone_call")
    assert titles(calls) == ["Late June call", "Routine call"]
    assert "Every entry (phone call only)" in calls.content.decode()
    both = page(w, types=["phone_call", "strategy_discussion"])
    assert titles(both) == ["Late June call", "Strategy meeting"]


def test_dates_are_days_in_the_councils_time(w):
    july = page(w, since_day="1", since_month="7", since_year="2026")
    assert titles(july) == ["First visit", "Disclosure", "Strategy meeting"]
    june = page(w, until_day="30", until_month="6", until_year="2026")
    assert titles(june) == ["Late June call"]
    august = page(
        w, show="all", since_day="1", since_month="8", since_year="2026",
        until_day="31", until_month="8", until_year="2026",
    )  # fmt: skip
    assert titles(august) == ["Routine call", "Disclosure"]
    assert "from 1 August 2026 up to 31 August 2026" in august.content.decode()


def test_sensitive_entries_follow_the_decision(w):
    assert "Disclosure" in titles(page(w))
    assert titles(page(w, who="co_worker")) == ["Late June call", "First visit", "Strategy meeting"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            {"since_day": "31", "since_month": "2", "since_year": "2026"},
            "The start date must be a real date",
        ),
        ({"until_day": "3", "until_year": "2026"}, "The end date must include a month"),
        (
            {"since_day": "2", "since_month": "9", "since_year": "2026",
             "until_day": "1", "until_month": "9", "until_year": "2026"},
            "The end date must be the same as or after the start date",
        ),
        ({"types": "seance"}, "Choose entry types from the list"),
    ],
)  # fmt: skip
def test_bad_filters_say_what_and_where(w, query, message):
    response = page(w, **query)
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body and message in body
    assert titles(response) == []


def test_the_same_door_and_audit_as_the_case_page(w):
    before = AuditEntry.objects.count()
    assert page(w).status_code == 200
    written = AuditEntry.objects.order_by("id")[before:]
    assert [(e.action, e.decision) for e in written] == [("case.view", "allowed")]
    refused = page(w, who="stranger")
    assert refused.status_code == 403
    assert "Disclosure" not in refused.content.decode()
    assert AuditEntry.objects.filter(action="case.view", decision="refused").count() == 1


def test_the_case_page_links_to_it(w):
    client = factories.sign_in(Client(), w["worker"].user)
    body = client.get(f"/cases/{w['case'].case_id}/").content.decode()
    assert f"/cases/{w['case'].case_id}/chronology/" in body


def test_the_default_is_shown_chosen(w):
    body = page(w).content.decode()
    assert 'value="significant" checked' in body and 'value="all" checked' not in body
    assert 'value="all" checked' in page(w, show="all").content.decode()
