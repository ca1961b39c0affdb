"""A bounded load run: locust, headless, on loopback, against `safekeep serve` (make soak).

A fresh data directory and SQLite database (or, with `--postgres`, a database of its own),
a small council (bench/soak/council.py), each practitioner's laptop enrolled; then
bench/soak/locustfile.py with `--users` users for `--seconds`. Writes p50/p95/p99, requests
and failures per call to bench/results/soak-load-<database>.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from crash import BIN, ROOT, Server, environment, http, module, pg_database


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="safekeep-load-"))
    env = environment(work)
    name = "postgresql" if args.postgres else "sqlite"
    server = Server(env, work, workers=args.workers)
    try:
        with pg_database(env, args.postgres):
            subprocess.run(
                [str(BIN / "safekeep"), "migrate", "--noinput", "--verbosity", "0"],
                env=env,
                check=True,
            )
            people = module(env, "council", str(args.users))["workers"]
            server.start()
            for person in people:
                bearer = {"Authorization": f"Bearer {person['token']}"}
                status, enrolled = http(
                    f"{server.base}/api/v1/devices/enrol",
                    headers=bearer,
                    data={"code": person.pop("code")},
                )
                assert status == 201, enrolled
                person["headers"] = {**bearer, "X-Safekeep-Device": enrolled["credential"]}
            (work / "people.json").write_text(json.dumps(people))
            started = time.monotonic()
            subprocess.run(
                [
                    *(str(BIN / "locust"), "-f", str(Path(__file__).with_name("locustfile.py"))),
                    *("--headless", "--host", server.base, "--users", str(args.users)),
                    *("--spawn-rate", str(max(args.users // 5, 1)), "--run-time"),
                    *(f"{args.seconds}s", "--csv", str(work / "load"), "--only-summary"),
                    *("--loglevel", "WARNING"),
                ],
                env=env | {"SAFEKEEP_LOAD_PEOPLE": str(work / "people.json")},
                cwd=work,
                check=False,
            )
            elapsed = time.monotonic() - started
            server.stop()
        result: dict[str, Any] = {
            "database": name,
            "users": args.users,
            "seconds": args.seconds,
            "gunicorn_workers": args.workers,
            "elapsed": round(elapsed, 1),
            "calls": {},
        }
        with (work / "load_stats.csv").open() as stats:
            for row in csv.DictReader(stats):
                result["calls"][row["Name"]] = {
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50_ms": float(row["50%"]),
                    "p95_ms": float(row["95%"]),
                    "p99_ms": float(row["99%"]),
                    "per_second": round(float(row["Requests/s"]), 1),
                }
        out = ROOT / "bench" / "results" / f"soak-load-{name}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n")
        for call, figures in result["calls"].items():
            print(
                f"load {name}: {call}: {figures['requests']} requests, "
                f"{figures['failures']} failed, p50 {figures['p50_ms']:.0f} ms, "
                f"p95 {figures['p95_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms"
            )
        failures = result["calls"].get("Aggregated", {}).get("failures", 1)
        return 0 if failures == 0 else 1
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
