#!/usr/bin/env python3
"""Check Safekeep's audit proofs without Safekeep: standard library + `cryptography` only.

An auditor, the ICO or the person themselves can run this on a machine where Safekeep is
not installed (docs/audit.md, "Checking without Safekeep"):

    verify_audit.py checkpoint CHECKPOINT --key VERIFIER_KEY
    verify_audit.py inclusion CHECKPOINT PROOF.json --key VERIFIER_KEY
    verify_audit.py consistency OLD_CHECKPOINT NEW_CHECKPOINT PROOF.json --key VERIFIER_KEY
    verify_audit.py sar FOLDER --key VERIFIER_KEY     (a subject access export, unzipped)

VERIFIER_KEY is what `safekeep audit public-key` prints (or a file holding it). A checkpoint
is the C2SP signed note `safekeep audit checkpoint` prints, or its `--json` form. Exit code
0 means every check passed; 1 means one failed, and it says which.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

DASH = "\N{EM DASH}"
HEADER = b"safekeep-audit/v2\n"
ENTRY_FIELDS = (
    "actor_staff_id",
    "actor_username",
    "device",
    "request_id",
    "source_address",
    "action",
    "object_type",
    "object_id",
    "subject_id",
    "decision",
)


class Failure(Exception):
    """A check did not pass; the message says which and why."""


# --- RFC 9162 -------------------------------------------------------------------------------


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _check_hashes(*hashes: bytes) -> None:
    """Every root, leaf and proof node is a SHA-256 hash: anything else is refused, not hashed."""
    if any(len(value) != 32 for value in hashes):
        raise Failure("a hash in the proof is not 32 bytes")


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 section 2.1.3.2."""
    if not 0 <= index < size:
        raise Failure(f"leaf {index} is not in a tree of size {size}")
    _check_hashes(leaf, root, *proof)
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise Failure("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Failure("the inclusion proof is too short")
    if r != root:
        raise Failure("the inclusion proof does not lead to the signed root")


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 section 2.1.4.2."""
    if not 0 < old_size <= new_size:
        raise Failure(f"no consistency proof from size {old_size} to {new_size}")
    _check_hashes(*proof)
    if old_size == new_size:
        if proof:
            raise Failure("a proof between equal sizes must be empty")
        if old_root != new_root:
            raise Failure("the roots differ at the same size")
        return
    _check_hashes(old_root, new_root)
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    if not path:
        raise Failure("the consistency proof is empty")
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise Failure("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while fn and not fn & 1:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Failure("the consistency proof is too short")
    if fr != old_root:
        raise Failure("the consistency proof does not lead to the old root")
    if sr != new_root:
        raise Failure("the consistency proof does not lead to the new root")


# --- C2SP signed notes and checkpoints ------------------------------------------------------


def read_verifier_key(text: str) -> tuple[str, bytes, Ed25519PublicKey]:
    """`<name>+<8 hex key id>+<base64(0x01 ‖ key)>`: the name, key id and key, once they agree."""
    name, _, rest = text.strip().partition("+")
    hex_id, _, encoded = rest.partition("+")
    if not name or any(c.isspace() for c in name) or len(hex_id) != 8:
        raise Failure("the verifier key is not <name>+<key id>+<key>")
    try:
        raw = base64.b64decode(encoded, validate=True)
        wanted = bytes.fromhex(hex_id)
    except (binascii.Error, ValueError) as exc:
        raise Failure("the verifier key is not <name>+<key id>+<key>") from exc
    if len(raw) != 33 or raw[:1] != b"\x01":
        raise Failure("the verifier key is not an Ed25519 key")
    if hashlib.sha256(name.encode() + b"\n" + raw).digest()[:4] != wanted:
        raise Failure("the verifier key's id does not match its name and key")
    return name, wanted, Ed25519PublicKey.from_public_bytes(raw[1:])


def open_note(note: str, key: str) -> str:
    """The text of the signed note once the key's signature on it checks."""
    name, wanted, public = read_verifier_key(key)
    text, blank, block = note.replace("\r\n", "\n").rpartition("\n\n")
    if not blank or not block.endswith("\n"):
        raise Failure("it is not a signed note (text, a blank line, signature lines)")
    text += "\n"
    for line in block[:-1].split("\n"):
        dash, _, rest = line.partition(" ")
        signer, _, encoded = rest.partition(" ")
        if dash != DASH:
            raise Failure(f"{line!r} is not a signature line")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise Failure(f"the signature by {signer} is not base64") from exc
        if signer == name and raw[:4] == wanted:
            try:
                public.verify(raw[4:], text.encode())
            except InvalidSignature as exc:
                raise Failure("its signature does not match its text") from exc
            return text
    raise Failure(f"it carries no signature by the key {name}+{wanted.hex()}")


def read_checkpoint(text: str, key: str) -> tuple[str, int, bytes]:
    """(origin, tree size, root hash) of a checkpoint whose signature checks."""
    if text.lstrip().startswith("{"):
        try:
            text = str(json.loads(text)["note"])
        except (KeyError, TypeError, ValueError) as exc:
            raise Failure("the checkpoint JSON has no signed note in it") from exc
    lines = open_note(text, key).splitlines()
    if len(lines) < 3 or not lines[1].isdigit():
        raise Failure("it is not a checkpoint (origin, tree size, root hash)")
    if lines[0] != read_verifier_key(key)[0]:
        raise Failure(f"its origin {lines[0]!r} is not the key's name")
    try:
        root = base64.b64decode(lines[2], validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Failure("its root hash is not base64") from exc
    if len(root) != 32:
        raise Failure("its root hash is not 32 bytes")
    return lines[0], int(lines[1]), root


# --- audit entries --------------------------------------------------------------------------


def entry_bytes(entry: dict[str, Any]) -> bytes:
    """The canonical encoding of an audit entry (docs/audit.md, "The canonical encoding")."""
    values = [str(entry["sequence"]), entry["previous_hash"], entry["time"]]
    values += [entry[name] for name in ENTRY_FIELDS]
    values += [json.dumps(entry[name], ensure_ascii=False) for name in ("reasons", "obligations")]
    data = [str(value).encode("utf-8") for value in values]
    return HEADER + b" ".join(b"%d" % len(item) for item in data) + b"\n" + b"".join(data)


def check_entry_proof(proof: dict[str, Any], size: int, root: bytes) -> None:
    """The entry's hash is re-computed from its fields, then its inclusion proof checked."""
    entry = proof["entry"]
    computed = hashlib.sha256(entry_bytes(entry)).hexdigest()
    if computed != proof["entry_hash"]:
        raise Failure(f"entry {entry['sequence']}: its fields do not give its hash")
    if proof["tree_size"] != size or proof["root_hash"] != root.hex():
        raise Failure(f"entry {entry['sequence']}: the proof is not for the signed checkpoint")
    nodes = [bytes.fromhex(node) for node in proof["proof"]]
    try:
        verify_inclusion(leaf_hash(bytes.fromhex(computed)), proof["leaf_index"], size, nodes, root)
    except Failure as exc:
        raise Failure(f"entry {entry['sequence']}: {exc}") from exc
    if proof["leaf_index"] != entry["sequence"] - 1:
        raise Failure(f"entry {entry['sequence']}: its leaf is not its place in the log")


def check_sar(folder: Path, key: str) -> list[str]:
    """Every access-history entry in subject-access.json is in the log the checkpoint signs."""
    document = json.loads((folder / "subject-access.json").read_text(encoding="utf-8"))
    _, size, root = read_checkpoint((folder / "proofs" / "checkpoint.txt").read_text(), key)
    said = [f"Checkpoint signed by the key: tree size {size}, root {root.hex()}."]
    for item in document["access_history"]:
        path = folder / "proofs" / f"entry-{item['sequence']}.json"
        if not path.exists():
            raise Failure(f"entry {item['sequence']} has no proof in proofs/")
        proof = json.loads(path.read_text(encoding="utf-8"))
        check_entry_proof(proof, size, root)
        entry = proof["entry"]
        for field, value in (
            ("sequence", entry["sequence"]),
            ("time", entry["time"]),
            ("action", entry["action"]),
            ("decision", entry["decision"]),
        ):
            if item[field] != value:
                raise Failure(f"entry {item['sequence']}: the history's {field} is not the log's")
    said.append(
        f"All {len(document['access_history'])} access-history entries are in the signed log."
    )
    return said


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--key", required=True, help="the verifier key, or a file holding it")
    sub = parser.add_subparsers(dest="what", required=True)
    sub.add_parser("checkpoint").add_argument("checkpoint")
    inclusion = sub.add_parser("inclusion")
    inclusion.add_argument("checkpoint")
    inclusion.add_argument("proof")
    consistency = sub.add_parser("consistency")
    consistency.add_argument("old")
    consistency.add_argument("new")
    consistency.add_argument("proof")
    sub.add_parser("sar").add_argument("folder")
    args = parser.parse_args(argv)
    key = Path(args.key).read_text() if Path(args.key).is_file() else args.key
    try:
        said = _run(args, key)
    except (Failure, OSError, KeyError, TypeError, ValueError) as exc:
        print(f"FAILED: {exc}", file=sys.stderr)
        return 1
    for line in said:
        print(line)
    print("OK")
    return 0


def _run(args: argparse.Namespace, key: str) -> list[str]:
    if args.what == "sar":
        return check_sar(Path(args.folder), key)
    if args.what == "consistency":
        _, old_size, old_root = read_checkpoint(Path(args.old).read_text(), key)
        _, new_size, new_root = read_checkpoint(Path(args.new).read_text(), key)
        proof = json.loads(Path(args.proof).read_text())
        if (proof["old_size"], proof["new_size"]) != (old_size, new_size):
            raise Failure("the proof is not between these two checkpoints' sizes")
        nodes = [bytes.fromhex(node) for node in proof["proof"]]
        verify_consistency(old_size, new_size, old_root, new_root, nodes)
        return [f"The log of size {new_size} extends the log of size {old_size} unchanged."]
    _, size, root = read_checkpoint(Path(args.checkpoint).read_text(), key)
    said = [f"Checkpoint signed by the key: tree size {size}, root {root.hex()}."]
    if args.what == "inclusion":
        check_entry_proof(json.loads(Path(args.proof).read_text()), size, root)
        said.append("The entry is in the signed log.")
    return said


if __name__ == "__main__":
    sys.exit(main())
