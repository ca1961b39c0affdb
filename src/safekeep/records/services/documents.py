"""Uploaded documents: checked, encrypted to disk, then recorded as a document entry."""

from __future__ import annotations

from django.db import transaction

from safekeep.access.door import CaseAccess
from safekeep.access.vocabulary import Action
from safekeep.records import files, sealing
from safekeep.records.models import Document, Entry
from safekeep.records.services._recording import record_change, require_allowed
from safekeep.records.services.closure import check_open
from safekeep.records.services.entries import check_sensitive, check_title, version_create
from safekeep.records.services.errors import RecordsError


def check_upload(filename: str, size: int, head: bytes) -> str:
    """The document's content type, or a RecordsError saying what is wrong with it."""
    if size == 0:
        raise RecordsError("The selected file is empty", field="file")
    if size > files.MAX_DOCUMENT_BYTES:
        raise RecordsError("The selected file must be smaller than 10MB", field="file")
    content_type = files.sniff_type(filename, head)
    if content_type is None:
        raise RecordsError("The selected file must be a PDF, PNG, JPEG, DOCX or TXT", field="file")
    return content_type


def document_upload(
    *, access: CaseAccess, title: str, filename: str, content: bytes, sensitive: bool = False
) -> Entry:
    """A document entry with its file; the file's type and size are checked before storing."""
    require_allowed(access, Action.ADD_ENTRY)
    check_open(access)
    title = check_title(title)
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    content_type = check_upload(filename, len(content), content[:512])
    check_sensitive(sensitive, access)
    case, staff, now = access.case, access.staff, access.context.now
    # Encrypted to disk before the rows exist; a failed transaction leaves only ciphertext.
    stored = files.store(case_id=case.pk, chunks=[content])
    with transaction.atomic():
        entry = Entry.objects.create(
            case=case, kind=Entry.Kind.DOCUMENT, sensitive=sensitive, author=staff, created_at=now
        )
        version_create(entry=entry, number=1, title=title, body="", staff=staff, now=now)
        Document.objects.create(
            entry=entry,
            filename=sealing.seal_filename(case_pk=case.pk, entry_id=entry.pk, filename=filename),
            content_type=content_type,
            size=stored.size,
            storage_name=stored.storage_name,
            sha256=stored.sha256,
            uploaded_by=staff,
            uploaded_at=now,
        )
        record_change(access, "document.upload", entry, case)
    return entry
