"""The checkpoint as text: a C2SP `tlog-checkpoint` body inside a C2SP `signed-note`.

Pure Python (no Django, no key): the signer and verifier are handed in, so transparency-log
tools that Safekeep did not write can read and check what this module writes, and this module
can check what they write (tests/audit/test_note.py holds it to golang.org/x/mod's vectors).

    <origin>\\n<tree size>\\n<base64 root hash>\\n\\n— <key name> <base64(key id ‖ signature)>\\n

The Ed25519 key id is the first 4 bytes of SHA-256(key name ‖ 0x0A ‖ 0x01 ‖ public key).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

ED25519 = b"\x01"
DASH = "\N{EM DASH}"
MAX_NOTE_BYTES = 1_000_000


class NoteError(ValueError):
    """The text is not a signed checkpoint, or its signature is not this key's."""


def key_id(name: str, public_key: bytes) -> bytes:
    return hashlib.sha256(name.encode() + b"\n" + ED25519 + public_key).digest()[:4]


def verifier_key(name: str, public_key: bytes) -> str:
    """The C2SP verifier key: `<name>+<8 hex key id>+<base64(0x01 ‖ public key)>`."""
    encoded = base64.b64encode(ED25519 + public_key).decode()
    return f"{name}+{key_id(name, public_key).hex()}+{encoded}"


def checkpoint_body(*, origin: str, tree_size: int, root_hash: bytes) -> str:
    return f"{origin}\n{tree_size}\n{base64.b64encode(root_hash).decode()}\n"


def signature_line(*, name: str, public_key: bytes, signature: bytes) -> str:
    encoded = base64.b64encode(key_id(name, public_key) + signature).decode()
    return f"{DASH} {name} {encoded}\n"


def sign_note(text: str, *, name: str, public_key: bytes, sign: Callable[[bytes], bytes]) -> str:
    """`text` (lines ending in newlines) followed by a blank line and one signature line."""
    _check_text(text)
    _check_name(name)
    signature = sign(text.encode())
    return text + "\n" + signature_line(name=name, public_key=public_key, signature=signature)


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A checkpoint read back from its text, with the signature made by `name`'s key."""

    origin: str
    tree_size: int
    root_hash: bytes
    note: str  # the whole signed note, exactly as read


def open_note(
    note: str, *, name: str, public_key: bytes, verify: Callable[[bytes, bytes], None]
) -> str:
    """The text of a signed note once `name`'s signature on it checks (`verify` raises if bad).

    Raises NoteError saying what is wrong. Signatures by other keys are ignored, as the
    signed-note form allows (a witness may add its cosignature).
    """
    text, signatures = _split(note)
    wanted = key_id(name, public_key)
    mine = [raw for signer, raw in signatures if signer == name and raw[:4] == wanted]
    if not mine:
        raise NoteError(f"it carries no signature by the key {name}+{wanted.hex()}")
    try:
        verify(text.encode(), mine[0][4:])
    except Exception as exc:  # the verifier's own error type; the note is what is wrong
        raise NoteError("its signature does not match its text") from exc
    return text


def read_checkpoint(
    note: str, *, name: str, public_key: bytes, verify: Callable[[bytes, bytes], None]
) -> SignedCheckpoint:
    """Parse a signed checkpoint whose signature by `name` checks; NoteError if not."""
    lines = open_note(note, name=name, public_key=public_key, verify=verify).splitlines()
    if len(lines) < 3:
        raise NoteError("it has fewer than the three lines of a checkpoint")
    origin, size_text, root_text = lines[:3]
    if not size_text.isdigit() or (size_text != "0" and size_text.startswith("0")):
        raise NoteError(f"its tree size {size_text!r} is not a decimal number")
    try:
        root = base64.b64decode(root_text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise NoteError("its root hash is not base64") from exc
    if len(root) != 32:
        raise NoteError(f"its root hash is {len(root)} bytes, not 32")
    return SignedCheckpoint(origin=origin, tree_size=int(size_text), root_hash=root, note=note)


def _split(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    if len(note.encode()) > MAX_NOTE_BYTES:
        raise NoteError("it is too long to be a signed note")
    text, blank, signature_block = note.rpartition("\n\n")
    if not blank or not signature_block.endswith("\n"):
        raise NoteError("it is not a signed note (text, a blank line, signature lines)")
    text += "\n"
    _check_text(text)
    signatures: list[tuple[str, bytes]] = []
    for line in signature_block[:-1].split("\n"):
        dash, _, rest = line.partition(" ")
        name, _, encoded = rest.partition(" ")
        if dash != DASH or not name or not encoded:
            raise NoteError(f"{line!r} is not a signature line")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise NoteError(f"the signature by {name} is not base64") from exc
        if len(raw) < 5:
            raise NoteError(f"the signature by {name} is too short")
        signatures.append((name, raw))
    return text, signatures


def _check_text(text: str) -> None:
    if not text.endswith("\n") or "\n\n" in text or text.startswith("\n"):
        raise NoteError("the note text must be non-empty lines, each ending in a newline")


def _check_name(name: str) -> None:
    if not name or any(c.isspace() or c == "+" for c in name):
        raise NoteError(f"the key name {name!r} must be non-empty, without spaces or '+'")
