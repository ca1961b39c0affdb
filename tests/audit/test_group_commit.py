"""Entries written outside a transaction are committed in groups: one commit, many writers.

With one lane, the first batch's insert is held until the other writers are waiting, so
the grouping is deterministic: one writer's entry, then everyone else's in a single commit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.db import DatabaseError, transaction

from safekeep.audit import writing
from safekeep.audit.models import AuditEntry, ChainLink, PendingEntry
from safekeep.audit.verify import verify_log
from safekeep.audit.writing import Origin, audit_event, group
from tests.audit.conftest import in_threads

pytestmark = pytest.mark.django_db(transaction=True)
WRITERS = 8


@pytest.fixture
def batches(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The size of each batch inserted; the first waits until the other writers queue."""
    monkeypatch.setattr(writing, "POSTGRESQL_LANES", 1)
    sizes: list[int] = []
    real = writing._insert

    def held(*entries: AuditEntry) -> None:
        if not sizes:
            while len(group._waiting) < WRITERS - 1:
                threading.Event().wait(0.005)
        sizes.append(len(entries))
        real(*entries)

    monkeypatch.setattr(writing, "_insert", held)
    yield sizes


def write_at_once(count: int = WRITERS) -> tuple[list[AuditEntry | None], list[BaseException]]:
    entries: list[AuditEntry | None] = [None] * count

    def writer(number: int) -> None:
        entries[number] = audit_event(
            origin=Origin(actor_staff_id=f"W{number}"),
            action="case.view",
            decision="allowed",
            object_id=str(number),
        )

    return entries, in_threads(count, writer)


def test_eight_writers_share_commits_and_every_entry_is_committed_and_chained(
    batches: list[int],
) -> None:
    entries, errors = write_at_once()
    assert errors == []
    assert batches == [1, WRITERS - 1]  # one commit for the seven that waited
    ids = [entry.pk for entry in entries if entry is not None]
    assert len(set(ids)) == WRITERS
    assert AuditEntry.objects.filter(pk__in=ids).count() == WRITERS
    # Sync mode: each writer returned after its batch was committed and chained.
    assert not PendingEntry.objects.exists()
    chained = ChainLink.objects.order_by("sequence").values_list("sequence", "entry_id")
    assert [seq for seq, _ in chained] == list(range(1, WRITERS + 1))
    assert sorted(entry_id for _, entry_id in chained) == sorted(ids)
    report = verify_log()
    assert report.ok, report.problems


def test_an_error_in_a_batch_reaches_each_of_its_writers(
    batches: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    held = writing._insert

    def failing(*entries: AuditEntry) -> None:
        if batches:  # the second batch
            raise DatabaseError("disk full")
        held(*entries)

    monkeypatch.setattr(writing, "_insert", failing)
    entries, errors = write_at_once()
    assert len(errors) == WRITERS - 1  # the second batch's writers, each told
    assert {str(error) for error in errors} == {"disk full"}
    assert AuditEntry.objects.count() == 1  # the first batch's entry; the second rolled back
    assert ChainLink.objects.count() == 1
    assert sum(entry is not None for entry in entries) == 1
    assert group._waiting == [] and group._leading == 0  # the next writer leads again
    monkeypatch.setattr(writing, "_insert", held)
    audit_event(origin=Origin(), action="case.view", decision="allowed")
    assert AuditEntry.objects.count() == 2


def test_an_entry_inside_a_transaction_stays_in_it() -> None:
    before = group.batches
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_event(origin=Origin(), action="case.view", decision="allowed")
        raise RuntimeError("the change failed")
    assert not AuditEntry.objects.exists()  # rolled back with the change it described
    assert group.batches == before


def test_with_several_lanes_every_entry_is_committed_once_and_chained() -> None:
    each = 25

    def writer(number: int) -> None:
        for i in range(each):
            audit_event(
                origin=Origin(), action="case.view", decision="allowed", object_id=f"{number}-{i}"
            )

    assert in_threads(WRITERS, writer) == []
    total = WRITERS * each
    assert AuditEntry.objects.count() == total
    assert sorted(AuditEntry.objects.values_list("object_id", flat=True)) == sorted(
        f"{n}-{i}" for n in range(WRITERS) for i in range(each)
    )
    assert list(ChainLink.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, total + 1)
    )
    assert group._leading == 0 and group._waiting == []
    assert verify_log().ok
