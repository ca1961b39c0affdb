"""`safekeep audit checkpoint | prove | verify` as an operator runs them."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import stat
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from safekeep.audit import merkle, note
from safekeep.audit.models import AuditEntry, ChainLink
from safekeep.crypto import signing
from tests.audit.conftest import drop_triggers, execute, write_entries

pytestmark = pytest.mark.django_db


def run(*args: str, capsys: Any) -> str:
    call_command("audit", *args)
    return str(capsys.readouterr().out)


def test_checkpoint_signs_with_a_key_kept_outside_the_database(tmp_path: Path, capsys: Any) -> None:
    write_entries(5)
    out = run("checkpoint", "--output", str(tmp_path / "cp.txt"), capsys=capsys)
    assert out == (tmp_path / "cp.txt").read_text()
    key = tmp_path / "keys" / "audit-signing.pem"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    public = base64.b64decode(signing.public_key())
    signed = note.read_checkpoint(
        out, name="safekeep.invalid/audit", public_key=public, verify=_check_signature
    )
    assert (signed.origin, signed.tree_size) == ("safekeep.invalid/audit", 5)
    body, signature_line = out.split("\n\n")
    assert body.splitlines() == [
        "safekeep.invalid/audit",
        "5",
        base64.b64encode(signed.root_hash).decode(),
    ]
    assert signature_line.startswith("\N{EM DASH} safekeep.invalid/audit ")
    assert AuditEntry.objects.filter(action="audit.checkpoint").count() == 1


def _check_signature(message: bytes, signature: bytes) -> None:
    signing.verify(
        message,
        signature=base64.b64encode(signature).decode(),
        public_key_b64=signing.public_key(),
    )


def test_checkpoint_json_carries_the_fields_and_the_signed_text(capsys: Any) -> None:
    write_entries(5)
    document = json.loads(run("checkpoint", "--json", capsys=capsys))
    assert document["format"] == "c2sp-tlog-checkpoint"
    assert (document["origin"], document["tree_size"]) == ("safekeep.invalid/audit", 5)
    assert document["note"].startswith(
        f"safekeep.invalid/audit\n5\n{base64.b64encode(bytes.fromhex(document['root_hash'])).decode()}\n\n"
    )
    assert document["verifier_key"] == run("public-key", capsys=capsys).strip()


def test_public_key_prints_the_c2sp_verifier_key(capsys: Any) -> None:
    name, key_id, encoded = run("public-key", capsys=capsys).strip().split("+", 2)
    raw = base64.b64decode(encoded)
    assert name == "safekeep.invalid/audit"
    assert raw == b"\x01" + base64.b64decode(signing.public_key())
    expected = hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4].hex()
    assert key_id == expected


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
    run("checkpoint", "--json", "--output", str(tmp_path / "cp.json"), capsys=capsys)
    run("checkpoint", "--output", str(tmp_path / "cp.txt"), capsys=capsys)
    out = run(
        "verify",
        "--no-progress",
        "--no-witness",
        "--checkpoint",
        str(tmp_path / "cp.json"),
        "--checkpoint",
        str(tmp_path / "cp.txt"),
        capsys=capsys,
    )
    assert "Audit log intact: 52 entries, 2 checkpoints checked, root " in out
    drop_triggers()
    entry_id = ChainLink.objects.get(sequence=20).entry_id
    execute("UPDATE audit_auditentry SET actor_staff_id = 'S99999' WHERE id = %s", [entry_id])
    with pytest.raises(CommandError) as caught:
        call_command("audit", "verify", "--no-progress", "--no-witness")
    assert str(caught.value) == (
        "The audit log has been tampered with: 3 problems. First bad entry: 20."
    )
    err = capsys.readouterr().err
    assert "Entry 20 has been changed: its contents do not match its hash." in err
    assert re.search(
        r"Stored checkpoint \d+ \(size 50\) does not match the log: entries up to 50", err
    )
    assert re.search(
        r"Stored checkpoint \d+ \(size 51\) does not match the log: entries up to 51", err
    )
    assert "Warning: The append-only triggers on audit_auditentry are missing" in err


def test_verify_refuses_a_checkpoint_signed_by_another_key(tmp_path: Path, capsys: Any) -> None:
    write_entries(3)
    genuine = run("checkpoint", capsys=capsys)
    body = genuine.split("\n\n")[0] + "\n"
    other = signing.FileSigner(tmp_path / "elsewhere")
    forged = note.sign_note(
        body, name="safekeep.invalid/audit", public_key=other.public_key(), sign=other.sign
    )
    (tmp_path / "other.txt").write_text(forged)
    with pytest.raises(CommandError, match=r"tampered with: 1 problem\.$"):
        call_command(
            "audit",
            "verify",
            "--no-progress",
            "--no-witness",
            "--checkpoint",
            str(tmp_path / "other.txt"),
        )
    own = note.key_id("safekeep.invalid/audit", base64.b64decode(signing.public_key())).hex()
    assert (
        f"Checkpoint file {tmp_path / 'other.txt'} does not check: it carries no signature by "
        f"the key safekeep.invalid/audit+{own}."
    ) in capsys.readouterr().err


def test_verify_shows_a_progress_bar_by_default(capsys: Any) -> None:
    write_entries(3)
    out = run("verify", capsys=capsys)
    assert "Audit log intact: 3 entries" in out


def test_verify_rejects_an_unreadable_checkpoint_file(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(
        CommandError,
        match=r"Cannot read checkpoint file .*bad\.json: .* is not a Safekeep audit checkpoint: "
        r"no signed note in it",
    ):
        call_command("audit", "verify", "--checkpoint", str(tmp_path / "bad.json"))


def test_prove_consistency_between_two_checkpoint_files_checks_standalone(
    tmp_path: Path, capsys: Any
) -> None:
    from tests.audit.standalone import verify_audit

    write_entries(300)
    run("checkpoint", "--output", str(tmp_path / "old.txt"), capsys=capsys)
    write_entries(40)
    run("checkpoint", "--json", "--output", str(tmp_path / "new.json"), capsys=capsys)
    key = run("public-key", capsys=capsys).strip()
    out = run(
        "prove",
        "--consistency",
        str(tmp_path / "old.txt"),
        str(tmp_path / "new.json"),
        capsys=capsys,
    )
    document = json.loads(out)
    assert (document["old_size"], document["new_size"]) == (300, 341)
    (tmp_path / "proof.json").write_text(out)
    argv = ["--key", key, "consistency", str(tmp_path / "old.txt"), str(tmp_path / "new.json")]
    assert verify_audit.main([*argv, str(tmp_path / "proof.json")]) == 0
    document["proof"][0] = "00" * 32
    (tmp_path / "bad.json").write_text(json.dumps(document))
    assert verify_audit.main([*argv, str(tmp_path / "bad.json")]) == 1
    assert "does not lead to the" in capsys.readouterr().err
    # sizes as numbers give the same proof
    assert json.loads(run("prove", "--consistency", "300", "341", capsys=capsys)) == json.loads(out)


def test_prove_consistency_refuses_a_checkpoint_of_another_key_or_a_size_too_big(
    tmp_path: Path, capsys: Any
) -> None:
    write_entries(5)
    (tmp_path / "junk.txt").write_text("nothing here\n")
    with pytest.raises(CommandError, match=r"Checkpoint file .*junk\.txt does not check"):
        call_command("audit", "prove", "--consistency", str(tmp_path / "junk.txt"), "5")
    with pytest.raises(CommandError, match=r"no consistency proof from size 2 to 99"):
        call_command("audit", "prove", "--consistency", "2", "99")


def test_prove_carries_the_entry_fields_the_standalone_verifier_rehashes(
    tmp_path: Path, capsys: Any
) -> None:
    from tests.audit.standalone import verify_audit

    write_entries(20)
    run("checkpoint", "--output", str(tmp_path / "cp.txt"), capsys=capsys)
    key = run("public-key", capsys=capsys).strip()
    proof = json.loads(run("prove", "7", "--at", str(tmp_path / "cp.txt"), capsys=capsys))
    (tmp_path / "p.json").write_text(json.dumps(proof))
    argv = ["--key", key, "inclusion", str(tmp_path / "cp.txt")]
    assert verify_audit.main([*argv, str(tmp_path / "p.json")]) == 0
    proof["entry"]["action"] = "case.view.altered"
    (tmp_path / "p.json").write_text(json.dumps(proof))
    assert verify_audit.main([*argv, str(tmp_path / "p.json")]) == 1
    assert "its fields do not give its hash" in capsys.readouterr().err
