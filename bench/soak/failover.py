"""Failover on PostgreSQL: a private primary and a streaming replica on this machine, the
primary lost mid-load and the replica promoted; then the new primary itself shut down
immediately mid-write and restarted (issue 18, docs/operations.md "Failover").

Two clusters in a temporary directory (initdb as the `postgres` OS user when run as root),
on free loopback ports: the primary, and a replica made with `pg_basebackup -R`, replicating
synchronously (`synchronous_standby_names = '*'`: a commit is acknowledged once the replica
has it, which is what makes "nothing acknowledged is lost" hold through a failover).
Safekeep's DATABASE_URL names both hosts with `target_session_attrs=read-write`, so libpq
connects to whichever accepts writes. Writer threads add case notes over the API and a
reader makes audited reads, throughout:

1. failover: the primary is stopped with `pg_ctl stop -m immediate` (as a crash would) and
   the replica promoted (`pg_ctl promote`);
2. restart: the new primary is stopped immediately and started again.

After each, with the crash test's checks (bench/soak/check.py): every acknowledged write is
there, nothing is half-written, the sequencer catches up by itself, `safekeep audit verify`
passes. Reported: errors seen by clients and the error window (first failed request to the
first success after it), in seconds.

Run: `python bench/soak/failover.py [--json FILE]` (`make soak`). Exits 0 when the binaries
are missing, saying so. Every cluster and server it starts is stopped in a `finally`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crash import BIN, Server, catch_up, command, environment, free_port, half_written, http
from crash import module as soak_module
from import_lock import enrol

PG_BIN = Path(os.environ.get("SAFEKEEP_SOAK_PG_BIN", "/usr/lib/postgresql/15/bin"))
OWNER = "safekeep_owner"


def missing() -> str:
    """Why this cannot run here, or ''."""
    if not (PG_BIN / "initdb").exists():
        return f"the PostgreSQL server binaries are not installed ({PG_BIN} has no initdb)"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root, and there is no runuser to run PostgreSQL as another user"
    return ""


def as_postgres(*args: str) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the `postgres` OS user then."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else list(args)


class Cluster:
    def __init__(self, root: Path, name: str) -> None:
        self.data = root / name
        self.port = free_port()
        self.log = root / f"{name}.log"
        self.sockets = root

    def pg(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            as_postgres(str(PG_BIN / tool), *args),
            capture_output=True,
            text=True,
            check=check,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1"
        self.pg("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        if (self.data / "postmaster.pid").exists():
            self.pg("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def init_primary(self) -> None:
        self.pg("initdb", "-D", str(self.data), "-U", OWNER, "--auth=trust", "--no-sync")
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("wal_level = replica\nmax_wal_senders = 5\nhot_standby = on\nfsync = on\n")

    def replicate_synchronously(self) -> None:
        """Commits wait for the replica from now on (set once it is connected: before, every
        commit would wait for ever)."""
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("synchronous_standby_names = '*'\n")
        self.pg("pg_ctl", "-D", str(self.data), "reload")

    def init_replica(self, primary: Cluster) -> None:
        # --checkpoint=fast: otherwise the primary spreads its checkpoint over minutes.
        self.pg(
            "pg_basebackup",
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", OWNER),
            *("-D", str(self.data), "-R", "-X", "stream", "--checkpoint=fast", "--no-sync"),
        )


@dataclass
class Traffic:
    """What the clients saw: acknowledged ids, and every failure with its time."""

    acknowledged: list[int] = field(default_factory=list)
    reads: int = 0
    failures: list[tuple[float, str]] = field(default_factory=list)
    successes: list[float] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, ok: bool, what: str) -> None:
        with self.lock:
            if ok:
                self.successes.append(time.monotonic())
            else:
                self.failures.append((time.monotonic(), what[:200]))

    def write(self, base: str, person: dict[str, Any], name: str) -> None:
        url = f"{base}/api/v1/cases/{person['case_id']}/entries"
        number = 0
        while not self.stop.is_set():
            number += 1
            note = {"kind": "note", "title": f"{name} {number}", "body": "failover " * 30}
            try:
                status, body = http(url, headers=person["headers"], data=note, timeout=30)
            except OSError as error:
                self.note(False, f"POST unanswered: {error}")
                self.stop.wait(0.2)
                continue
            if status == 201:
                with self.lock:
                    self.acknowledged.append(int(body["id"]))
            self.note(status == 201, f"POST {status} {str(body)[:120]}")
            if status != 201:
                self.stop.wait(0.2)

    def read(self, base: str, person: dict[str, Any]) -> None:
        url = f"{base}/api/v1/cases/{person['case_id']}"
        while not self.stop.is_set():
            try:
                status, body = http(url, headers=person["headers"], timeout=30)
            except OSError as error:
                status, body = 0, str(error)
            self.note(status == 200, f"GET {status} {str(body)[:120]}")
            with self.lock:
                self.reads += status == 200
            self.stop.wait(0.1)

    def window(self, since: float) -> dict[str, Any]:
        """Failures after `since`, and the seconds from the first to the first success after
        the last one (0 when none failed)."""
        failed = [(t, what) for t, what in self.failures if t >= since]
        if not failed:
            return {"errors": 0, "error_window_seconds": 0.0, "error_samples": []}
        last = failed[-1][0]
        back = min((t for t in self.successes if t > last), default=time.monotonic())
        return {
            "errors": len(failed),
            "error_window_seconds": round(back - failed[0][0], 2),
            "error_samples": sorted({what for _, what in failed})[:4],
        }


def checked(server: Server, env: dict[str, str], work: Path, traffic: Traffic) -> dict[str, Any]:
    """The crash test's checks, after the event, with traffic stopped: every write
    acknowledged so far, in this episode and the ones before."""
    ids = work / "acknowledged.json"
    earlier = json.loads(ids.read_text()) if ids.exists() else []
    ids.write_text(json.dumps(earlier + traffic.acknowledged))
    caught_up, found = catch_up(server, env, ids, 60)
    verify = subprocess.run(
        [str(BIN / "safekeep"), "audit", "verify", "--no-progress"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return {
        "acknowledged": found["acknowledged"],
        "found": found["found"],
        "lost": len(found["lost"]),
        "half_written": half_written(found),
        "sequencer_caught_up_seconds": round(caught_up, 2),
        "pending": found["pending"],
        "verify_exit": verify.returncode,
        "verify_output": (verify.stdout + verify.stderr).strip()[-400:],
    }


def episode(
    server: Server,
    env: dict[str, str],
    work: Path,
    people: list[dict[str, Any]],
    event: Any,
    *,
    before: float,
    after: float,
) -> dict[str, Any]:
    """Traffic for `before` seconds, `event()`, traffic for `after` more; the figures."""
    traffic = Traffic()
    threads = [
        threading.Thread(target=traffic.write, args=(server.base, p, f"w{i}"))
        for i, p in enumerate(people)
    ] + [threading.Thread(target=traffic.read, args=(server.base, people[0]))]
    for thread in threads:
        thread.start()
    try:
        time.sleep(before)
        acknowledged_before = len(traffic.acknowledged)
        errors_before = len(traffic.failures)
        began = time.monotonic()
        event()
        event_seconds = time.monotonic() - began
        time.sleep(after)
    finally:
        traffic.stop.set()
        for thread in threads:
            thread.join(60)
    return {
        "acknowledged_before_event": acknowledged_before,
        "errors_before_event": errors_before,
        "event_seconds": round(event_seconds, 2),
        "reads": traffic.reads,
        **traffic.window(began),
        **checked(server, env, work, traffic),
    }


def run(*, writers: int = 3, before: float = 8, after: float = 15, out: Any = sys.stdout) -> Any:
    work = Path(tempfile.mkdtemp(prefix="safekeep-failover-"))
    clusters_dir = work / "pg"
    clusters_dir.mkdir()
    if os.geteuid() == 0:
        shutil.chown(clusters_dir, "postgres", "postgres")
        os.chmod(work, 0o755)  # noqa: S103 - the postgres user must reach pg/ (itself 0700)
    primary, replica = Cluster(clusters_dir, "primary"), Cluster(clusters_dir, "replica")
    env = environment(work)
    hosts = f"127.0.0.1:{primary.port},127.0.0.1:{replica.port}"
    env["DATABASE_URL"] = (
        f"postgres://{OWNER}@{hosts}/safekeep?target_session_attrs=read-write&connect_timeout=3"
    )
    server = Server(env, work, workers=2)
    result: dict[str, Any] = {"database": "postgresql 15, primary and synchronous replica"}
    try:
        primary.init_primary()
        primary.start()
        primary.pg("createdb", "-h", "127.0.0.1", "-p", str(primary.port), "-U", OWNER, "safekeep")
        replica.init_replica(primary)
        replica.start()
        primary.replicate_synchronously()
        command(env, "migrate", "--noinput", "--verbosity", "0")
        people = soak_module(env, "council", str(writers))["workers"]
        server.start()
        enrol(server, people)

        def fail_over() -> None:
            primary.stop("immediate")
            replica.pg("pg_ctl", "-D", str(replica.data), "-w", "promote")

        result["failover"] = episode(
            server, env, work, people, fail_over, before=before, after=after
        )
        print(f"failover: {json.dumps(result['failover'])}", file=out, flush=True)

        def restart() -> None:
            replica.stop("immediate")
            replica.start()

        result["restart"] = episode(server, env, work, people, restart, before=before, after=after)
        print(f"restart: {json.dumps(result['restart'])}", file=out, flush=True)
    finally:
        server.stop()
        replica.stop("immediate")
        primary.stop("immediate")
        shutil.rmtree(work, ignore_errors=True)
    result["passed"] = all(
        result[step]["lost"] == 0
        and result[step]["half_written"] == 0
        and result[step]["verify_exit"] == 0
        and result[step]["pending"] == 0
        for step in ("failover", "restart")
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--after", type=float, default=15, help="seconds of traffic after")
    args = parser.parse_args()
    if reason := missing():
        print(f"failover: skipped: {reason}")
        return 0
    result = run(writers=args.writers, after=args.after)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    for step in ("failover", "restart"):
        figures = result[step]
        print(
            f"{step}: {figures['acknowledged']} writes acknowledged, {figures['found']} found, "
            f"{figures['lost']} lost; {figures['errors']} errors over "
            f"{figures['error_window_seconds']} s; audit verify exit {figures['verify_exit']}"
        )
    print("failover: " + ("PASSED" if result["passed"] else "FAILED"))
    return 0 if result["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
