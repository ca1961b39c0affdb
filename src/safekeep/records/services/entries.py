"""Case notes and assessments: added as a first version, changed by adding a version."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from safekeep.access.door import CaseAccess, EntryAccess
from safekeep.access.vocabulary import Action, Obligation
from safekeep.organisation.models import StaffMember
from safekeep.records import sealing
from safekeep.records.models import Entry, EntryDraft, EntryVersion
from safekeep.records.services._recording import record_change, require_allowed
from safekeep.records.services.closure import check_open
from safekeep.records.services.errors import RecordsError

# The longest title and body an entry may have: the pages' forms and the API take these too.
TITLE_MAX = 200
BODY_MAX = 100_000
SEEN_MAX = 500
# How far back a contact may be dated: a slip of the year, not an old visit, beyond this.
CONTACT_MAX_YEARS_BACK = 10
# What an edit may change about the contact, in the audit entry's words (never its text).
_CONTACT_WORDS = (
    ("entry_type", "the entry type"),
    ("contact_at", "the contact time"),
    ("significant", "the significant flag"),
)
# The kind (note or assessment) an entry type is kept as, for lists that predate types.
_KIND_OF_TYPE = {Entry.EntryType.ASSESSMENT: Entry.Kind.ASSESSMENT}


def check_seen(seen: str) -> str:
    seen = seen.strip()
    if len(seen) > SEEN_MAX:
        raise RecordsError(
            f"Who was seen must be {SEEN_MAX} characters or fewer; it has {len(seen):,}",
            field="seen",
        )
    return seen


def check_contact_at(contact_at: dt.datetime, now: dt.datetime) -> dt.datetime:
    """A contact happened already: never in the future, nor more than ten years ago."""
    if contact_at.tzinfo is None:
        raise ValueError("the contact time must carry its time zone")
    if contact_at > now:
        raise RecordsError("The date and time of contact must be in the past", field="contact_at")
    if contact_at < now - dt.timedelta(days=365 * CONTACT_MAX_YEARS_BACK):
        raise RecordsError(
            f"The date of contact must be within the last {CONTACT_MAX_YEARS_BACK} years",
            field="contact_at",
        )
    return contact_at


def check_entry_type(entry_type: str) -> str:
    if entry_type not in Entry.EntryType.values:
        raise RecordsError("Choose what kind of contact or entry it is", field="entry_type")
    return entry_type


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
    seen: str = "",
) -> EntryVersion:
    """The entry's next version: its text sealed, and the contact as the entry says now."""
    version = EntryVersion(
        entry=entry,
        number=number,
        edited_by=staff,
        edited_at=now,
        entry_type=entry.entry_type,
        contact_at=entry.contact_at,
        significant=entry.significant,
    )
    sealing.seal_version(
        version,
        case_pk=entry.case_id,
        title=title,
        body=body,
        change_reason=change_reason,
        seen=seen,
    )
    version.save(force_insert=True)
    return version


def entry_add(
    *,
    access: CaseAccess,
    title: str,
    body: str,
    sensitive: bool = False,
    kind: str | None = None,
    entry_type: str | None = None,
    contact_at: dt.datetime | None = None,
    seen: str = "",
    significant: bool = False,
) -> Entry:
    """A new entry, as its first version: what kind of contact, when it happened (not in the
    future; by default now), who was seen (sealed with the text) and whether it is a
    significant event for the chronology.

    `kind` is the older way to say note or assessment (the API's first callers); given
    alone it picks the entry type, and given with a type it must agree with it.
    """
    require_allowed(access, Action.ADD_ENTRY)
    check_open(access)
    if kind is not None and kind not in {Entry.Kind.NOTE, Entry.Kind.ASSESSMENT}:
        raise RecordsError("Choose a case note or an assessment", field="kind")
    if entry_type is None:
        entry_type = (
            Entry.EntryType.ASSESSMENT
            if kind == Entry.Kind.ASSESSMENT
            else Entry.EntryType.CASE_NOTE
        )
    entry_type = check_entry_type(entry_type)
    kept_kind = _KIND_OF_TYPE.get(Entry.EntryType(entry_type), Entry.Kind.NOTE)
    if kind is not None and kind != kept_kind:
        raise RecordsError("The kind and the entry type disagree", field="kind")
    title, body, seen = check_title(title), check_body(body), check_seen(seen)
    check_sensitive(sensitive, access)
    now, staff, case = access.context.now, access.staff, access.case
    contact_at = check_contact_at(contact_at or now, now)
    with transaction.atomic():
        entry = Entry.objects.create(
            case=case,
            kind=kept_kind,
            entry_type=entry_type,
            contact_at=contact_at,
            significant=significant,
            sensitive=sensitive,
            author=staff,
            created_at=now,
        )
        version_create(
            entry=entry, number=1, title=title, body=body, staff=staff, now=now, seen=seen
        )
        # The draft it was written from has done its work.
        EntryDraft.objects.filter(case=case, author=staff).delete()
        record_change(access, "entry.add", entry, case)
    return entry


def entry_edit(
    *,
    access: EntryAccess,
    title: str,
    body: str,
    reason: str = "",
    seen: str | None = None,
    entry_type: str | None = None,
    contact_at: dt.datetime | None = None,
    significant: bool | None = None,
) -> EntryVersion:
    """A new version of the entry; the previous versions stay as they were.

    Who was seen, the entry type, the contact time and the significant flag stay as they
    were unless given; each version keeps them as they were then. A manager correcting
    someone else's entry must say why (the decision obliges it); the reason is sealed with
    the version and shown in its history.
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
    if contact_at is not None and contact_at != entry.contact_at:
        check_contact_at(contact_at, now)
    contact: dict[str, object] = {
        "entry_type": entry.entry_type if entry_type is None else check_entry_type(entry_type),
        "contact_at": entry.contact_at if contact_at is None else contact_at,
        "significant": entry.significant if significant is None else significant,
    }
    changed = [words for name, words in _CONTACT_WORDS if contact[name] != getattr(entry, name)]
    with transaction.atomic():
        # Lock the entry row so two edits cannot both claim the next version number.
        Entry.objects.select_for_update().filter(pk=entry.pk).first()
        previous = entry.versions.order_by("-number").first()
        last = previous.number if previous is not None else 0
        if seen is None:  # not asked: who was seen stays as it was
            seen = sealing.open_seen(previous, case_pk=entry.case_id) if previous else ""
        for name, value in contact.items():
            setattr(entry, name, value)
        entry.kind = _KIND_OF_TYPE.get(Entry.EntryType(entry.entry_type), Entry.Kind.NOTE)
        entry.save(update_fields=[*contact, "kind"])
        version = version_create(
            entry=entry,
            number=last + 1,
            title=title,
            body=body,
            staff=staff,
            now=now,
            change_reason=reason,
            seen=check_seen(seen),
        )
        said = [
            f"version {version.number}",
            *([f"changed {', '.join(changed)}"] if changed else []),
        ]
        record_change(case_access, "entry.edit", entry, case_access.case, said)
    return version
