"""Audit log benchmark (issue 4): append rate, verify rate, proof time, cost of an audited read.

`main()` runs each database in its own subprocess (fresh settings, its own data directory and
database), collects the figures and writes bench/results/audit.json. PostgreSQL comes from
SAFEKEEP_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres, where a
`safekeep_bench_audit` database is created and dropped); it is skipped if unreachable.
SAFEKEEP_BENCH_AUDIT_VERIFY_SIZE sets the verify log size (default 200,000: building a
1,000,000-entry log takes several minutes on a shared 2-core machine).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "audit.json"
PG_ADMIN_URL = os.environ.get(
    "SAFEKEEP_BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres"
)
PG_DB = "safekeep_bench_audit"
VERIFY_SIZE = int(os.environ.get("SAFEKEEP_BENCH_AUDIT_VERIFY_SIZE", "200000"))
SINGLE_APPENDS = 2000
EACH_OF_8 = 1000
READS = 2000


# --- worker side (inside a configured Django) ---------------------------------------------


def _setup(data_dir: str) -> None:
    import django

    os.environ["SAFEKEEP_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safekeep.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _appends(writers: int, each: int) -> float:
    from django.db import connections

    from safekeep.audit.services import Origin, audit_event, chain_pending

    barrier = threading.Barrier(writers + 1)

    def write(number: int) -> None:
        origin = Origin(actor_staff_id=f"W{number}", request_id="bench", device="LAP-1")
        barrier.wait()
        for i in range(each):
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
        connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    chain_pending()  # durable and chained: the figure counts both
    return writers * each / (time.perf_counter() - started)


def _build_log(size: int) -> float:
    """Fill the log to `size` entries quickly (bulk inserts, chained in large batches)."""
    import datetime as dt

    from django.db import transaction

    from safekeep.audit.models import AuditEntry, ChainLink, PendingEntry
    from safekeep.audit.services import chain_pending

    started = time.perf_counter()
    now = dt.datetime.now(dt.UTC)
    have = ChainLink.objects.count()
    batch = 20000
    while have < size:
        count = min(batch, size - have)
        with transaction.atomic():
            entries = AuditEntry.objects.bulk_create(
                AuditEntry(
                    occurred_at=now,
                    actor_staff_id=f"S{i % 600:05d}",
                    actor_username="person@council.example",
                    device="LAP-0001",
                    request_id="0123456789abcdef0123456789abcdef",
                    source_address="10.1.2.3",
                    action="case.view",
                    decision="allowed",
                    object_type="case",
                    object_id=f"C{i:06d}",
                    subject_id=f"P{i:06d}",
                    reasons=["allocated worker since 2026-03-01"],
                    obligations=["audit"],
                )
                for i in range(have, have + count)
            )
            PendingEntry.objects.bulk_create(PendingEntry(entry=e) for e in entries)
        chain_pending(batch_size=batch)
        have += count
    return time.perf_counter() - started


def _verify_and_prove() -> dict[str, Any]:
    import random

    from safekeep.audit import merkle
    from safekeep.audit.tree import StoredTree
    from safekeep.audit.verify import verify_log

    build_seconds = _build_log(VERIFY_SIZE)
    started = time.perf_counter()
    report = verify_log()
    seconds = time.perf_counter() - started
    assert report.ok, report.problems[:3]
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
        "verify_entries": report.entries,
        "verify_seconds": round(seconds, 2),
        "verify_entries_per_second": round(report.entries / seconds),
        "log_build_seconds": round(build_seconds, 1),
        "proof_generate_and_check_ms_median": round(timings[len(timings) // 2], 2),
        "proof_generate_and_check_ms_max": round(timings[-1], 2),
    }


def _audited_read_ratio() -> dict[str, Any]:
    """A case read (case, subject and team in one query) with and without its audit entry."""
    import datetime as dt

    from django.db import connection, transaction

    from safekeep.audit.services import Origin, audit_event
    from safekeep.organisation.models import Directorate, Team
    from safekeep.records.models import Case, Subject

    directorate, _ = Directorate.objects.get_or_create(name="Bench")
    team, _ = Team.objects.get_or_create(name="Bench team", defaults={"directorate": directorate})
    subject, _ = Subject.objects.get_or_create(
        subject_id="PBENCH", defaults={"kind": "child", "given_name": "A", "family_name": "B"}
    )
    case, _ = Case.objects.get_or_create(
        case_id="CBENCH",
        defaults={
            "subject": subject,
            "owning_team": team,
            "classification": "OFFICIAL",
            "opened_on": dt.date(2026, 1, 1),
        },
    )
    origin = Origin(actor_staff_id="S00001", request_id="bench", device="LAP-1")

    def read() -> None:
        with transaction.atomic():
            Case.objects.select_related("subject", "owning_team").get(pk=case.pk)

    def audited_read() -> None:
        with transaction.atomic():
            found = Case.objects.select_related("subject", "owning_team").get(pk=case.pk)
            audit_event(
                origin=origin,
                action="case.view",
                decision="allowed",
                object_type="case",
                object_id=found.case_id,
                subject_id=found.subject.subject_id,
                reasons=["allocated worker since 2026-03-01"],
                obligations=["audit"],
            )

    def rate(func: Any) -> float:
        for _ in range(100):
            func()
        t0 = time.perf_counter()
        for _ in range(READS):
            func()
        return (time.perf_counter() - t0) / READS * 1e6

    def audited_read_async() -> None:
        # The same, with PostgreSQL's asynchronous commit for the read's entry (not the default).
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            found = Case.objects.select_related("subject", "owning_team").get(pk=case.pk)
            audit_event(
                origin=origin,
                action="case.view",
                decision="allowed",
                object_type="case",
                object_id=found.case_id,
            )

    plain = rate(read)
    audited = rate(audited_read)
    result = {
        "read_us": round(plain, 1),
        "audited_read_us": round(audited, 1),
        "audited_read_ratio": round(audited / plain, 2),
    }
    if connection.vendor == "postgresql":
        result["audited_read_ratio_async_commit"] = round(rate(audited_read_async) / plain, 2)
        result["durable_commit_ms"] = round(_commit_ms(), 2)
    return result


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


def worker(engine: str, with_verify: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="safekeep-bench-audit-") as data_dir:
        _setup(data_dir)
        from django.db import connection

        result: dict[str, Any] = {"engine": connection.vendor}
        result["appends_per_second_1_writer"] = round(_appends(1, SINGLE_APPENDS))
        result["appends_per_second_8_writers"] = round(_appends(8, EACH_OF_8))
        result.update(_audited_read_ratio())
        if with_verify:
            result.update(_verify_and_prove())
        return result


# --- driver side --------------------------------------------------------------------------


def _pg_admin(sql: str) -> bool:
    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
            conn.execute(sql)
        return True
    except Exception as exc:
        print(f"audit bench: PostgreSQL unavailable ({exc})", file=sys.stderr)
        return False


def _run(engine: str, env: dict[str, str], with_verify: bool) -> dict[str, Any]:
    args = [sys.executable, str(Path(__file__).resolve()), "--worker", engine]
    if with_verify:
        args.append("--verify")
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"engine": engine, "error": done.stderr.strip().splitlines()[-1:]}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + str(ROOT)
    results: dict[str, Any] = {
        "targets": {
            "appends_per_second_8_writers_postgresql": 2000,
            "verify_entries_per_second": 500000,
            "audited_read_ratio": 1.2,
        }
    }
    results["sqlite"] = _run("sqlite", env, with_verify=False)
    if _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)") and _pg_admin(
        f"CREATE DATABASE {PG_DB}"
    ):
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        pg_env = {**env, "DATABASE_URL": f"{base}/{PG_DB}"}
        results["postgresql"] = _run("postgresql", pg_env, with_verify=True)
        _pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    else:
        results["sqlite_verify"] = _run("sqlite", env, with_verify=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--worker":
        print(json.dumps(worker(sys.argv[2], "--verify" in sys.argv)))
    else:
        print(json.dumps(main(), indent=2))
