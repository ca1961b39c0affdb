"""Entries, the chain the sequencer builds, and the database refusing changes to either."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from safekeep.audit import canonical, merkle
from safekeep.audit.chain import chain_pending
from safekeep.audit.checkpoints import checkpoint_create
from safekeep.audit.maintenance import NotATestDatabase, wiping_test_database
from safekeep.audit.models import AuditEntry, ChainLink, MerkleTile, PendingEntry
from safekeep.audit.writing import Origin, audit_event
from tests.audit.conftest import stored_entry_bytes, write_entries

pytestmark = pytest.mark.django_db


def test_an_entry_waits_in_the_callers_transaction_until_chained() -> None:
    entry = audit_event(
        origin=Origin(actor_staff_id="S1", request_id="r1", source_address="10.0.0.1"),
        action="case.view",
        decision="refused",
        object_type="case",
        object_id="7",
        subject_id="P1",
        reasons=["device is an unencrypted laptop off site"],
        obligations=["audit"],
    )
    entry.refresh_from_db()
    assert entry.object_id == "7"
    assert entry.obligations == ["audit"]
    assert PendingEntry.objects.filter(entry=entry).exists()
    assert chain_pending() == 1
    link = ChainLink.objects.get(entry=entry)
    assert link.sequence == 1
    assert link.previous_hash == canonical.GENESIS_HASH
    assert not PendingEntry.objects.exists()


def test_the_chain_has_no_gaps_and_each_hash_covers_the_canonical_encoding() -> None:
    write_entries(300)
    links = list(ChainLink.objects.select_related("entry").order_by("sequence"))
    assert [link.sequence for link in links] == list(range(1, 301))
    previous = canonical.GENESIS_HASH
    for link in links:
        assert link.previous_hash == previous
        encoded = stored_entry_bytes(link.entry, link.sequence, previous)
        assert link.entry_hash == hashlib.sha256(encoded).hexdigest()
        previous = link.entry_hash
    # One complete 256-leaf tile, with the RFC 6962 root of its leaves.
    tile = MerkleTile.objects.get()
    leaves = [merkle.leaf_hash(bytes.fromhex(link.entry_hash)) for link in links[:256]]
    assert (tile.index, tile.root_hash) == (0, merkle.root_of(leaves).hex())


def test_canonical_encoding_is_lengths_then_values() -> None:
    entry = audit_event(
        origin=Origin(actor_staff_id="S1"),
        action="case.view",
        decision="allowed",
        reasons=["Zoë's allocated worker", 'a "quoted"\nline'],
    )
    entry.refresh_from_db()
    encoded = stored_entry_bytes(entry, 1, canonical.GENESIS_HASH)
    header, lengths, values = encoded.split(b"\n", 2)
    assert header == b"safekeep-audit/v2"
    sizes = [int(n) for n in lengths.split(b" ")]
    assert len(sizes) == 15 and sum(sizes) == len(values)
    parts, offset = [], 0
    for size in sizes:
        parts.append(values[offset : offset + size].decode())
        offset += size
    assert parts[:3] == ["1", canonical.GENESIS_HASH, canonical.format_time(entry.occurred_at)]
    assert parts[3] == "S1" and parts[8] == "case.view" and parts[12] == "allowed"
    assert parts[13] == '["Zoë\'s allocated worker", "a \\"quoted\\"\\nline"]'
    assert parts[14] == "[]"
    assert parts[2].endswith("Z") and len(parts[2]) == 27


COLUMNS = {
    "audit_auditentry": "action",
    "audit_chainlink": "entry_hash",
    "audit_merkletile": "root_hash",
    "audit_checkpoint": "root_hash",
}


@pytest.mark.parametrize("table", sorted(COLUMNS))
@pytest.mark.parametrize("verb", ["UPDATE", "DELETE"])
def test_the_database_refuses_update_and_delete(table: str, verb: str) -> None:
    write_entries(256)
    checkpoint_create(origin=Origin.command("test"))
    column = COLUMNS[table]
    statement = (
        f"UPDATE {table} SET {column} = {column}"  # noqa: S608 - fixed table names
        if verb == "UPDATE"
        else f"DELETE FROM {table}"  # noqa: S608
    )
    with (
        pytest.raises(DatabaseError) as caught,
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert f"audit log is append-only: {verb} refused on {table}" in str(caught.value)


def test_the_orm_cannot_change_or_delete_an_entry_either() -> None:
    write_entries(1)
    entry = AuditEntry.objects.get()
    with pytest.raises(DatabaseError, match="append-only: UPDATE refused"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(decision="allowed")
    with pytest.raises(DatabaseError, match="append-only: DELETE refused"), transaction.atomic():
        ChainLink.objects.all().delete()


def test_flush_is_refused_on_a_database_that_is_not_a_test_database(settings: object) -> None:
    real = connection.settings_dict.copy()
    try:
        connection.settings_dict["NAME"] = "safekeep"
        connection.settings_dict["TEST"] = {"NAME": "test_other"}
        with pytest.raises(NotATestDatabase) as caught, wiping_test_database(connection):
            pass
        assert str(caught.value) == (
            "Refused: flushing would erase the audit log, which is append-only. "
            "Only a test database may be flushed."
        )
        with pytest.raises(CommandError, match="Only a test database may be flushed"):
            call_command("flush", interactive=False, verbosity=0)
    finally:
        connection.settings_dict.clear()
        connection.settings_dict.update(real)
