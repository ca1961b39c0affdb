"""Reading subject access requests: finding the person, the open requests and their clocks."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from safekeep.records.models import Case, Subject
from safekeep.records.selectors import subject_match
from safekeep.subject_access.clock import Clock, clock
from safekeep.subject_access.models import SubjectAccessRequest


def find_subjects(search: str) -> QuerySet[Subject]:
    """By case id, subject id, full or family name, or date of birth (blind indexes)."""
    text = search.strip()
    if not text:
        return Subject.objects.none()
    by_case = Case.objects.filter(case_id__iexact=text).values("subject_id")
    return Subject.objects.filter(
        subject_match(text, prefix="") | Q(pk__in=by_case) | Q(subject_id__iexact=text)
    )


def request_clock(request: SubjectAccessRequest, *, today: dt.date) -> Clock:
    return clock(
        received_on=request.received_on,
        identity_confirmed_on=request.identity_confirmed_on,
        extension_months=request.extension_months,
        today=today,
    )


@dataclass(frozen=True, slots=True)
class DashboardRow:
    request: SubjectAccessRequest
    clock: Clock


def open_requests(*, today: dt.date) -> list[DashboardRow]:
    """Open requests, the soonest due first: the IG dashboard's countdown."""
    rows = [
        DashboardRow(request, request_clock(request, today=today))
        for request in SubjectAccessRequest.objects.filter(
            status=SubjectAccessRequest.Status.OPEN
        ).select_related("subject")
    ]
    return sorted(rows, key=lambda row: row.clock.due_on)
