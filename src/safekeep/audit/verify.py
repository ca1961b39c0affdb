"""Re-checking the whole log: the chain, the Merkle tiles, and every checkpoint.

Reads every entry once, in sequence order, recomputes its canonical hash, the links between
entries, the 256-leaf tile roots and the root at every checkpoint's size — the stored ones,
those given in files and those the witnesses hold (custody.py) — and names the first entry
that is wrong. Works even when the append-only triggers have been dropped.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import math
import os
import queue
import subprocess  # nosec B404 # runs only this Python on safekeep.audit.walk
import sys
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Min
from django.utils import timezone

from safekeep.audit import canonical, conf, custody, merkle, note
from safekeep.audit.chain import chain_pending
from safekeep.audit.checkpoints import checkpoint_note, public_key_raw
from safekeep.audit.findings import ExternalCheckpoint, VerifyReport
from safekeep.audit.maintenance import APPEND_ONLY_TABLES, is_test_database
from safekeep.audit.models import AuditEntry, ChainLink, Checkpoint, MerkleTile, PendingEntry
from safekeep.audit.roles import SEE
from safekeep.audit.tree import TILE_SIZE, StoredTree
from safekeep.audit.walk import RangeJob, Walk
from safekeep.crypto import signing

# A fresh install creates every table within minutes; audit tables this much younger than
# the database were re-created.
RECREATED_AFTER = dt.timedelta(hours=1)


Progress = Callable[[int], None]


def _rows(chunk: int = 20000) -> Iterator[list[tuple[Any, ...]]]:
    """Batches of (sequence, previous hash, entry hash, canonical text or None).

    The database builds each entry's canonical encoding (`canonical.sql_select`) and a
    server-side cursor on PostgreSQL streams it; no model instance or dict is made. On
    PostgreSQL a second thread fetches the next batch while this one hashes (the driver
    lets go of the GIL while it waits), so the database's work and Python's overlap.
    """
    sql = canonical.sql_select(connection.vendor)
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        # Inside a transaction (tests; a restore drill) only this connection sees the rows.
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql)
            while batch := cursor.fetchmany(chunk):
                yield batch
        return
    yield from _prefetched(sql, chunk)


def _prefetched(sql: str, chunk: int) -> Iterator[list[tuple[Any, ...]]]:
    batches: queue.Queue[list[tuple[Any, ...]] | BaseException | None] = queue.Queue(maxsize=4)
    stop = threading.Event()
    alias = connection.alias

    def fetch() -> None:
        own = connections.create_connection(alias)  # this thread's own, closed at the end
        try:
            own.ensure_connection()
            raw = own.connection
            raw.autocommit = False
            raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            with raw.cursor(name="safekeep_audit_verify") as cursor:
                cursor.execute(sql)
                while not stop.is_set() and (batch := cursor.fetchmany(chunk)):
                    batches.put(batch)
            raw.rollback()
            batches.put(None)
        except BaseException as exc:  # handed to the reading thread to raise
            batches.put(exc)
        finally:
            own.close()

    worker = threading.Thread(target=fetch, name="safekeep-audit-verify-fetch", daemon=True)
    worker.start()
    try:
        while (item := batches.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        while worker.is_alive():  # unblock a fetcher waiting on a full queue
            try:
                batches.get_nowait()
            except queue.Empty:
                worker.join(0.05)


def _walk_in_parallel(
    tiles_stored: dict[int, str], wanted: Collection[int], progress: Progress | None
) -> Walk | None:
    """PostgreSQL: walk tile-aligned ranges in parallel processes, all in one snapshot.

    Each worker re-hashes its range as the single walk would, starting from the stored hash
    of the entry before it; the ranges are then joined (the tiles and leaves end to end).
    Only a log in which every range checks, each ending where the next begins, is answered
    this way: anything else returns None and the single walk runs, which names each problem
    by its place in the whole chain exactly as before.
    """
    workers = conf.verify_workers()
    if connection.vendor != "postgresql" or connection.in_atomic_block or workers < 2:
        return None
    own = connections.create_connection(connection.alias)  # holds the snapshot; closed below
    try:
        own.ensure_connection()
        raw = own.connection
        raw.autocommit = False
        raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot, size = raw.execute(
            "SELECT pg_export_snapshot(), coalesce(max(sequence), 0) FROM audit_chainlink"
        ).fetchone()
        minimum = max(conf.verify_parallel_min(), TILE_SIZE * workers)
        if size < minimum:
            return None
        tiles = math.ceil(size / TILE_SIZE)
        span = math.ceil(tiles / workers) * TILE_SIZE  # whole tiles per worker
        bounds = [(after, min(after + span, size)) for after in range(0, size, span)]
        hashes = dict(
            raw.execute(
                "SELECT sequence, entry_hash FROM audit_chainlink WHERE sequence = ANY(%s)",
                [[after for after, _ in bounds]],
            ).fetchall()
        )
        hashes[0] = canonical.GENESIS_HASH
        if len(hashes) < len(bounds):
            return None  # a range would start after a missing link
        params = {
            key: value
            for key, value in own.get_connection_params().items()
            if key not in ("context", "cursor_factory", "prepare_threshold")
        }
        sql = canonical.sql_select("postgresql", ranged=True)
        jobs = [
            RangeJob(
                params=params,
                snapshot=snapshot,
                sql=sql,
                after=after,
                upto=upto,
                previous=hashes[after],
                tiles={i: r for i, r in tiles_stored.items() if after <= i * TILE_SIZE < upto},
                wanted=sorted(s for s in wanted if after < s <= upto),
            )
            for after, upto in bounds
        ]
        walks = _run_workers(jobs)
        raw.rollback()
    finally:
        own.close()
    for (after, upto), walk in zip(bounds, walks, strict=True):
        if walk.problems or walk.expected != upto + 1 or walk.entries != upto - after:
            return None
    whole = walks[0]
    for walk in walks[1:]:
        whole.join(walk)
    if progress is not None:  # only now: a walk that did not check is done again in order
        progress(whole.entries)
    return whole


def _end(child: subprocess.Popen[bytes]) -> None:
    """A worker still running when another failed (or verify was interrupted) is stopped."""
    if child.poll() is None:
        child.kill()
        child.wait()


def _run_workers(jobs: list[RangeJob]) -> list[Walk]:
    """One fresh `python -m safekeep.audit.walk` per job, all running at once.

    Not multiprocessing: its spawned children re-run the caller's main module, and a fork
    would copy this process's threads' locks.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    command = [sys.executable, "-m", "safekeep.audit.walk"]
    walks: list[Walk] = []
    with contextlib.ExitStack() as stack:
        children = []
        for job in jobs:
            errors = stack.enter_context(tempfile.TemporaryFile())
            child = stack.enter_context(
                subprocess.Popen(  # noqa: S603  # nosec B603 # this interpreter, fixed arguments
                    command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors, env=env
                )
            )
            stack.callback(_end, child)
            children.append((child, errors))
            assert child.stdin is not None and child.stdout is not None  # nosec B101 # PIPEs
            child.stdin.write(job.to_json().encode())
            child.stdin.close()
        for child, errors in children:
            assert child.stdout is not None  # nosec B101 # narrows the type: stdout=PIPE
            out = child.stdout.read()
            if child.wait() != 0:
                errors.seek(0)
                raise RuntimeError(f"audit verify worker failed: {errors.read()[-2000:]!r}")
            walks.append(Walk.from_json(out.decode()))
    return walks


def verify_log(
    *,
    external: Iterable[ExternalCheckpoint] = (),
    witnessed: custody.Witnessed | None = None,
    overdue: bool = False,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    total_callback: Callable[[int], None] | None = None,
) -> VerifyReport:
    """Check everything; problems are listed in order, the first bad entry is named.

    With `witnessed` (what the witness directories hold) the log is also held to them, and
    with `overdue` to the checkpoint schedule (as at `now`); a restore checks the log alone.
    """
    chain_pending()
    report = VerifyReport()
    if total_callback is not None:
        total_callback(ChainLink.objects.count())
    stored = list(Checkpoint.objects.order_by("tree_size", "id"))
    given = [*_stored_notes(stored), *external, *(witnessed.copies() if witnessed else ())]
    opened = _open_checkpoints(report, given)
    wanted_sizes = {cp.tree_size for _, cp in opened}
    tiles_stored = dict(MerkleTile.objects.values_list("index", "root_hash"))
    walk = _walk_in_parallel(tiles_stored, wanted_sizes, progress)
    if walk is None:  # SQLite, a small log, or a range that did not check: one walk, in order
        walk = Walk(tiles=tiles_stored, wanted=wanted_sizes)
        for batch in _rows():
            walk.feed(batch)
            if progress is not None:
                progress(len(batch))
    report.problems += walk.problems
    report.entries = walk.entries
    tile_roots, block, expected = walk.tile_roots, walk.block, walk.expected
    roots_at = {
        sequence: _root(tile_roots[:tiles], leaves, sequence)
        for sequence, (tiles, leaves) in walk.marks.items()
    }
    size = expected - 1
    report.root_hash = _root(tile_roots, block, size).hex()
    _check_unchained(report)
    _check_checkpoints(report, opened, roots_at, size)
    _check_recorded(report, stored)
    _check_triggers(report)
    _check_role(report)
    _check_recreated(report)
    if witnessed is not None:
        custody.check_witness(report, witnessed, stored)
    if overdue:
        matched = [cp.tree_size for _, cp in opened if roots_at.get(cp.tree_size) == cp.root_hash]
        custody.check_overdue(report, covered=max(matched, default=0), now=now)
    report.problems.sort(key=lambda item: (item[0] == 0, item[0]))
    return report


def _root(tile_roots: list[bytes], block: list[bytes], size: int) -> bytes:
    def subtree(start: int, count: int) -> bytes:
        if count >= TILE_SIZE:
            first = start // TILE_SIZE
            return merkle.root_of(tile_roots[first : first + count // TILE_SIZE])
        offset = start % TILE_SIZE
        return merkle.root_of(block[offset : offset + count])

    return merkle.mth(subtree, 0, size)


def _check_unchained(report: VerifyReport) -> None:
    # One statement, so one snapshot: the sequencer may be chaining while verify runs.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM audit_auditentry), (SELECT count(*) FROM"
            " audit_chainlink), (SELECT count(*) FROM audit_pendingentry)"
        )
        entries, chained, waiting = cursor.fetchone()
    if entries != chained + waiting:
        unchained = AuditEntry.objects.filter(link__isnull=True).exclude(
            pk__in=PendingEntry.objects.values("entry_id")
        )
        ids = ", ".join(str(pk) for pk in unchained.values_list("pk", flat=True)[:5])
        report.add(
            0,
            f"{entries - chained - waiting} entries are in the entries table but not in "
            f"the chain (inserted outside Safekeep?), e.g. id {ids or 'unknown'}.",
        )


def _stored_notes(stored: list[Checkpoint]) -> list[ExternalCheckpoint]:
    return [
        ExternalCheckpoint(checkpoint_note(cp), f"Stored checkpoint {cp.pk}", cp.pk)
        for cp in stored
    ]


def signature_check(message: bytes, signature: bytes) -> None:
    signing.verify(
        message,
        signature=base64.b64encode(signature).decode(),
        public_key_b64=signing.public_key(),
    )


def _open_checkpoints(
    report: VerifyReport, given: list[ExternalCheckpoint]
) -> list[tuple[ExternalCheckpoint, note.SignedCheckpoint]]:
    """Each distinct checkpoint whose signature is this log's; a problem for every other."""
    origin = conf.origin()
    public = public_key_raw()
    opened: list[tuple[ExternalCheckpoint, note.SignedCheckpoint]] = []
    seen: set[str] = set()
    for cp in given:
        if cp.note in seen:
            continue  # the same checkpoint in the table and the witness: checked once
        seen.add(cp.note)
        try:
            signed = note.read_checkpoint(
                cp.note, name=origin, public_key=public, verify=signature_check
            )
        except note.NoteError as exc:
            report.add(0, f"{cp.label} does not check: {exc}.")
            continue
        if signed.origin != origin:
            report.add(0, f"{cp.label} belongs to the log {signed.origin!r}, not {origin!r}.")
            continue
        opened.append((cp, signed))
    return opened


def _check_checkpoints(
    report: VerifyReport,
    opened: list[tuple[ExternalCheckpoint, note.SignedCheckpoint]],
    roots_at: dict[int, bytes],
    size: int,
) -> None:
    tree = StoredTree(size) if opened else None
    for cp, signed in opened:
        report.checkpoints += 1
        if signed.tree_size > size:
            report.add(
                size + 1,
                f"{cp.label} was signed when the log had {signed.tree_size} entries; it now has "
                f"{size}: entries have been removed.",
            )
            continue
        if signed.tree_size == 0:
            continue
        if roots_at.get(signed.tree_size) != signed.root_hash:
            report.add(
                0,
                f"{cp.label} (size {signed.tree_size}) does not match the log: "
                f"entries up to {signed.tree_size} have been changed.",
            )
            continue
        assert tree is not None  # nosec B101 # narrows the type: a size above 0 built the tree
        try:
            merkle.verify_consistency(
                signed.tree_size,
                size,
                signed.root_hash,
                bytes.fromhex(report.root_hash),
                tree.consistency_proof(signed.tree_size),
            )
        except merkle.ProofError as exc:
            report.add(0, f"{cp.label}: the log is not consistent with it ({exc}).")


def _check_recorded(report: VerifyReport, stored: list[Checkpoint]) -> None:
    """Every checkpoint the log says was signed is still in the table (gaps in the sequence)."""
    present = {cp.pk for cp in stored}
    for number, sequence in custody.recorded_checkpoints().items():
        if number not in present:
            report.add(
                0,
                f"Checkpoint {number}, recorded in the log at entry {sequence}, is missing from "
                "the checkpoints table: it has been deleted.",
            )


def _check_triggers(report: VerifyReport) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND t.tgname LIKE %s"
                " GROUP BY c.relname",
                ["audit_%"],
            )
            found = {name: count for name, count in cursor.fetchall()}
        else:
            cursor.execute(
                "SELECT tbl_name, count(*) FROM sqlite_master WHERE type = 'trigger'"
                " AND name LIKE 'audit_%' GROUP BY tbl_name"
            )
            found = {name: count for name, count in cursor.fetchall()}
    for table in APPEND_ONLY_TABLES:
        if found.get(table, 0) < 2:
            report.warnings.append(
                f"The append-only triggers on {table} are missing or disabled: the database no "
                "longer refuses changes to it. Re-create them (docs/audit.md)."
            )


def _check_role(report: VerifyReport) -> None:
    """PostgreSQL: the service should not be able to drop the triggers (audit.roles)."""
    if connection.vendor != "postgresql" or is_test_database(connection):
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_user, rolsuper OR pg_has_role(current_user, c.relowner, 'USAGE')"
            " FROM pg_roles, pg_class c WHERE rolname = current_user"
            " AND c.oid = 'audit_auditentry'::regclass"
        )
        role, owns = cursor.fetchone()
    if owns:
        report.warnings.append(
            f"Safekeep is connected to PostgreSQL as {role!r}, which owns the audit tables (or "
            "is a superuser) and so could drop their append-only triggers. The service should "
            f"connect as a role with only SELECT and INSERT on them ({SEE})."
        )


def _check_recreated(report: VerifyReport) -> None:
    """An empty log whose tables were created long after the database was: removed, then
    re-created (e.g. `migrate audit zero`, which `migrate` now refuses)."""
    if report.entries or PendingEntry.objects.exists():
        return
    applied = MigrationRecorder(connection).migration_qs
    first = applied.aggregate(first=Min("applied"))["first"]
    audit_created = (
        applied.filter(app="audit", name="0001_initial").values_list("applied", flat=True).first()
    )
    if first is None or audit_created is None or audit_created - first < RECREATED_AFTER:
        return
    report.warnings.append(
        "The audit log is empty, but its tables were created on "
        f"{_when(audit_created)}, long after the database itself ({_when(first)}): the log "
        "may have been removed and created again. Compare with a checkpoint kept elsewhere "
        "(audit verify --checkpoint FILE)."
    )


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y %H:%M")
