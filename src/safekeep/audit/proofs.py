"""Proof documents as `safekeep audit prove` prints them and a SAR export carries them.

An inclusion proof carries the entry's own fields, so tools/verify_audit.py re-computes its
hash from them instead of trusting it (docs/audit.md, "Checking without Safekeep").
"""

from __future__ import annotations

from typing import Any

from safekeep.audit import canonical, conf, merkle, note
from safekeep.audit.checkpoints import public_key_raw
from safekeep.audit.findings import ExternalCheckpoint
from safekeep.audit.models import ChainLink
from safekeep.audit.tree import StoredTree
from safekeep.audit.verify import signature_check


def entry_fields(link: ChainLink) -> dict[str, Any]:
    """The 15 values of the entry's canonical encoding, named."""
    entry = link.entry
    fields: dict[str, Any] = {
        "sequence": link.sequence,
        "previous_hash": link.previous_hash,
        "time": canonical.format_time(entry.occurred_at),
    }
    fields.update({name: getattr(entry, name) for name in canonical.STRING_FIELDS})
    fields.update({name: list(getattr(entry, name)) for name in canonical.LIST_FIELDS})
    return fields


def inclusion(link: ChainLink, tree: StoredTree) -> dict[str, Any]:
    """The entry, its hash and its path to the root of `tree` (checked before it is given)."""
    index = link.sequence - 1
    if index >= tree.size:
        raise merkle.ProofError(f"entry {link.sequence} is not in the log of size {tree.size}")
    proof = tree.inclusion_proof(index)
    root = tree.root()
    merkle.verify_inclusion(
        merkle.leaf_hash(bytes.fromhex(link.entry_hash)), index, tree.size, proof, root
    )
    return {
        "entry": entry_fields(link),
        "leaf_index": index,
        "entry_hash": link.entry_hash,
        "tree_size": tree.size,
        "root_hash": root.hex(),
        "proof": [node.hex() for node in proof],
    }


def signed_size(text: str, *, label: str) -> int:
    """The tree size of a checkpoint kept elsewhere, once its signature and root check.

    Raises ProofError if it is not this log's key's, or the log no longer has its root.
    """
    try:
        external = ExternalCheckpoint.from_text(text, label=label)
        signed = note.read_checkpoint(
            external.note, name=conf.origin(), public_key=public_key_raw(), verify=signature_check
        )
    except ValueError as exc:
        raise merkle.ProofError(f"{label} does not check: {exc}") from exc
    if signed.tree_size and StoredTree(signed.tree_size).root() != signed.root_hash:
        raise merkle.ProofError(f"{label} signs a root this log no longer has")
    return signed.tree_size


def consistency(old_size: int, new_size: int) -> dict[str, Any]:
    """The RFC 9162 proof that the log at `new_size` extends the log at `old_size` unchanged."""
    tree = StoredTree(new_size)
    if not 0 < old_size <= new_size <= StoredTree.current().size:
        raise merkle.ProofError(
            f"no consistency proof from size {old_size} to {new_size} "
            f"(the log holds {StoredTree.current().size} entries)"
        )
    old_root, new_root = tree.root(old_size), tree.root()
    proof = [] if old_size == new_size else tree.consistency_proof(old_size)
    merkle.verify_consistency(old_size, new_size, old_root, new_root, proof)
    return {
        "old_size": old_size,
        "new_size": new_size,
        "old_root_hash": old_root.hex(),
        "new_root_hash": new_root.hex(),
        "proof": [node.hex() for node in proof],
    }
