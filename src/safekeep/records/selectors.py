"""Reading case records. Lists come from `access.queries.visible_cases`, so a list, a search
or a count never holds a case the person may not see; one case is read only after the
policy has allowed `view`, and sensitive entries follow the decision.

Names, dates of birth and entry text are stored sealed: they are opened here (never in
templates), and a value that fails its integrity check is shown as withheld (the crypto
layer has already logged and audited it) instead of failing the whole page.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from safekeep.access.door import CaseAccess
from safekeep.access.wording import minutes
from safekeep.crypto import blind_index
from safekeep.crypto.errors import DecryptionFailed, KeyMissing
from safekeep.organisation.models import StaffMember
from safekeep.records import nhs_number, sealing
from safekeep.records.details import PersonDetails
from safekeep.records.models import (
    AccessGrant,
    Allocation,
    Case,
    CaseClosure,
    Document,
    Entry,
    EntryDraft,
    EntryVersion,
    Referral,
    Subject,
    SubjectDetails,
)

WITHHELD = "[withheld: this failed its integrity check; information governance has been told]"
_UK_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")


# --- opened values ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Person:
    """A subject's opened details, for display."""

    given_name: str
    family_name: str
    date_of_birth: dt.date | None
    intact: bool = True

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


@dataclass(frozen=True, slots=True)
class CaseRow:
    case: Case
    person: Person


@dataclass(frozen=True, slots=True)
class VersionView:
    number: int
    title: str
    body: str
    edited_by: StaffMember
    edited_at: dt.datetime
    intact: bool = True
    change_reason: str = ""
    seen: str = ""
    # The contact as this version had it: its type in words, when, whether significant.
    entry_type: str = ""
    contact_at: dt.datetime | None = None
    significant: bool | None = None


@dataclass(frozen=True, slots=True)
class DocumentView:
    filename: str
    content_type: str
    size: int
    sha256: str


@dataclass(frozen=True, slots=True)
class EntryView:
    """An entry with its versions opened, newest first."""

    entry: Entry
    versions: list[VersionView]
    document: DocumentView | None

    @property
    def latest(self) -> VersionView:
        return self.versions[0]

    @property
    def earlier(self) -> list[VersionView]:
        return self.versions[1:]


def subject_person(subject: Subject) -> Person:
    """The subject's names and date of birth, opened (call only after `view` is allowed)."""
    try:
        given, family, born = sealing.open_subject(subject)
    except (DecryptionFailed, KeyMissing):
        return Person(WITHHELD, "", None, intact=False)
    return Person(given, family, born)


def person_details(subject: Subject) -> PersonDetails | None:
    """The subject's address, contacts, alerts and the rest, opened (only after `view` is
    allowed); None when nothing is recorded. Tampered details read as one withheld alert."""
    row = SubjectDetails.objects.filter(subject=subject).first()
    if row is None:
        return None
    try:
        return sealing.open_details(row)
    except (DecryptionFailed, KeyMissing):
        return PersonDetails(alerts=(WITHHELD,))


def case_rows(cases: Iterable[Case]) -> list[CaseRow]:
    """One page of a visible-cases list, with each subject's details opened (their keys
    fetched in one query)."""
    page = list(cases)
    sealing.preload_keys(subject_pks=[case.subject_id for case in page])
    return [CaseRow(case, subject_person(case.subject)) for case in page]


def _version_view(version: EntryVersion, *, case_pk: int) -> VersionView:
    try:
        title, body, reason = sealing.open_version(version, case_pk=case_pk)
        seen = sealing.open_seen(version, case_pk=case_pk)
        intact = True
    except (DecryptionFailed, KeyMissing):
        title, body, reason, seen, intact = WITHHELD, "", "", "", False
    return VersionView(
        version.number,
        title,
        body,
        version.edited_by,
        version.edited_at,
        intact=intact,
        change_reason=reason,
        seen=seen,
        entry_type=version.get_entry_type_display() if version.entry_type else "",
        contact_at=version.contact_at,
        significant=version.significant,
    )


def entry_view(entry: Entry) -> EntryView:
    """Open one entry (its versions and document prefetched or fetched here)."""
    versions = sorted(entry.versions.all(), key=lambda v: v.number, reverse=True)
    document = None
    if entry.kind == Entry.Kind.DOCUMENT:
        stored: Document | None = getattr(entry, "document", None)
        if stored is not None:
            try:
                filename = sealing.open_filename(stored, case_pk=entry.case_id)
            except (DecryptionFailed, KeyMissing):
                filename = "document"
            document = DocumentView(filename, stored.content_type, stored.size, stored.sha256)
    return EntryView(entry, [_version_view(v, case_pk=entry.case_id) for v in versions], document)


def entry_views(*, access: CaseAccess) -> list[EntryView]:
    """The entries the decision lets this person see, opened, newest first."""
    return entries_opened(access.case, with_sensitive=access.decision.sees_sensitive_entries)


def entries_opened(case: Case, *, with_sensitive: bool) -> list[EntryView]:
    """A case's entries opened, newest first; the case's and its subject's data keys are
    fetched together first, as a case is shown with its subject's names."""
    sealing.preload_keys(case_pks=[case.pk], subject_pks=[case.subject_id])
    return [entry_view(entry) for entry in entries_of(case, with_sensitive=with_sensitive)]


@dataclass(frozen=True, slots=True)
class ChronologyFilter:
    """What the chronology shows: significant events only (the default), or every entry;
    some entry types only (none: all); contacts on or after `since`, on or before `until`
    (days in the council's time zone)."""

    significant_only: bool = True
    types: frozenset[str] = frozenset()
    since: dt.date | None = None
    until: dt.date | None = None


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time()).replace(tzinfo=timezone.get_current_timezone())


def chronology(*, access: CaseAccess, shown: ChronologyFilter) -> list[EntryView]:
    """The case's spine: the entries the decision lets this person see, in the order the
    contacts happened (oldest first), narrowed by `shown`. Documents have no contact and
    are left out."""
    entries = case_entries(access=access).exclude(kind=Entry.Kind.DOCUMENT)
    if shown.significant_only:
        entries = entries.filter(significant=True)
    if shown.types:
        entries = entries.filter(entry_type__in=sorted(shown.types))
    if shown.since is not None:
        entries = entries.filter(contact_at__gte=_day_start(shown.since))
    if shown.until is not None:
        entries = entries.filter(contact_at__lt=_day_start(shown.until + dt.timedelta(days=1)))
    return [entry_view(entry) for entry in entries.order_by("contact_at", "id")]


@dataclass(frozen=True, slots=True)
class ClosureView:
    """One close or reopen, its words opened."""

    kind: str
    reason_words: str
    details: str
    on: dt.date
    by: StaffMember
    at: dt.datetime


def _closure_view(closure: CaseClosure) -> ClosureView:
    try:
        details = sealing.open_closure(closure)
    except (DecryptionFailed, KeyMissing):
        details = WITHHELD
    return ClosureView(
        closure.kind,
        closure.get_reason_display() if closure.reason else "",
        details,
        closure.on,
        closure.by,
        closure.at,
    )


def case_closures(case: Case) -> list[ClosureView]:
    """Every close and reopen of the case, newest first (read after `view` is allowed)."""
    return [_closure_view(c) for c in case.closures.select_related("by").order_by("-number")]


def latest_closure(case: Case) -> ClosureView | None:
    """Why and when a closed case was closed; None for an open case."""
    if case.closed_on is None:
        return None
    closure = case.closures.filter(kind=CaseClosure.Kind.CLOSE).order_by("-number").first()
    return _closure_view(closure) if closure is not None else None


@dataclass(frozen=True, slots=True)
class DraftView:
    fields: dict[str, str]
    saved_at: dt.datetime


def my_draft(*, access: CaseAccess) -> DraftView | None:
    """This person's own draft entry for the case, opened (nobody else's, ever)."""
    draft = EntryDraft.objects.filter(case=access.case, author=access.staff).first()
    if draft is None:
        return None
    try:
        fields = json.loads(sealing.open_draft(draft))
    except (DecryptionFailed, KeyMissing):
        return None
    return DraftView({str(k): str(v) for k, v in fields.items()}, draft.saved_at)


def document_filename(document: Document) -> str:
    """The original file name (for the download's Content-Disposition)."""
    try:
        return sealing.open_filename(document, case_pk=document.entry.case_id)
    except (DecryptionFailed, KeyMissing):
        return "document"


# --- lists and search ---------------------------------------------------------------------


def parse_date_of_birth(text: str) -> dt.date | None:
    """A date typed in the search box: 2015-05-01 or 1/5/2015 (day first); else None."""
    text = text.strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = _UK_DATE.match(text)
    if match is None:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def subject_match(search: str, *, prefix: str = "subject__") -> Q:
    """Exact match through the blind indexes: a date of birth, a family name (one word), or
    a full name (two or more words). Case, accents' composition and spacing are normalised.
    `prefix` leads from the rows searched to the subject ("" to search subjects)."""
    return subject_match_kind(search, prefix=prefix)[1]


def subject_match_kind(search: str, *, prefix: str = "subject__") -> tuple[str, Q]:
    """`subject_match`, and what the search was taken as: "NHS number", "date of birth" or
    "name"."""
    born = parse_date_of_birth(search)
    words = search.split()
    if nhs_number.normalise(search).isdigit() and born is None:
        index = blind_index.nhs_number_index(nhs_number.normalise(search))
        return "NHS number", Q(**{f"{prefix}details__nhs_number_index": index})
    if born is not None:
        kind, index, field = "date of birth", blind_index.date_of_birth_index(born), "date_of_birth"
    elif len(words) == 1:
        kind, index, field = "name", blind_index.family_name_index(words[0]), "family_name"
    else:
        index = blind_index.full_name_index(" ".join(words[:-1]), words[-1] if words else "")
        kind, field = "name", "name"
    if not index:
        return kind, Q(pk__in=[])
    return kind, Q(**{f"{prefix}{field}_index": index})


def caseload(visible: QuerySet[Case], *, search: str = "") -> QuerySet[Case]:
    """The cases the door says this person may see (`access.door.case_list`), optionally
    narrowed by an exact match on the subject's name, date of birth or NHS number (through
    blind indexes: they are stored sealed).

    Ordered by case id: sealed names cannot be sorted by the database.
    """
    cases = visible.select_related("subject", "owning_team")
    if search.strip():
        cases = cases.filter(subject_match(search))
    return cases.order_by("case_id")


def case_entries(*, access: CaseAccess) -> QuerySet[Entry]:
    """Entries the decision lets this person see, newest first, with every version:
    sensitive ones need the allocated worker, the supervising manager or the owning
    team's manager."""
    return entries_of(access.case, with_sensitive=access.decision.sees_sensitive_entries)


def entries_of(case: Case, *, with_sensitive: bool) -> QuerySet[Entry]:
    """A case's entries with their versions and documents, ready to open."""
    entries = Entry.objects.filter(case=case).select_related("author")
    if not with_sensitive:
        entries = entries.filter(sensitive=False)
    return entries.prefetch_related(
        Prefetch(
            "versions",
            queryset=EntryVersion.objects.select_related("edited_by").order_by("-number"),
        ),
        Prefetch("document", queryset=Document.objects.all()),
    )


def entry_for_case(*, access: CaseAccess, entry_id: int) -> Entry | None:
    return case_entries(access=access).filter(pk=entry_id).first()


def document_for_case(*, access: CaseAccess, entry_id: int) -> Document | None:
    """The document of a visible entry of the case (None: no such document, or hidden)."""
    entry = entry_for_case(access=access, entry_id=entry_id)
    if entry is None:
        return None
    return Document.objects.filter(entry=entry).select_related("entry__case__subject").first()


def case_allocations(*, case: Case) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(case=case)
        .select_related("staff", "created_by")
        .order_by("-starts_on", "-id")
    )


def case_grants(*, case: Case) -> QuerySet[AccessGrant]:
    return (
        AccessGrant.objects.filter(case=case)
        .select_related("grantee", "decided_by", "referral")
        .order_by("-created_at", "-id")
    )


def case_referrals(*, case: Case) -> QuerySet[Referral]:
    return (
        Referral.objects.filter(case=case)
        .select_related("from_team", "to_team", "created_by", "decided_by")
        .order_by("-created_at", "-id")
    )


# --- my requests ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MyRequest:
    """One of a person's own requests for access, or a referral or transfer they made."""

    anchor: str  # the row's id on the page, which an email links to: "request-12"
    kind: str  # "Access", "Referral", "Transfer"
    case: Case
    made_at: dt.datetime
    asked: str  # what was asked for: "view the case", "to Adults West"
    state: str  # in words: "Pending", "Approved until 9 December 2026 at 4:37pm", …
    refuse_reason: str = ""


def grant_state(grant: AccessGrant, now: dt.datetime) -> str:
    """A request's state in words, for the person who asked."""
    if grant.status == AccessGrant.Status.REQUESTED:
        return "Pending"
    if grant.status == AccessGrant.Status.APPROVED:
        if grant.expires_at <= now:
            return "Ended"
        return f"Approved until {minutes(timezone.localtime(grant.expires_at))}"
    return str(grant.get_status_display())


def referral_state(referral: Referral) -> str:
    if referral.status == Referral.Status.OPEN:
        return "Pending"
    return str(referral.get_status_display())


def my_requests(*, staff: StaffMember, now: dt.datetime) -> list[MyRequest]:
    """`staff`'s own requests for access (not the grants referrals make) and the referrals
    and transfers they made, newest first."""
    grants = AccessGrant.objects.filter(grantee=staff, referral__isnull=True).select_related(
        "case__subject"
    )
    referrals = Referral.objects.filter(created_by=staff).select_related("case__subject", "to_team")
    rows = [
        MyRequest(
            f"request-{grant.pk}",
            "Access",
            grant.case,
            grant.created_at,
            f"to {grant.actions_in_words()}",
            grant_state(grant, now),
            grant.refuse_reason if grant.status == AccessGrant.Status.REFUSED else "",
        )
        for grant in grants
    ] + [
        MyRequest(
            f"referral-{referral.pk}",
            str(referral.get_kind_display()),
            referral.case,
            referral.created_at,
            f"to {referral.to_team.name}",
            referral_state(referral),
        )
        for referral in referrals
    ]
    return sorted(rows, key=lambda row: row.made_at, reverse=True)
