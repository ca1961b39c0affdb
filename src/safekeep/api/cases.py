"""Case records over the API: the same services, selectors and decisions as the pages.

Refusals answer 403 with {"detail", "reasons"}; a case id that does not exist answers
exactly as a case the caller has no relationship with.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from safekeep.access.context import request_context
from safekeep.access.policy import ADD_ENTRY, NOT_ALLOCATED_REFUSAL, VIEW, Decision
from safekeep.access.services import AccessRefused, authorise
from safekeep.audit.writing import Origin, audit_event
from safekeep.devices.context import origin_for
from safekeep.organisation.models import StaffMember
from safekeep.records import selectors, services
from safekeep.records.models import Case, Entry

router = Router(tags=["cases"])


class Refusal(Schema):
    detail: str
    reasons: list[str]


class Problem(Schema):
    detail: str
    field: str = ""


class SubjectOut(Schema):
    subject_id: str
    kind: str
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    restricted: bool


class CaseOut(Schema):
    case_id: str
    subject: SubjectOut
    owning_team: str
    classification: str
    opened_on: dt.date
    closed_on: dt.date | None


class CasePage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[CaseOut]


class DocumentOut(Schema):
    filename: str
    content_type: str
    size: int
    sha256: str


class VersionOut(Schema):
    number: int
    title: str
    body: str
    edited_by: str
    edited_at: dt.datetime


class EntryOut(Schema):
    id: int
    kind: str
    sensitive: bool
    author: str
    created_at: dt.datetime
    versions: list[VersionOut]
    document: DocumentOut | None = None


class CaseDetailOut(CaseOut):
    access: list[str]
    entries: list[EntryOut]


class EntryIn(Schema):
    kind: str = Field(description="note or assessment")
    title: str
    body: str = ""
    sensitive: bool = False


class PageParams(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=100)


def _staff(request: HttpRequest) -> StaffMember:
    staff = request.user.staff  # type: ignore[union-attr]
    assert staff is not None  # guaranteed by TokenAuth
    return staff


def _origin(request: HttpRequest) -> Origin:
    """Who called, from which enrolled device (its asset tag; empty for an unknown one)."""
    return origin_for(request)


def _refusal(decision: Decision) -> Status[dict[str, Any]]:
    reasons = [r[:1].upper() + r[1:] for r in decision.reasons]
    return Status(403, {"detail": "You cannot see this record.", "reasons": reasons})


def _missing(request: HttpRequest, case_id: str, action: str) -> Status[dict[str, Any]]:
    audit_event(
        origin=_origin(request),
        action=f"case.{action}",
        decision="refused",
        object_type="case",
        object_id=case_id[:80],
        reasons=["no such case"],
    )
    return _refusal(Decision(False, (NOT_ALLOCATED_REFUSAL,)))


def _case_out(case: Case) -> dict[str, Any]:
    """The case with its subject's details opened by the selector (they are stored sealed)."""
    subject = case.subject
    person = selectors.subject_person(subject)
    return {
        "case_id": case.case_id,
        "subject": {
            "subject_id": subject.subject_id,
            "kind": subject.kind,
            "given_name": person.given_name,
            "family_name": person.family_name,
            "date_of_birth": person.date_of_birth,
            "restricted": subject.restricted,
        },
        "owning_team": case.owning_team.name,
        "classification": case.classification,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
    }


def _entry_out(view: selectors.EntryView) -> dict[str, Any]:
    entry, document = view.entry, view.document
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "sensitive": entry.sensitive,
        "author": entry.author.staff_id,
        "created_at": entry.created_at,
        "versions": [
            {
                "number": v.number,
                "title": v.title,
                "body": v.body,
                "edited_by": v.edited_by.staff_id,
                "edited_at": v.edited_at,
            }
            for v in view.versions
        ],
        "document": None
        if document is None
        else {
            "filename": document.filename,
            "content_type": document.content_type,
            "size": document.size,
            "sha256": document.sha256,
        },
    }


@router.get("/cases", response=CasePage, summary="List the cases you may see")
def list_cases(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    """Paginated, from the same rules as the web caseload (never a per-row check)."""
    cases = selectors.caseload(staff=_staff(request), context=request_context(request))
    paginator = Paginator(cases, params.page_size)
    page = paginator.get_page(params.page)
    audit_event(
        origin=_origin(request),
        action="case.list",
        decision="allowed",
        object_type="case",
        reasons=[f"page {page.number}"],
    )
    return {
        "count": paginator.count,
        "page": page.number,
        "page_size": params.page_size,
        "pages": paginator.num_pages,
        "results": [_case_out(case) for case in page.object_list],
    }


@router.get(
    "/cases/{case_id}",
    response={200: CaseDetailOut, 403: Refusal},
    summary="Read one case and its entries",
)
def read_case(request: HttpRequest, case_id: str) -> Any:
    case = selectors.case_by_id(case_id)
    if case is None:
        return _missing(request, case_id, VIEW)
    decision = authorise(
        staff=_staff(request),
        case=case,
        action=VIEW,
        context=request_context(request),
        origin=_origin(request),
    )
    if not decision.allowed:
        return _refusal(decision)
    entries = selectors.entry_views(case=case, decision=decision)
    return Status(
        200,
        {
            **_case_out(case),
            "access": list(decision.reasons),
            "entries": [_entry_out(entry) for entry in entries],
        },
    )


@router.post(
    "/cases/{case_id}/entries",
    response={201: EntryOut, 400: Problem, 403: Refusal},
    summary="Add a case note or assessment",
)
def add_entry(request: HttpRequest, case_id: str, payload: EntryIn) -> Any:
    case = selectors.case_by_id(case_id)
    if case is None:
        return _missing(request, case_id, ADD_ENTRY)
    try:
        entry = services.entry_add(
            staff=_staff(request),
            case=case,
            kind=payload.kind,
            title=payload.title,
            body=payload.body,
            sensitive=payload.sensitive,
            context=request_context(request),
            origin=_origin(request),
        )
    except AccessRefused as refusal:
        return _refusal(refusal.decision)
    except services.RecordsError as error:
        return Status(400, {"detail": error.message, "field": error.field})
    entry = (
        Entry.objects.select_related("author")
        .prefetch_related("versions__edited_by")
        .get(pk=entry.pk)
    )
    return Status(201, _entry_out(selectors.entry_view(entry)))
