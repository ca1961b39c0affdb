"""National scale on PostgreSQL (issue 17), with a streaming replica: run on demand, not by
`make bench` (bench/run.py skips it unless named) nor CI. `make bench-scale`.

The benchmark starts its own pair of PostgreSQL 15 clusters in a temporary directory (a
primary and a `pg_basebackup -R` streaming replica of it, on two spare ports, owned by the
`postgres` user: the binaries refuse root), so the shared server on 5432 carries none of
its load or its WAL. It then grows one generated council step by step, measuring at each:

- cases, subjects, allocations, grants and entries with INSERT ... SELECT generate_series
  (no Python per row); 30,000 staff in teams of 20; one team owns 20,000 cases and one
  practitioner holds 30;
- the audit log grown to its share of the final size (bench/audit.py's COPY builder: a
  valid chain and Merkle tiles, Python hashing every entry) and verified by `verify_log`
  (bench/audit.py's `_verify_and_prove`); durable appends at that size; the table's and its
  indexes' size;
- the caseload first page p95 (the practitioner) and the manager's (20,000 cases);
- the IG audit reports' first page p95 against the primary and the replica, and the lag;
- `safekeep backup` and `safekeep restore` (a drill database) while the council is small
  enough (SAFEKEEP_BENCH_SCALE_BACKUP_MAX cases): they serialise every row through Django,
  so docs/performance.md extrapolates the larger sizes from the rows per second. Not at the
  last size: its API read enrols a device, and restoring a database that holds a device
  fails today (the devices manager's bulk_create writes history rows the backup also holds);
- at the last size, the API read ratio (bench/policy.py's `_api_against_bare_view`).

Knobs (environment): SAFEKEEP_BENCH_SCALE_SIZES (cases per step, default
"10000,100000,1000000"), SAFEKEEP_BENCH_SCALE_AUDIT (audit entries at the last step, default
10,000,000; earlier steps get their share), SAFEKEEP_BENCH_SCALE_STAFF (30,000),
SAFEKEEP_BENCH_SCALE_ENTRIES_PER_CASE (2), SAFEKEEP_BENCH_SCALE_BACKUP_MAX (100,000),
SAFEKEEP_BENCH_SCALE_PORT (the primary's port, default 55432; the replica takes the next).

    python bench/scale.py        # prints JSON; bench/run.py scale writes bench/results/scale.json
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from _common import ROOT, WORKER_PYTHONPATH, setup_django

SIZES = [
    int(n) for n in os.environ.get("SAFEKEEP_BENCH_SCALE_SIZES", "10000,100000,1000000").split(",")
]
AUDIT_AT_LAST = int(os.environ.get("SAFEKEEP_BENCH_SCALE_AUDIT", "10000000"))
STAFF = int(os.environ.get("SAFEKEEP_BENCH_SCALE_STAFF", "30000"))
ENTRIES_PER_CASE = int(os.environ.get("SAFEKEEP_BENCH_SCALE_ENTRIES_PER_CASE", "2"))
BACKUP_MAX = int(os.environ.get("SAFEKEEP_BENCH_SCALE_BACKUP_MAX", "100000"))
PORT = int(os.environ.get("SAFEKEEP_BENCH_SCALE_PORT", "55432"))
PG_BIN = Path(os.environ.get("SAFEKEEP_BENCH_SCALE_PG_BIN", "/usr/lib/postgresql/15/bin"))
DB = "safekeep_scale"
TEAM_SIZE = 20
BIG_TEAM_CASES = 20_000
PRACTITIONER_CASES = 30
PAGE = 50
RUNS = 100
APPENDS = 500
SAFEKEEP = ROOT / ".venv" / "bin" / "safekeep"


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _p95_ms(read: Callable[[], object], runs: int = RUNS) -> float:
    """The 95th percentile of `runs` timed calls, in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        read()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 2)


# --- worker side (inside a configured Django, one process per step) ------------------------


def _ids_follow(cursor: Any, *tables: str) -> None:
    """Set each table's id sequence past the ids given explicitly, as Django's would be."""
    for table in tables:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608
        )


def _grow(cases: int) -> float:
    """Extend the council to `cases` cases (the staff and teams are made at the first step)."""
    from django.db import connection, transaction

    from safekeep.records.models import Case, Entry

    started = time.perf_counter()
    teams = STAFF // TEAM_SIZE
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM organisation_staffmember")
        if cursor.fetchone()[0] == 0:
            cursor.execute("INSERT INTO organisation_directorate (name) VALUES ('Family Services')")
            cursor.execute(
                "INSERT INTO organisation_team (id, name, directorate_id)"
                " SELECT n, 'Team ' || n, (SELECT min(id) FROM organisation_directorate)"
                " FROM generate_series(1, %s) n",
                [teams],
            )
            # Staff n is in team 1 + n % teams; staff 1..teams manage, the rest practise.
            cursor.execute(
                "INSERT INTO organisation_staffmember (id, staff_id, given_name, family_name,"
                " email, employment_type, works_with_vulnerable_people, work_pattern,"
                " start_date, created_at, updated_at, directorate_id, team_id)"
                " SELECT n, 'S' || lpad(n::text, 6, '0'), 'Staff', lpad(n::text, 6, '0'),"
                " 's' || n || '@council.example', 'employee', true, 'flexible', '2020-01-01',"
                " now(), now(), (SELECT min(id) FROM organisation_directorate),"
                " 1 + (n - 1) %% %s FROM generate_series(1, %s) n",
                [teams, STAFF],
            )
            cursor.execute(
                "INSERT INTO organisation_staffrole (role, staff_id) SELECT CASE WHEN n <= %s"
                " THEN 'team_manager' ELSE 'practitioner' END, n FROM generate_series(1, %s) n",
                [teams, STAFF],
            )
            _ids_follow(cursor, "organisation_team", "organisation_staffmember")
        first = Case.objects.count() + 1
        if cases < first:
            return 0.0
        case_type = Case._meta.get_field("case_type").default
        entry_type = Entry._meta.get_field("entry_type").default
        the_practitioner = teams + 1
        spread = max(1, max(SIZES[0], PRACTITIONER_CASES) // PRACTITIONER_CASES)
        # Ids follow the case number, so case n's subject is n and its rows are found by n.
        cursor.execute(
            "INSERT INTO records_subject (id, subject_id, kind, given_name, family_name,"
            " restricted, date_of_birth_index, date_of_birth_sealed, family_name_index,"
            " name_index) SELECT n, 'P' || lpad(n::text, 7, '0'), 'child', 'Subject',"
            " lpad(n::text, 7, '0'), n %% 50 = 0, '', '', '', ''"
            " FROM generate_series(%s, %s) n",
            [first, cases],
        )
        cursor.execute(
            "INSERT INTO records_case (id, case_id, classification, opened_on, owning_team_id,"
            " subject_id, case_type) SELECT n, 'C' || lpad(n::text, 7, '0'),"
            " CASE WHEN n %% 3 = 0 THEN 'OFFICIAL-SENSITIVE' ELSE 'OFFICIAL' END,"
            " '2025-01-01', CASE WHEN n <= %s THEN 1 ELSE 2 + n %% (%s - 1) END, n, %s"
            " FROM generate_series(%s, %s) n",
            [BIG_TEAM_CASES, teams, case_type, first, cases],
        )
        # The practitioner holds 30 cases of the first step, every `spread`-th; each other
        # case one of the other practitioners, one in ten of them ended.
        cursor.execute(
            "INSERT INTO records_allocation (role, starts_on, ends_on, created_at, staff_id,"
            " case_id, needs_reallocation, end_reason) SELECT 'allocated_worker',"
            " '2026-01-01', CASE WHEN n %% 10 = 0 AND staff <> %s THEN date '2026-06-01' END,"
            " now(), staff, n, false, '' FROM (SELECT n, CASE WHEN n %% %s = 0 AND n / %s <= %s"
            " THEN %s ELSE %s + 1 + n %% (%s - %s - 1) END AS staff"
            " FROM generate_series(%s, %s) n) allocated",
            [
                the_practitioner,
                spread,
                spread,
                PRACTITIONER_CASES,
                the_practitioner,
                the_practitioner,
                STAFF,
                the_practitioner,
                first,
                cases,
            ],
        )
        cursor.execute(
            "INSERT INTO records_accessgrant (actions, reason, status, starts_at, expires_at,"
            " ig_approved, created_at, grantee_id, case_id, revoke_reason, refuse_reason)"
            " SELECT 'view add_entry', 'bench', 'approved', now() - interval '1 day',"
            " now() + CASE WHEN n %% 2 = 0 THEN interval '7 days' ELSE interval '-2 days' END,"
            " false, now(), %s + 1 + (n * 7919) %% (%s - %s - 1), %s + (n * 104729) %% %s,"
            " '', '' FROM generate_series(1::bigint, %s) n",
            [
                the_practitioner,
                STAFF,
                the_practitioner,
                first,
                cases - first + 1,
                (cases - first + 1) // 20,
            ],
        )
        cursor.execute(
            "INSERT INTO records_entry (kind, sensitive, created_at, author_id, case_id,"
            " entry_type, contact_at, significant) SELECT 'note', k = 0,"
            " now() - interval '30 days', %s, n, %s, now() - interval '30 days', false"
            " FROM generate_series(%s, %s) n, generate_series(0, %s) k",
            [the_practitioner, entry_type, first, cases, ENTRIES_PER_CASE - 1],
        )
        _ids_follow(cursor, "records_subject", "records_case")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would after a bulk load
    return time.perf_counter() - started


def _sizes() -> dict[str, Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM records_case), (SELECT count(*) FROM"
            " organisation_staffmember), (SELECT count(*) FROM records_entry), (SELECT count(*)"
            " FROM audit_auditentry), pg_database_size(current_database()),"
            " pg_table_size('audit_auditentry'), pg_indexes_size('audit_auditentry'),"
            " pg_total_relation_size('audit_chainlink')"
        )
        cases, staff, entries, audit, db_bytes, audit_table, audit_indexes, links = (
            cursor.fetchone()
        )
    return {
        "cases": cases,
        "staff": staff,
        "entries": entries,
        "audit_entries": audit,
        "database_mb": db_bytes // 2**20,
        "audit_table_mb": audit_table // 2**20,
        "audit_indexes_mb": audit_indexes // 2**20,
        "audit_chainlink_with_indexes_mb": links // 2**20,
    }


def _replica_lag(samples: int = 20) -> dict[str, Any]:
    """How long a committed write takes to be readable on the replica, and how far (WAL
    bytes, then seconds to catch up) it is behind the primary when the step's reads are done."""
    import psycopg
    from django.db import connections

    replica = connections["replica"].settings_dict
    primary = connections["default"].settings_dict
    url = "postgres://{USER}@{HOST}:{PORT}/{NAME}"
    with (
        psycopg.connect(url.format(**primary), autocommit=True) as p,
        psycopg.connect(url.format(**replica), autocommit=True) as r,
    ):
        target = p.execute("SELECT pg_current_wal_lsn()").fetchone()[0]  # type: ignore[index]
        behind = r.execute(
            "SELECT pg_wal_lsn_diff(%s::pg_lsn, pg_last_wal_replay_lsn())", [target]
        ).fetchone()[0]  # type: ignore[index]
        started = time.perf_counter()
        while r.execute("SELECT pg_last_wal_replay_lsn() < %s::pg_lsn", [target]).fetchone()[0]:  # type: ignore[index]
            time.sleep(0.05)
        catch_up = time.perf_counter() - started
        p.execute("CREATE TABLE IF NOT EXISTS bench_lag (n int)")
        while r.execute("SELECT to_regclass('bench_lag') IS NULL").fetchone()[0]:  # type: ignore[index]
            time.sleep(0.01)
        lags = []
        for n in range(samples):
            p.execute("INSERT INTO bench_lag VALUES (%s)", [n])
            started = time.perf_counter()
            while r.execute("SELECT count(*) FROM bench_lag WHERE n = %s", [n]).fetchone()[0] == 0:  # type: ignore[index]
                time.sleep(0.0005)
            lags.append((time.perf_counter() - started) * 1000)
        p.execute("DROP TABLE bench_lag")
    lags.sort()
    return {
        "wal_bytes_behind_after_load": int(behind or 0),
        "caught_up_seconds_after_load": round(catch_up, 2),
        "commit_visible_on_replica_ms_median": round(lags[len(lags) // 2], 2),
        "commit_visible_on_replica_ms_max": round(lags[-1], 2),
        "samples": samples,
    }


def _report_reads() -> dict[str, Any]:
    """The IG audit reports' first page (the report view reads 51 rows), on each database."""
    from safekeep.audit import selectors

    day = dt.date(2026, 11, 23)
    reports = {
        "subject_report": lambda: selectors.subject_access(subject_id="P000123"),
        "staff_report": lambda: selectors.staff_activity(
            staff_id="S00042", date_from=day, date_to=day
        ),
        "refusals_report": lambda: selectors.refusals(date_from=day, date_to=day),
    }
    found: dict[str, Any] = {}
    for name, report in reports.items():
        assert report().db == "replica"  # DATABASE_REPLICA_URL routes the reports there
        for alias, label in (("default", "primary"), ("replica", "replica")):

            def first_page(report: Callable[[], Any] = report, alias: str = alias) -> object:
                return list(report().using(alias)[: PAGE + 1])

            found[f"{name}_first_page_p95_ms_{label}"] = _p95_ms(first_page, 30)
    return found


def worker(step: int, cases: int, audit_entries: int, api: bool) -> dict[str, Any]:
    setup_django(os.environ["SAFEKEEP_DATA_DIR"])
    from dataclasses import replace

    from django.db import connection
    from tests.factories import LAPTOP_FACTS

    import audit
    import policy
    from safekeep.access.context import command_context
    from safekeep.access.queries import visible_cases
    from safekeep.organisation.models import StaffMember

    result: dict[str, Any] = {"load_average_start": _load()}
    result["generate_seconds"] = round(_grow(cases), 1)
    laptop = replace(LAPTOP_FACTS, label="council laptop LAP-BENCH", asset_tag="")
    context = command_context(policy.NOW, device=laptop)
    practitioner = StaffMember.objects.get(pk=STAFF // TEAM_SIZE + 1)
    manager = StaffMember.objects.get(pk=1)

    def first_page(person: StaffMember) -> Callable[[], object]:
        return lambda: list(visible_cases(person, context).order_by("case_id")[:PAGE])

    result["caseload"] = {
        "practitioner_cases": visible_cases(practitioner, context).count(),
        "practitioner_first_page_p95_ms": _p95_ms(first_page(practitioner)),
        "manager_visible_cases": visible_cases(manager, context).count(),
        "manager_first_page_p95_ms": _p95_ms(first_page(manager)),
        "target_p95_ms": 50,
    }
    # _appends counts its entries by a request id naming writers x each: one more each step.
    # What is measured so far, beside the data directory: a long step can be followed (or
    # cut short) without losing it.
    progress = Path(os.environ["SAFEKEEP_DATA_DIR"]).parent / f"step-{step}.json"
    progress.write_text(json.dumps(result))
    result["appends_1_writer"] = audit._appends(1, APPENDS + step)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM audit_chainlink")
        have = cursor.fetchone()[0]
    verify = audit._verify_and_prove(max(audit_entries, have + 512))
    result["audit"] = {k: v for k, v in verify.items() if not k.startswith("sha256_")}
    result["sha256_bound"] = {k: v for k, v in verify.items() if k.startswith("sha256_")}
    result["data"] = _sizes()
    result["reports"] = _report_reads()
    result["replica_lag"] = _replica_lag()
    if api:
        result["api_read_vs_bare_view"] = policy._api_against_bare_view(
            practitioner, laptop, context
        )
    result["load_average_end"] = _load()
    return result


# --- driver side --------------------------------------------------------------------------


def _as_postgres(*command: str) -> None:
    subprocess.run(["runuser", "-u", "postgres", "--", *command], check=True, capture_output=True)


@contextmanager
def clusters(scratch: Path) -> Iterator[tuple[str, str]]:
    """A primary on PORT and its streaming replica on PORT + 1; stopped and removed after."""
    shutil.chown(scratch, "postgres")
    primary, replica = scratch / "primary", scratch / "replica"
    _as_postgres(str(PG_BIN / "initdb"), "-D", str(primary), "-U", "postgres", "--auth=trust")
    settings = (
        f"port = {PORT}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{scratch}'\n"
        "wal_level = replica\nmax_wal_senders = 4\nmax_wal_size = '4GB'\nhot_standby = on\n"
    )
    with (primary / "postgresql.conf").open("a") as conf:
        conf.write(settings)
    started: list[Path] = []
    try:
        _as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(primary), "-l", f"{primary}.log", "-w", "start"
        )
        started.append(primary)
        _as_postgres(
            str(PG_BIN / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres",
            "-D", str(replica), "-R", "-X", "stream", "-c", "fast",
        )  # fmt: skip
        with (replica / "postgresql.auto.conf").open("a") as conf:
            conf.write(f"port = {PORT + 1}\n")
        _as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(replica), "-l", f"{replica}.log", "-w", "start"
        )
        started.append(replica)
        base = "postgres://postgres@127.0.0.1"
        yield f"{base}:{PORT}/{DB}", f"{base}:{PORT + 1}/{DB}"
    finally:
        for cluster in reversed(started):
            _as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(cluster), "-m", "fast", "-w", "stop")


def _pg(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def _run(args: list[str], env: dict[str, str]) -> dict[str, Any]:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-5:] or ["failed"]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _safekeep(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [str(SAFEKEEP), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"safekeep {args[0]} failed: {done.stderr.strip()[-2000:]}")


def _backup_and_restore(env: dict[str, str], drill_url: str, scratch: Path) -> dict[str, Any]:
    """`safekeep backup`, then `safekeep migrate` and `safekeep restore` into a fresh drill
    database with only the keys from custody, as an operator would."""
    data_dir = Path(env["SAFEKEEP_DATA_DIR"])
    drill_dir = scratch / "drill"
    shutil.rmtree(drill_dir, ignore_errors=True)
    drill_dir.mkdir()
    target = scratch / "scale.skb"
    started = time.perf_counter()
    _safekeep(env, "backup", str(target))
    backup_s = time.perf_counter() - started
    shutil.copytree(data_dir / "keys", drill_dir / "keys")
    drill = {**env, "SAFEKEEP_DATA_DIR": str(drill_dir), "DATABASE_URL": drill_url}
    drill.pop("DATABASE_REPLICA_URL")
    base, name = drill_url.rsplit("/", 1)
    _pg(f"{base}/postgres", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    _pg(f"{base}/postgres", f"CREATE DATABASE {name}")
    _safekeep(drill, "migrate", "--noinput", "-v0")
    started = time.perf_counter()
    _safekeep(drill, "restore", str(target))
    restore_s = time.perf_counter() - started
    size = target.stat().st_size
    target.unlink()
    _pg(f"{base}/postgres", f"DROP DATABASE {name} WITH (FORCE)")
    return {
        "backup_seconds": round(backup_s, 1),
        "backup_mb": size // 2**20,
        "restore_seconds": round(restore_s, 1),
    }


def main() -> dict[str, Any]:
    results: dict[str, Any] = {
        "machine": {"nproc": os.cpu_count(), "load_average_start": _load()},
        "knobs": {
            "sizes": SIZES,
            "audit_entries_at_last_size": AUDIT_AT_LAST,
            "staff": STAFF,
            "entries_per_case": ENTRIES_PER_CASE,
            "backup_up_to_cases": BACKUP_MAX,
        },
        "steps": [],
    }
    with tempfile.TemporaryDirectory(prefix="safekeep-bench-scale-") as tmp:
        scratch = Path(tmp)
        with clusters(scratch) as (primary_url, replica_url):
            _pg(primary_url.rsplit("/", 1)[0] + "/postgres", f"CREATE DATABASE {DB}")
            data_dir = scratch / "data"
            data_dir.mkdir()
            env = {
                **os.environ,
                "PYTHONPATH": WORKER_PYTHONPATH,
                "SAFEKEEP_DATA_DIR": str(data_dir),
                "DATABASE_URL": primary_url,
                "DATABASE_REPLICA_URL": replica_url,
                "SAFEKEEP_AUDIT_SEQUENCER": "background",
            }
            for number, size in enumerate(SIZES):
                audit_entries = AUDIT_AT_LAST * size // SIZES[-1]
                args = [sys.executable, str(Path(__file__).resolve()), "--worker", str(number)]
                last = str(int(size == SIZES[-1]))
                step = _run([*args, str(size), str(audit_entries), last], env)
                if "error" not in step and size <= BACKUP_MAX and last == "0":
                    step["backup_restore"] = _backup_and_restore(
                        env, primary_url.replace(f"/{DB}", f"/{DB}_drill"), scratch
                    )
                results["steps"].append({"cases": size, **step})
                print(json.dumps(results["steps"][-1]), file=sys.stderr, flush=True)  # progress
                if "error" in step:
                    break
    results["machine"]["load_average_end"] = _load()
    return results


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        step, cases, audit_entries = (int(n) for n in sys.argv[2:5])
        print(json.dumps(worker(step, cases, audit_entries, sys.argv[5] == "1")))
    else:
        print(json.dumps(main(), indent=2, default=str))
