"""`verify` on PostgreSQL walks a large log in parallel processes and joins the ranges.

The log here is small, so the tests lower the size at which verify splits it: 1,100 entries
in three ranges of 512, 512 and 76. Whatever the ranges find wrong, the report is the one
the single walk gives, entry numbers and all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection

from safekeep.audit import verify
from safekeep.audit.checkpoints import checkpoint_create
from safekeep.audit.findings import VerifyReport
from safekeep.audit.maintenance import wiping_test_database
from safekeep.audit.models import ChainLink
from safekeep.audit.walk import Walk
from safekeep.audit.writing import Origin
from tests.audit.conftest import execute, write_entries

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_in_three(settings: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite is walked in one process")
    settings.SAFEKEEP_AUDIT_VERIFY_WORKERS = 3
    settings.SAFEKEEP_AUDIT_VERIFY_PARALLEL_MIN = 0


@pytest.fixture
def ranges(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[list[int]]]:
    """How many entries each worker walked, each time verify ran them."""
    runs: list[list[int]] = []
    real = verify._run_workers

    def spy(*args: Any) -> list[Walk]:
        walks = real(*args)
        runs.append([walk.entries for walk in walks])
        return walks

    monkeypatch.setattr(verify, "_run_workers", spy)
    yield runs


def single_walk(settings: Any) -> VerifyReport:
    settings.SAFEKEEP_AUDIT_VERIFY_WORKERS = 1
    return verify.verify_log()


def tamper(*statements: tuple[str, list[Any]]) -> None:
    """Changes the append-only triggers would refuse, committed with them off."""
    with wiping_test_database(connection):
        for sql, params in statements:
            execute(sql, params)
        execute("SET CONSTRAINTS ALL IMMEDIATE")  # checked now: the triggers come back on


def test_the_joined_ranges_give_the_single_walks_report(
    ranges: list[list[int]], settings: Any
) -> None:
    write_entries(700)
    checkpoint_create(origin=Origin.command("test"))  # size 700: inside the second range
    write_entries(399)
    steps: list[int] = []
    report = verify.verify_log(progress=steps.append)
    assert ranges == [[512, 512, 76]]
    assert steps == [1100]
    assert report.ok, report.problems
    assert (report.entries, report.checkpoints) == (1100, 1)
    single = single_walk(settings)
    assert (single.entries, single.root_hash) == (report.entries, report.root_hash)


def test_a_changed_entry_in_a_later_range_is_named_as_by_the_single_walk(
    ranges: list[list[int]], settings: Any
) -> None:
    write_entries(1100)
    entry = ChainLink.objects.get(sequence=600).entry_id
    tamper(("UPDATE audit_auditentry SET decision = 'refused' WHERE id = %s", [entry]))
    steps: list[int] = []
    report = verify.verify_log(progress=steps.append)
    assert sum(steps) == 1100  # counted once: by the single walk, not the ranges as well
    assert len(ranges) == 1  # the ranges ran, found it, and the single walk named it
    assert report.first_bad_sequence == 600
    assert report.problems == [
        (600, "Entry 600 has been changed: its contents do not match its hash."),
        (768, "Merkle tile 2 (entries 513 to 768) does not match its entries."),
    ]
    assert single_walk(settings).problems == report.problems


@pytest.mark.parametrize("gone", [512, 513])
def test_an_entry_removed_at_a_range_boundary_is_named(
    gone: int, ranges: list[list[int]], settings: Any
) -> None:
    write_entries(1101)
    checkpoint_create(origin=Origin.command("test"))  # signs 1101; its own entry is 1102
    tamper(("DELETE FROM audit_chainlink WHERE sequence = %s", [gone]))
    report = verify.verify_log()
    assert report.first_bad_sequence == gone
    assert report.problems[0] == (
        gone,
        f"Entry {gone} is missing: the chain jumps from entry {gone - 1} to entry {gone + 1}.",
    )
    assert single_walk(settings).problems == report.problems


def test_a_wrong_tile_is_named(ranges: list[list[int]]) -> None:
    write_entries(1100)
    tamper(("UPDATE audit_merkletile SET root_hash = %s WHERE index = 3", ["ab" * 32]))
    report = verify.verify_log()
    assert report.problems == [
        (1024, "Merkle tile 3 (entries 769 to 1024) does not match its entries.")
    ]


def test_reordered_entries_across_a_boundary_are_caught(ranges: list[list[int]]) -> None:
    write_entries(1100)
    a, b = (ChainLink.objects.get(sequence=s) for s in (512, 513))
    insert = "INSERT INTO audit_chainlink VALUES (%s, %s, %s, %s)"
    tamper(
        ("DELETE FROM audit_chainlink WHERE sequence IN (512, 513)", []),
        (insert, [512, a.previous_hash, a.entry_hash, b.entry_id]),
        (insert, [513, b.previous_hash, b.entry_hash, a.entry_id]),
    )
    report = verify.verify_log()
    assert report.first_bad_sequence == 512
    assert report.problems[0] == (
        512,
        "Entry 512 has been changed: its contents do not match its hash.",
    )
