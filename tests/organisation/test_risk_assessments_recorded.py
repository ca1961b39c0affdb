"""Volunteers' risk assessments recorded in the app: the real decision changes at once, a
lapsed one stops granting access, those due for review are flagged, and every one is
audited in words."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from safekeep.access.door import AccessRefused
from safekeep.access.policy import (
    ActorFacts,
    AllocationFacts,
    CaseFacts,
    RiskAssessmentFacts,
    decide,
)
from safekeep.access.vocabulary import Action
from safekeep.audit.models import AuditEntry
from safekeep.organisation.assessments import (
    AssessmentInvalid,
    AssessmentState,
    assessment_state,
    risk_assessment_record,
    volunteer_assessments,
)
from safekeep.organisation.models import RiskAssessment
from tests.factories import (
    TEST_ORIGIN,
    case_access,
    laptop_context,
    make_case,
    make_risk_assessment,
    make_staff,
    make_team,
    make_user,
    sign_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> dict[str, object]:
    team = make_team("Assessed Children Centre")
    volunteer = make_staff(team=team, employment_type="volunteer", given_name="Vera")
    manager = make_staff(team=team, roles=("volunteer_manager",), given_name="Val")
    case = make_case(team=team, allocated=(volunteer,))
    return {"team": team, "volunteer": volunteer, "manager": manager, "case": case}


def _record(people: dict[str, object], **changes: object) -> RiskAssessment:
    fields: dict[str, object] = {
        "origin": TEST_ORIGIN,
        "by": people["manager"],
        "volunteer": people["volunteer"],
        "outcome": "approved",
        "scope_team": people["team"],
        "max_classification": "OFFICIAL",
        "review_due": timezone.localdate() + dt.timedelta(days=180),
    }
    fields.update(changes)
    return risk_assessment_record(**fields)  # type: ignore[arg-type]


def _may_view(people: dict[str, object]) -> bool:
    try:
        case_access(people["volunteer"], people["case"], Action.VIEW, change=False)  # type: ignore[arg-type]
    except AccessRefused:
        return False
    return True


def test_a_recorded_assessment_changes_what_the_volunteer_may_see(people: dict) -> None:
    assert not _may_view(people)  # never assessed: refused
    _record(people)
    assert _may_view(people)  # the real decision, through the door
    _record(people, outcome="refused")  # a later one, the same day, replaces it
    assert not _may_view(people)
    _record(people, outcome="approved", review_due=timezone.localdate() + dt.timedelta(days=90))
    assert _may_view(people)


def test_scope_and_classification_are_what_the_assessment_says(people: dict) -> None:
    _record(people, scope_team=make_team("Somewhere Else"))
    assert not _may_view(people)
    sensitive = make_case(
        team=people["team"], classification="OFFICIAL-SENSITIVE", allocated=(people["volunteer"],)
    )
    _record(people)
    with pytest.raises(AccessRefused):
        case_access(people["volunteer"], sensitive, Action.VIEW, change=False)
    _record(people, max_classification="OFFICIAL-SENSITIVE")
    case_access(people["volunteer"], sensitive, Action.VIEW, change=False)


def test_it_is_audited_in_words(people: dict) -> None:
    _record(people)
    entry = AuditEntry.objects.get(action="risk_assessment.record")
    assert entry.object_type == "staff" and entry.object_id == people["volunteer"].staff_id
    assert entry.reasons[0] == "approved for Assessed Children Centre"
    assert "records up to OFFICIAL" in entry.reasons
    assert any(reason.startswith("review by ") for reason in entry.reasons)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"review_due": dt.date(2000, 1, 1)}, "review_due", "must be in the future"),
        ({"outcome": "maybe"}, "outcome", "Choose whether"),
        ({"max_classification": "SECRET"}, "max_classification", "highest classification"),
    ],
)
def test_bad_input_says_what_and_where(people: dict, changes: dict, field: str, words: str) -> None:
    with pytest.raises(AssessmentInvalid) as raised:
        _record(people, **changes)
    assert words in raised.value.errors[field]
    assert not RiskAssessment.objects.exists()
    assert not AuditEntry.objects.filter(action="risk_assessment.record").exists()


def test_only_a_volunteer_or_centre_manager_records_and_only_for_a_volunteer(people: dict) -> None:
    with pytest.raises(AssessmentInvalid, match="Only a volunteer manager or a centre manager"):
        _record(people, by=make_staff(team=people["team"]))
    with pytest.raises(AssessmentInvalid, match="is not a volunteer"):
        _record(people, volunteer=make_staff(team=people["team"]))
    centre = make_staff(team=people["team"], roles=("centre_manager",))
    _record(people, by=centre)
    assert RiskAssessment.objects.count() == 1


def test_lapsed_stops_access_and_due_soon_is_flagged(people: dict) -> None:
    today = timezone.localdate()
    make_risk_assessment(
        people["volunteer"],
        team=people["team"],
        assessed_on=today - dt.timedelta(days=365),
        review_due=today - dt.timedelta(days=1),
    )
    assert not _may_view(people)
    other = make_staff(team=people["team"], employment_type="volunteer", given_name="Otto")
    make_risk_assessment(
        other,
        team=people["team"],
        assessed_on=today - dt.timedelta(days=300),
        review_due=today + dt.timedelta(days=10),
    )
    rows = {row.volunteer.pk: row for row in volunteer_assessments(today)}
    assert rows[people["volunteer"].pk].state == AssessmentState.LAPSED
    assert rows[other.pk].state == AssessmentState.DUE_SOON
    assert rows[other.pk].flagged
    # Recording a new one in the app brings access back at once.
    _record(people)
    assert _may_view(people)


def test_the_managers_page_flags_them_and_records_one(client: Client, people: dict) -> None:
    today = timezone.localdate()
    make_risk_assessment(
        people["volunteer"],
        team=people["team"],
        assessed_on=today - dt.timedelta(days=300),
        review_due=today + dt.timedelta(days=3),
    )
    sign_in(client, make_user(people["manager"]))
    page = client.get("/reviews/volunteers/")
    assert page.status_code == 200
    assert "Review due soon" in page.text and "Vera" in page.text
    due = (today + dt.timedelta(days=200)).isoformat()
    sent = client.post(
        f"/reviews/volunteers/{people['volunteer'].staff_id}/",
        {
            "outcome": "approved",
            "scope_team": people["team"].pk,
            "max_classification": "OFFICIAL",
            "review_due": due,
        },
    )
    assert sent.status_code == 302
    assert RiskAssessment.objects.filter(staff=people["volunteer"], assessed_on=today).exists()
    assert "Review due soon" not in client.get("/reviews/volunteers/").text
    bad = client.post(
        f"/reviews/volunteers/{people['volunteer'].staff_id}/",
        {"outcome": "approved", "scope_team": people["team"].pk, "review_due": "tomorrow"},
    )
    assert bad.status_code == 400
    assert "Choose the highest classification it covers" in bad.text
    assert "The review date must be a real date" in bad.text


def test_a_practitioner_cannot_open_the_page(client: Client, people: dict) -> None:
    sign_in(client, make_user(make_staff(team=people["team"])))
    assert client.get("/reviews/volunteers/").status_code == 403


# --- the rule as a function of dates ------------------------------------------------------

days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31))


@given(review_due=days, today=days)
def test_state_follows_the_dates_and_lapsed_is_exactly_what_the_policy_refuses(
    review_due: dt.date, today: dt.date
) -> None:
    state = assessment_state(review_due, today)
    gap = (review_due - today).days
    assert (state == AssessmentState.LAPSED) == (gap < 0)
    assert (state == AssessmentState.DUE_SOON) == (0 <= gap <= 14)
    actor = ActorFacts(
        staff_pk=1,
        roles=frozenset({"practitioner"}),
        employment_type="volunteer",
        start_date=dt.date(2019, 1, 1),
        latest_risk_assessment=RiskAssessmentFacts("approved", 7, "OFFICIAL", review_due),
    )
    case = CaseFacts(
        case_pk=1,
        owning_team_id=7,
        classification="OFFICIAL",
        subject_restricted=False,
        allocations=(AllocationFacts("allocated_worker", dt.date(2019, 1, 1), None),),
    )
    now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    allowed = decide(actor, Action.VIEW, case, laptop_context(now)).allowed
    assert allowed == (state != AssessmentState.LAPSED)
