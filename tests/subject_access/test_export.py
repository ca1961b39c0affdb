"""The disclosure: what it holds, what it never holds, and that anyone can check its history."""

from __future__ import annotations

import datetime as dt
import io
import json
import subprocess  # nosec B404 - reads our own PDF back
import zipfile
from pathlib import Path
from typing import Any

import pytest
import pyzipper
from django.core.management import CommandError, call_command
from django.utils import timezone

from safekeep.access import door
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.records.selectors import subject_person
from safekeep.subject_access import services
from safekeep.subject_access.models import Export
from safekeep.subject_access.selectors import find_subjects, open_requests
from tests.audit.standalone import verify_audit
from tests.factories import TEST_ORIGIN, laptop_context, make_staff
from tests.subject_access.conftest import World

PASSWORD = "correct horse battery"  # nosec B105


def unzip(data: bytes, password: str = PASSWORD) -> dict[str, bytes]:
    with pyzipper.AESZipFile(io.BytesIO(data)) as archive:
        archive.setpassword(password.encode())
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_package_is_the_design_shape_and_withheld_entries_reach_no_file(world: World) -> None:
    files = unzip(services.package(world.ig, world.request, password=PASSWORD))
    assert {"subject-access.pdf", "subject-access.json", "proofs/checkpoint.txt"} <= set(files)
    document = json.loads(files["subject-access.json"])
    assert list(document) == ["subject", "records", "withheld", "access_history"]
    assert document["subject"]["subject_id"] == world.case.subject.subject_id
    assert document["subject"]["date_of_birth"] == "2015-05-01"
    [record] = document["records"]
    assert record["case_id"] == world.case.case_id
    assert [e["title"] for e in record["entries"]] == ["Home visit"]
    assert set(record["entries"][0]) == {"title", "body", "recorded_at", "recorded_by"}
    assert document["withheld"] == [
        {"case_id": world.case.case_id, "entry": world.held.pk, "reason": "third-party information"}
    ]
    assert files["subject-access.pdf"].startswith(b"%PDF")
    for name, data in files.items():
        for needle in ("WITHHELDNEIGHBOUR", "Neighbour's account", "OTHERSUBJECTTEXT"):
            assert needle.encode() not in data, (name, needle)
    assert b"KEEPMEVISIBLE" in files["subject-access.json"]
    assert world.other.subject.subject_id.encode() not in b"".join(files.values())


def test_the_pdf_text_has_the_history_table_and_not_the_withheld_entry(world: World) -> None:
    pdf = unzip(services.package(world.ig, world.request, password=PASSWORD))["subject-access.pdf"]
    text = subprocess.run(  # nosec B603 - poppler's pdftotext, fixed arguments
        ["/usr/bin/pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Who has looked at your records" in text and "KEEPMEVISIBLE" in text
    assert "WITHHELDNEIGHBOUR" not in text


def test_the_archive_is_aes_256_and_refuses_to_open_without_the_password(world: World) -> None:
    data = services.package(world.ig, world.request, password=PASSWORD)
    with zipfile.ZipFile(io.BytesIO(data)) as plain:  # the standard library cannot read it
        info = plain.infolist()[0]
        assert info.flag_bits & 0x1 and info.compress_type == 99  # WinZip AES
        with pytest.raises((RuntimeError, NotImplementedError)):
            plain.read(info.filename)
    with pytest.raises(RuntimeError):
        unzip(data, password="wrong password")
    with pytest.raises(services.SarError):
        services.package(world.ig, world.request, password="short")


def test_every_audit_entry_about_the_subject_is_in_the_history_and_every_proof_verifies(
    world: World, tmp_path: Path
) -> None:
    files = unzip(services.package(world.ig, world.request, password=PASSWORD))
    for name, data in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    document = json.loads(files["subject-access.json"])
    sequences = {h["sequence"] for h in document["access_history"]}
    about = AuditEntry.objects.filter(subject_id=world.case.subject.subject_id).exclude(
        action__in=["sar.export", "audit.checkpoint"]
    )
    assert {e.link.sequence for e in about} <= sequences
    assert {"case.view", "sar.open", "sar.withhold"} <= {
        h["action"] for h in document["access_history"]
    }
    assert all(
        h["decision"] in {"allowed", "refused", "done", "failed"}
        for h in document["access_history"]
    )
    key = files["proofs/verifier-key.txt"].decode().strip()
    assert verify_audit.main(["--key", key, "sar", str(tmp_path)]) == 0
    # an entry taken out of the history's proof, or one changed, is caught
    first = document["access_history"][0]["sequence"]
    proof_path = tmp_path / "proofs" / f"entry-{first}.json"
    proof = json.loads(proof_path.read_text())
    proof["entry"]["decision"] = "refused" if proof["entry"]["decision"] != "refused" else "allowed"
    proof_path.write_text(json.dumps(proof))
    assert verify_audit.main(["--key", key, "sar", str(tmp_path)]) == 1


def test_only_information_governance_answers(world: World) -> None:
    worker = make_staff(roles=("practitioner",))
    with pytest.raises(door.AccessRefused):
        door.subject_access(
            staff=worker, about=world.request, context=laptop_context(), origin=TEST_ORIGIN
        )
    assert AuditEntry.objects.filter(action="sar.answer_sar", decision="refused").count() == 1


def test_extensions_are_two_months_at_most_with_a_reason_and_the_dashboard_counts_down(
    world: World,
) -> None:
    with pytest.raises(services.SarError):
        services.extend(world.ig, world.request, months=1, reason=" ")
    services.extend(world.ig, world.request, months=2, reason="many records across three cases")
    with pytest.raises(services.SarError):
        services.extend(world.ig, world.request, months=1, reason="more")
    [row] = open_requests(today=dt.date(2025, 4, 25))
    assert row.clock.due_on == dt.date(2025, 4, 30) and row.clock.due_soon
    services.confirm_identity(world.ig, world.request, on=dt.date(2025, 2, 3))
    [row] = open_requests(today=dt.date(2025, 5, 4))
    assert row.clock.due_on == dt.date(2025, 5, 3) and row.clock.overdue


def test_the_subject_is_found_by_name_date_of_birth_or_case(world: World) -> None:
    subject = world.case.subject
    assert subject in find_subjects(world.case.case_id)
    assert subject in find_subjects(f"Subject {subject_person(subject).family_name}")
    assert subject in find_subjects("01/05/2015")
    assert world.other.subject not in find_subjects(world.case.case_id)


def test_the_command_writes_the_zip_and_exports_are_purged_after_30_days(
    world: World, tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    officer = world.ig.staff
    monkeypatch.setenv("SAFEKEEP_EXPORT_PASSWORD", PASSWORD)
    out = tmp_path / "sar.zip"
    call_command(
        "sar",
        "export",
        "--subject",
        world.case.subject.subject_id,
        "--output",
        str(out),
        "--actor",
        officer.staff_id,
    )
    assert "subject-access.json" in unzip(out.read_bytes())
    with pytest.raises(CommandError, match="Refused"):
        call_command(
            "sar",
            "export",
            "--subject",
            world.case.subject.subject_id,
            "--output",
            str(out),
            "--actor",
            make_staff().staff_id,
        )
    kept = services.export(world.ig, world.request, password=PASSWORD)
    assert Path(kept.path).exists()
    origin = Origin(actor_username="system:jobs")
    assert "Purged 0" in services.purge_exports(timezone.now() + dt.timedelta(days=29), origin)
    assert "Purged 1" in services.purge_exports(timezone.now() + dt.timedelta(days=31), origin)
    assert not Path(kept.path).exists()
    assert Export.objects.get().purged_at is not None
    assert "Purged 0" in services.purge_exports(timezone.now() + dt.timedelta(days=40), origin)
    assert AuditEntry.objects.filter(action="sar.export_purged").count() == 1


def test_the_ig_dashboard_counts_down_to_each_due_day(world: World, client: Any) -> None:
    from django.urls import reverse

    from tests.factories import make_user, sign_in

    sign_in(client, make_user(world.ig.staff))
    html = client.get(reverse("audit:dashboard")).content.decode()
    assert "Subject access requests: one calendar month to answer" in html
    assert "28 February 2025" in html and "Overdue by" in html
    assert "Subject Number" in html
