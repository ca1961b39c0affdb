"""The FOI request register: logging, the clock's pauses and extension, answers pre-filled from
the FOI report, the response, internal reviews, the disclosure log and the statistics; bad
input names its field and saves nothing; every change is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safekeep.access import door
from safekeep.access.door import DutyAccess
from safekeep.audit.models import AuditEntry
from safekeep.governance.errors import GovernanceError
from safekeep.governance.foi import requests as foi
from safekeep.governance.foi.questions import QUESTIONS
from safekeep.governance.foi.register import (
    clock_of,
    disclosure_log,
    foi_requests,
    foi_statistics,
    review_due,
)
from safekeep.governance.foi.sealing import open_requester
from safekeep.governance.models import FoiQuestion, FoiRequest, FoiReview
from tests.factories import TEST_ORIGIN, laptop_context, make_staff, make_team

pytestmark = pytest.mark.django_db
SEED = [f"{q.number}. {q.text}" for q in QUESTIONS]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def officer() -> DutyAccess:
    staff = make_staff(roles=("foi_officer",), works_with_vulnerable_people=False)
    return door.foi_report_access(staff=staff, context=laptop_context(), origin=TEST_ORIGIN)


def log(access: DutyAccess, **fields: object) -> FoiRequest:
    values: dict[str, object] = {
        "received_on": d("2020-02-11"),
        "requester_name": "A. Researcher",
        "requester_contact": "researcher@example.org",
        "questions": SEED,
    }
    values.update(fields)
    return foi.foi_request_log(access=access, **values)  # type: ignore[arg-type]


def test_a_logged_request_seals_the_requester_and_keeps_the_questions_in_order():
    access = officer()
    request = log(access, questions=[*SEED, "How many parking permits did you issue?"])
    assert request.reference == "FOI-2020-0001"
    assert "researcher" not in request.requester_contact  # sealed at rest
    stored = FoiRequest.objects.get()
    assert open_requester(stored) == ("A. Researcher", "researcher@example.org")
    questions = list(stored.questions.values_list("position", "matches"))
    assert questions == [*[(n, q.number) for n, q in enumerate(QUESTIONS, 1)], (8, "")]
    assert request.assigned_to == access.staff
    entry = AuditEntry.objects.filter(action="foi.request.log").get()
    assert entry.object_id == str(request.pk) and "Researcher" not in str(entry.reasons)
    assert log(access).reference == "FOI-2020-0002"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"received_on": dt.date(2999, 1, 1)}, "received_on", "The date received cannot be in"),
        ({"questions": []}, "questions", "Enter at least one question"),
        ({"questions": ["  ", ""]}, "questions", "Enter at least one question"),
        ({"requester_name": " "}, "requester_name", "Enter the requester's name"),
        ({"requester_contact": ""}, "requester_contact", "Enter how to reply"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(
    fields: dict[str, object], field: str, message: str
) -> None:
    access = officer()
    with pytest.raises(GovernanceError, match=message) as error:
        log(access, **fields)
    assert error.value.field == field
    assert not FoiRequest.objects.exists() and not FoiQuestion.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="foi.request").exists()


def test_a_reference_is_used_once():
    access = officer()
    log(access, reference="6073489")
    with pytest.raises(GovernanceError, match="already used") as error:
        log(access, reference="6073489")
    assert error.value.field == "reference"


def test_the_clock_stops_for_a_fee_and_restarts_on_payment():
    access = officer()
    request = log(access)
    assert clock_of(request).due == d("2020-03-10")
    foi.foi_request_pause(access=access, request=request, kind="fee", started_on=d("2020-02-18"))
    request.refresh_from_db()
    assert request.status == "on_hold" and clock_of(request).stopped
    assert clock_of(request).due is None
    foi.foi_request_restart(access=access, request=request, answered_on=d("2020-02-20"))
    request.refresh_from_db()
    assert request.status == "open" and clock_of(request).due == d("2020-03-13")
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["foi.request.log", "foi.request.pause", "foi.request.restart"]


def test_an_extension_needs_a_reason_and_a_later_date():
    access = officer()
    request = log(access)
    with pytest.raises(GovernanceError, match="at least 10 characters") as error:
        foi.foi_request_extend(
            access=access, request=request, extended_to=d("2020-04-07"), reason=""
        )
    assert error.value.field == "extension_reason"
    with pytest.raises(GovernanceError, match="after the due date, 10 March 2020") as error:
        foi.foi_request_extend(
            access=access,
            request=request,
            extended_to=d("2020-03-09"),
            reason="Public interest test",
        )
    assert error.value.field == "extended_to"
    request.refresh_from_db()
    assert request.extended_to is None
    foi.foi_request_extend(
        access=access, request=request, extended_to=d("2020-04-07"), reason="Public interest test"
    )
    assert clock_of(request).due == d("2020-04-07")
    assert clock_of(request).statutory_due == d("2020-03-10")


def test_flags_due_soon_and_overdue_on_the_list():
    access = officer()
    today = timezone.localdate()
    old = log(access, received_on=today - dt.timedelta(days=60))
    recent = log(access, received_on=today - dt.timedelta(days=24))
    fresh = log(access, received_on=today)
    flags = {row.request.pk: row.flag for row in foi_requests(today=today)}
    assert flags[old.pk] == "overdue" and flags[fresh.pk] == ""
    assert flags[recent.pk] in {"due_soon", "overdue"}
    assert [row.request for row in foi_requests(today=today, flag="overdue")][-1] == old
    assert foi_requests(today=today, officer_pk=make_staff().pk) == []


def test_matched_questions_are_prefilled_from_the_report_and_others_are_left_to_the_officer():
    access = officer()
    make_staff(team=make_team("Early Help"), start_date=d("2019-01-01"))
    request = log(access, questions=[SEED[0], "How many parking permits did you issue?"])
    assert foi.foi_request_prefill(access=access, request=request, as_of=d("2020-02-24")) == 1
    first, second = request.questions.all()
    assert first.prefilled and first.answer == "Total = 1, 1 is in Family Services"
    assert not second.prefilled and second.answer == ""
    with pytest.raises(GovernanceError, match="Question 2 has no answer yet"):
        foi.foi_request_respond(
            access=access, request=request, responded_on=d("2020-02-24"), publish=True
        )
    foi.foi_question_answer(access=access, question=second, answer="", exemptions=["s12"])
    with pytest.raises(GovernanceError, match="before the request was received") as error:
        foi.foi_request_respond(
            access=access, request=request, responded_on=d("2020-02-10"), publish=True
        )
    assert error.value.field == "responded_on"
    foi.foi_request_respond(
        access=access, request=request, responded_on=d("2020-02-24"), publish=True
    )
    request.refresh_from_db()
    clock = clock_of(request)
    assert clock.review_request_by == d("2020-04-23") and clock.on_time
    with pytest.raises(GovernanceError, match="responded: it can no longer be changed"):
        foi.foi_question_answer(access=access, question=first, answer="Changed")


def test_an_answer_needs_words_or_a_real_exemption():
    access = officer()
    question = log(access).questions.first()
    assert question is not None
    with pytest.raises(GovernanceError, match="Enter an answer") as error:
        foi.foi_question_answer(access=access, question=question, answer=" ")
    assert error.value.field == "answer"
    with pytest.raises(GovernanceError, match="s99 is not an exemption"):
        foi.foi_question_answer(access=access, question=question, answer="x", exemptions=["s99"])


def _responded(access: DutyAccess) -> FoiRequest:
    request = log(access, questions=["How many parking permits did you issue?"])
    question = request.questions.get()
    foi.foi_question_answer(access=access, question=question, answer="", exemptions=["s40"])
    foi.foi_request_respond(
        access=access, request=request, responded_on=d("2020-02-24"), publish=True
    )
    request.refresh_from_db()
    return request


def test_a_review_within_40_working_days_has_its_own_clock():
    access = officer()
    request = _responded(access)
    review = foi.foi_review_request(
        access=access,
        request=request,
        requested_on=d("2020-04-23"),
        grounds="The s40 is wrong here",
    )
    assert review_due(review) == (d("2020-05-22"), d("2020-06-22"))  # VE Day, Spring holiday
    foi.foi_review_decide(
        access=access, review=review, outcome="upheld", decided_on=d("2020-05-20")
    )
    foi.foi_review_ico(
        access=access, review=review, complained_on=d("2020-06-01"), decision="Upheld"
    )
    review.refresh_from_db()
    assert review.ico_decision == "Upheld"
    assert AuditEntry.objects.filter(action="foi.review.decide").get().reasons == [
        "outcome=upheld",
        "late=no",
    ]


def test_a_late_review_request_needs_a_recorded_reason():
    access = officer()
    request = _responded(access)
    with pytest.raises(GovernanceError, match="after 23 April 2020") as error:
        foi.foi_review_request(
            access=access, request=request, requested_on=d("2020-04-24"), grounds="Unhappy with it"
        )
    assert error.value.field == "late_reason" and not FoiReview.objects.exists()
    review = foi.foi_review_request(
        access=access,
        request=request,
        requested_on=d("2020-04-24"),
        grounds="Unhappy with it",
        late_reason="The requester was in hospital",
    )
    assert review.late_reason == "The requester was in hospital"


def test_the_disclosure_log_and_the_statistics():
    access = officer()
    published = _responded(access)
    log(access)  # still open: neither published nor responded
    assert list(disclosure_log()) == [published]
    stats = foi_statistics(today=d("2020-03-15"), months=3)
    assert stats.per_month == [(d("2020-01-01"), 0), (d("2020-02-01"), 2), (d("2020-03-01"), 0)]
    assert (stats.responded, stats.on_time, stats.on_time_percent) == (1, 1, 100)
    assert stats.exemptions == [("s40", 1)]
    assert stats.reviews == 0


def test_the_response_letter_in_the_seeds_shape(tmp_path, monkeypatch):
    from safekeep.governance.foi.response import response_document

    access = officer()
    make_staff(team=make_team("Early Help"), start_date=d("2019-01-01"))
    request = log(access, reference="6073489", questions=[SEED[0], "How many parking permits?"])
    foi.foi_request_prefill(access=access, request=request, as_of=d("2020-02-24"))
    second = request.questions.get(position=2)
    foi.foi_question_answer(access=access, question=second, answer="", exemptions=["s21", "s12"])
    foi.foi_request_respond(
        access=access, request=request, responded_on=d("2020-02-24"), publish=False
    )
    html = response_document(request, dated=d("2020-02-24"), fmt="html").content.decode()
    order = [
        "24 February 2020",
        'Our ref: <strong id="letter-reference">6073489</strong>',
        "Thank you for your request received on 11 February 2020, for the following information:",
        "1a. How many of your employees",
        "Total = 1, 1 is in Family Services",
        "How many parking permits?",
        "withheld under Section 12: the cost of compliance",
        "withheld under Section 21:",
        "Freedom of Information Act 2000",
        "Further information",
        "direct marketing",
        "Your rights",
        "within 40 working days of this letter, that is by 23 April 2020",
        "complain to the Information Commissioner",
    ]
    positions = [html.index(text) for text in order]
    assert positions == sorted(positions)
    assert "researcher@example.org" not in html and "A. Researcher" not in html
    pdf = response_document(request, dated=d("2020-02-24"), fmt="pdf")
    assert pdf.content.startswith(b"%PDF") and pdf.filename == "foi-response-6073489.pdf"
    own = tmp_path / "wording.toml"
    own.write_text('review_contact = "foi@barnet.example"\nteam = "Information Management Team"\n')
    monkeypatch.setenv("SAFEKEEP_FOI_LETTER_WORDING", str(own))
    html = response_document(request, dated=d("2020-02-24"), fmt="html").content.decode()
    assert "writing to the Information Management Team at foi@barnet.example" in html
