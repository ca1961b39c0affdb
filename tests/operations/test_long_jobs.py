"""Backups, the scheduled jobs and key rotation do not stop case reads (issue 18), bounded
(bench/soak/long_jobs.py; `make soak` runs it with the demo council and 50,000 staff, and
each job on its own): the real server on a file database (or PostgreSQL when the suite runs
there), each command run while two readers make audited case reads; every read succeeds
(how long each waited is measured by `make soak`, not asserted here).
"""

from __future__ import annotations

import io
import os

from tests.operations.soak import load

long_jobs = load("long_jobs")


def test_backups_jobs_and_key_rotation_leave_case_reads_running() -> None:
    url = os.environ.get("DATABASE_URL", "")
    printed = io.StringIO()
    result = long_jobs.run(
        rows=3000,
        demo=False,
        postgres=url.startswith("postgres"),
        postgres_url=url or long_jobs.PG_OWNER_URL,
        each_job=False,
        out=printed,
    )
    ran = [c["command"] for c in result["commands"]]
    assert ran[0] == "backup" and ran[-1] == "keys rotate", ran
    assert ran[1] == "run-jobs", ran  # every job, in one command
    for figures in result["commands"]:
        assert figures["read_errors"] == 0, (figures, printed.getvalue())
        assert figures["reads_meanwhile"] >= 3, figures
