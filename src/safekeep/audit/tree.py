"""The Merkle tree over the chain as stored: tiles for full 256-leaf blocks, leaves otherwise."""

from __future__ import annotations

from safekeep.audit import merkle
from safekeep.audit.merkle import TILE_SIZE
from safekeep.audit.models import ChainLink, MerkleTile

__all__ = ["TILE_SIZE", "StoredTree"]


class StoredTree:
    """Roots and proofs for the first `size` entries, reading a few thousand rows at most."""

    def __init__(self, size: int) -> None:
        self.size = size
        full = size // TILE_SIZE
        self.tiles: dict[int, bytes] = {
            index: bytes.fromhex(root)
            for index, root in MerkleTile.objects.filter(index__lt=full).values_list(
                "index", "root_hash"
            )
        }
        self._blocks: dict[int, list[bytes]] = {}

    @classmethod
    def current(cls) -> StoredTree:
        last = ChainLink.objects.order_by("-sequence").values_list("sequence", flat=True).first()
        return cls(last or 0)

    def _block_leaves(self, block: int) -> list[bytes]:
        if block not in self._blocks:
            hashes = (
                ChainLink.objects.filter(
                    sequence__gt=block * TILE_SIZE,
                    sequence__lte=min((block + 1) * TILE_SIZE, self.size),
                )
                .order_by("sequence")
                .values_list("entry_hash", flat=True)
            )
            self._blocks[block] = [merkle.leaf_hash(bytes.fromhex(h)) for h in hashes]
        return self._blocks[block]

    def _tile(self, index: int) -> bytes:
        if index not in self.tiles:  # missing tile: rebuild it from its leaves
            self.tiles[index] = merkle.root_of(self._block_leaves(index))
        return self.tiles[index]

    def subtree(self, start: int, size: int) -> bytes:
        """Hash of the aligned complete subtree of leaves [start, start + size)."""
        if size >= TILE_SIZE:
            first = start // TILE_SIZE
            return merkle.root_of([self._tile(i) for i in range(first, first + size // TILE_SIZE)])
        block = start // TILE_SIZE
        offset = start % TILE_SIZE
        return merkle.root_of(self._block_leaves(block)[offset : offset + size])

    def root(self, size: int | None = None) -> bytes:
        return merkle.mth(self.subtree, 0, self.size if size is None else size)

    def leaf(self, index: int) -> bytes:
        return self._block_leaves(index // TILE_SIZE)[index % TILE_SIZE]

    def inclusion_proof(self, index: int) -> list[bytes]:
        return merkle.inclusion_proof(self.subtree, index, self.size)

    def consistency_proof(self, old_size: int) -> list[bytes]:
        return merkle.consistency_proof(self.subtree, old_size, self.size)
