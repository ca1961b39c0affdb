"""A bounded load run: locust, headless, on loopback, against `safekeep serve` (make soak).

A fresh data directory and SQLite database (or, with `--postgres`, a database of its own),
a council (bench/soak/council.py --pages: practitioners, one team manager in ten, one IG
officer in twenty, each signed in on their own enrolled laptop); then
bench/soak/locustfile.py with `--users` users for `--seconds`. With `--during import`, a
staff import of `--import-rows` rows starts ten seconds in; with `--during rotate`,
`safekeep keys rotate`. Writes p50/p95/p99, requests and failures per page and call, the
throughput and the machine's load average to bench/results/soak-load-<database>[-<during>].json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from crash import BIN, HERE, ROOT, Server, environment, module, pg_database
from import_lock import enrol, write_staff


class LoadAverage:
    """The 1-minute load average, sampled every 5 s while the run lasts."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample)

    def _sample(self) -> None:
        while not self.stop.wait(5):
            self.samples.append(os.getloadavg()[0])

    def __enter__(self) -> LoadAverage:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()

    def figures(self) -> dict[str, float]:
        if not self.samples:
            return {}
        mean = sum(self.samples) / len(self.samples)
        return {"load_average_mean": round(mean, 1), "load_average_max": max(self.samples)}


def meanwhile(env: dict[str, str], work: Path, during: str, rows: int) -> dict[str, Any]:
    """The import or key rotation run alongside the load (ten seconds in); its figures."""
    time.sleep(10)
    if during == "import":
        path = work / "staff.csv"
        write_staff(path, rows, "Family")
        args = ["import", "staff", "--create-missing", str(path)]
    else:
        args = ["keys", "rotate"]
    began = time.monotonic()
    done = subprocess.run(
        [str(BIN / "safekeep"), *args], env=env, capture_output=True, text=True, check=False
    )
    return {
        "command": f"safekeep {' '.join(args[:2])}",
        "rows": rows if during == "import" else None,
        "exit": done.returncode,
        "seconds": round(time.monotonic() - began, 1),
        "output": (done.stdout + done.stderr).strip()[-300:],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--during", choices=("import", "rotate"), default=None)
    parser.add_argument("--import-rows", type=int, default=50_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="safekeep-load-"))
    env = environment(work)
    name = "postgresql" if args.postgres else "sqlite"
    managers, ig = max(args.users // 10, 1), max(args.users // 20, 1)
    practitioners = args.users - managers - ig
    server = Server(env, work, workers=args.workers)
    side: dict[str, Any] = {}
    try:
        with pg_database(env, args.postgres):
            subprocess.run(
                [str(BIN / "safekeep"), "migrate", "--noinput", "--verbosity", "0"],
                env=env,
                check=True,
            )
            people = module(
                env,
                "council",
                str(practitioners),
                "--pages",
                *("--managers", str(managers), "--ig", str(ig)),
            )["workers"]
            server.start()
            enrol(server, [p for p in people if p["role"] == "practitioner"])
            (work / "people.json").write_text(json.dumps(people))
            if args.during:
                alongside = threading.Thread(
                    target=lambda: side.update(meanwhile(env, work, args.during, args.import_rows))
                )
            started = time.monotonic()
            with LoadAverage() as load:
                if args.during:
                    alongside.start()
                subprocess.run(
                    [
                        *(str(BIN / "locust"), "-f", str(HERE / "locustfile.py")),
                        *("--headless", "--host", server.base, "--users", str(args.users)),
                        *("--spawn-rate", str(max(args.users // 10, 1)), "--run-time"),
                        *(f"{args.seconds}s", "--csv", str(work / "load"), "--only-summary"),
                        *("--loglevel", "WARNING", "--stop-timeout", "30"),
                    ],
                    env=env
                    | {
                        "SAFEKEEP_LOAD_PEOPLE": str(work / "people.json"),
                        "SAFEKEEP_LOAD_MANAGERS": str(managers),
                        "SAFEKEEP_LOAD_IG": str(ig),
                    },
                    cwd=work,
                    check=False,
                )
                if args.during:
                    alongside.join()
            elapsed = time.monotonic() - started
            server.stop()
        result: dict[str, Any] = {
            "database": name,
            "users": args.users,
            "practitioners": practitioners,
            "managers": managers,
            "ig_officers": ig,
            "seconds": args.seconds,
            "gunicorn_workers": args.workers,
            "cores": os.cpu_count(),
            "elapsed": round(elapsed, 1),
            **load.figures(),
            "meanwhile": side or None,
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
        failures_csv = work / "load_failures.csv"
        if failures_csv.exists():
            result["failure_samples"] = failures_csv.read_text()[:2000]
        suffix = f"-{args.during}" if args.during else ""
        out = ROOT / "bench" / "results" / f"soak-load-{name}{suffix}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n")
        for call, figures in result["calls"].items():
            print(
                f"load {name}{suffix}: {call}: {figures['requests']} requests, "
                f"{figures['failures']} failed, p50 {figures['p50_ms']:.0f} ms, "
                f"p95 {figures['p95_ms']:.0f} ms, p99 {figures['p99_ms']:.0f} ms"
            )
        print(f"load {name}{suffix}: load average {load.figures()}; meanwhile {side or None}")
        failures = result["calls"].get("Aggregated", {}).get("failures", 1)
        return 0 if failures == 0 and side.get("exit", 0) == 0 else 1
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
