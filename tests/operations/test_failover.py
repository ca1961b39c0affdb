"""Failover, bounded (bench/soak/failover.py; `make soak` runs the longer one): a private
PostgreSQL primary and synchronous streaming replica, the primary lost mid-load and the
replica promoted, then the new primary shut down immediately and restarted. Safekeep
reconnects through the two hosts of its DATABASE_URL, loses no acknowledged write, leaves
nothing half-written, and its audit log verifies. About 60 s.

It starts clusters of its own, so it runs in the PostgreSQL pass of the suite (CI's second
pass), and skips with a plain message where the PostgreSQL server binaries are missing.
"""

from __future__ import annotations

import io
import os

import pytest

from tests.operations.soak import load

failover = load("failover")


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="failover needs PostgreSQL: it runs in the suite's PostgreSQL pass",
)
def test_a_promoted_replica_carries_on_with_nothing_acknowledged_lost() -> None:
    if reason := failover.missing():
        pytest.skip(f"failover test skipped: {reason}")
    printed = io.StringIO()
    result = failover.run(writers=2, before=3, after=6, out=printed)
    for step in ("failover", "restart"):
        figures = result[step]
        assert figures["acknowledged"] > 0, printed.getvalue()
        assert figures["lost"] == 0, (step, figures)
        assert figures["half_written"] == 0, (step, figures)
        assert figures["verify_exit"] == 0, (step, figures)
        assert figures["pending"] == 0, (step, figures)
    assert result["passed"]
