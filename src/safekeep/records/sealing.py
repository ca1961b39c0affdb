"""How case-record content is sealed at rest: the one place records meets `safekeep.crypto`.

- A subject's names and date of birth: the subject's own data key (`subject:<pk>`), the
  default row (the subject), fields `given_name`, `family_name`, `date_of_birth`; blind
  indexes beside them for exact-match search.
- A subject's other details (address, contacts, NHS number, legal status, ...): one JSON
  value under the subject's key, row `subjectdetails:<subject pk>`; the NHS number's
  blind index beside it.
- An entry version's title, body and who was seen, and a document's file name: the case's data key
  (`case:<pk>`), with the row naming the version or document, so a value moved to another
  row, entry or case fails its integrity check.
- Uploaded files: `records.files`, under the case's key, row = the storage name.

Services seal, selectors open; templates only ever see opened values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from safekeep.crypto import blind_index
from safekeep.crypto.envelope import KeyRef, decrypt_text, encrypt_text, preload_data_keys
from safekeep.records.details import PersonDetails
from safekeep.records.models import (
    CaseClosure,
    Document,
    EntryDraft,
    EntryVersion,
    Subject,
    SubjectDetails,
)


def subject_key(subject_pk: int) -> KeyRef:
    return KeyRef.of("subject", subject_pk)


def case_key(case_pk: int) -> KeyRef:
    return KeyRef.of("case", case_pk)


def preload_keys(*, case_pks: Iterable[int] = (), subject_pks: Iterable[int] = ()) -> None:
    """Fetch these cases' and subjects' data keys in one query before opening their fields
    (for the rest of the request; `envelope.preload_data_keys`)."""
    preload_data_keys([*map(case_key, case_pks), *map(subject_key, subject_pks)])


def version_row(entry_id: int, number: int) -> str:
    """The row identity of one entry version: known before insert, and unique."""
    return f"entryversion:{entry_id}:{number}"


def document_row(entry_id: int) -> str:
    return f"document:{entry_id}"


def seal_subject(
    subject: Subject, *, given_name: str, family_name: str, date_of_birth: dt.date | None
) -> None:
    """Set the sealed names, date of birth and their blind indexes on a saved subject.

    The subject needs its pk first (its key is named after it); the caller saves.
    """
    if subject.pk is None:
        raise ValueError("save the subject before sealing its details")
    ref = subject_key(subject.pk)
    subject.given_name = encrypt_text(ref, field="given_name", value=given_name)
    subject.family_name = encrypt_text(ref, field="family_name", value=family_name)
    subject.date_of_birth_sealed = (
        encrypt_text(ref, field="date_of_birth", value=date_of_birth.isoformat())
        if date_of_birth is not None
        else ""
    )
    subject.name_index = blind_index.full_name_index(given_name, family_name)
    subject.family_name_index = blind_index.family_name_index(family_name)
    subject.date_of_birth_index = blind_index.date_of_birth_index(date_of_birth)


SUBJECT_SEALED_FIELDS = [
    "given_name",
    "family_name",
    "date_of_birth_sealed",
    "name_index",
    "family_name_index",
    "date_of_birth_index",
]


def open_subject(subject: Subject) -> tuple[str, str, dt.date | None]:
    """(given name, family name, date of birth); raises DecryptionFailed if tampered."""
    ref = subject_key(subject.pk)
    given = decrypt_text(ref, field="given_name", text=subject.given_name)
    family = decrypt_text(ref, field="family_name", text=subject.family_name)
    born = None
    if subject.date_of_birth_sealed:
        born = dt.date.fromisoformat(
            decrypt_text(ref, field="date_of_birth", text=subject.date_of_birth_sealed)
        )
    return given, family, born


def details_row(subject_pk: int) -> str:
    return f"subjectdetails:{subject_pk}"


def seal_details(row: SubjectDetails, *, details: PersonDetails) -> None:
    """Seal the details onto their row (its subject set), with the NHS number's index."""
    row.sealed = encrypt_text(
        subject_key(row.subject_id),
        field="details",
        value=details.to_json(),
        row=details_row(row.subject_id),
    )
    row.nhs_number_index = blind_index.nhs_number_index(details.nhs_number)


def open_details(row: SubjectDetails) -> PersonDetails:
    """The opened details; raises DecryptionFailed if tampered or moved to another subject."""
    return PersonDetails.from_json(
        decrypt_text(
            subject_key(row.subject_id),
            field="details",
            text=row.sealed,
            row=details_row(row.subject_id),
        )
    )


def seal_version(
    version: EntryVersion,
    *,
    case_pk: int,
    title: str,
    body: str,
    change_reason: str = "",
    seen: str = "",
) -> None:
    """Set the sealed title, body, who was seen and any reason for the change on an unsaved
    version (its entry and number set)."""
    ref, row = case_key(case_pk), version_row(version.entry_id, version.number)
    version.title = encrypt_text(ref, field="title", value=title, row=row)
    version.body = encrypt_text(ref, field="body", value=body, row=row)
    version.change_reason = (
        encrypt_text(ref, field="change_reason", value=change_reason, row=row)
        if change_reason
        else ""
    )
    version.seen = encrypt_text(ref, field="seen", value=seen, row=row) if seen else ""


def open_seen(version: EntryVersion, *, case_pk: int) -> str:
    """Who was seen ("" when nobody was recorded); raises DecryptionFailed if tampered."""
    if not version.seen:
        return ""
    row = version_row(version.entry_id, version.number)
    return decrypt_text(case_key(case_pk), field="seen", text=version.seen, row=row)


def open_version(version: EntryVersion, *, case_pk: int) -> tuple[str, str, str]:
    """(title, body, reason for the change); raises DecryptionFailed if tampered or moved."""
    ref, row = case_key(case_pk), version_row(version.entry_id, version.number)
    reason = ""
    if version.change_reason:
        reason = decrypt_text(ref, field="change_reason", text=version.change_reason, row=row)
    return (
        decrypt_text(ref, field="title", text=version.title, row=row),
        decrypt_text(ref, field="body", text=version.body, row=row),
        reason,
    )


def seal_filename(*, case_pk: int, entry_id: int, filename: str) -> str:
    return encrypt_text(
        case_key(case_pk), field="filename", value=filename, row=document_row(entry_id)
    )


def open_filename(document: Document, *, case_pk: int) -> str:
    return decrypt_text(
        case_key(case_pk),
        field="filename",
        text=document.filename,
        row=document_row(document.entry_id),
    )


def closure_row(case_pk: int, number: int) -> str:
    return f"caseclosure:{case_pk}:{number}"


def seal_closure(closure: CaseClosure, *, details: str) -> None:
    """Seal the words given for closing or reopening onto an unsaved row (case and number
    set)."""
    closure.details = (
        encrypt_text(
            case_key(closure.case_id),
            field="details",
            value=details,
            row=closure_row(closure.case_id, closure.number),
        )
        if details
        else ""
    )


def open_closure(closure: CaseClosure) -> str:
    """The words given; raises DecryptionFailed if tampered or moved."""
    if not closure.details:
        return ""
    return decrypt_text(
        case_key(closure.case_id),
        field="details",
        text=closure.details,
        row=closure_row(closure.case_id, closure.number),
    )


def draft_row(case_pk: int, author_pk: int) -> str:
    return f"entrydraft:{case_pk}:{author_pk}"


def seal_draft(draft: EntryDraft, *, content: str) -> None:
    """Seal a draft's fields (JSON) onto its row (case and author set)."""
    draft.content = encrypt_text(
        case_key(draft.case_id),
        field="draft",
        value=content,
        row=draft_row(draft.case_id, draft.author_id),
    )


def open_draft(draft: EntryDraft) -> str:
    """The draft's fields as JSON; raises DecryptionFailed if tampered or moved."""
    return decrypt_text(
        case_key(draft.case_id),
        field="draft",
        text=draft.content,
        row=draft_row(draft.case_id, draft.author_id),
    )
