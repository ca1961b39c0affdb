"""Reading the FOI register: each request's clock (due date, pauses, extension, the review
window) and flags, the officer's filtered list, the disclosure log with personal data removed,
and the performance figures the s45 Code of Practice expects to be published."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet

from safekeep.governance.foi.exemptions import exemption_codes
from safekeep.governance.models import FoiRequest, FoiReview
from safekeep.governance.working_days import (
    REVIEW_DAYS,
    REVIEW_DAYS_AT_MOST,
    Pause,
    add_working_days,
    due_date,
    review_request_by,
    working_days_between,
)
from safekeep.organisation.models import StaffMember
from safekeep.organisation.roles import RoleName

DUE_SOON_DAYS = 5  # working days left at which a request is flagged


@dataclass(frozen=True, slots=True)
class RequestClock:
    statutory_due: dt.date | None  # None while the clock is stopped
    due: dt.date | None  # the extension's date when there is one
    stopped: bool
    review_request_by: dt.date | None  # once responded
    on_time: bool | None  # once responded: by the statutory 20 working days


def clock_of(request: FoiRequest) -> RequestClock:
    pauses = [Pause(p.kind, p.started_on, p.answered_on) for p in request.pauses.all()]  # type: ignore[arg-type]
    statutory = due_date(request.received_on, pauses)
    responded = request.responded_on
    return RequestClock(
        statutory_due=statutory,
        due=request.extended_to or statutory,
        stopped=statutory is None,
        review_request_by=review_request_by(responded) if responded else None,
        on_time=(statutory is not None and responded <= statutory) if responded else None,
    )


def flag_of(request: FoiRequest, clock: RequestClock, today: dt.date) -> str:
    """ "overdue", "due_soon" or "" for a request still to answer."""
    if request.status not in {FoiRequest.Status.OPEN, FoiRequest.Status.ON_HOLD}:
        return ""
    if clock.due is None:
        return ""
    if today > clock.due:
        return "overdue"
    if working_days_between(today, clock.due) <= DUE_SOON_DAYS:
        return "due_soon"
    return ""


@dataclass(frozen=True, slots=True)
class RegisterRow:
    request: FoiRequest
    clock: RequestClock
    flag: str
    questions: int


def foi_requests(
    *, today: dt.date, status: str = "", officer_pk: int | None = None, flag: str = ""
) -> list[RegisterRow]:
    """The register, newest first, filtered by status, assigned officer and flag."""
    requests: QuerySet[FoiRequest] = FoiRequest.objects.select_related(
        "assigned_to"
    ).prefetch_related("pauses", "questions")
    if status:
        requests = requests.filter(status=status)
    if officer_pk is not None:
        requests = requests.filter(assigned_to_id=officer_pk)
    rows = []
    for request in requests:
        clock = clock_of(request)
        row = RegisterRow(
            request, clock, flag_of(request, clock, today), len(request.questions.all())
        )
        if not flag or row.flag == flag:
            rows.append(row)
    return rows


def review_due(review: FoiReview) -> tuple[dt.date, dt.date]:
    """An internal review's clock: 20 working days, and 40 at most."""
    return (
        add_working_days(review.requested_on, REVIEW_DAYS),
        add_working_days(review.requested_on, REVIEW_DAYS_AT_MOST),
    )


def disclosure_log() -> QuerySet[FoiRequest]:
    """Responses released for publication, oldest first: no requester, ever."""
    return (
        FoiRequest.objects.filter(status=FoiRequest.Status.RESPONDED, published=True)
        .prefetch_related("questions")
        .order_by("responded_on", "reference")
    )


@dataclass(frozen=True, slots=True)
class FoiStatistics:
    per_month: list[tuple[dt.date, int]]  # the first of each month, requests received
    responded: int
    on_time: int
    exemptions: list[tuple[str, int]]
    reviews: int
    review_outcomes: list[tuple[str, int]]

    @property
    def on_time_percent(self) -> int | None:
        return round(100 * self.on_time / self.responded) if self.responded else None


def _month_starts(last: dt.date, months: int) -> list[dt.date]:
    first = last.replace(day=1)
    starts = []
    for _ in range(months):
        starts.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return starts[::-1]


def foi_statistics(*, today: dt.date, months: int = 12) -> FoiStatistics:
    requests = list(FoiRequest.objects.prefetch_related("pauses", "questions"))
    received = Counter(r.received_on.replace(day=1) for r in requests)
    responded = [r for r in requests if r.responded_on is not None]
    used: Counter[str] = Counter()
    for request in responded:
        for question in request.questions.all():
            used.update(exemption_codes(question.exemptions))
    outcomes = Counter(
        FoiReview.Outcome(review.outcome).label if review.outcome else "Not decided yet"
        for review in FoiReview.objects.all()
    )
    return FoiStatistics(
        per_month=[(start, received[start]) for start in _month_starts(today, months)],
        responded=len(responded),
        on_time=sum(1 for r in responded if clock_of(r).on_time),
        exemptions=sorted(used.items(), key=lambda item: (-item[1], item[0])),
        reviews=sum(outcomes.values()),
        review_outcomes=sorted(outcomes.items()),
    )


def foi_request_get(pk: int) -> FoiRequest | None:
    return (
        FoiRequest.objects.select_related("assigned_to")
        .prefetch_related("questions", "pauses", "reviews")
        .filter(pk=pk)
        .first()
    )


def foi_officers(today: dt.date) -> QuerySet[StaffMember]:
    """Who a request can be assigned to: FOI officers in post."""
    return (
        StaffMember.objects.active_on(today)
        .with_role(RoleName.FOI_OFFICER)
        .order_by("family_name", "given_name", "staff_id")
        .distinct()
    )
