"""Backups: encrypted, consistent, restorable into an empty database, refused when damaged.

Runs on SQLite and on PostgreSQL (DATABASE_URL); the same file restores on either.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin, audit_event
from safekeep.crypto.envelope import KeyRef, decrypt_text, encrypt_text
from safekeep.crypto.errors import BackupError
from safekeep.crypto.models import DataKey
from safekeep.crypto.streams import read_encrypted_file, write_encrypted_file
from safekeep.operations import backup
from safekeep.operations.backup import backup_create, backup_inspect, backup_restore, files_root
from safekeep.records.models import Allocation, Case, Subject
from tests.factories import make_case, make_device, make_grant, make_staff, make_team

pytestmark = pytest.mark.django_db(transaction=True)

SECRETS = {
    "given": "Wilhelmina",
    "family": "Featherstonehaugh",
    "note": "disclosed at the home visit on Tuesday",
}


def _seed() -> Case:
    """A small council whose subject names and document are encrypted as records will be."""
    team = make_team("Northern Family Support")
    worker = make_staff(team=team, given_name="Priya", family_name="Worker")
    case = make_case(team=team, allocated=(worker,))
    subject = case.subject
    ref = KeyRef.of("subject", subject.pk)
    subject.given_name = encrypt_text(ref, field="given_name", value=SECRETS["given"])
    subject.family_name = encrypt_text(ref, field="family_name", value=SECRETS["family"])
    subject.save()
    files = files_root()
    files.mkdir(parents=True, exist_ok=True)
    write_encrypted_file(
        KeyRef.of("case", case.pk),
        row="f00d",
        chunks=[SECRETS["note"].encode() * 100],
        path=files / "f00d",
    )
    audit_event(origin=Origin.command("test"), action="case.view", decision="allowed")
    return case


def _wipe() -> None:
    """An empty database and storage, as after a fresh install and `safekeep migrate`."""
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(files_root(), ignore_errors=True)


def _counts() -> dict[str, int]:
    return {
        backup._label(m): m._default_manager.count()
        for m in backup.backed_up_models()
        if backup._label(m) not in backup.SEEDED_MODELS
    }


def test_round_trip(tmp_path: Path, forget) -> None:
    seeded = _seed()  # the case, its subject and its allocation
    before = _counts()
    target = tmp_path / "council.skb"
    out = StringIO()
    call_command("backup", str(target), stdout=out)
    assert f"Backup written to {target}:" in out.getvalue()
    assert "A new backup key was made at" in out.getvalue()
    assert AuditEntry.objects.filter(action="backup.create", decision="done").count() == 1
    before = _counts()  # includes the backup's own audit entry, made after the snapshot
    before["audit.auditentry"] -= 1
    raw = target.read_bytes()
    for secret in [*SECRETS.values(), "Northern Family Support", "Priya", "case.view"]:
        assert secret.encode() not in raw

    _wipe()
    assert Subject.objects.count() == 0
    forget()
    out = StringIO()
    call_command("restore", str(target), stdout=out)
    assert out.getvalue().startswith("Restored ")
    assert "Counts match, the audit log verifies and the keys open the data." in out.getvalue()

    after = _counts()
    after["audit.auditentry"] -= 1  # the restore's own entry
    chained = {k: v for k, v in after.items() if k.startswith("audit.")}
    assert {k: v for k, v in after.items() if not k.startswith("audit.")} == {
        k: v for k, v in before.items() if not k.startswith("audit.")
    }
    assert chained["audit.auditentry"] == before["audit.auditentry"]
    subject = Subject.objects.get(pk=seeded.subject.pk)
    ref = KeyRef.of("subject", subject.pk)
    assert decrypt_text(ref, field="given_name", text=subject.given_name) == SECRETS["given"]
    case = Case.objects.get(pk=seeded.pk)
    assert Allocation.objects.get(case=case).created_at == seeded.allocations.get().created_at
    document = b"".join(
        read_encrypted_file(KeyRef.of("case", case.pk), row="f00d", path=files_root() / "f00d")
    )
    assert document == SECRETS["note"].encode() * 100
    restored = AuditEntry.objects.get(action="backup.restored")
    assert restored.reasons[0].endswith("counts match and the audit log verifies")
    # New rows get fresh ids after the restored ones (sequences were reset).
    assert make_team("After restore").pk > case.owning_team_id


def test_no_plaintext_in_the_database_file_storage_or_backup(tmp_path: Path) -> None:
    _seed()
    copy = tmp_path / "raw.sqlite3"
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(copy) as raw_copy:
            connection.connection.backup(raw_copy)
        raw_db = copy.read_bytes()
        assert b"Northern Family Support" in raw_db  # the scan does see plain columns
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT given_name || family_name FROM records_subject")
            raw_db = "".join(row[0] for row in cursor.fetchall()).encode()
    stored = b"".join(p.read_bytes() for p in files_root().rglob("*") if p.is_file())
    backup_create(tmp_path / "b.skb")
    archive = (tmp_path / "b.skb").read_bytes()
    for secret in SECRETS.values():
        for blob in (raw_db, stored, archive):
            assert secret.encode() not in blob
            assert secret.encode("utf-16-le") not in blob


def test_restore_refuses_a_database_that_is_not_empty(tmp_path: Path) -> None:
    _seed()
    backup_create(tmp_path / "b.skb")
    with pytest.raises(CommandError) as caught:
        call_command("restore", str(tmp_path / "b.skb"))
    message = str(caught.value)
    assert message.startswith("Restore refused: the database is not empty (it has rows in ")
    assert f"the file storage {files_root()} is not empty" in message


def test_restore_refuses_when_only_the_storage_is_not_empty(tmp_path: Path) -> None:
    _seed()
    backup_create(tmp_path / "b.skb")
    _wipe()
    files_root().mkdir(parents=True)
    (files_root() / "left-over").write_bytes(b"x")
    with pytest.raises(BackupError) as caught:
        backup_restore(tmp_path / "b.skb")
    assert str(caught.value) == f"Restore refused: the file storage {files_root()} is not empty."
    assert Subject.objects.count() == 0


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


DAMAGE = [
    ("empty", lambda b: b"", "b.skb is not a Safekeep backup"),
    ("not a backup", lambda b: b"PK\x03\x04" + b[4:], "b.skb is not a Safekeep backup"),
    ("unknown format", lambda b: b[:8] + b"\x07" + b[9:], "b.skb has unknown backup format 7"),
    ("cut in the header", lambda b: b[:40], "b.skb is damaged or cut short: "),
    ("cut in the middle", lambda b: b[: len(b) // 2], "b.skb is damaged or cut short: "),
    ("last byte missing", lambda b: b[:-1], "b.skb is damaged or cut short: "),
    ("cut at a segment end", lambda b: b[: 33 + 19 + 65552], "b.skb is damaged or cut short: "),
    ("a bit flipped", lambda b: _flip(b, len(b) // 3), "b.skb is damaged or cut short: "),
    ("salt changed", lambda b: _flip(b, 10), "b.skb is damaged or cut short: "),
    ("bytes appended", lambda b: b + b"\x00" * 64, "b.skb is damaged or cut short: "),
    (
        "key id changed",
        lambda b: _flip(b, 30),
        "b.skb was made with another backup key (key id ",
    ),
]


def test_a_damaged_backup_is_refused_before_anything_is_touched(tmp_path: Path) -> None:
    """One case per kind of damage; one backup serves them all (a flush per case is slow)."""
    _seed()
    for number in range(40):  # enough rows for several 64 KiB segments
        audit_event(
            origin=Origin.command("test"),
            action="filler",
            decision="done",
            reasons=[f"filler {number} " * 200],
        )
    good = tmp_path / "good.skb"
    backup_create(good)
    assert good.stat().st_size > 33 + 19 + 65552
    _wipe()
    path = tmp_path / "b.skb"
    for name, mangle, message in DAMAGE:
        path.write_bytes(mangle(good.read_bytes()))
        with pytest.raises(CommandError) as caught:
            call_command("restore", str(path))
        assert str(caught.value).startswith(message), name
        assert _counts() == {label: 0 for label in _counts()}, name
        assert not files_root().exists(), name
    call_command("restore", str(good), stdout=StringIO())  # the undamaged file still restores
    assert Subject.objects.count() == 1


def test_another_backup_key_is_refused(tmp_path: Path, monkeypatch) -> None:
    _seed()
    backup_create(tmp_path / "b.skb")
    _wipe()
    monkeypatch.setenv("SAFEKEEP_BACKUP_KEY", "A" * 43 + "=")
    with pytest.raises(BackupError, match="was made with another backup key"):
        backup_restore(tmp_path / "b.skb")


def test_a_missing_backup_key_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BackupError) as caught:
        backup_inspect(tmp_path / "b.skb", key_file=tmp_path / "nope.key")
    assert str(caught.value) == (
        f"the backup key file {tmp_path / 'nope.key'} is missing (see docs/operations.md)"
    )


def test_restore_refuses_without_the_keys_and_restores_nothing(
    tmp_path: Path, data_dir: Path, forget
) -> None:
    _seed()
    backup_create(tmp_path / "b.skb")
    _wipe()
    (data_dir / "keys" / "kek.keys").unlink()
    forget()
    with pytest.raises(BackupError) as caught:
        backup_restore(tmp_path / "b.skb")
    assert str(caught.value) == (
        "Restore refused: this server lacks the keys the backup needs (key-encryption key "
        f"version 1 is not available from the key file {data_dir / 'keys' / 'kek.keys'}); copy "
        "them from key custody first. Nothing was restored."
    )
    assert DataKey.objects.count() == 0
    assert Subject.objects.count() == 0
    assert not files_root().exists()


def test_restore_refuses_when_the_audit_log_does_not_verify(tmp_path: Path, monkeypatch) -> None:
    _seed()
    backup_create(tmp_path / "b.skb")
    _wipe()
    monkeypatch.setattr(backup, "_audit_problems", lambda: ["entry 2 has been changed"])
    with pytest.raises(BackupError) as caught:
        backup_restore(tmp_path / "b.skb")
    assert str(caught.value) == (
        "Restore refused: the restored audit log does not verify (entry 2 has been changed); "
        "nothing was restored."
    )
    assert AuditEntry.objects.count() == 0


def test_check_only_reads_everything_and_restores_nothing(tmp_path: Path) -> None:
    _seed()
    backup_create(tmp_path / "b.skb")
    _wipe()
    out = StringIO()
    call_command("restore", str(tmp_path / "b.skb"), "--check-only", stdout=out)
    assert out.getvalue().startswith("b.skb is intact: ")
    assert Subject.objects.count() == 0


def test_backup_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "b.skb").write_bytes(b"old")
    with pytest.raises(CommandError) as caught:
        call_command("backup", str(tmp_path / "b.skb"), stdout=StringIO())
    assert str(caught.value) == f"{tmp_path / 'b.skb'} already exists; choose a new file name"
    assert AuditEntry.objects.get(action="backup.create").decision == "failed"


def test_restore_of_a_missing_file() -> None:
    with pytest.raises(CommandError, match=r"nowhere\.skb does not exist"):
        call_command("restore", "nowhere.skb")


def test_a_backup_inside_another_transaction_is_refused(tmp_path: Path) -> None:
    from django.db import transaction

    with transaction.atomic(), pytest.raises(BackupError) as caught:
        backup_create(tmp_path / "b.skb")
    assert str(caught.value) == "a backup must not run inside another transaction"
    assert not (tmp_path / "b.skb").exists()


def test_the_snapshot_is_read_only_and_does_not_block_writers(tmp_path: Path) -> None:
    """SQLite: a deferred read transaction (not Django's BEGIN IMMEDIATE write lock);
    PostgreSQL: REPEATABLE READ, READ ONLY."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        backup_create(tmp_path / "b.skb")
    statements = [q["sql"] for q in queries.captured_queries]
    if connection.vendor == "sqlite":
        assert "BEGIN DEFERRED" in statements
        # restored for everything else (SQLite's own attribute, which django-stubs lacks)
        assert connection.transaction_mode == "IMMEDIATE"  # type: ignore[attr-defined]
    else:
        assert "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY" in statements


def _tables() -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table a backup holds, as the database returns it, in id order."""
    return {
        backup._label(m): list(backup.table(m).order_by("pk").values_list())
        for m in backup.backed_up_models()
    }


def _council_with_side_rows() -> None:
    """People, a case with a note and a document, sites, reviews, a grant, and a device with
    two days of history reported lost (its IT task and incident): rows that managers and
    receivers write around the row itself (history, incidents, audit entries, the queue)."""
    from safekeep.devices.models import DeviceHistory
    from safekeep.devices.services import device_report_missing
    from tests.routes import Council, build_council, review_things, site_things

    council = build_council(Council, "Backup", volunteer=True)
    site_things(council)
    review_things(council)
    now = timezone.now()
    make_grant(
        council.case,
        council.staff["stranger"],
        starts_at=now,
        expires_at=now + dt.timedelta(days=7),
    )
    device = make_device(staff=council.staff["worker"])
    DeviceHistory.objects.filter(device=device).update(
        starts_on=timezone.localdate() - dt.timedelta(days=30)
    )
    device_report_missing(
        origin=Origin.command("test"), device=device, status="lost", reporter=None
    )


def test_a_council_restores_exactly_as_it_was_backed_up(tmp_path: Path, forget) -> None:
    """Every table comes back row for row and value for value, with nothing a manager or a
    receiver adds (a device's bulk_create wrote its history again: a duplicate key)."""
    _council_with_side_rows()
    before = _tables()
    for label in [
        "devices.device",
        "devices.devicehistory",
        "devices.ittask",
        "governance.incident",
        "records.entryversion",
        "audit.auditentry",
        "audit.chainlink",
    ]:
        assert before[label], label
    assert len(before["devices.devicehistory"]) == 3  # the leaver's laptop's, and two days
    backup_create(tmp_path / "b.skb")
    _wipe()
    forget()
    call_command("restore", str(tmp_path / "b.skb"), stdout=StringIO())

    after = _tables()
    restored = AuditEntry.objects.get(action="backup.restored")
    # The restore's own entry, chained after the restored ones, is all that is new.
    assert after["audit.auditentry"][-1][0] == restored.pk
    assert after["audit.chainlink"][-1][1] == restored.pk
    for label in ("audit.auditentry", "audit.chainlink"):
        after[label] = after[label][:-1]
    seeded = backup.SEEDED_MODELS
    assert {k: v for k, v in after.items() if k not in seeded} == {
        k: v for k, v in before.items() if k not in seeded
    }
    call_command("audit", "verify", stdout=StringIO())
