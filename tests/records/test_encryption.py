"""Record content at rest: nothing readable in the database or the storage directory, values
moved between records refuse to open, and search works through blind indexes only."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from safekeep.access.vocabulary import Action
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.core.csv_import import run_import
from safekeep.crypto import blind_index
from safekeep.crypto.errors import DecryptionFailed
from safekeep.records import sealing, selectors, services
from safekeep.records.models import Case, Document, Entry, EntryVersion, Subject
from safekeep.records.uploads import MemoryOnlyUploadHandler
from safekeep.web.limits import upload_limit_of
from safekeep.web.records import document_upload
from tests.factories import (
    case_access,
    make_case,
    make_staff,
    make_team,
    make_user,
    sign_in,
)
from tests.records.opened import body_bytes

ORIGIN = Origin(actor_username="test")
HEADER = (
    "case_id,subject_id,subject_kind,given_name,family_name,date_of_birth,owning_team,"
    "classification,restricted,allocated_staff_ids,opened_on,closed_on"
)
SECRETS = {
    "given": "Zephyrine",
    "family": "Quillfeather",
    "dob": "2013-07-29",
    "title": "Xanthic disclosure",
    "body": "Mentioned the blue caravan behind Marlowe Street",
    "document": "Plumtree allotment letter body",
    "filename": "Quillfeather-letter.txt",
}


def _seed() -> tuple[Case, Entry]:
    """Names through the import, a note and a document through the services."""
    team = make_team("Crypto Team")
    worker = make_staff(team=team, staff_id="SW1")
    csv = (
        f"{HEADER}\nC1,P1,child,{SECRETS['given']},{SECRETS['family']},{SECRETS['dob']},"
        "Crypto Team,OFFICIAL,no,SW1,2025-01-01,\n"
    )
    run_import("cases", csv.encode(), origin=Origin.command("test"))
    case = Case.objects.select_related("subject").get(case_id="C1")
    services.entry_add(
        access=case_access(worker, case, Action.ADD_ENTRY),
        kind="note",
        title=SECRETS["title"],
        body=SECRETS["body"],
    )
    document = services.document_upload(
        access=case_access(worker, case, Action.ADD_ENTRY),
        title="Letter",
        filename=SECRETS["filename"],
        content=SECRETS["document"].encode(),
    )
    return case, document


def _needles() -> list[bytes]:
    found = []
    for value in SECRETS.values():
        for variant in {value, value.lower(), value.upper()}:
            found += [variant.encode(), variant.encode("utf-16-le")]
    return found


def _every_row() -> Iterator[tuple[str, str]]:
    """(table, the row as text) for every row of every table, read with a raw cursor."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                yield (
                    table,
                    " ".join(
                        bytes(v).hex() + repr(bytes(v))
                        if isinstance(v, bytes | memoryview)
                        else str(v)
                        for v in row
                    ),
                )


def _assert_storage_has_no_plaintext(data_dir: Path) -> None:
    files = [p for p in (data_dir / "files").rglob("*") if p.is_file()]
    assert files, "the document should be in the storage directory"
    for path in files:
        raw = path.read_bytes()
        assert not any(n in raw for n in _needles()), path.name
        assert raw.startswith(b"SKF\x01")
        assert path.stat().st_mode & 0o077 == 0  # owner-only


@pytest.mark.django_db(transaction=True)
def test_raw_database_and_storage_hold_no_plaintext(settings: Any, tmp_path: Path) -> None:
    case, _ = _seed()
    # The pages and the API still show it all to the allocated worker.
    person = selectors.subject_person(case.subject)
    assert (person.given_name, person.family_name, person.date_of_birth) == (
        SECRETS["given"],
        SECRETS["family"],
        dt.date.fromisoformat(SECRETS["dob"]),
    )
    rows = list(_every_row())
    assert any(table == "records_subject" for table, _ in rows)
    for table, text in rows:
        for value in SECRETS.values():
            assert value.lower() not in text.lower(), (table, value)
    _assert_storage_has_no_plaintext(Path(settings.DATA_DIR))
    if connection.vendor == "sqlite":
        # The whole database, page by page, as the file a thief would copy.
        copy = tmp_path / "stolen.sqlite3"
        target = sqlite3.connect(copy)
        connection.ensure_connection()
        connection.connection.backup(target)
        target.close()
        raw = copy.read_bytes()
        assert b"records_subject" in raw  # it is the real database
        assert not any(n in raw for n in _needles())


pytestmark = pytest.mark.django_db


def test_swapped_subject_ciphertext_does_not_open() -> None:
    first, second = make_case(), make_case()
    a, b = first.subject, second.subject
    Subject.objects.filter(pk=b.pk).update(given_name=a.given_name)
    b.refresh_from_db()
    with pytest.raises(DecryptionFailed):
        sealing.open_subject(b)
    person = selectors.subject_person(b)
    assert (person.intact, person.given_name) == (False, selectors.WITHHELD)
    failure = AuditEntry.objects.filter(action="crypto.integrity_failure").last()
    assert failure is not None
    assert (failure.decision, failure.object_type, failure.object_id) == (
        "failed",
        "subject",
        str(b.pk),
    )
    # The first subject is untouched.
    assert selectors.subject_person(a).given_name == "Subject"


def test_swapped_date_of_birth_between_fields_does_not_open() -> None:
    subject = make_case().subject
    Subject.objects.filter(pk=subject.pk).update(family_name=subject.date_of_birth_sealed)
    subject.refresh_from_db()
    with pytest.raises(DecryptionFailed):
        sealing.open_subject(subject)


def _note(case: Case, title: str) -> Entry:
    return services.entry_add(
        access=case_access(case.allocations.get().staff, case, Action.ADD_ENTRY),
        kind="note",
        title=title,
        body=f"{title} body",
    )


def test_entry_text_moved_to_another_entry_or_case_does_not_open() -> None:
    worker = make_staff()
    first = make_case(team=worker.team, allocated=(worker,))
    second = make_case(team=worker.team, allocated=(worker,))
    one, two, other = _note(first, "One"), _note(first, "Two"), _note(second, "Other")
    source = EntryVersion.objects.get(entry=one)
    EntryVersion.objects.filter(entry__in=[two, other]).update(title=source.title, body=source.body)
    for entry in (two, other):
        view = selectors.entry_view(Entry.objects.get(pk=entry.pk))
        assert (view.latest.intact, view.latest.title, view.latest.body) == (
            False,
            selectors.WITHHELD,
            "",
        )
    assert selectors.entry_view(one).latest.title == "One"


def test_case_page_shows_withheld_instead_of_failing(client: Any) -> None:
    worker = make_staff()
    make_user(worker)
    case = make_case(team=worker.team, allocated=(worker,))
    entry = _note(case, "Visit")
    EntryVersion.objects.filter(entry=entry).update(title="sk1:AAAA")
    page = sign_in(client, worker.user).get(f"/cases/{case.case_id}/")
    assert page.status_code == 200
    assert selectors.WITHHELD in page.content.decode()
    # ...and it cannot be edited over.
    assert client.get(f"/cases/{case.case_id}/entries/{entry.pk}/edit/").status_code == 404


def test_document_moved_to_another_case_is_refused(client: Any, settings: Any) -> None:
    worker = make_staff()
    make_user(worker)
    first = make_case(team=worker.team, allocated=(worker,))
    second = make_case(team=worker.team, allocated=(worker,))
    uploads = []
    for case, content in ((first, b"first file"), (second, b"second file")):
        uploads.append(
            services.document_upload(
                access=case_access(worker, case, Action.ADD_ENTRY),
                title="Letter",
                filename="a.txt",
                content=content,
            )
        )
    files = Path(settings.DATA_DIR) / "files"
    doc_a, doc_b = (Document.objects.get(entry=e) for e in uploads)
    (files / doc_b.storage_name).write_bytes((files / doc_a.storage_name).read_bytes())
    client = sign_in(client, worker.user)
    moved = client.get(f"/cases/{second.case_id}/entries/{uploads[1].pk}/download/")
    assert moved.status_code == 500
    body = moved.content.decode()
    assert "The stored file failed its integrity check" in body
    assert "first file" not in body
    assert AuditEntry.objects.filter(
        action="crypto.integrity_failure", object_type="case", object_id=str(second.pk)
    ).exists()
    intact = client.get(f"/cases/{first.case_id}/entries/{uploads[0].pk}/download/")
    assert body_bytes(intact) == b"first file"


def test_blind_indexes_are_set_and_reveal_only_equality() -> None:
    subject = make_case().subject
    assert subject.name_index == blind_index.full_name_index("subject", f"  {_family(subject)} ")
    assert subject.family_name_index == blind_index.family_name_index(_family(subject).upper())
    assert subject.date_of_birth_index == blind_index.date_of_birth_index("2015-05-01")
    assert len({subject.name_index, subject.family_name_index, subject.date_of_birth_index}) == 3


def _family(subject: Subject) -> str:
    return sealing.open_subject(subject)[1]


def test_search_by_name_and_date_of_birth_only_finds_visible_cases(client: Any) -> None:
    worker = make_staff()
    make_user(worker)
    mine = make_case(team=worker.team, allocated=(worker,))
    hidden = make_case()  # same date of birth, another team
    services.subject_details_set(
        subject=mine.subject,
        given_name="Anne Marie",
        family_name="O'Neill",
        date_of_birth=dt.date(2016, 3, 27),
    )
    services.subject_details_set(
        subject=hidden.subject,
        given_name="Anne Marie",
        family_name="O'Neill",
        date_of_birth=dt.date(2016, 3, 27),
    )
    client = sign_in(client, worker.user)
    for query in ("anne marie  o'neill", "O'NEILL", "2016-03-27", "27/3/2016", "27/03/2016"):
        body = client.get("/cases/", {"q": query}).content.decode()
        assert "1 matching case" in body, query
        assert mine.case_id in body and hidden.case_id not in body, query
        assert "Anne Marie O&#x27;Neill" in body, query
    for query in ("Anne", "O'Neil", "2016-03-28", "27/3/16"):
        body = client.get("/cases/", {"q": query}).content.decode()
        assert mine.case_id not in body, query
    assert "No cases you can see match that date of birth." in (
        client.get("/cases/", {"q": "1/1/2000"}).content.decode()
    )


def test_upload_handler_keeps_files_in_memory_and_counts_oversized_ones() -> None:
    handler = MemoryOnlyUploadHandler()
    handler.new_file("file", "big.pdf", "application/pdf", None)
    chunk = b"x" * (1024 * 1024)
    for n in range(12):
        handler.receive_data_chunk(chunk, n * len(chunk))
    uploaded = handler.file_complete(12 * len(chunk))
    assert uploaded.size == 12 * len(chunk)
    assert isinstance(uploaded.file, io.BytesIO)  # never a temporary file on disk
    assert len(uploaded.file.getvalue()) == 10 * 1024 * 1024 + 1


def test_large_upload_is_stored_encrypted_without_a_temporary_file(
    client: Any, settings: Any
) -> None:
    upload = upload_limit_of(document_upload)
    assert upload is not None and upload.handler is MemoryOnlyUploadHandler
    worker = make_staff()
    make_user(worker)
    case = make_case(team=worker.team, allocated=(worker,))
    content = b"%PDF-1.7 " + b"p" * (3 * 1024 * 1024)  # over Django's 2.5 MB spool size
    client = sign_in(client, worker.user)
    response = client.post(
        f"/cases/{case.case_id}/documents/add/",
        {"title": "Report", "file": SimpleUploadedFile("r.pdf", content)},
    )
    assert response.status_code == 302
    entry = Entry.objects.get(kind="document")
    got = client.get(f"/cases/{case.case_id}/entries/{entry.pk}/download/")
    assert body_bytes(got) == content
    assert got["Content-Length"] == str(len(content))
