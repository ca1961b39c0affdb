"""transparency-dev/merkle's RFC 9162 vectors: every happy path verifies, every mutation fails.

The files are copied from /work/shared/vectors/rfc9162 (Apache-2.0, vectors/rfc9162/LICENSE)
so a fresh clone runs them. tools/verify_audit.py is held to the same files.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from safekeep.audit import merkle
from tests.audit.standalone import verify_audit

VECTORS = Path(__file__).parent / "vectors" / "rfc9162"


def cases(kind: str) -> list[Any]:
    files = sorted((VECTORS / kind).rglob("*.json"))
    assert len(files) > 50, f"the {kind} vectors were not found"
    return [pytest.param(json.loads(f.read_text()), id=str(f.relative_to(VECTORS))) for f in files]


def b64(value: str | None) -> bytes:
    return base64.b64decode(value or "")


def proof_of(vector: dict[str, Any]) -> list[bytes]:
    return [b64(node) for node in vector["proof"] or []]


Inclusion = Callable[[bytes, int, int, list[bytes], bytes], None]
Consistency = Callable[[int, int, bytes, bytes, list[bytes]], None]
IMPLEMENTATIONS = [
    pytest.param(
        (merkle.verify_inclusion, merkle.verify_consistency, merkle.ProofError), id="safekeep"
    ),
    pytest.param(
        (verify_audit.verify_inclusion, verify_audit.verify_consistency, verify_audit.Failure),
        id="standalone",
    ),
]


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize("vector", cases("inclusion"))
def test_inclusion_vector(
    vector: dict[str, Any], impl: tuple[Inclusion, Consistency, type]
) -> None:
    verify, _, error = impl

    def run() -> None:
        verify(
            b64(vector["leafHash"]),
            vector["leafIdx"],
            vector["treeSize"],
            proof_of(vector),
            b64(vector["root"]),
        )

    if vector["wantErr"]:
        with pytest.raises(error):
            run()
    else:
        run()


@pytest.mark.parametrize("impl", IMPLEMENTATIONS)
@pytest.mark.parametrize("vector", cases("consistency"))
def test_consistency_vector(
    vector: dict[str, Any], impl: tuple[Inclusion, Consistency, type]
) -> None:
    _, verify, error = impl

    def run() -> None:
        verify(
            vector["size1"],
            vector["size2"],
            b64(vector["root1"]),
            b64(vector["root2"]),
            proof_of(vector),
        )

    if vector["wantErr"]:
        with pytest.raises(error):
            run()
    else:
        run()
