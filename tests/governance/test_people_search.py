"""IG finds a person by name, date of birth or case id, through the blind indexes.

What the blind index allows: exact matches after normalising (capitals, spacing, Unicode
composition) of a full name (given and family together), a family name alone, or a date
of birth. Part of a name, a given name alone or a misspelling finds nobody, because names
are stored sealed and only their keyed hashes can be compared.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from safekeep.audit.models import AuditEntry
from safekeep.governance.selectors import subject_search
from safekeep.organisation.models import Team
from safekeep.records.models import Case, Subject
from safekeep.records.services import subject_create
from tests.factories import make_staff, make_team, make_user, sign_in

pytestmark = pytest.mark.django_db


def person(subject_id: str, given: str, family: str, born: dt.date, team: Team) -> Subject:
    subject = subject_create(
        subject_id=subject_id,
        kind="child",
        given_name=given,
        family_name=family,
        date_of_birth=born,
        restricted=False,
        staff=None,
    )
    Case.objects.create(
        case_id=f"C{subject_id[1:]}",
        subject=subject,
        owning_team=team,
        classification="OFFICIAL",
        opened_on=dt.date(2025, 1, 1),
    )
    return subject


@pytest.fixture
def people() -> dict[str, Subject]:
    team = make_team("Family Support East")
    return {
        "amy": person("P100001", "Amy", "O'Neill", dt.date(2015, 4, 9), team),
        "ben": person("P100002", "Ben", "O'Neill", dt.date(2017, 1, 20), team),
        "cara": person("P100003", "Cara", "Lee", dt.date(2015, 4, 9), team),
    }


def found(text: str) -> list[str]:
    return [f.subject.subject_id for f in subject_search(text).found]


def test_by_full_name_family_name_date_of_birth_and_case_id(people: dict[str, Subject]) -> None:
    assert found("Amy O'Neill") == ["P100001"]
    assert found("  amy   O'NEILL ") == ["P100001"]  # capitals and spacing do not matter
    assert found("o'neill") == ["P100001", "P100002"]  # a family name alone
    assert found("2015-04-09") == ["P100001", "P100003"]
    assert found("9/4/2015") == ["P100001", "P100003"]  # day first, as the council writes it
    assert found("C100002") == ["P100002"]
    assert found("P100003") == ["P100003"]
    search = subject_search("Amy O'Neill")
    assert search.how == "name"
    assert search.found[0].person.full_name == "Amy O'Neill"
    assert search.found[0].person.date_of_birth == dt.date(2015, 4, 9)
    assert [c.case_id for c in search.found[0].cases] == ["C100001"]
    assert subject_search("9/4/2015").how == "date of birth"
    assert subject_search("C100002").how == "case id"


def test_part_of_a_name_finds_nobody(people: dict[str, Subject]) -> None:
    assert found("Amy") == []  # a given name alone is not indexed
    assert found("O'Nei") == []  # nor the start of a name
    assert found("Amy ONeill") == []  # nor a spelling without the apostrophe
    assert found("C10000") == []  # a case id matches whole


@pytest.fixture
def ig(client: Client) -> Client:
    return sign_in(client, make_user(make_staff(roles=("ig_officer",))))


def test_the_page_finds_and_links_to_the_subject_report(
    ig: Client, people: dict[str, Subject]
) -> None:
    response = ig.get(reverse("audit:people"), {"q": "o'neill"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2 people found by name" in html
    assert "Amy O&#x27;Neill" in html and "9 April 2015" in html and "Cara" not in html
    assert f"{reverse('audit:subject-report')}?subject_id=P100001" in html
    assert reverse("records:who-can-see", kwargs={"case_id": "C100002"}) in html
    recorded = AuditEntry.objects.get(action="audit.subject_search")
    assert recorded.decision == "allowed"
    assert recorded.reasons == ["by name", "found P100001, P100002"]  # never the words typed


def test_an_empty_search_says_what_to_enter(ig: Client) -> None:
    response = ig.get(reverse("audit:people"), {"q": "  "})
    assert response.status_code == 400
    assert "Enter a name, a date of birth or a case ID" in response.content.decode()
    assert ig.get(reverse("audit:people")).status_code == 200  # the empty form
    assert not AuditEntry.objects.filter(action="audit.subject_search").exists()


@pytest.mark.parametrize("role", ["practitioner", "team_manager", "it_support", "foi_officer"])
def test_nobody_else_can_look_people_up(
    client: Client, people: dict[str, Subject], role: str
) -> None:
    sign_in(client, make_user(make_staff(roles=(role,))))
    response = client.get(reverse("audit:people"), {"q": "o'neill"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Amy" not in html and "P100001" not in html and "2015" not in html
    assert list(AuditEntry.objects.values_list("action", "decision")) == [("page.open", "refused")]
