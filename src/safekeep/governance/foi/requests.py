"""Handling FOI requests: logging one, holding and restarting its clock, extending it,
answering its questions (pre-filled from the FOI report where Safekeep holds the answer),
responding, and internal reviews. Each function validates everything before it saves, runs in
one transaction and writes one audit entry in it; audit entries never hold the requester or
what was asked.

Who may do this is decided at the door (`door.foi_report_access`: FOI officers and
information governance); these functions take its answer and do not decide again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone

from safekeep.access.door import DutyAccess
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import audit_change, audit_event
from safekeep.governance.errors import GovernanceError
from safekeep.governance.foi.answers import foi_report
from safekeep.governance.foi.exemptions import EXEMPTIONS
from safekeep.governance.foi.letter import answered
from safekeep.governance.foi.matching import matching_question
from safekeep.governance.foi.register import clock_of
from safekeep.governance.foi.sealing import seal_requester
from safekeep.governance.models import FoiPause, FoiQuestion, FoiRequest, FoiReview
from safekeep.governance.working_days import REVIEW_DAYS_AT_MOST, add_working_days
from safekeep.organisation.models import StaffMember

MIN_REASON_LENGTH = 10


def _not_future(day: dt.date, field: str, what: str) -> None:
    today = timezone.localdate()
    if day > today:
        raise GovernanceError(
            f"{what} cannot be in the future: it is {day:%-d %B %Y}, today is {today:%-d %B %Y}",
            field=field,
        )


def _reason(text: str, field: str, what: str) -> str:
    text = text.strip()
    if len(text) < MIN_REASON_LENGTH:
        raise GovernanceError(
            f"Enter {what} in at least {MIN_REASON_LENGTH} characters", field=field
        )
    return text


def _next_reference(received_on: dt.date) -> str:
    """FOI-2020-0001: the year received, then the next number that year."""
    prefix = f"FOI-{received_on.year}-"
    taken = FoiRequest.objects.filter(reference__startswith=prefix).count()
    number = taken + 1
    while FoiRequest.objects.filter(reference=f"{prefix}{number:04d}").exists():
        number += 1
    return f"{prefix}{number:04d}"


@transaction.atomic
def foi_request_log(
    *,
    access: DutyAccess,
    received_on: dt.date,
    requester_name: str,
    requester_contact: str,
    questions: Sequence[str],
    reference: str = "",
    assigned_to: StaffMember | None = None,
) -> FoiRequest:
    """Log a request as received: its questions in the order asked, each matched to the
    questionnaire Safekeep answers from its own data."""
    _not_future(received_on, "received_on", "The date received")
    asked = [text.strip() for text in questions if text.strip()]
    if not asked:
        raise GovernanceError("Enter at least one question the request asks", field="questions")
    if not requester_name.strip():
        raise GovernanceError("Enter the requester's name", field="requester_name")
    if not requester_contact.strip():
        raise GovernanceError(
            "Enter how to reply to the requester (an email or postal address)",
            field="requester_contact",
        )
    reference = reference.strip() or _next_reference(received_on)
    if FoiRequest.objects.filter(reference=reference).exists():
        raise GovernanceError(
            f"Reference {reference} is already used by another request", field="reference"
        )
    request = FoiRequest.objects.create(
        reference=reference,
        received_on=received_on,
        assigned_to=assigned_to or access.staff,
        created_by=access.staff,
    )
    seal_requester(request, name=requester_name.strip(), contact=requester_contact.strip())
    request.save(update_fields=["requester_name", "requester_contact"])
    FoiQuestion.objects.bulk_create(
        FoiQuestion(request=request, position=n, text=text, matches=matching_question(text))
        for n, text in enumerate(asked, start=1)
    )
    audit_change(access.origin, "foi.request.log", request, reasons=[f"questions={len(asked)}"])
    return request


def _open(request: FoiRequest) -> None:
    if request.status in {FoiRequest.Status.RESPONDED, FoiRequest.Status.WITHDRAWN}:
        raise GovernanceError(
            f"Request {request.reference} is {request.get_status_display().lower()}: "
            "it can no longer be changed",
            field="status",
        )


@transaction.atomic
def foi_request_pause(
    *, access: DutyAccess, request: FoiRequest, kind: str, started_on: dt.date
) -> FoiPause:
    """Hold the clock: a clarification asked for, or a fee notice sent."""
    _open(request)
    if kind not in FoiPause.Kind.values:
        raise GovernanceError("Choose what the council is waiting for", field="kind")
    _not_future(started_on, "started_on", "The day the clock stopped")
    if started_on < request.received_on:
        raise GovernanceError(
            "The clock cannot stop before the request was received", field="started_on"
        )
    if request.pauses.filter(answered_on__isnull=True).exists():
        raise GovernanceError("The clock is already stopped", field="kind")
    pause = FoiPause.objects.create(request=request, kind=kind, started_on=started_on)
    request.status = FoiRequest.Status.ON_HOLD
    request.save(update_fields=["status"])
    audit_change(access.origin, "foi.request.pause", request, reasons=[f"kind={kind}"])
    return pause


@transaction.atomic
def foi_request_restart(*, access: DutyAccess, request: FoiRequest, answered_on: dt.date) -> None:
    """The requester answered (clarified, or paid): the clock runs again."""
    pause = request.pauses.filter(answered_on__isnull=True).first()
    if pause is None:
        raise GovernanceError("The clock is not stopped", field="answered_on")
    _not_future(answered_on, "answered_on", "The day the requester answered")
    if answered_on < pause.started_on:
        raise GovernanceError(
            "The requester cannot answer before the clock stopped", field="answered_on"
        )
    pause.answered_on = answered_on
    pause.save(update_fields=["answered_on"])
    request.status = FoiRequest.Status.OPEN
    request.save(update_fields=["status"])
    audit_change(access.origin, "foi.request.restart", request, reasons=[f"kind={pause.kind}"])


@transaction.atomic
def foi_request_extend(
    *, access: DutyAccess, request: FoiRequest, extended_to: dt.date | None, reason: str
) -> None:
    """A public-interest extension (s10(3)): the new date and why."""
    _open(request)
    reason = _reason(reason, "extension_reason", "why the public interest test needs longer")
    due = clock_of(request).statutory_due
    if extended_to is None:
        raise GovernanceError("Enter the new date", field="extended_to")
    if due is not None and extended_to <= due:
        raise GovernanceError(
            f"The new date must be after the due date, {due:%-d %B %Y}", field="extended_to"
        )
    request.extended_to, request.extension_reason = extended_to, reason
    request.save(update_fields=["extended_to", "extension_reason"])
    audit_change(access.origin, "foi.request.extend", request, reasons=[f"to={extended_to}"])


@transaction.atomic
def foi_question_answer(
    *, access: DutyAccess, question: FoiQuestion, answer: str, exemptions: Sequence[str] = ()
) -> None:
    """The officer's answer to one question, and any exemptions it relies on."""
    _open(question.request)
    unknown = [code for code in exemptions if code not in EXEMPTIONS]
    if unknown:
        raise GovernanceError(f"{unknown[0]} is not an exemption of the Act", field="exemptions")
    if not answer.strip() and not exemptions:
        raise GovernanceError(
            "Enter an answer, or choose the exemption it relies on", field="answer"
        )
    question.answer = answer.strip()
    question.exemptions = ";".join(code for code in EXEMPTIONS if code in exemptions)
    question.prefilled = False
    question.save(update_fields=["answer", "exemptions", "prefilled"])
    audit_change(
        access.origin,
        "foi.question.answer",
        question.request,
        reasons=[f"question={question.position}"],
    )


@transaction.atomic
def foi_request_prefill(*, access: DutyAccess, request: FoiRequest, as_of: dt.date) -> int:
    """Answer every matched question from the FOI report as at `as_of` (the response date),
    marked as pre-filled; questions the officer already answered are left alone. Returns how
    many were filled."""
    _open(request)
    _not_future(as_of, "as_of", "The day of the figures")
    words = {item.question.number: item.answer for item in answered(foi_report(as_of))}
    filled = 0
    for question in request.questions.exclude(matches=""):
        if question.answer and not question.prefilled:
            continue
        question.answer, question.prefilled = words[question.matches], True
        question.save(update_fields=["answer", "prefilled"])
        filled += 1
    audit_change(
        access.origin,
        "foi.request.prefill",
        request,
        reasons=[f"as_of={as_of}", f"filled={filled}"],
    )
    return filled


@transaction.atomic
def foi_request_respond(
    *, access: DutyAccess, request: FoiRequest, responded_on: dt.date, publish: bool
) -> None:
    """Send the response: every question answered (or exempted), on a day no earlier than
    receipt; `publish` puts it in the disclosure log."""
    _open(request)
    if request.pauses.filter(answered_on__isnull=True).exists():
        raise GovernanceError("Restart the clock before responding", field="responded_on")
    if responded_on < request.received_on:
        raise GovernanceError(
            f"The response cannot be before the request was received, "
            f"{request.received_on:%-d %B %Y}",
            field="responded_on",
        )
    _not_future(responded_on, "responded_on", "The response date")
    unanswered = request.questions.filter(answer="", exemptions="").order_by("position").first()
    if unanswered is not None:
        raise GovernanceError(
            f"Question {unanswered.position} has no answer yet", field="responded_on"
        )
    request.status, request.responded_on, request.published = (
        FoiRequest.Status.RESPONDED,
        responded_on,
        publish,
    )
    request.save(update_fields=["status", "responded_on", "published"])
    audit_change(access.origin, "foi.request.respond", request, reasons=[f"on={responded_on}"])


@transaction.atomic
def foi_review_request(
    *,
    access: DutyAccess,
    request: FoiRequest,
    requested_on: dt.date,
    grounds: str,
    late_reason: str = "",
) -> FoiReview:
    """Log a request for internal review: within 40 working days of the response, or later
    only with a recorded reason for accepting it."""
    if request.responded_on is None:
        raise GovernanceError("A review is of a response: respond first", field="requested_on")
    _not_future(requested_on, "requested_on", "The day the review was asked for")
    if requested_on < request.responded_on:
        raise GovernanceError(
            "A review cannot be asked for before the response", field="requested_on"
        )
    grounds = _reason(grounds, "grounds", "what the requester is unhappy with")
    window = clock_of(request).review_request_by
    if window is not None and requested_on > window:
        late_reason = _reason(
            late_reason,
            "late_reason",
            f"why a review asked for after {window:%-d %B %Y} (40 working days) is accepted",
        )
    review = FoiReview.objects.create(
        request=request, requested_on=requested_on, grounds=grounds, late_reason=late_reason.strip()
    )
    audit_change(access.origin, "foi.review.request", request, reasons=[f"on={requested_on}"])
    return review


@transaction.atomic
def foi_review_decide(
    *, access: DutyAccess, review: FoiReview, outcome: str, decided_on: dt.date
) -> None:
    """The review's outcome (due in 20 working days, 40 at most: later is recorded, not
    refused, and shows as late)."""
    if outcome not in FoiReview.Outcome.values or not outcome:
        raise GovernanceError("Choose the outcome of the review", field="outcome")
    _not_future(decided_on, "decided_on", "The day of the decision")
    if decided_on < review.requested_on:
        raise GovernanceError(
            "The decision cannot be before the review was asked for", field="decided_on"
        )
    review.outcome, review.decided_on = outcome, decided_on
    review.save(update_fields=["outcome", "decided_on"])
    late = decided_on > add_working_days(review.requested_on, REVIEW_DAYS_AT_MOST)
    audit_change(
        access.origin,
        "foi.review.decide",
        review.request,
        reasons=[f"outcome={outcome}", f"late={'yes' if late else 'no'}"],
    )


@transaction.atomic
def foi_review_ico(
    *, access: DutyAccess, review: FoiReview, complained_on: dt.date, decision: str
) -> None:
    """A complaint to the Information Commissioner after the review, and its decision."""
    if review.decided_on is None:
        raise GovernanceError("Record the review's outcome first", field="ico_complained_on")
    _not_future(complained_on, "ico_complained_on", "The day of the complaint")
    if complained_on < review.decided_on:
        raise GovernanceError(
            "The complaint cannot be before the review was decided", field="ico_complained_on"
        )
    review.ico_complained_on, review.ico_decision = complained_on, decision.strip()
    review.save(update_fields=["ico_complained_on", "ico_decision"])
    audit_change(access.origin, "foi.review.ico", review.request)


def foi_request_seen(*, access: DutyAccess, request: FoiRequest | None, shown_as: str) -> None:
    """A read of the register, audited: the list, one request (its requester opened), its
    letter, or the disclosure log (`request` None for the list and the log)."""
    audit_event(
        origin=access.origin,
        action="foi.request.view",
        decision=AuditEntry.Decision.ALLOWED,
        object_type="foi_request",
        object_id=str(request.pk) if request is not None else "",
        reasons=[f"shown_as={shown_as}"],
    )
