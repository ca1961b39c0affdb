"""RFC 6962 / 9162 tree hashing and proofs, on their own (no database)."""

from __future__ import annotations

import hashlib

import pytest

from safekeep.audit import merkle


def leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(n)]


def hasher_for(items: list[bytes]) -> merkle.SubtreeHasher:
    return lambda start, size: merkle.root_of(items[start : start + size])


def test_hashing_uses_the_rfc_domain_prefixes() -> None:
    data = b"\x11" * 32
    assert merkle.leaf_hash(data) == hashlib.sha256(b"\x00" + data).digest()
    assert merkle.node_hash(b"a", b"b") == hashlib.sha256(b"\x01ab").digest()
    assert merkle.root_of([]) == hashlib.sha256(b"").digest()


def test_rfc6962_test_vector() -> None:
    # certificate-transparency-go's tree test vectors: leaves are these byte strings.
    inputs = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        b"\x50\x51\x52\x53\x54\x55\x56\x57",
        b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
    ]
    hashed = [hashlib.sha256(b"\x00" + item).digest() for item in inputs]
    assert merkle.root_of(hashed).hex() == (
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    )


@pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 8, 9, 31, 33, 100])
def test_bottom_up_root_equals_the_rfc_recursive_definition(size: int) -> None:
    items = leaves(size)

    def recursive(start: int, count: int) -> bytes:
        if count == 1:
            return items[start]
        k = 1 << ((count - 1).bit_length() - 1)
        return merkle.node_hash(recursive(start, k), recursive(start + k, count - k))

    assert merkle.root_of(items) == recursive(0, size)
    assert merkle.mth(hasher_for(items), 0, size) == recursive(0, size)


@pytest.mark.parametrize("size", [1, 2, 3, 6, 8, 13, 64, 77])
def test_every_inclusion_proof_checks(size: int) -> None:
    items = leaves(size)
    root = merkle.root_of(items)
    for index in range(size):
        proof = merkle.inclusion_proof(hasher_for(items), index, size)
        merkle.verify_inclusion(items[index], index, size, proof, root)


def test_inclusion_proof_for_the_wrong_leaf_or_root_fails() -> None:
    items = leaves(10)
    root = merkle.root_of(items)
    proof = merkle.inclusion_proof(hasher_for(items), 3, 10)
    with pytest.raises(merkle.ProofError, match="does not lead to the signed root"):
        merkle.verify_inclusion(items[4], 3, 10, proof, root)
    with pytest.raises(merkle.ProofError, match="too short"):
        merkle.verify_inclusion(items[3], 3, 10, proof[:-1], root)
    with pytest.raises(merkle.ProofError, match="not in a tree of size 10"):
        merkle.inclusion_proof(hasher_for(items), 10, 10)


def test_every_consistency_proof_checks() -> None:
    items = leaves(40)
    for new in range(1, 41):
        new_root = merkle.root_of(items[:new])
        for old in range(1, new + 1):
            proof = merkle.consistency_proof(hasher_for(items), old, new)
            merkle.verify_consistency(old, new, merkle.root_of(items[:old]), new_root, proof)


def test_consistency_fails_when_history_was_rewritten() -> None:
    items = leaves(20)
    proof = merkle.consistency_proof(hasher_for(items), 7, 20)
    forged_old = merkle.root_of([*items[:6], merkle.leaf_hash(b"forged")])
    with pytest.raises(merkle.ProofError, match="does not lead to the old root"):
        merkle.verify_consistency(7, 20, forged_old, merkle.root_of(items), proof)
