"""The crash test: `kill -9` the production server mid-burst and check nothing acknowledged
was lost and nothing is half-written (issue 18, docs/operations.md "Crash safety").

A fresh data directory (and, with `--postgres`, a fresh database), `safekeep migrate`, a
small council (bench/soak/council.py), `safekeep serve` on a free loopback port, each
practitioner's laptop enrolled through `POST /api/v1/devices/enrol`. Then, each round:
writer threads add entries (`POST /api/v1/cases/{id}/entries`) and reader threads make
audited reads (the case list and the case page) until enough writes have been acknowledged;
the server's whole process group gets SIGKILL; it is started again; with no traffic but
`/readyz`, the audit sequencer must chain what was left waiting; then bench/soak/check.py
looks in the database and `safekeep audit verify` must pass.

Run: `python bench/soak/crash.py [--postgres] [--rounds N] [--writes N]` (`make soak`).
Prints the counts and exits non-zero unless lost == 0 and nothing is half-written.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PG_OWNER_URL = os.environ.get(
    "SAFEKEEP_SOAK_POSTGRES_URL", "postgres://safekeep_owner@127.0.0.1:5432/postgres"
)
# The service's environment must not inherit a test run's database or settings.
DROPPED = ("DATABASE_URL", "SAFEKEEP_TEST_DB_NAME", "DJANGO_SETTINGS_MODULE", "PYTEST_CURRENT_TEST")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def command(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "safekeep"), *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise RuntimeError(f"safekeep {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def module(env: dict[str, str], name: str, *args: str) -> Any:
    """Run bench/soak/NAME.py with the server's environment; its JSON answer."""
    done = subprocess.run(
        [sys.executable, str(HERE / f"{name}.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"bench/soak/{name}.py failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def http(
    url: str, *, headers: dict[str, str] | None = None, data: object = None, timeout: float = 10
) -> tuple[int, Any]:
    """(status, JSON or text body); HTTP errors are answers, connection failures raise."""
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - a loopback http URL we built
        url, data=body, headers={**(headers or {}), "Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            raw, status = response.read(), response.status
    except urllib.error.HTTPError as error:
        raw, status = error.read(), error.code
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


def environment(work: Path) -> dict[str, str]:
    """The server's environment: its own data directory, none of a test run's settings."""
    env = {k: v for k, v in os.environ.items() if k not in DROPPED}
    env["SAFEKEEP_DATA_DIR"] = str(work / "data")
    env["PYTHONPATH"] = os.pathsep.join((str(ROOT / "src"), str(ROOT)))
    env["SAFEKEEP_REFUSALS_BEFORE_SLOWING"] = "1000000000"
    return env


@contextlib.contextmanager
def pg_database(env: dict[str, str], postgres: bool, url: str = PG_OWNER_URL) -> Iterator[None]:
    """With `postgres`, a database of its own on `url`'s server (env's DATABASE_URL), dropped
    afterwards; otherwise SQLite in the data directory."""
    if not postgres:
        yield
        return
    import psycopg

    database = f"safekeep_soak_{os.getpid()}"
    with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f"CREATE DATABASE {database}")
    env["DATABASE_URL"] = url.rsplit("/", 1)[0] + f"/{database}"
    try:
        yield
    finally:
        with psycopg.connect(url, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


class Server:
    """`safekeep serve` in its own process group, so SIGKILL takes the arbiter and workers."""

    def __init__(self, env: dict[str, str], work: Path, workers: int) -> None:
        self.env, self.work, self.workers = env, work, workers
        self.base = f"http://127.0.0.1:{free_port()}"
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.worker_args = ("--workers", str(workers))

    def start(self) -> float:
        """Start it and wait for `/healthz`; the seconds that took."""
        started = time.monotonic()
        self.starts += 1
        with (self.work / f"server-{self.starts}.log").open("wb") as log:
            self.process = subprocess.Popen(
                [str(BIN / "safekeep"), "serve", "--bind", self.base[7:], *self.worker_args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = started + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped (exit {self.process.returncode})")
            try:
                if http(f"{self.base}/healthz", timeout=2)[0] == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the server did not answer /healthz within 60 s")

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


@dataclass
class Burst:
    """What the clients saw in one round: acknowledged ids, and answers by kind."""

    acknowledged: list[int] = field(default_factory=list)
    reads: int = 0
    refused: list[str] = field(default_factory=list)  # non-2xx answers before the kill
    unanswered: int = 0  # requests cut off by the kill (their outcome is unknown)
    lock: threading.Lock = field(default_factory=threading.Lock)
    killed: threading.Event = field(default_factory=threading.Event)


def writer(base: str, worker: dict[str, str], burst: Burst, name: str) -> None:
    url = f"{base}/api/v1/cases/{worker['case_id']}/entries"
    number = 0
    while not burst.killed.is_set():
        number += 1
        payload = {"kind": "note", "title": f"{name} note {number}", "body": "soak " * 40}
        try:
            status, body = http(url, headers=worker["headers"], data=payload)  # type: ignore[arg-type]
        except OSError as error:
            with burst.lock:
                burst.unanswered += 1
                if not burst.killed.is_set():
                    burst.refused.append(f"POST unanswered: {error}")
            if burst.killed.wait(0.05):
                return
            continue
        with burst.lock:
            if status == 201:
                burst.acknowledged.append(int(body["id"]))
            elif not burst.killed.is_set():
                burst.refused.append(f"POST {status} {str(body)[:200]}")


def reader(base: str, worker: dict[str, str], burst: Burst) -> None:
    urls = [f"{base}/api/v1/cases/{worker['case_id']}", f"{base}/api/v1/cases?page_size=10"]
    number = 0
    while not burst.killed.is_set():
        number += 1
        try:
            status, body = http(urls[number % 2], headers=worker["headers"])  # type: ignore[arg-type]
        except OSError:
            if burst.killed.wait(0.05):
                return
            continue
        with burst.lock:
            if status == 200:
                burst.reads += 1
            elif not burst.killed.is_set():
                burst.refused.append(f"GET {status} {str(body)[:200]}")


def catch_up(server: Server, env: dict[str, str], ids: Path, seconds: float) -> tuple[float, Any]:
    """Poll `/readyz` only (not audited: no new entry wakes anything) until it says ready and
    nothing waits to be chained; the seconds that took and the last check."""
    started = time.monotonic()
    while True:
        ready = http(f"{server.base}/readyz", timeout=5)[0] == 200
        found = module(env, "check", str(ids))
        if ready and found["pending"] == 0:
            return time.monotonic() - started, found
        if time.monotonic() - started > seconds:
            found["ready"] = ready
            return -1.0, found
        time.sleep(1)


def run(
    *,
    postgres: bool = False,
    rounds: int = 2,
    writes: int = 300,
    writers: int = 3,
    readers: int = 2,
    catch_up_seconds: float = 45,
    postgres_url: str = PG_OWNER_URL,
    out: Any = sys.stdout,
) -> dict[str, Any]:
    """The whole test; its figures. `writes` acknowledged writes per round before the kill."""
    work = Path(tempfile.mkdtemp(prefix="safekeep-soak-"))
    env = environment(work)
    server = Server(env, work, workers=2)
    result: dict[str, Any] = {"database": "postgresql" if postgres else "sqlite", "rounds": []}
    started = time.monotonic()
    try:
        with pg_database(env, postgres, postgres_url):
            command(env, "migrate", "--noinput", "--verbosity", "0")
            council = module(env, "council", str(writers))
            server.start()
            for worker in council["workers"]:
                bearer = {"Authorization": f"Bearer {worker['token']}"}
                status, enrolled = http(
                    f"{server.base}/api/v1/devices/enrol",
                    headers=bearer,
                    data={"code": worker["code"]},
                )
                if status != 201:
                    raise RuntimeError(f"enrolment answered {status}: {enrolled}")
                worker["headers"] = {**bearer, "X-Safekeep-Device": enrolled["credential"]}
            acknowledged: list[int] = []
            ids = work / "acknowledged.json"
            for number in range(1, rounds + 1):
                burst = Burst()
                threads = [
                    threading.Thread(target=writer, args=(server.base, w, burst, f"w{i}"))
                    for i, w in enumerate(council["workers"])
                ] + [
                    threading.Thread(target=reader, args=(server.base, w, burst))
                    for w in council["workers"][:readers]
                ]
                began = time.monotonic()
                for thread in threads:
                    thread.start()
                while len(burst.acknowledged) < writes and time.monotonic() - began < 120:
                    if any(not t.is_alive() for t in threads):
                        break
                    time.sleep(0.01)
                # Mid-burst: every thread has a request in flight (what fails from here on is
                # the kill's doing, not an error).
                burst.killed.set()
                server.kill()
                burst_seconds = time.monotonic() - began
                for thread in threads:
                    thread.join(30)
                acknowledged += burst.acknowledged
                ids.write_text(json.dumps(acknowledged))
                left_waiting = module(env, "check", str(ids))["pending"]
                restart_seconds = server.start()
                caught_up, found = catch_up(server, env, ids, catch_up_seconds)
                verify = subprocess.run(
                    [str(BIN / "safekeep"), "audit", "verify", "--no-progress"],
                    env=env,
                    capture_output=True,
                    text=True,
                    check=False,
                )
                figures = {
                    "round": number,
                    "acknowledged_this_round": len(burst.acknowledged),
                    "audited_reads": burst.reads,
                    "errors_before_kill": len(burst.refused),
                    "error_samples": burst.refused[:3],
                    "cut_off_by_kill": burst.unanswered,
                    "burst_seconds": round(burst_seconds, 2),
                    "restart_seconds": round(restart_seconds, 2),
                    "pending_at_restart": left_waiting,
                    "sequencer_caught_up_seconds": round(caught_up, 2),
                    "verify_exit": verify.returncode,
                    "verify_output": (verify.stdout + verify.stderr).strip()[-600:],
                    **{k: v for k, v in found.items()},
                }
                result["rounds"].append(figures)
                print(
                    f"soak {result['database']} round {number}: "
                    f"{figures['acknowledged_this_round']} writes acknowledged "
                    f"({found['acknowledged']} in all), {found['found']} found after restart, "
                    f"{len(found['lost'])} lost; {burst.reads} audited reads; "
                    f"{burst.unanswered} cut off by the kill; "
                    f"half-written: {half_written(found)}; "
                    f"{left_waiting} audit entries left unchained by the kill, "
                    f"chained in {caught_up:.1f} s after restart; "
                    f"audit verify exit {verify.returncode}",
                    file=out,
                    flush=True,
                )
            server.stop()  # before its database is dropped
    finally:
        server.stop()
        if os.environ.get("SAFEKEEP_SOAK_KEEP"):
            print(f"soak: kept {work}", file=out)
        else:
            shutil.rmtree(work, ignore_errors=True)
    last = result["rounds"][-1]
    result.update(
        acknowledged=last["acknowledged"],
        found=last["found"],
        lost=len(last["lost"]),
        half_written=half_written(last),
        seconds=round(time.monotonic() - started, 1),
        passed=passed(result),
    )
    return result


def half_written(found: dict[str, Any]) -> int:
    keys = (
        "entries_without_version",
        "entries_without_audit",
        "audit_without_entry",
        "documents_without_file",
    )
    return sum(len(found[k]) for k in keys)


def passed(result: dict[str, Any]) -> bool:
    return all(
        not r["lost"]
        and half_written(r) == 0
        and r["verify_exit"] == 0
        and r["sequencer_caught_up_seconds"] >= 0
        and r["pending"] == 0
        and r["chained"] == r["audit_entries"]
        for r in result["rounds"]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help=f"on {PG_OWNER_URL}'s server")
    parser.add_argument("--rounds", type=int, default=3, help="kills (default 3)")
    parser.add_argument("--writes", type=int, default=1000, help="writes per round (1000)")
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--readers", type=int, default=2)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    result = run(
        postgres=args.postgres,
        rounds=args.rounds,
        writes=args.writes,
        writers=args.writers,
        readers=args.readers,
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(
        f"soak {result['database']}: {result['acknowledged']} writes acknowledged, "
        f"{result['found']} found after restart, {result['lost']} lost, "
        f"{result['half_written']} half-written, in {result['seconds']} s: "
        + ("PASSED" if result["passed"] else "FAILED")
    )
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
