"""Eight writers at once keep one chain: no forks, no gaps, every entry exactly once."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from safekeep.audit.chain import chain_pending
from safekeep.audit.models import AuditEntry, ChainLink, PendingEntry
from safekeep.audit.verify import verify_log
from safekeep.audit.writing import Origin, audit_event
from tests.audit.conftest import in_threads

WRITERS = 8
EACH = 60


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_writers_make_one_gapless_chain() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers itself (BEGIN IMMEDIATE); this is a PostgreSQL test")
    barrier = threading.Barrier(WRITERS)

    def writer(number: int) -> None:
        barrier.wait()
        for i in range(EACH):
            with transaction.atomic():  # the caller's own change and its entry commit together
                audit_event(
                    origin=Origin(actor_staff_id=f"W{number}"),
                    action="case.view",
                    decision="allowed",
                    object_id=f"{number}-{i}",
                )

    assert in_threads(WRITERS, writer) == []
    chain_pending()  # anything a writer left for the lock holder
    total = WRITERS * EACH
    assert not PendingEntry.objects.exists()
    sequences = list(ChainLink.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    assert ChainLink.objects.values("entry_id").distinct().count() == total
    assert AuditEntry.objects.count() == total
    report = verify_log()
    assert report.ok, report.problems
