"""Whether the long operations other than imports stop case reads (issue 18: "none blocks
case reads for more than a second"): a backup, each of the nightly jobs (`run-jobs --only
JOB`: the retention list, leavers, access reviews, …) and a key rotation, each run while
readers make audited case reads over the API.

A fresh data directory (and, with `--postgres`, a database of its own), `safekeep migrate`,
the demo council (`--no-demo` leaves it out: seconds instead of a minute) and the soak
council (bench/soak/council.py), `safekeep serve`; then a staff import of `--rows` people to
give the database some size. Each command is measured as bench/soak/import_lock.py
measures an import: its seconds, how long it held the database (SQLite: the longest a
probe's `BEGIN IMMEDIATE` waited; PostgreSQL: its longest transaction), and the reads made
meanwhile: count, errors (target 0), slowest (target: under a second more than a read
before the command started).

Run: `python bench/soak/long_jobs.py [--postgres] [--rows 50000] [--json FILE]` (`make soak`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from crash import PG_OWNER_URL, Server, command, environment, http, module, pg_database
from import_lock import enrol, timed_command, write_staff


def quiet_read_seconds(server: Server, people: list[dict[str, Any]], reads: int = 20) -> float:
    """The slowest of a few case reads with nothing else running: the baseline."""
    slowest = 0.0
    for n in range(reads):
        person = people[n % len(people)]
        began = time.monotonic()
        status, body = http(
            f"{server.base}/api/v1/cases/{person['case_id']}", headers=person["headers"]
        )
        if status != 200:
            raise RuntimeError(f"a quiet case read answered {status}: {body}")
        slowest = max(slowest, time.monotonic() - began)
    return slowest


def run(
    *,
    rows: int,
    demo: bool = True,
    postgres: bool = False,
    postgres_url: str = PG_OWNER_URL,
    readers: int = 2,
    each_job: bool = True,
    out: Any = sys.stdout,
) -> dict[str, Any]:
    """With `each_job` every scheduled job runs (and is measured) on its own; without, all
    of them in one `run-jobs` (the bounded test: a command start is the slow part)."""
    work = Path(tempfile.mkdtemp(prefix="safekeep-long-jobs-"))
    env = environment(work)
    server = Server(env, work, workers=2)
    result: dict[str, Any] = {
        "database": "postgresql" if postgres else "sqlite",
        "rows": rows,
        "demo": demo,
        "commands": [],
    }
    try:
        with pg_database(env, postgres, postgres_url):
            command(env, "migrate", "--noinput", "--verbosity", "0")
            if demo:
                command(env, "demo", "--if-empty")
            people = module(env, "council", str(readers))["workers"]
            server.start()
            enrol(server, people)
            staff = work / "staff.csv"
            write_staff(staff, rows, "Family")
            command(env, "import", "staff", "--create-missing", str(staff))
            result["quiet_read_seconds"] = round(quiet_read_seconds(server, people), 2)
            jobs: list[tuple[str, ...]] = [("run-jobs",)]
            if each_job:
                listed = command(env, "run-jobs", "--list").splitlines()
                jobs = [("run-jobs", "--only", line.split(":")[0]) for line in listed]
            for args in (("backup", str(work / "safekeep.backup")), *jobs, ("keys", "rotate")):
                figures = timed_command(env, server, people, *args)
                result["commands"].append(figures)
                print(
                    f"{result['database']} `safekeep {figures['command']}`: "
                    f"{figures['seconds']} s, database held "
                    f"{figures['write_lock_held_seconds']} s at most; "
                    f"{figures['reads_meanwhile']} case reads meanwhile, "
                    f"{figures['read_errors']} failed, slowest {figures['slowest_read_seconds']} s "
                    f"(quiet: {result['quiet_read_seconds']} s)",
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
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--no-demo", dest="demo", action="store_false")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    result = run(rows=args.rows, demo=args.demo, postgres=args.postgres)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if all(c["read_errors"] == 0 for c in result["commands"]) else 1


if __name__ == "__main__":
    sys.exit(main())
