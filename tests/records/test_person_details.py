"""The person's details: sealed at rest, NHS number validated and found through its blind
index, shown on the record (alerts first), changed only with `edit`, and audited."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safekeep.access.door import AccessRefused
from safekeep.access.vocabulary import Action
from safekeep.audit.models import AuditEntry
from safekeep.records import nhs_number, selectors, services
from safekeep.records.details import Contact, KeyDate, PersonDetails
from safekeep.records.models import Case, SubjectDetails
from safekeep.records.services import RecordsError
from tests import factories
from tests.factories import case_access, make_case, make_staff, make_team, make_user, sign_in

VALID = "943 476 5919"

DETAILS = PersonDetails(
    address="12 Canal Street\nMillbrook MB1 2AB",
    contacts=(
        Contact("Jo Smith", "mother", "07700 900123", lives_with=True),
        Contact("Lee Smith", "father", do_not_contact=True),
    ),
    nhs_number=VALID,
    legal_statuses=("child_protection_plan",),
    key_dates=(KeyDate("Child protection review", dt.date(2027, 1, 14)),),
    first_language="Polish",
    interpreter_needed=True,
    alerts=("Risk to lone workers: visit in pairs",),
)


# --- NHS numbers ----------------------------------------------------------------------------


def test_a_valid_nhs_number_passes_with_or_without_spaces():
    assert nhs_number.is_valid(VALID)
    assert nhs_number.is_valid("9434765919")
    assert nhs_number.formatted("9434765919") == VALID


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("943 476 5918", "not a valid NHS number"),  # wrong check digit
        ("943 476 591", "must be 10 digits; it has 9"),
        ("943 476 59199", "must be 10 digits; it has 11"),
        ("943 476 591X", "numbers only"),
        ("123 456 7880", "not a valid NHS number"),  # remainder 10: never issued
    ],
)
def test_an_invalid_nhs_number_says_what_is_wrong(typed, words):
    problem = nhs_number.problem(typed)
    assert problem is not None and words in problem


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(1, 9))
def test_the_check_digit_catches_any_single_changed_digit(first_nine, change):
    check = nhs_number.check_digit(first_nine)
    if check is None:
        return
    number = first_nine + str(check)
    assert nhs_number.is_valid(number)
    changed = number[:8] + str((int(number[8]) + change) % 10) + number[9]
    assert not nhs_number.is_valid(changed)


# --- keeping them -------------------------------------------------------------------------


@pytest.fixture
def world(db):
    team = make_team("Children West")
    worker = make_staff(team=team)
    stranger = make_staff(team=make_team("Elsewhere"))
    case = make_case(team=team, allocated=(worker,))
    return {"team": team, "worker": worker, "stranger": stranger, "case": case}


def test_details_are_sealed_opened_and_audited(world):
    services.person_details_set(
        access=case_access(world["worker"], world["case"], Action.EDIT), details=DETAILS
    )
    row = SubjectDetails.objects.get(subject=world["case"].subject)
    assert "Canal" not in row.sealed and "Risk" not in row.sealed and "943" not in row.sealed
    opened = selectors.person_details(world["case"].subject)
    assert opened is not None
    assert opened.address == DETAILS.address
    assert opened.nhs_number == "9434765919"
    assert opened.alerts == DETAILS.alerts
    assert [c.name for c in opened.do_not_contact] == ["Lee Smith"]
    assert opened.key_dates == DETAILS.key_dates
    entry = AuditEntry.objects.get(action="subject.details")
    assert entry.subject_id == world["case"].subject.subject_id
    assert entry.object_id == world["case"].subject.subject_id


def test_details_moved_to_another_subject_do_not_open(world):
    services.person_details_set(
        access=case_access(world["worker"], world["case"], Action.EDIT), details=DETAILS
    )
    other = make_case(team=world["team"], allocated=(world["worker"],))
    services.person_details_set(
        access=case_access(world["worker"], other, Action.EDIT), details=PersonDetails()
    )
    sealed = SubjectDetails.objects.get(subject=world["case"].subject).sealed
    SubjectDetails.objects.filter(subject=other.subject).update(sealed=sealed)
    opened = selectors.person_details(other.subject)
    assert opened is not None and opened.alerts == (selectors.WITHHELD,)


def test_an_invalid_nhs_number_or_an_adults_status_on_a_child_is_refused(world):
    access = case_access(world["worker"], world["case"], Action.EDIT)
    with pytest.raises(RecordsError, match="not a valid NHS number"):
        services.person_details_set(access=access, details=PersonDetails(nhs_number="9434765918"))
    with pytest.raises(RecordsError, match="legal statuses"):
        services.person_details_set(
            access=access, details=PersonDetails(legal_statuses=("deprivation_of_liberty",))
        )
    assert not SubjectDetails.objects.exists()


def test_someone_who_cannot_edit_cannot_change_details(world):
    with pytest.raises(AccessRefused):
        case_access(world["stranger"], world["case"], Action.EDIT)


def test_exact_search_by_nhs_number_through_the_blind_index(world):
    services.person_details_set(
        access=case_access(world["worker"], world["case"], Action.EDIT), details=DETAILS
    )
    make_case(team=world["team"], allocated=(world["worker"],))
    every = Case.objects.all()
    assert list(selectors.caseload(every, search="9434765919")) == [world["case"]]
    assert list(selectors.caseload(every, search=VALID)) == [world["case"]]
    assert list(selectors.caseload(every, search="4010232137")) == []


# --- the pages ----------------------------------------------------------------------------


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "alerts": "Risk to lone workers\nDog in the house",
        "address": "12 Canal Street",
        "nhs_number": VALID,
        "legal": "child_in_need",
        "contact_0_name": "Jo Smith",
        "contact_0_relationship": "mother",
        "contact_0_lives_with": "on",
        "contact_1_name": "Lee Smith",
        "contact_1_do_not_contact": "on",
        "date_0_what": "Review",
        "date_0_on_day": "14",
        "date_0_on_month": "1",
        "date_0_on_year": "2027",
        "first_language": "Polish",
        "interpreter_needed": "on",
    }
    data.update(overrides)
    return data


def test_the_worker_changes_details_and_the_record_shows_them_alerts_first(client, world):
    make_user(world["worker"])
    sign_in(client, world["worker"].user)
    path = f"/cases/{world['case'].case_id}/details/"
    assert client.get(path).status_code == 200
    response = client.post(path, form_data())
    assert response.status_code == 302
    page = client.get(f"/cases/{world['case'].case_id}/").content.decode()
    assert page.index("Risk to lone workers") < page.index("Owning team")
    for shown in (
        "12 Canal Street",
        VALID,
        "Child in need",
        "Do not contact: Lee Smith",
        "Review: 14 January 2027",
        "First language: Polish; needs an interpreter",
    ):
        assert shown in page
    assert AuditEntry.objects.filter(action="subject.details").count() == 1
    again = client.get(path).content.decode()  # the form starts from what is kept
    assert "Jo Smith" in again and factories.date_boxes(again, "date_0_on") == ("14", "1", "2027")


def test_a_wrong_nhs_number_or_an_undated_key_date_shows_the_form_again(client, world):
    make_user(world["worker"])
    sign_in(client, world["worker"].user)
    path = f"/cases/{world['case'].case_id}/details/"
    response = client.post(path, form_data(nhs_number="943 476 5918"))
    assert response.status_code == 400
    assert "not a valid NHS number" in response.content.decode()
    response = client.post(path, form_data(date_0_on_day="", date_0_on_month="", date_0_on_year=""))
    assert response.status_code == 400 and "Enter the date" in response.content.decode()
    assert not SubjectDetails.objects.exists()


def test_a_stranger_is_refused_the_details_page(client, world):
    make_user(world["stranger"])
    sign_in(client, world["stranger"].user)
    assert client.get(f"/cases/{world['case'].case_id}/details/").status_code == 403
    assert client.post(f"/cases/{world['case'].case_id}/details/", form_data()).status_code == 403


def test_the_caseload_finds_a_person_by_nhs_number(client, world):
    services.person_details_set(
        access=case_access(world["worker"], world["case"], Action.EDIT), details=DETAILS
    )
    make_user(world["worker"])
    sign_in(client, world["worker"].user)
    page = client.get("/cases/", {"q": VALID}).content.decode()
    assert world["case"].case_id in page
