"""One pass over the chain in sequence order: the checks `verify` makes of every entry.

`Walk.feed` takes rows of `canonical.sql_select` and re-hashes each entry in Python, checks
its link to the one before, and builds and compares the 256-leaf tile roots. `verify` runs
one walk over the whole log, or (PostgreSQL, a large log) one per tile-aligned range in
parallel processes (`python -m safekeep.audit.walk`, a job in and a walk out as JSON on its
pipes), then joins them at the boundaries. This module imports no Django, so a worker
starts in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from safekeep.audit import canonical, merkle
from safekeep.audit.merkle import TILE_SIZE

Row = tuple[Any, ...]  # (sequence, previous hash, entry hash, canonical text or None)


def _hash_bytes(value: str) -> bytes:
    try:
        return bytes.fromhex(value)
    except ValueError:
        return b""


class Walk:
    """The state of a pass that starts at entry `first` (the first entry of a tile).

    `marks` keeps, for each checkpoint size met, how many tiles were complete and the
    leaves after them, from which `verify` computes the root at that size.
    """

    def __init__(
        self,
        *,
        tiles: Mapping[int, str],
        wanted: Collection[int],
        first: int = 1,
        previous: str = canonical.GENESIS_HASH,
    ) -> None:
        self.tiles_stored = tiles
        self.wanted = wanted
        self.expected = first
        self.previous = previous
        self.first_tile = (first - 1) // TILE_SIZE
        self.tile_roots: list[bytes] = []
        self.block: list[bytes] = []
        self.marks: dict[int, tuple[int, list[bytes]]] = {}
        self.problems: list[tuple[int, str]] = []
        self.entries = 0

    def feed(self, batch: Iterable[Row]) -> None:
        # Locals, not attributes, in the loop: it runs once per entry.
        expected, previous, block = self.expected, self.previous, self.block
        problems, tile_roots, wanted = self.problems, self.tile_roots, self.wanted
        sha = hashlib.sha256
        leaf_prefix = merkle.LEAF_PREFIX
        count = 0
        for sequence, prev_hash, stored_hash, document in batch:
            count += 1
            if sequence != expected:
                problems.append(
                    (
                        expected,
                        f"Entry {expected} is missing: the chain jumps from entry {expected - 1} "
                        f"to entry {sequence}.",
                    )
                )
                expected = sequence
            if prev_hash != previous:
                problems.append(
                    (
                        sequence,
                        f"Entry {sequence} does not follow entry {sequence - 1}: its previous "
                        "hash does not match (entries removed, inserted or reordered).",
                    )
                )
            if document is None:
                problems.append(
                    (sequence, f"Entry {sequence} has been removed from the entries table.")
                )
                digest = _hash_bytes(stored_hash)
            else:
                digest = sha(document.encode()).digest()
                if digest.hex() != stored_hash:
                    problems.append(
                        (
                            sequence,
                            f"Entry {sequence} has been changed: its contents do not match "
                            "its hash.",
                        )
                    )
            previous = stored_hash
            block.append(sha(leaf_prefix + digest).digest())
            if len(block) == TILE_SIZE:
                tile = merkle.root_of(block)
                index = self.first_tile + len(tile_roots)
                if self.tiles_stored.get(index) != tile.hex():
                    problems.append(
                        (
                            sequence,
                            f"Merkle tile {index} (entries {index * TILE_SIZE + 1} to "
                            f"{sequence}) does not match its entries.",
                        )
                    )
                tile_roots.append(tile)
                block = []
            if sequence in wanted:
                self.marks[sequence] = (self.first_tile + len(tile_roots), list(block))
            expected = sequence + 1
        self.expected, self.previous, self.block = expected, previous, block
        self.entries += count

    def to_json(self) -> str:
        return json.dumps(
            {
                "first": self.first_tile * TILE_SIZE + 1,
                "expected": self.expected,
                "previous": self.previous,
                "tile_roots": [root.hex() for root in self.tile_roots],
                "block": [leaf.hex() for leaf in self.block],
                "marks": [[s, n, [leaf.hex() for leaf in b]] for s, (n, b) in self.marks.items()],
                "problems": self.problems,
                "entries": self.entries,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Walk:
        data = json.loads(text)
        walk = cls(tiles={}, wanted=(), first=data["first"], previous=data["previous"])
        walk.expected, walk.entries = data["expected"], data["entries"]
        walk.tile_roots = [bytes.fromhex(root) for root in data["tile_roots"]]
        walk.block = [bytes.fromhex(leaf) for leaf in data["block"]]
        walk.marks = {s: (n, [bytes.fromhex(leaf) for leaf in b]) for s, n, b in data["marks"]}
        walk.problems = [(sequence, message) for sequence, message in data["problems"]]
        return walk

    def join(self, later: Walk) -> None:
        """Append the walk of the range that follows this one (this one ends on a tile)."""
        self.tile_roots += later.tile_roots
        self.block = later.block
        self.marks.update(later.marks)
        self.problems += later.problems
        self.expected, self.previous = later.expected, later.previous
        self.entries += later.entries


@dataclass(frozen=True, slots=True)
class RangeJob:
    """Entries `after` + 1 to `upto`, read in the exported snapshot `snapshot`."""

    params: dict[str, Any]  # psycopg.connect's keyword arguments
    snapshot: str
    sql: str  # canonical.sql_select(..., ranged=True)
    after: int
    upto: int
    previous: str  # the stored hash of entry `after`
    tiles: dict[int, str]
    wanted: list[int]

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> RangeJob:
        data = json.loads(text)
        data["tiles"] = {int(index): root for index, root in data["tiles"].items()}
        return cls(**data)


# Read the range in sequence order through the two primary keys. Left to itself the planner
# hash-joins, then sorts a quarter of a million wide rows on disk; and a parallel plan or
# JIT only adds start-up time to a query that is already one of several running at once.
RANGE_SETTINGS = (
    "SET LOCAL enable_hashjoin = off",
    "SET LOCAL enable_mergejoin = off",
    "SET LOCAL max_parallel_workers_per_gather = 0",
    "SET LOCAL jit = off",
)


def walk_range(job: RangeJob, *, chunk: int = 20000) -> Walk:
    """A worker process's part: its own connection, the coordinator's snapshot, one range."""
    import psycopg
    from psycopg import sql

    walk = Walk(tiles=job.tiles, wanted=set(job.wanted), first=job.after + 1, previous=job.previous)
    with psycopg.connect(**job.params) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(job.snapshot)))
        for setting in RANGE_SETTINGS:
            conn.execute(setting)
        with conn.cursor(name="safekeep_audit_verify_range") as cursor:
            cursor.execute(job.sql, [job.after, job.upto])
            while batch := cursor.fetchmany(chunk):
                walk.feed(batch)
        conn.rollback()
    return walk


if __name__ == "__main__":
    sys.stdout.write(walk_range(RangeJob.from_json(sys.stdin.read())).to_json())
