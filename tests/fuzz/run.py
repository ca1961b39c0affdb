"""`make fuzz-api`: schemathesis against the real server, signed in, on an enrolled device.

A fresh data directory and SQLite database, the demo council, `safekeep serve` on a free
loopback port; the demo practitioner's API token (`safekeep api-token create`) and the
credential of their council laptop, enrolled through the API with IT's one-time code.
Then schemathesis runs every phase for a bounded time with four of its checks and ours
(tests/fuzz/hooks.py): no server error, every status code, content type and body as the
document declares, and no answer that names or opens a case the practitioner may not see.

Exits non-zero on any finding. SAFEKEEP_FUZZ_SECONDS (default 75) bounds the run and
SAFEKEEP_FUZZ_SEED (default 2020) fixes its seed.
"""

from __future__ import annotations

import collections
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
HOOKS = Path(__file__).with_name("hooks.py")
USER = "demo.practitioner@northmoor.example"
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_schema_conformance,no_case_beyond_the_caller"
)
# Real case ids in the probes: every allowed one, and this many others.
FORBIDDEN_PROBES = 300
ACCESS_LINE = re.compile(r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/[0-9.]+" (?P<status>\d{3}) ')


def safekeep(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own command, fixed arguments
        [str(BIN / "safekeep"), *args], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def call(url: str, *, headers: dict[str, str], data: dict[str, str] | None = None) -> object:
    body = json.dumps(data).encode() if data is not None else None
    request = urllib.request.Request(  # noqa: S310 - a loopback http URL we built
        url, data=body, headers={**headers, "Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.loads(response.read())


def wait_for(url: str, server: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"fuzz-api: the server stopped (exit {server.returncode})")
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 - loopback
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise SystemExit(f"fuzz-api: the server did not answer {url} within {seconds:.0f}s")


def visible_cases(env: dict[str, str]) -> tuple[list[str], list[str]]:
    """The cases the practitioner may see, decided case by case (`who_can_see`, the same
    relationship rules as the case page), and a sample of the rest; from the database."""
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safekeep.settings")
    import django

    django.setup()
    from django.db.models import Q

    from safekeep.access.selectors import who_can_see
    from safekeep.organisation.models import StaffMember
    from safekeep.organisation.roles import RoleName
    from safekeep.records.models import Case

    staff = StaffMember.objects.get(user__username=USER)
    # Everyone else's cases are refused by default: no relationship, no access (DESIGN.md).
    related = Q(allocations__staff=staff) | Q(grants__grantee=staff) | Q(break_glass__staff=staff)
    if RoleName.TEAM_MANAGER in staff.role_names():
        related |= Q(owning_team_id=staff.team_id)
    cases = Case.objects.filter(related).distinct()
    allowed = sorted(
        case.case_id
        for case in cases
        if any(viewer.staff.pk == staff.pk for viewer in who_can_see(case))
    )
    others = list(Case.objects.exclude(case_id__in=allowed).values_list("case_id", flat=True))
    rng = random.Random(0)
    return allowed, rng.sample(others, min(FORBIDDEN_PROBES, len(others)))


def tally(log: Path, forbidden: set[str]) -> tuple[collections.Counter[str], int]:
    """The API's answers by status, from the server's access log, and how many requests
    named a real case the practitioner may not see."""
    statuses: collections.Counter[str] = collections.Counter()
    probed = 0
    for line in log.read_text(errors="replace").splitlines():
        match = ACCESS_LINE.search(line)
        if match and match["path"].startswith("/api/v1/") and "openapi" not in match["path"]:
            statuses[match["status"]] += 1
            parts = match["path"].split("?")[0].split("/")
            probed += len(parts) > 4 and parts[3] == "cases" and parts[4] in forbidden
    return statuses, probed


def main() -> int:
    seconds = os.environ.get("SAFEKEEP_FUZZ_SECONDS", "75")
    seed = os.environ.get("SAFEKEEP_FUZZ_SEED", "2020")
    work = Path(tempfile.mkdtemp(prefix="safekeep-fuzz-"))
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    # Fuzzing refuses many case requests; the slowing after 30 refusals would turn every
    # later answer into 429 and hide the rest of the API (the 429 itself is covered by
    # tests/security/test_strangers_learn_nothing.py).
    env["SAFEKEEP_DATA_DIR"] = str(work / "data")
    env["SAFEKEEP_REFUSALS_BEFORE_SLOWING"] = "1000000000"
    started = time.monotonic()
    server: subprocess.Popen[bytes] | None = None
    try:
        safekeep(env, "migrate", "--noinput", "--verbosity", "0")
        safekeep(env, "demo")
        token = safekeep(env, "api-token", "create", "--user", USER).strip().splitlines()[-1]
        code = safekeep(env, "demo-code", USER, "--enrol").strip()
        allowed, forbidden = visible_cases(env)
        cases = work / "cases.json"
        cases.write_text(json.dumps({"allowed": allowed, "probes": allowed + forbidden}))
        base = f"http://127.0.0.1:{free_port()}"
        log = work / "server.log"
        with log.open("wb") as out:
            server = subprocess.Popen(  # noqa: S603 - our own command
                [str(BIN / "safekeep"), "serve", "--bind", base[7:], "--workers", "2"],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(f"{base}/api/v1/openapi.json", server)
        bearer = {"Authorization": f"Bearer {token}"}
        enrolled = call(f"{base}/api/v1/devices/enrol", headers=bearer, data={"code": code})
        assert isinstance(enrolled, dict)
        device = enrolled["credential"]
        print(
            f"fuzz-api: ready in {time.monotonic() - started:.0f}s; {USER} may see "
            f"{len(allowed)} cases, probing {len(forbidden)} others; {seconds}s, seed {seed}",
            flush=True,
        )
        fuzz = subprocess.run(  # noqa: S603 - our own command
            [
                str(BIN / "schemathesis"),
                "run",
                f"{base}/api/v1/openapi.json",
                "--header",
                f"Authorization: Bearer {token}",
                "--header",
                f"X-Safekeep-Device: {device}",
                "--checks",
                CHECKS,
                "--max-time",
                seconds,
                "--seed",
                seed,
                # One worker: CPython 3.11's parser is not safe across Hypothesis's threads.
                "--workers",
                "1",
                "--request-timeout",
                "10",
                "--generation-database",
                "none",
                "--no-color",
            ],
            env=env | {"SCHEMATHESIS_HOOKS": str(HOOKS), "SAFEKEEP_FUZZ_CASES": str(cases)},
            cwd=work,  # whatever schemathesis keeps goes with the rest
            check=False,
        )
        statuses, probed = tally(log, set(forbidden))
        summary = ", ".join(f"{n} x {status}" for status, n in sorted(statuses.items()))
        print(
            f"fuzz-api: {statuses.total()} API requests ({summary}), {probed} of them for "
            f"someone else's case; schemathesis exit {fuzz.returncode}"
        )
        print(f"fuzz-api: done in {time.monotonic() - started:.0f}s")
        return fuzz.returncode
    finally:
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
