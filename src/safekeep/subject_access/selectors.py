"""Reading subject access requests: finding the person, the requests and their clocks, what
is gathered for one, and the subject's access history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from safekeep.audit.models import AuditEntry
from safekeep.audit.wording import action_words
from safekeep.organisation.models import StaffMember
from safekeep.records.models import Case, Entry, Subject
from safekeep.records.selectors import entries_of, entry_view, subject_match
from safekeep.subject_access.clock import Clock, clock
from safekeep.subject_access.models import Export, SubjectAccessRequest, Withholding


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


def subject_get(subject_id: str) -> Subject | None:
    return Subject.objects.filter(subject_id=subject_id).first()


def request_get(pk: int) -> SubjectAccessRequest | None:
    return SubjectAccessRequest.objects.select_related("subject", "opened_by").filter(pk=pk).first()


def all_requests(*, today: dt.date) -> list[DashboardRow]:
    """Every request: the open ones soonest due first, then those sent, newest first."""
    rows = [
        DashboardRow(request, request_clock(request, today=today))
        for request in SubjectAccessRequest.objects.select_related("subject")
    ]
    open_rows = sorted(
        (r for r in rows if r.request.status == SubjectAccessRequest.Status.OPEN),
        key=lambda row: row.clock.due_on,
    )
    sent = sorted(
        (r for r in rows if r.request.status != SubjectAccessRequest.Status.OPEN),
        key=lambda row: (row.request.received_on, row.request.pk),
        reverse=True,
    )
    return open_rows + sent


@dataclass(frozen=True, slots=True)
class GatheredEntry:
    """One entry on the subject's records, opened, and whether IG withholds it."""

    entry: Entry
    title: str
    body: str
    withheld: Withholding | None


@dataclass(frozen=True, slots=True)
class GatheredCase:
    case: Case
    entries: list[GatheredEntry]


def gathered(request: SubjectAccessRequest) -> list[GatheredCase]:
    """Every case where the subject is the subject, every entry on it (sensitive ones too)
    at its latest version, with IG's withholding if any. Only for the IG pages, after the
    door's `subject_access` duty allowed the request."""
    held = {w.entry_id: w for w in request.withholdings.select_related("decided_by")}
    found = []
    for case in Case.objects.filter(subject=request.subject).order_by("case_id"):
        rows = []
        for entry in entries_of(case, with_sensitive=True).order_by("created_at", "id"):
            latest = entry_view(entry).latest
            rows.append(GatheredEntry(entry, latest.title, latest.body, held.get(entry.pk)))
        found.append(GatheredCase(case, rows))
    return found


def entry_of_subject(request: SubjectAccessRequest, entry_pk: int) -> Entry | None:
    """An entry on one of the request's subject's cases (None for anyone else's)."""
    return (
        Entry.objects.filter(pk=entry_pk, case__subject=request.subject)
        .select_related("case")
        .first()
    )


@dataclass(frozen=True, slots=True)
class HistoryRow:
    entry: AuditEntry
    who: str
    roles: str
    words: str


def access_history(subject: Subject) -> list[HistoryRow]:
    """Every audit entry with the subject's id or about one of their cases, oldest first:
    who (their name), their roles (now), when, what in plain words, allowed or refused."""
    case_ids = list(Case.objects.filter(subject=subject).values_list("case_id", flat=True))
    entries = list(
        AuditEntry.objects.filter(
            Q(subject_id=subject.subject_id) | Q(object_type="case", object_id__in=case_ids)
        ).order_by("occurred_at", "id")
    )
    ids = {e.actor_staff_id for e in entries if e.actor_staff_id}
    staff = {
        s.staff_id: s
        for s in StaffMember.objects.filter(staff_id__in=ids).prefetch_related("roles")
    }

    def who(entry: AuditEntry) -> tuple[str, str]:
        member = staff.get(entry.actor_staff_id)
        if member is None:
            return entry.actor_username or "Safekeep", ""
        roles = ", ".join(sorted(role.get_role_display() for role in member.roles.all()))
        return member.full_name, roles

    return [HistoryRow(e, *who(e), action_words(e.action, e.decision)) for e in entries]


def exports_of(request: SubjectAccessRequest) -> list[Export]:
    return list(request.exports.order_by("-created_at"))


def export_get(request: SubjectAccessRequest, pk: int) -> Export | None:
    return request.exports.filter(pk=pk).first()
