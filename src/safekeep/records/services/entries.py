"""Case notes and assessments: added as a first version, changed by adding a version."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from safekeep.access.door import CaseAccess, EntryAccess
from safekeep.access.vocabulary import Action, Obligation
from safekeep.organisation.models import StaffMember
from safekeep.records import sealing
from safekeep.records.models import Entry, EntryVersion
from safekeep.records.services._recording import record_change, require_allowed
from safekeep.records.services.errors import RecordsError

# The longest title and body an entry may have: the pages' forms and the API take these too.
TITLE_MAX = 200
BODY_MAX = 100_000


def check_body(body: str) -> str:
    body = body.strip()
    if len(body) > BODY_MAX:
        raise RecordsError(
            f"The entry must be {BODY_MAX:,} characters or fewer; it has {len(body):,}",
            field="body",
        )
    return body


def check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise RecordsError("Enter a title", field="title")
    if len(title) > TITLE_MAX:
        raise RecordsError(f"Title must be {TITLE_MAX} characters or fewer", field="title")
    return title


def check_sensitive(sensitive: bool, access: CaseAccess) -> None:
    if sensitive and not access.decision.sees_sensitive_entries:
        raise RecordsError(
            "Only the allocated worker and managers can mark an entry as sensitive",
            field="sensitive",
        )


def version_create(
    *,
    entry: Entry,
    number: int,
    title: str,
    body: str,
    staff: StaffMember,
    now: dt.datetime,
    change_reason: str = "",
) -> EntryVersion:
    version = EntryVersion(entry=entry, number=number, edited_by=staff, edited_at=now)
    sealing.seal_version(
        version, case_pk=entry.case_id, title=title, body=body, change_reason=change_reason
    )
    version.save(force_insert=True)
    return version


def entry_add(
    *, access: CaseAccess, kind: str, title: str, body: str, sensitive: bool = False
) -> Entry:
    """A new case note or assessment, as its first version."""
    require_allowed(access, Action.ADD_ENTRY)
    if kind not in {Entry.Kind.NOTE, Entry.Kind.ASSESSMENT}:
        raise RecordsError("Choose a case note or an assessment", field="kind")
    title, body = check_title(title), check_body(body)
    check_sensitive(sensitive, access)
    now, staff, case = access.context.now, access.staff, access.case
    with transaction.atomic():
        entry = Entry.objects.create(
            case=case, kind=kind, sensitive=sensitive, author=staff, created_at=now
        )
        version_create(entry=entry, number=1, title=title, body=body, staff=staff, now=now)
        record_change(access, "entry.add", entry, case)
    return entry


def entry_edit(*, access: EntryAccess, title: str, body: str, reason: str = "") -> EntryVersion:
    """A new version of the entry; the previous versions stay as they were.

    A manager correcting someone else's entry must say why (the decision obliges it); the
    reason is sealed with the version and shown in its history.
    """
    case_access, entry = access.case_access, access.entry
    require_allowed(case_access, Action.EDIT)
    title, body = check_title(title), check_body(body)
    reason = reason.strip()
    if Obligation.RECORD_REASON in access.decision.obligations and not reason:
        raise RecordsError(
            "Give the reason for correcting an entry someone else wrote", field="reason"
        )
    now, staff = case_access.context.now, case_access.staff
    with transaction.atomic():
        # Lock the entry row so two edits cannot both claim the next version number.
        Entry.objects.select_for_update().filter(pk=entry.pk).first()
        last = entry.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = version_create(
            entry=entry,
            number=last + 1,
            title=title,
            body=body,
            staff=staff,
            now=now,
            change_reason=reason,
        )
        record_change(
            case_access, "entry.edit", entry, case_access.case, [f"version {version.number}"]
        )
    return version
