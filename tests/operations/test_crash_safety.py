"""The crash test, bounded (bench/soak/crash.py; `make soak` runs the long one): the real
server killed with SIGKILL mid-burst loses no acknowledged write and leaves nothing
half-written, the audit log verifies, and the sequencer chains what was left by itself.

On SQLite, or on PostgreSQL when the suite runs there (a database of its own on the same
server, created and dropped by the test). About 35 s.
"""

from __future__ import annotations

import io
import os

from tests.operations.soak import load

crash = load("crash")


def test_nothing_acknowledged_is_lost_when_the_server_is_killed_mid_burst() -> None:
    url = os.environ.get("DATABASE_URL", "")
    printed = io.StringIO()
    result = crash.run(
        postgres=url.startswith("postgres"),
        postgres_url=url or crash.PG_OWNER_URL,
        rounds=1,
        writes=100,
        writers=3,
        readers=2,
        out=printed,
    )
    (figures,) = result["rounds"]
    assert figures["acknowledged_this_round"] >= 100, printed.getvalue()
    assert figures["cut_off_by_kill"] > 0, "the kill came between requests, not during one"
    assert result["lost"] == 0, figures["lost"]
    assert result["found"] == result["acknowledged"]
    assert result["half_written"] == 0, figures
    assert figures["errors_before_kill"] == 0, figures["error_samples"]
    assert figures["verify_exit"] == 0, figures["verify_output"]
    assert figures["sequencer_caught_up_seconds"] >= 0, "entries left waiting after restart"
    assert figures["pending"] == 0
    assert figures["chained"] == figures["audit_entries"]
    assert result["passed"]
