"""Audit log benchmark (issue 4): append rate, verify rate, proof time, cost of an audited read.

`main()` runs each database in its own subprocess (fresh settings, its own data directory and
database), collects the figures and writes bench/results/audit.json. PostgreSQL comes from
SAFEKEEP_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres, where a
`safekeep_bench_audit` database is created and dropped); it is skipped if unreachable.
SAFEKEEP_BENCH_AUDIT_VERIFY_SIZE sets the PostgreSQL verify log size (default 1,000,000,
generated straight into the tables with COPY in about a minute; SQLite: 200,000 by
SAFEKEEP_BENCH_AUDIT_SQLITE_VERIFY_SIZE). The worker runs the background sequencer, as
production does, while it measures appends.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from _common import PG_ADMIN_URL, ROOT, WORKER_PYTHONPATH, pg_admin, setup_django

RESULTS = ROOT / "bench" / "results" / "audit.json"
PG_DB = "safekeep_bench_audit"
VERIFY_SIZE = int(os.environ.get("SAFEKEEP_BENCH_AUDIT_VERIFY_SIZE", "1000000"))
SQLITE_VERIFY_SIZE = int(os.environ.get("SAFEKEEP_BENCH_AUDIT_SQLITE_VERIFY_SIZE", "200000"))
SINGLE_APPENDS = 2000
EACH_OF_8 = 1000
SEQUENCER_BATCH = 20000
READS = int(os.environ.get("SAFEKEEP_BENCH_AUDIT_READS", "1000"))
ENTRIES_PER_CASE = 10


# --- worker side (inside a configured Django) ---------------------------------------------


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _append_entry(origin: Any, i: int) -> None:
    from safekeep.audit.writing import audit_event

    audit_event(
        origin=origin,
        action="case.view",
        decision="allowed",
        object_type="case",
        object_id=f"C{i:06d}",
        subject_id="P000001",
        reasons=["allocated worker since 2026-03-01"],
        obligations=["audit"],
    )


def _appends(writers: int, each: int) -> dict[str, Any]:
    """Durable appends: each entry its own committed transaction, `writers` threads at once,
    with this process's background sequencer chaining concurrently."""
    from django.db import connections

    from safekeep.audit.models import ChainLink, PendingEntry
    from safekeep.audit.sequencer import sequencer
    from safekeep.audit.writing import Origin, group

    barrier = threading.Barrier(writers + 1)
    commits_before = group.batches
    # This run's entries are told apart by their request id: the sequencer also chains
    # entries of its own (a scheduled checkpoint's), so counting every new link overcounts.
    request_id = f"bench-{writers}x{each}"

    def write(number: int) -> None:
        origin = Origin(actor_staff_id=f"W{number}", request_id=request_id, device="LAP-1")
        barrier.wait()
        for i in range(each):
            _append_entry(origin, i)  # outside any transaction: committed on return
        connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    commits = group.batches - commits_before
    total = writers * each
    # How far behind the concurrently running sequencer was when the writers stopped.
    lag_start = time.perf_counter()
    while PendingEntry.objects.exists() and time.perf_counter() - lag_start < 60:
        time.sleep(0.01)
    lag = time.perf_counter() - lag_start
    chained = ChainLink.objects.filter(entry__request_id=request_id).count()
    assert chained == total, f"entries left unchained: {total - chained} of {total}"
    return {
        "appends_per_second": round(total / seconds),
        "appends": total,
        "group_commits": commits,  # entries written outside a transaction share commits
        "entries_per_commit": round(total / max(commits, 1), 2),
        "sequencer_running": sequencer.running(),
        "chain_caught_up_seconds_after_last_append": round(lag, 3),
    }


def _sequencer_rate(count: int) -> dict[str, Any]:
    """`chain_pending` alone: entries chained per second from a queue of `count`."""
    from django.db import transaction

    from safekeep.audit.chain import chain_pending
    from safekeep.audit.models import PendingEntry
    from safekeep.audit.sequencer import sequencer
    from safekeep.audit.writing import Origin

    origin = Origin(actor_staff_id="S1", request_id="bench", device="LAP-1")
    from django.conf import settings

    sequencer.stop()
    settings.SAFEKEEP_AUDIT_SEQUENCER = "external"  # queue them, chain nothing yet
    with transaction.atomic():
        for i in range(count):
            _append_entry(origin, i)
    settings.SAFEKEEP_AUDIT_SEQUENCER = "background"
    assert PendingEntry.objects.count() >= count
    started = time.perf_counter()
    chained = chain_pending()
    seconds = time.perf_counter() - started
    return {"sequencer_entries_per_second": round(chained / seconds), "sequencer_batch": chained}


def build_log_fast(size: int) -> float:
    """Append `size` chained entries straight into the tables (COPY / executemany).

    Bench-only: the rows, links and tiles are what the sequencer would have written, but
    computed here in one pass, so a 1,000,000-entry log takes about a minute, not an hour.
    """
    import json

    from django.db import connection, transaction

    from safekeep.audit import canonical, merkle
    from safekeep.audit.chain import chain_pending
    from safekeep.audit.models import ChainLink
    from safekeep.audit.tree import TILE_SIZE

    started = time.perf_counter()
    chain_pending()
    head = ChainLink.objects.order_by("-sequence").values_list("sequence", "entry_hash").first()
    sequence, previous = head if head is not None else (0, canonical.GENESIS_HASH)
    if sequence % TILE_SIZE:
        raise RuntimeError("bench log must start on a tile boundary")
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM audit_auditentry")
        next_id = cursor.fetchone()[0] + 1
    base = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
    chunk = 50_000
    block: list[bytes] = []
    pg = connection.vendor == "postgresql"
    done = 0
    while done < size:
        count = min(chunk, size - done)
        entries, links, tiles = [], [], []
        for i in range(done, done + count):
            sequence += 1
            when = base + dt.timedelta(microseconds=37 * i)
            fields = {
                "occurred_at": when,
                "actor_staff_id": f"S{i % 591:05d}",
                "actor_username": f"person{i % 591}@council.example",
                "device": f"LAP-{i % 400:04d}",
                "request_id": f"{i:032x}",
                "source_address": "10.1.2.3",
                "action": "case.view" if i % 7 else "case.add_entry",
                "object_type": "case",
                "object_id": f"C{i % 20000:06d}",
                "subject_id": f"P{i % 20000:06d}",
                "decision": "allowed" if i % 13 else "refused",
                "reasons": ["allocated worker since 2026-03-01"]
                if i % 13
                else ["not allocated to this case", "device is personal"],
                "obligations": ["audit"],
            }
            digest = canonical.entry_hash(sequence=sequence, previous_hash=previous, **fields)
            entry_id = next_id + i
            entries.append(
                (
                    entry_id,
                    when if pg else when.strftime("%Y-%m-%d %H:%M:%S.%f"),
                    *(fields[name] for name in canonical.STRING_FIELDS),
                    *(json.dumps(fields[name]) for name in canonical.LIST_FIELDS),
                )
            )
            links.append((sequence, entry_id, previous, digest))
            previous = digest
            block.append(merkle.leaf_hash(bytes.fromhex(digest)))
            if len(block) == TILE_SIZE:
                tiles.append((sequence // TILE_SIZE - 1, merkle.root_of(block).hex()))
                block = []
        columns = ", ".join(("id", "occurred_at", *canonical.STRING_FIELDS, *canonical.LIST_FIELDS))
        with transaction.atomic(), connection.cursor() as cursor:
            if pg:
                raw = cursor.cursor
                for table, cols, rows in (
                    ("audit_auditentry", columns, entries),
                    ("audit_chainlink", "sequence, entry_id, previous_hash, entry_hash", links),
                    ("audit_merkletile", "index, root_hash", tiles),
                ):
                    with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            else:
                cursor.executemany(
                    f"INSERT INTO audit_auditentry ({columns}) VALUES ({', '.join(['%s'] * 14)})",  # noqa: S608
                    entries,
                )
                cursor.executemany(
                    "INSERT INTO audit_chainlink (sequence, entry_id, previous_hash, entry_hash)"
                    " VALUES (%s, %s, %s, %s)",
                    links,
                )
                cursor.executemany(
                    'INSERT INTO audit_merkletile ("index", root_hash) VALUES (%s, %s)', tiles
                )
        done += count
    if pg:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('audit_auditentry', 'id'),"
                " (SELECT max(id) FROM audit_auditentry))"
            )
    return time.perf_counter() - started


def _verify_and_prove(size: int) -> dict[str, Any]:
    import random

    from django.conf import settings
    from django.db import connection

    from safekeep.audit import conf, merkle
    from safekeep.audit.chain import chain_pending
    from safekeep.audit.models import ChainLink
    from safekeep.audit.sequencer import sequencer
    from safekeep.audit.tree import StoredTree
    from safekeep.audit.verify import verify_log
    from safekeep.audit.writing import Origin

    # No background thread while the log is built: a scheduled checkpoint it signed between
    # the padding and the build put the log off the tile boundary the builder starts on.
    sequencer.stop()
    settings.SAFEKEEP_AUDIT_SEQUENCER = "sync"
    chain_pending()
    have = ChainLink.objects.count()
    pad = (-have) % 256  # the fast builder starts on a tile boundary
    if pad:
        origin = Origin()
        for i in range(pad):
            _append_entry(origin, i)
        chain_pending()
    build_seconds = build_log_fast(size - have - pad)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give
    load_before = _load()
    runs = []
    for _ in range(2):
        started = time.perf_counter()
        report = verify_log()
        runs.append(time.perf_counter() - started)
        assert report.ok, report.problems[:3]
    seconds = min(runs)
    timings = []
    for _ in range(20):
        index = random.randrange(report.entries)
        t0 = time.perf_counter()
        tree = StoredTree.current()
        proof = tree.inclusion_proof(index)
        root = tree.root()
        merkle.verify_inclusion(tree.leaf(index), index, tree.size, proof, root)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return {
        "verify_workers": conf.verify_workers() if connection.vendor == "postgresql" else 1,
        "verify_entries": report.entries,
        "verify_seconds": round(seconds, 2),
        "verify_seconds_each_run": [round(r, 2) for r in runs],
        "verify_entries_per_second": round(report.entries / seconds),
        "log_build_seconds": round(build_seconds, 1),
        "load_average_during_verify": [load_before, _load()],
        **_sha256_bound(),
        **_database_text_rate(report.entries),
        "proof_generate_and_check_ms_median": round(timings[len(timings) // 2], 2),
        "proof_generate_and_check_ms_max": round(timings[-1], 2),
    }


def _database_text_rate(entries: int) -> dict[str, Any]:
    """The other half of verify's work: the database building every entry's canonical text
    (one connection, nothing fetched), which verify's hashing cannot go faster than."""
    from django.db import connection

    from safekeep.audit import canonical

    sql = canonical.sql_select(connection.vendor)
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(f"SELECT count(*) FROM ({sql}) s WHERE s.document IS NOT NULL")  # noqa: S608
        cursor.fetchone()
        seconds = time.perf_counter() - started
    return {"database_canonical_text_entries_per_second_one_connection": round(entries / seconds)}


def _sha256_bound(calls: int = 300_000) -> dict[str, Any]:
    """What bounds verify's hashing: three SHA-256 calls per entry (the entry's canonical
    text, its leaf, and about one tile node) in Python. Measured here, same run, on inputs
    of verify's sizes, on one core; verify's workers hash on every core, so the ceiling with
    all of them is that times the cores (each doing nothing else, the database included)."""
    import hashlib

    from safekeep.audit import canonical, merkle

    text = canonical.entry_bytes(
        sequence=1,
        previous_hash=canonical.GENESIS_HASH,
        occurred_at=dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC),
        actor_staff_id="S00001",
        actor_username="person1@council.example",
        device="LAP-0001",
        request_id="0" * 32,
        source_address="10.1.2.3",
        action="case.view",
        object_type="case",
        object_id="C000001",
        subject_id="P000001",
        decision="allowed",
        reasons=["allocated worker since 2026-03-01"],
        obligations=["audit"],
    )
    digest = hashlib.sha256(text).digest()
    sha = hashlib.sha256
    started = time.perf_counter()
    for _ in range(calls):
        sha(text).hexdigest()
        merkle.leaf_hash(digest)
        merkle.node_hash(digest, digest)
    seconds = time.perf_counter() - started
    return {
        "sha256_calls_per_second_one_core": round(3 * calls / seconds),
        "sha256_canonical_entry_bytes": len(text),
        "verify_ceiling_entries_per_second_one_core": round(calls / seconds),
        "verify_ceiling_entries_per_second_all_cores": round(calls / seconds)
        * (os.cpu_count() or 1),
    }


def _audited_read_ratio() -> dict[str, Any]:
    """GET /api/v1/cases/{id} (token auth, the access decision, the case and its entries)
    with auditing on, and the same request with `audit_event` replaced by a no-op:
    interleaved in one run, median of each."""
    import statistics

    from django.test import Client
    from django.test.utils import setup_test_environment
    from tests import factories

    import safekeep.access.door as door
    from safekeep.access.vocabulary import Action
    from safekeep.api.services import api_token_create
    from safekeep.audit.writing import Origin
    from safekeep.records import services

    setup_test_environment()  # lets the test Client use the "testserver" host
    team = factories.make_team("Bench team")
    worker = factories.make_staff(team=team)
    case = factories.make_case(team=team, allocated=(worker,))
    origin = Origin(actor_username="bench")
    for number in range(ENTRIES_PER_CASE):
        services.entry_add(
            access=factories.case_access(worker, case, Action.ADD_ENTRY),
            kind="note",
            title=f"Home visit {number}",
            body="Seen at home; all well. " * 20,
        )
    user = factories.make_user(worker)
    token = api_token_create(user=user, name="bench", origin=origin)[1]
    # The calling system's enrolled, compliant device (the device rules apply to the API).
    device = factories.device_token(factories.make_device(staff=worker))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_X_SAFEKEEP_DEVICE=device)
    url = f"/api/v1/cases/{case.case_id}"
    real = door.audit_event  # the door records the read: the one audit write of the request

    def noop(**kwargs: Any) -> None:
        return None

    def one(audited: bool) -> float:
        # the stand-in records nothing and returns no entry; the door ignores what it returns
        door.audit_event = real if audited else noop  # type: ignore[assignment]
        t0 = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - t0
        assert response.status_code == 200, response.content[:200]
        return elapsed

    for _ in range(50):
        one(True), one(False)
    audited: list[float] = []
    plain: list[float] = []
    for i in range(READS):
        if i % 2:
            audited.append(one(True))
            plain.append(one(False))
        else:
            plain.append(one(False))
            audited.append(one(True))
    door.audit_event = real
    a, p = statistics.median(audited), statistics.median(plain)
    return {
        "read": f"GET {url.replace(case.case_id, '{case_id}')} with {ENTRIES_PER_CASE} entries",
        "read_iterations_each": READS,
        "read_median_ms": round(p * 1000, 3),
        "audited_read_median_ms": round(a * 1000, 3),
        "audited_read_ratio": round(a / p, 3),
    }


def _commit_ms() -> float:
    """What one durable commit costs on this machine: the floor under every append."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_commit (x int)")
        t0 = time.perf_counter()
        for _ in range(200):
            cursor.execute("INSERT INTO bench_commit VALUES (1)")
        cursor.execute("DROP TABLE bench_commit")
    return (time.perf_counter() - t0) / 200 * 1000


def worker(engine: str, verify_size: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="safekeep-bench-audit-") as data_dir:
        setup_django(data_dir)
        from django.db import connection, connections

        from safekeep.audit import conf
        from safekeep.audit.chain import chain_pending
        from safekeep.audit.sequencer import sequencer

        result: dict[str, Any] = {"engine": connection.vendor, "load_average_start": _load()}
        try:
            result["sequencer_mode"] = conf.sequencer_mode()
            result["durable_commit_ms"] = round(_commit_ms(), 2)
            result["appends_1_writer"] = _appends(1, SINGLE_APPENDS)
            result["appends_8_writers"] = _appends(8, EACH_OF_8)
            result.update(_sequencer_rate(SEQUENCER_BATCH))
            result.update(_audited_read_ratio())
            if verify_size:
                result.update(_verify_and_prove(verify_size))
            result["load_average_end"] = _load()
        finally:
            # Drain and stop the sequencer while the data directory is still there: left to
            # the exit hook, it reopened the SQLite file after the directory had gone
            # ("unable to open database file").
            sequencer.stop()
            chain_pending()
            connections.close_all()
        return result


# --- driver side --------------------------------------------------------------------------


def _run(engine: str, env: dict[str, str], verify_size: int) -> dict[str, Any]:
    args = [sys.executable, str(Path(__file__).resolve()), "--worker", engine, str(verify_size)]
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"engine": engine, "error": done.stderr.strip().splitlines()[-3:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PYTHONPATH"] = WORKER_PYTHONPATH
    env["SAFEKEEP_AUDIT_SEQUENCER"] = "background"
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "load_average_start": _load()},
        "targets": {
            "appends_per_second_8_writers_postgresql": 5000,
            "appends_per_second_8_writers_sqlite": 2000,
            "verify_entries_per_second": 500000,
            "audited_read_ratio": 1.2,
        },
    }
    results["sqlite"] = _run("sqlite", env, SQLITE_VERIFY_SIZE)
    if pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)") and pg_admin(
        f"CREATE DATABASE {PG_DB}"
    ):
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        pg_env = {**env, "DATABASE_URL": f"{base}/{PG_DB}"}
        results["postgresql"] = _run("postgresql", pg_env, VERIFY_SIZE)
        pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    results["machine"]["load_average_end"] = _load()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], int(sys.argv[3]))))
    else:
        print(json.dumps(main(), indent=2))
