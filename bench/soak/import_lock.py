"""How long a big import holds the database, and whether case reads carry on meanwhile
(issue 18, docs/operations.md "Long imports and case reads").

A fresh data directory (and, with `--postgres`, a database of its own), `safekeep migrate`,
a small council (bench/soak/council.py), `safekeep serve` on a free loopback port. Then
three imports of `--rows` rows, each while reader threads make audited case reads over the
API (every read writes an audit entry, so on SQLite each needs the write lock for a moment):

1. a staff file of new people (`--create-missing`: a hundred teams in five directorates);
2. the same people again, every family name changed (every row an update);
3. a devices file, one laptop per person.

For each it reports the import's seconds, how long it held the write lock (SQLite: the
longest a probe's `BEGIN IMMEDIATE` waited; PostgreSQL: the import's longest transaction,
from `pg_stat_activity`), and the reads made meanwhile: count, errors (target 0), slowest.

Run: `python bench/soak/import_lock.py [--postgres] [--rows 200000] [--json FILE]`.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crash import BIN, PG_OWNER_URL, Server, command, environment, http, module, pg_database

# The PostgreSQL application name of the long command being measured (LockProbe finds its
# transactions by it).
LONG_WORK = "safekeep-long-work"

STAFF_COLUMNS = (
    "staff_id",
    "given_name",
    "family_name",
    "email",
    "directorate",
    "team",
    "role",
    "employment_type",
    "works_with_vulnerable_people",
    "work_pattern",
    "start_date",
    "end_date",
)
DEVICE_COLUMNS = (
    "asset_tag",
    "device_type",
    "ownership",
    "assigned_staff_id",
    "encrypted",
    "passcode",
    "os",
    "site",
)


def write_staff(path: Path, rows: int, family: str) -> None:
    with path.open("w", newline="") as out:
        sheet = csv.writer(out)
        sheet.writerow(STAFF_COLUMNS)
        for n in range(rows):
            team = n % 100
            sheet.writerow(
                (
                    f"IMP{n:07d}",
                    f"Person{n}",
                    f"{family}{n % 997}",
                    f"imp{n}@council.example",
                    f"Directorate {team % 5}",
                    f"Import Team {team}",
                    "practitioner",
                    "employee",
                    "yes",
                    "flexible",
                    "2024-04-01",
                    "",
                )
            )


def write_devices(path: Path, rows: int) -> None:
    with path.open("w", newline="") as out:
        sheet = csv.writer(out)
        sheet.writerow(DEVICE_COLUMNS)
        for n in range(rows):
            sheet.writerow(
                (
                    f"IMP-LAP-{n:07d}",
                    "laptop",
                    "council",
                    f"IMP{n:07d}",
                    "yes",
                    "yes",
                    "Windows 11",
                    "",
                )
            )


@dataclass
class Readers:
    """Audited case reads over the API while an import runs."""

    base: str
    people: list[dict[str, Any]]
    stop: threading.Event = field(default_factory=threading.Event)
    reads: int = 0
    errors: list[str] = field(default_factory=list)
    slowest: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def run(self, person: dict[str, Any]) -> None:
        url = f"{self.base}/api/v1/cases/{person['case_id']}"
        while not self.stop.is_set():
            began = time.monotonic()
            try:
                status, body = http(url, headers=person["headers"], timeout=120)
            except OSError as error:
                status, body = 0, str(error)
            took = time.monotonic() - began
            with self.lock:
                self.reads += 1
                self.slowest = max(self.slowest, took)
                if status != 200:
                    self.errors.append(f"{status} {str(body)[:160]}")
            self.stop.wait(0.1)

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        threads = [threading.Thread(target=self.run, args=(p,)) for p in self.people]
        for thread in threads:
            thread.start()
        try:
            yield
        finally:
            self.stop.set()
            for thread in threads:
                thread.join(150)


@dataclass
class LockProbe:
    """The longest the database was held by the import: SQLite, the longest wait for the
    write lock (`BEGIN IMMEDIATE`, then straight back); PostgreSQL, the import's longest
    transaction (its connections are named LONG_WORK)."""

    env: dict[str, str]
    postgres: bool
    longest: float = 0.0
    stop: threading.Event = field(default_factory=threading.Event)

    def _sqlite(self) -> None:
        path = Path(self.env["SAFEKEEP_DATA_DIR"]) / "safekeep.sqlite3"
        db = sqlite3.connect(path, timeout=900, isolation_level=None)
        try:
            while not self.stop.is_set():
                began = time.monotonic()
                db.execute("BEGIN IMMEDIATE")
                db.execute("ROLLBACK")
                self.longest = max(self.longest, time.monotonic() - began)
                self.stop.wait(0.05)
        finally:
            db.close()

    def _postgres(self) -> None:
        import psycopg

        query = (
            "SELECT coalesce(max(extract(epoch FROM clock_timestamp() - xact_start)), 0) "
            "FROM pg_stat_activity WHERE application_name = %s"
        )
        with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as db:
            while not self.stop.is_set():
                row = db.execute(query, [LONG_WORK]).fetchone()
                self.longest = max(self.longest, float(row[0]) if row else 0.0)
                self.stop.wait(0.05)

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        thread = threading.Thread(target=self._postgres if self.postgres else self._sqlite)
        thread.start()
        try:
            yield
        finally:
            self.stop.set()
            thread.join(900)


def timed_command(
    env: dict[str, str], server: Server, people: list[dict[str, Any]], *args: str
) -> dict[str, Any]:
    """`safekeep ARGS` with readers and the lock probe running; its figures."""
    readers = Readers(server.base, people)
    probe = LockProbe(env, "DATABASE_URL" in env)
    with readers.running(), probe.running():
        time.sleep(0.5)
        began = time.monotonic()
        done = subprocess.run(
            [str(BIN / "safekeep"), *args],
            env=env | {"PGAPPNAME": LONG_WORK},
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.monotonic() - began
        time.sleep(0.5)
    if done.returncode:
        raise RuntimeError(f"safekeep {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return {
        "command": " ".join(a for a in args if not a.startswith("/")),
        "summary": (done.stdout.strip().splitlines() or [""])[-1],
        "seconds": round(seconds, 1),
        "write_lock_held_seconds": round(probe.longest, 2),
        "reads_meanwhile": readers.reads,
        "read_errors": len(readers.errors),
        "read_error_samples": readers.errors[:3],
        "slowest_read_seconds": round(readers.slowest, 2),
    }


def enrol(server: Server, people: list[dict[str, Any]]) -> None:
    for person in people:
        bearer = {"Authorization": f"Bearer {person['token']}"}
        status, enrolled = http(
            f"{server.base}/api/v1/devices/enrol", headers=bearer, data={"code": person["code"]}
        )
        if status != 201:
            raise RuntimeError(f"enrolment answered {status}: {enrolled}")
        person["headers"] = {**bearer, "X-Safekeep-Device": enrolled["credential"]}


def run(
    *,
    rows: int,
    postgres: bool = False,
    postgres_url: str = PG_OWNER_URL,
    readers: int = 2,
    kinds: tuple[str, ...] = ("staff", "staff-update", "devices"),
    out: Any = sys.stdout,
) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="safekeep-import-lock-"))
    env = environment(work)
    server = Server(env, work, workers=2)
    result: dict[str, Any] = {
        "database": "postgresql" if postgres else "sqlite",
        "rows": rows,
        "imports": [],
    }
    try:
        with pg_database(env, postgres, postgres_url):
            command(env, "migrate", "--noinput", "--verbosity", "0")
            people = module(env, "council", str(readers))["workers"]
            server.start()
            enrol(server, people)
            files = {
                "staff": (work / "staff.csv", ("staff", "--create-missing")),
                "staff-update": (work / "staff-changed.csv", ("staff",)),
                "devices": (work / "devices.csv", ("devices",)),
            }
            write_staff(files["staff"][0], rows, "Family")
            write_staff(files["staff-update"][0], rows, "Changed")
            write_devices(files["devices"][0], rows)
            for kind in kinds:
                path, args = files[kind]
                figures = timed_command(env, server, people, "import", *args, str(path))
                figures["file"] = kind
                result["imports"].append(figures)
                print(
                    f"import {result['database']} {kind} ({rows} rows): "
                    f"{figures['seconds']} s in all, write lock held "
                    f"{figures['write_lock_held_seconds']} s at most; "
                    f"{figures['reads_meanwhile']} case reads meanwhile, "
                    f"{figures['read_errors']} failed, slowest {figures['slowest_read_seconds']} s",
                    file=out,
                    flush=True,
                )
            server.stop()  # before its database is dropped
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help=f"on {PG_OWNER_URL}'s server")
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    result = run(rows=args.rows, postgres=args.postgres)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if all(i["read_errors"] == 0 for i in result["imports"]) else 1


if __name__ == "__main__":
    sys.exit(main())
