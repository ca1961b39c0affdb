"""Migration 0002 seals rows and files written before encryption at rest, and can re-run."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from safekeep.records import sealing, selectors
from safekeep.records.models import Document, EntryVersion, Subject
from tests.migrating import latest, migrate, old_staff_member

BEFORE = [("records", "0001_initial")]
AFTER = [("records", "0002_sealed_content")]


@pytest.mark.django_db(transaction=True)
def test_existing_plaintext_rows_and_files_are_sealed(settings: Any) -> None:
    old = migrate(BEFORE)
    staff = old_staff_member(old, "S1")
    team = staff.team
    subject = old.get_model("records", "Subject").objects.create(
        subject_id="P1", kind="child", given_name="Oldname", family_name="Plainfamily",
        date_of_birth=dt.date(2014, 2, 3),
    )  # fmt: skip
    case = old.get_model("records", "Case").objects.create(
        case_id="C1", subject=subject, owning_team=team, classification="OFFICIAL",
        opened_on=dt.date(2025, 1, 1),
    )  # fmt: skip
    now = timezone.now()
    entry = old.get_model("records", "Entry").objects.create(
        case=case, kind="document", author=staff, created_at=now
    )
    old.get_model("records", "EntryVersion").objects.create(
        entry=entry, number=1, title="Plain title", body="Plain body", edited_by=staff,
        edited_at=now,
    )  # fmt: skip
    files = Path(settings.DATA_DIR) / "files"
    files.mkdir(parents=True, exist_ok=True)
    (files / "oldname0001").write_bytes(b"plain document")
    old.get_model("records", "Document").objects.create(
        entry=entry, filename="plain.txt", content_type="text/plain", size=14,
        storage_name="oldname0001", sha256="x", uploaded_by=staff, uploaded_at=now,
    )  # fmt: skip

    migrate(AFTER)
    migrate(latest())  # every app back at its newest: the models below are today's

    sealed = Subject.objects.get(subject_id="P1")
    assert selectors.subject_person(sealed) == selectors.Person(
        "Oldname", "Plainfamily", dt.date(2014, 2, 3)
    )
    assert "Oldname" not in sealed.given_name
    version = EntryVersion.objects.get(entry_id=entry.pk)
    assert sealing.open_version(version, case_pk=case.pk) == ("Plain title", "Plain body", "")
    document = Document.objects.get(entry_id=entry.pk)
    assert selectors.document_filename(document) == "plain.txt"
    assert not (files / "oldname0001").exists()
    stored = (files / document.storage_name).read_bytes()
    assert stored.startswith(b"SKF\x01") and b"plain document" not in stored
    from safekeep.records import files as record_files

    plain = record_files.read(case_id=case.pk, storage_name=document.storage_name)
    assert b"".join(plain) == b"plain document"
