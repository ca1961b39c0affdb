"""`safekeep audit checkpoint | prove | verify` as an operator runs them."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from safekeep.audit import merkle
from safekeep.audit.models import AuditEntry, ChainLink
from safekeep.crypto import signing
from tests.audit.conftest import drop_triggers, execute, write_entries

pytestmark = pytest.mark.django_db


def run(*args: str, capsys: Any) -> str:
    call_command("audit", *args)
    return str(capsys.readouterr().out)


def test_checkpoint_signs_with_a_key_kept_outside_the_database(tmp_path: Path, capsys: Any) -> None:
    write_entries(5)
    out = run("checkpoint", "--output", str(tmp_path / "cp.json"), capsys=capsys)
    document = json.loads(out)
    assert document == json.loads((tmp_path / "cp.json").read_text())
    assert document["format"] == "safekeep-audit/v1"
    assert document["tree_size"] == 5
    key = tmp_path / "keys" / "audit-signing.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    message = f"safekeep-audit/v1\n5\n{document['root_hash']}\n{document['created_at']}\n".encode()
    signing.verify(message, signature=document["signature"], public_key_b64=document["public_key"])
    assert AuditEntry.objects.filter(action="audit.checkpoint").count() == 1


def test_prove_prints_an_inclusion_proof_that_checks(capsys: Any) -> None:
    write_entries(700)
    document = json.loads(run("prove", "345", capsys=capsys))
    assert document["tree_size"] == 700
    merkle.verify_inclusion(
        merkle.leaf_hash(bytes.fromhex(document["entry_hash"])),
        344,
        700,
        [bytes.fromhex(node) for node in document["proof"]],
        bytes.fromhex(document["root_hash"]),
    )
    with pytest.raises(CommandError, match=r"^There is no entry 701 in the audit log\.$"):
        call_command("audit", "prove", "701")


def test_verify_passes_then_names_the_first_bad_entry(tmp_path: Path, capsys: Any) -> None:
    write_entries(50)
    run("checkpoint", "--output", str(tmp_path / "cp.json"), capsys=capsys)
    out = run("verify", "--no-progress", "--checkpoint", str(tmp_path / "cp.json"), capsys=capsys)
    assert out.startswith("Audit log intact: 51 entries, 2 checkpoint(s) checked, root ")
    drop_triggers()
    entry_id = ChainLink.objects.get(sequence=20).entry_id
    execute("UPDATE audit_auditentry SET actor_staff_id = 'S99999' WHERE id = %s", [entry_id])
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", "--no-progress")
    assert str(caught.value) == (
        "The audit log has been tampered with: 2 problem(s). First bad entry: 20."
    )
    err = capsys.readouterr().err
    assert "Entry 20 has been changed: its contents do not match its hash." in err
    assert re.search(
        r"Stored checkpoint \d+ \(size 50\) does not match the log: entries up to 50", err
    )
    assert "Warning: The append-only triggers on audit_auditentry are missing" in err


def test_verify_refuses_a_checkpoint_signed_by_another_key(tmp_path: Path, capsys: Any) -> None:
    write_entries(3)
    document = json.loads(run("checkpoint", capsys=capsys))
    other = signing.sign(b"x", key_dir=tmp_path / "elsewhere")
    document["public_key"] = other.public_key
    (tmp_path / "other.json").write_text(json.dumps(document))
    with pytest.raises(CommandError, match=r"tampered with: 1 problem\(s\)\.$"):
        call_command(
            "audit", "verify", "--no-progress", "--checkpoint", str(tmp_path / "other.json")
        )
    assert (
        f"Checkpoint file {tmp_path / 'other.json'} was signed by a different key "
        f"(key id {document['key_id']}), not this installation's key"
    ) in capsys.readouterr().err


def test_verify_shows_a_progress_bar_by_default(capsys: Any) -> None:
    write_entries(3)
    out = run("verify", capsys=capsys)
    assert "Audit log intact: 3 entries" in out


def test_verify_rejects_an_unreadable_checkpoint_file(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(
        CommandError,
        match=r"Cannot read checkpoint file .*bad\.json: .* is not a Safekeep audit checkpoint",
    ):
        call_command("audit", "verify", "--checkpoint", str(tmp_path / "bad.json"))
