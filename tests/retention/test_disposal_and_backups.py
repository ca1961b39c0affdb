"""Backups and disposal: a backup made after a disposal holds nothing of the record, and
restoring one made before it does not bring the record back (the ledger disposes again)."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from safekeep.audit import chain
from safekeep.audit.models import AuditEntry
from safekeep.audit.verify import verify_log
from safekeep.crypto.backup_stream import backup_key
from safekeep.crypto.models import DataKey
from safekeep.operations import backup
from safekeep.operations.backup import backup_create, files_root
from safekeep.records.models import Case, Document, EntryVersion
from safekeep.retention.models import Tombstone
from tests.retention.helpers import ig_officer, list_and_approve, old_case

pytestmark = pytest.mark.django_db(transaction=True)


def _members(path: Path) -> dict[str, bytes]:
    with backup._open_archive(path, backup_key(None)) as archive:
        return dict(backup._members(archive))


def _traces(case: Case) -> list[bytes]:
    """What of this case a backup could hold: its sealed text, file names and key rows."""
    version = EntryVersion.objects.filter(entry__case=case).first()
    document = Document.objects.get(entry__case=case)
    assert version is not None
    return [version.body.encode(), document.storage_name.encode(), case.subject.given_name.encode()]


def test_backups_never_bring_a_disposed_record_back(tmp_path: Path, forget) -> None:
    case = old_case()
    traces = _traces(case)
    ig = ig_officer()
    before = tmp_path / "before.skb"
    backup_create(before)
    assert any(t in blob for t in traces for blob in _members(before).values())

    list_and_approve(ig, reason="Retention period ended; no hold")
    after = tmp_path / "after.skb"
    backup_create(after)
    members = _members(after)
    for trace in traces:
        assert not any(trace in blob for blob in members.values())
    keys = [
        json.loads(line) for line in members.get("db/crypto.datakey/000001.jsonl", b"").splitlines()
    ]
    assert not any(
        k["fields"]["object_id"] == str(case.pk) and k["fields"]["scope"] == "case" for k in keys
    )
    assert not any(name.startswith("files/") for name in members)

    # Disaster: the database and files are lost; the older backup is all there is. The keys
    # (and the disposal ledger with them) come back from key custody, as they are.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(files_root(), ignore_errors=True)
    forget()
    out = StringIO()
    call_command("restore", str(before), stdout=out)

    assert not Case.objects.filter(case_id=case.case_id).exists()
    assert not DataKey.objects.filter(scope="case", object_id=str(case.pk)).exists()
    assert not files_root().exists() or not any(files_root().iterdir())
    tomb = Tombstone.objects.get(case_id=case.case_id)
    assert tomb.approved_by_staff_id == ig.staff_id and tomb.reapplied_at is not None
    assert AuditEntry.objects.filter(
        action="case.disposal_reapplied", object_id=case.case_id
    ).exists()
    chain.chain_pending()
    assert verify_log().problems == []
    out = StringIO()
    call_command("audit", "verify", stdout=out)
