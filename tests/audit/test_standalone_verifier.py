"""tools/verify_audit.py runs without Safekeep: an auditor needs only Python and cryptography."""

from __future__ import annotations

import ast
import json
import subprocess  # nosec B404 - runs our own tool
import sys
from pathlib import Path

import pytest

from tests.audit.standalone import TOOL, verify_audit

VECTOR = Path(__file__).parent / "vectors" / "signed-note" / "golang-mod-note.json"


def test_it_imports_only_the_standard_library_and_cryptography() -> None:
    tree = ast.parse(TOOL.read_text())
    names = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    names |= {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    top = {name.split(".")[0] for name in names}
    assert "safekeep" not in top
    assert top - set(sys.stdlib_module_names) == {"cryptography"}


def test_it_runs_as_a_script_from_anywhere(tmp_path: Path) -> None:
    result = subprocess.run(  # noqa: S603  # nosec B603 - our own tool, fixed arguments
        [sys.executable, str(TOOL), "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "consistency" in result.stdout


def test_the_reference_signed_note_opens_and_the_bad_verifier_keys_are_refused() -> None:
    vector = json.loads(VECTOR.read_text())
    assert verify_audit.open_note(vector["signed_note"], vector["verifier_key"]) == vector["text"]
    for bad in vector["bad_verifier_keys"]:
        with pytest.raises(verify_audit.Failure, match="verifier key"):
            verify_audit.open_note(vector["signed_note"], bad)
    altered = vector["signed_note"].replace("answer", "question")
    with pytest.raises(verify_audit.Failure, match="does not match its text"):
        verify_audit.open_note(altered, vector["verifier_key"])
