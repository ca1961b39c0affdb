"""The checkpoint text is the C2SP signed note, held to golang.org/x/mod's own vectors."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from safekeep.audit import note

VECTORS = json.loads(
    (Path(__file__).parent / "vectors" / "signed-note" / "golang-mod-note.json").read_text()
)
NAME = "PeterNeumann"


def _key() -> tuple[Ed25519PrivateKey, bytes]:
    seed = base64.b64decode(VECTORS["signer_key"].split("+", 4)[4])[1:]
    key = Ed25519PrivateKey.from_private_bytes(seed)
    public = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return key, public


def _verify(public: bytes) -> Any:
    return lambda message, signature: Ed25519PublicKey.from_public_bytes(public).verify(
        signature, message
    )


def test_the_verifier_key_and_the_signed_note_are_the_reference_implementations() -> None:
    key, public = _key()
    assert note.verifier_key(NAME, public) == VECTORS["verifier_key"]
    signed = note.sign_note(VECTORS["text"], name=NAME, public_key=public, sign=key.sign)
    assert signed == VECTORS["signed_note"]
    opened = note.open_note(signed, name=NAME, public_key=public, verify=_verify(public))
    assert opened == VECTORS["text"]


def test_a_checkpoint_reads_back_what_was_signed() -> None:
    key, public = _key()
    root = bytes(range(32))
    body = note.checkpoint_body(origin="council.example/audit", tree_size=1234, root_hash=root)
    assert body == f"council.example/audit\n1234\n{base64.b64encode(root).decode()}\n"
    signed = note.sign_note(body, name=NAME, public_key=public, sign=key.sign)
    checkpoint = note.read_checkpoint(signed, name=NAME, public_key=public, verify=_verify(public))
    assert (checkpoint.origin, checkpoint.tree_size, checkpoint.root_hash) == (
        "council.example/audit",
        1234,
        root,
    )


def test_a_cosignature_by_another_key_is_ignored() -> None:
    key, public = _key()
    other = Ed25519PrivateKey.generate()
    other_public = other.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    signed = note.sign_note(VECTORS["text"], name=NAME, public_key=public, sign=key.sign)
    cosigned = signed + note.signature_line(
        name="witness.example", public_key=other_public, signature=other.sign(b"anything")
    )
    opened = note.open_note(cosigned, name=NAME, public_key=public, verify=_verify(public))
    assert opened == VECTORS["text"]


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (
            lambda s: s.replace("cryptography", "cryptographY"),
            "its signature does not match its text",
        ),
        (
            lambda s: s.replace("PeterNeumann", "Peter"),
            "it carries no signature by the key PeterNeumann+c74f20a3",
        ),
        (
            lambda s: s.replace("\n\n", "\n"),
            "it is not a signed note (text, a blank line, signature lines)",
        ),
        (lambda s: s.replace("\u2014 ", "- "), "'- PeterNeumann x08go"),
        (lambda s: s[:-3] + "!=\n", "the signature by PeterNeumann is not base64"),
        (lambda s: "\n" + s, "the note text must be non-empty lines, each ending in a newline"),
    ],
)
def test_a_damaged_note_is_refused_saying_what(change: Any, error: str) -> None:
    _, public = _key()
    with pytest.raises(note.NoteError) as caught:
        note.open_note(
            change(VECTORS["signed_note"]), name=NAME, public_key=public, verify=_verify(public)
        )
    assert str(caught.value).startswith(error)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("o\n12\n", "it has fewer than the three lines of a checkpoint"),
        ("o\n012\nAAAA\n", "its tree size '012' is not a decimal number"),
        ("o\n12\n!!!!\n", "its root hash is not base64"),
        ("o\n12\nAAAA\n", "its root hash is 3 bytes, not 32"),
    ],
)
def test_a_malformed_checkpoint_is_refused_saying_what(body: str, error: str) -> None:
    key, public = _key()
    signed = note.sign_note(body, name=NAME, public_key=public, sign=key.sign)
    with pytest.raises(note.NoteError, match=f"^{error}$".replace("(", r"\(").replace(")", r"\)")):
        note.read_checkpoint(signed, name=NAME, public_key=public, verify=_verify(public))


def test_a_key_name_with_a_space_or_plus_is_refused() -> None:
    key, public = _key()
    for name in ("two words", "a+b", ""):
        with pytest.raises(note.NoteError, match="must be non-empty, without spaces or"):
            note.sign_note("x\n", name=name, public_key=public, sign=key.sign)
