"""RFC 6962 / RFC 9162 Merkle tree hashing, inclusion and consistency proofs. Pure Python.

A leaf's data is the entry's 32-byte hash (which commits to its canonical encoding):
leaf = SHA-256(0x00 || entry_hash), node = SHA-256(0x01 || left || right).
Subtree hashes come from a `SubtreeHasher`, so the database layer can serve complete
256-leaf subtrees from stored tiles instead of rehashing a million leaves.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()
TILE_SIZE = 256  # leaves in a stored tile (audit.tree), a complete subtree of the log

# hash of the leaves [start, start + size); size > 0
SubtreeHasher = Callable[[int, int], bytes]


class ProofError(Exception):
    """A proof does not check out, or cannot be made for the sizes asked."""


def leaf_hash(entry_hash: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + entry_hash).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(size: int) -> int:
    """The largest power of two smaller than `size` (size >= 2)."""
    return 1 << ((size - 1).bit_length() - 1)


def root_of(leaves: Sequence[bytes]) -> bytes:
    """MTH over already-hashed leaves, bottom-up (fast for whole trees)."""
    if not leaves:
        return EMPTY_ROOT
    level = list(leaves)
    # RFC 6962's split-at-largest-power-of-two tree equals this left-packed pairing.
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def mth(hasher: SubtreeHasher, start: int, size: int) -> bytes:
    """MTH(D[start:start+size]) using `hasher` for every aligned complete subtree."""
    if size == 0:
        return EMPTY_ROOT
    if size & (size - 1) == 0 and start % size == 0:
        return hasher(start, size)
    k = _split(size)
    return node_hash(mth(hasher, start, k), mth(hasher, start + k, size - k))


def inclusion_proof(hasher: SubtreeHasher, index: int, size: int) -> list[bytes]:
    """PATH(index, D[0:size]) of RFC 9162 section 2.1.3.1."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    path: list[bytes] = []
    start, span, m = 0, size, index
    while span > 1:
        k = _split(span)
        if m < k:
            path.append(mth(hasher, start + k, span - k))
            span = k
        else:
            path.append(mth(hasher, start, k))
            start, span, m = start + k, span - k, m - k
    path.reverse()
    return path


def _check_hashes(*hashes: bytes) -> None:
    """Every root, leaf and proof node is a SHA-256 hash: anything else is refused, not hashed."""
    if any(len(value) != 32 for value in hashes):
        raise ProofError("a hash in the proof is not 32 bytes")


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> None:
    """RFC 9162 section 2.1.3.2; raises ProofError unless the proof leads to `root`."""
    if not 0 <= index < size:
        raise ProofError(f"leaf {index} is not in a tree of size {size}")
    _check_hashes(leaf, root, *proof)
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise ProofError("the inclusion proof is too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the inclusion proof is too short")
    if r != root:
        raise ProofError("the inclusion proof does not lead to the signed root")


def consistency_proof(hasher: SubtreeHasher, old_size: int, new_size: int) -> list[bytes]:
    """PROOF(m, D[0:n]) of RFC 9162 section 2.1.4.1."""
    if not 0 < old_size <= new_size:
        raise ProofError(f"no consistency proof from size {old_size} to {new_size}")

    def subproof(m: int, start: int, n: int, complete: bool) -> list[bytes]:
        if m == n:
            return [] if complete else [mth(hasher, start, n)]
        k = _split(n)
        if m <= k:
            return [*subproof(m, start, k, complete), mth(hasher, start + k, n - k)]
        return [*subproof(m - k, start + k, n - k, False), mth(hasher, start, k)]

    return subproof(old_size, 0, new_size, True)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """RFC 9162 section 2.1.4.2; raises ProofError unless the old tree is a prefix of the new."""
    if not 0 < old_size <= new_size:
        raise ProofError(f"no consistency proof from size {old_size} to {new_size}")
    _check_hashes(*proof)
    if old_size == new_size:
        if proof:
            raise ProofError("a proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError("the roots differ at the same size")
        return
    _check_hashes(old_root, new_root)
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    if not path:
        raise ProofError("the consistency proof is empty")
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("the consistency proof is too short")
    if fr != old_root:
        raise ProofError("the consistency proof does not lead to the old root")
    if sr != new_root:
        raise ProofError("the consistency proof does not lead to the new root")
