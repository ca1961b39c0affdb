"""Case records over the API: the same services, selectors and decisions as the pages.

Refusals answer 403 with {"detail", "reasons"}; every other error is JSON too
(api/errors.py); a case id that does not exist answers
exactly as a case the caller has no relationship with.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.core.paginator import Paginator
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import BaseModel

from safekeep.access import door
from safekeep.access.context import request_context
from safekeep.access.door import AccessRefused
from safekeep.access.vocabulary import Action
from safekeep.api.errors import responses
from safekeep.organisation.models import Classification
from safekeep.records import selectors, services
from safekeep.records.models import Case, Entry, Subject
from safekeep.records.services.entries import BODY_MAX, SEEN_MAX, TITLE_MAX
from safekeep.web.pages import origin_of, staff_of

router = Router(tags=["cases"])


class Refusal(Schema):
    detail: str
    reasons: list[str]


class Problem(Schema):
    detail: str
    field: str = ""


class Out(BaseModel):
    """What a case read answers, validated straight from the dicts built below: plain
    pydantic, since ninja's `Schema` wraps every nested value in an ORM attribute getter
    (about a tenth of a case read's time, for values that are never ORM objects here)."""


class SubjectOut(Out):
    subject_id: str
    kind: Literal[Subject.Kind.CHILD, Subject.Kind.ADULT, Subject.Kind.STAFF]
    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    restricted: bool


class CaseOut(Out):
    case_id: str
    subject: SubjectOut
    owning_team: str
    classification: Literal[Classification.OFFICIAL, Classification.OFFICIAL_SENSITIVE]
    opened_on: dt.date
    closed_on: dt.date | None


class CasePage(Out):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[CaseOut]


class DocumentOut(Out):
    filename: str
    content_type: str
    size: int
    sha256: str


class VersionOut(Out):
    number: int
    title: str
    body: str
    seen: str = Field("", description="who was seen (free text)")
    edited_by: str
    edited_at: dt.datetime


class EntryOut(Out):
    id: int
    kind: Literal[Entry.Kind.NOTE, Entry.Kind.ASSESSMENT, Entry.Kind.DOCUMENT]
    entry_type: Entry.EntryType = Field(description="what the contact was")
    contact_at: dt.datetime = Field(description="when the contact happened")
    significant: bool = False
    sensitive: bool
    author: str
    created_at: dt.datetime = Field(description="when it was recorded")
    versions: list[VersionOut]
    document: DocumentOut | None = None


class CaseDetailOut(CaseOut):
    access: list[str]
    entries: list[EntryOut]


class EntryIn(Schema):
    """The limits are the page's (records.services.entries), so both refuse alike."""

    kind: Literal[Entry.Kind.NOTE, Entry.Kind.ASSESSMENT] = Field(
        Entry.Kind.NOTE,
        description="a case note or an assessment (documents are uploaded on the case page); "
        "left out when entry_type is given, it follows from the type",
    )
    entry_type: Entry.EntryType | None = Field(
        None, description="what the contact was; by default from kind (a case note)"
    )
    contact_at: dt.datetime | None = Field(
        None,
        description="when the contact happened, with its offset; not in the future; by default now",
    )
    seen: str = Field("", max_length=SEEN_MAX, description="who was seen")
    significant: bool = False
    title: str = Field(max_length=TITLE_MAX, pattern=r"\S", description="not blank")
    body: str = Field("", max_length=BODY_MAX)
    sensitive: bool = False


class PageParams(Schema):
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=100)


def _refusal(refusal: AccessRefused) -> Status[dict[str, Any]]:
    """403 with what was refused and why, as the refusal page says it (429 when the caller
    has been refused too often in a short while)."""
    reasons = [r[:1].upper() + r[1:] for r in refusal.decision.words]
    return Status(refusal.status, {"detail": f"{refusal.title}.", "reasons": reasons})


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
        "entry_type": entry.entry_type,
        "contact_at": entry.contact_at,
        "significant": entry.significant,
        "sensitive": entry.sensitive,
        "author": entry.author.staff_id,
        "created_at": entry.created_at,
        "versions": [
            {
                "number": v.number,
                "title": v.title,
                "body": v.body,
                "seen": v.seen,
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


@router.get(
    "/cases",
    response=responses({200: CasePage, 403: Refusal, 429: Refusal}),
    summary="List the cases you may see",
)
def list_cases(request: HttpRequest, params: Query[PageParams]) -> Any:
    """Paginated, from the same rules as the web caseload (never a per-row check). A device
    that may show no case answers 403 with the reasons, not an empty list."""
    try:
        listing = door.case_list(
            staff=staff_of(request), context=request_context(request), origin=origin_of(request)
        )
    except AccessRefused as refusal:
        return _refusal(refusal)
    paginator = Paginator(selectors.caseload(listing.cases), params.page_size)
    page = paginator.get_page(params.page)
    door.record_list(listing, page=page.number, searched=False)
    return Status(
        200,
        {
            "count": paginator.count,
            "page": page.number,
            "page_size": params.page_size,
            "pages": paginator.num_pages,
            "results": [_case_out(case) for case in page.object_list],
        },
    )


@router.get(
    "/cases/{case_id}",
    response=responses({200: CaseDetailOut, 403: Refusal, 429: Refusal}),
    summary="Read one case and its entries",
)
def read_case(request: HttpRequest, case_id: str) -> Any:
    try:
        access = door.case_access(
            staff=staff_of(request),
            case_id=case_id,
            action=Action.VIEW,
            context=request_context(request),
            origin=origin_of(request),
        )
    except AccessRefused as refusal:
        return _refusal(refusal)
    entries = selectors.entry_views(access=access)
    return Status(
        200,
        {
            **_case_out(access.case),
            "access": list(access.decision.reasons),
            "entries": [_entry_out(entry) for entry in entries],
        },
    )


@router.post(
    "/cases/{case_id}/entries",
    response=responses({201: EntryOut, 400: Problem, 403: Refusal, 429: Refusal}),
    summary="Add a case note or assessment",
)
def add_entry(request: HttpRequest, case_id: str, payload: EntryIn) -> Any:
    try:
        access = door.case_access(
            staff=staff_of(request),
            case_id=case_id,
            action=Action.ADD_ENTRY,
            context=request_context(request),
            origin=origin_of(request),
            change=True,
        )
        entry = services.entry_add(
            access=access,
            # Given only a type, the kind follows from it; given both, they must agree.
            kind=payload.kind
            if "kind" in payload.model_fields_set or payload.entry_type is None
            else None,
            entry_type=payload.entry_type,
            contact_at=payload.contact_at,
            seen=payload.seen,
            significant=payload.significant,
            title=payload.title,
            body=payload.body,
            sensitive=payload.sensitive,
        )
    except AccessRefused as refusal:
        return _refusal(refusal)
    except services.RecordsError as error:
        door.record_unchanged(access)
        return Status(400, {"detail": error.message, "field": error.field})
    entry = (
        Entry.objects.select_related("author")
        .prefetch_related("versions__edited_by")
        .get(pk=entry.pk)
    )
    return Status(201, _entry_out(selectors.entry_view(entry)))
