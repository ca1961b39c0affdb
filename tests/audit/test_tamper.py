"""`verify` finds every kind of tampering, even after the append-only triggers are dropped."""

from __future__ import annotations

import pytest

from safekeep.audit import canonical
from safekeep.audit.chain import chain_pending, entry_fields
from safekeep.audit.checkpoints import checkpoint_create
from safekeep.audit.models import AuditEntry, ChainLink
from safekeep.audit.verify import verify_log
from safekeep.audit.writing import Origin
from tests.audit.conftest import drop_triggers, execute, write_entries

pytestmark = pytest.mark.django_db


def link(sequence: int) -> ChainLink:
    return ChainLink.objects.get(sequence=sequence)


def test_an_untouched_log_verifies() -> None:
    write_entries(600)
    checkpoint_create(origin=Origin.command("test"))
    report = verify_log()
    assert report.ok, report.problems
    assert report.entries == 601  # the checkpoint is itself audited
    assert report.checkpoints == 1
    assert report.warnings == []


def test_an_edited_entry_is_named() -> None:
    write_entries(40)
    drop_triggers()
    execute("UPDATE audit_auditentry SET decision = 'refused' WHERE id = %s", [link(17).entry_id])
    report = verify_log()
    assert report.first_bad_sequence == 17
    assert report.problems == [
        (17, "Entry 17 has been changed: its contents do not match its hash.")
    ]
    assert any("triggers on audit_auditentry are missing" in w for w in report.warnings)


def test_a_removed_entry_is_named() -> None:
    write_entries(40)
    drop_triggers()
    gone = link(12)
    execute("DELETE FROM audit_chainlink WHERE sequence = 12")
    execute("DELETE FROM audit_auditentry WHERE id = %s", [gone.entry_id])
    report = verify_log()
    assert report.first_bad_sequence == 12
    assert report.problems[0] == (
        12,
        "Entry 12 is missing: the chain jumps from entry 11 to entry 13.",
    )


def test_a_removed_entry_with_the_chain_renumbered_is_caught() -> None:
    write_entries(20)
    drop_triggers()
    rows = list(ChainLink.objects.filter(sequence__gte=8).order_by("sequence").values())
    execute("DELETE FROM audit_chainlink WHERE sequence >= 8")
    execute("DELETE FROM audit_auditentry WHERE id = %s", [rows[0]["entry_id"]])
    for row in rows[1:]:
        ChainLink.objects.create(**{**row, "sequence": row["sequence"] - 1})
    report = verify_log()
    assert report.first_bad_sequence == 8
    assert report.problems[:2] == [
        (
            8,
            "Entry 8 does not follow entry 7: its previous hash does not match "
            "(entries removed, inserted or reordered).",
        ),
        (8, "Entry 8 has been changed: its contents do not match its hash."),
    ]


def test_an_inserted_entry_is_caught() -> None:
    write_entries(20)
    drop_triggers()
    rows = list(ChainLink.objects.filter(sequence__gte=10).order_by("sequence").values())
    execute("DELETE FROM audit_chainlink WHERE sequence >= 10")
    forged = AuditEntry.objects.create(
        occurred_at=AuditEntry.objects.get(pk=rows[0]["entry_id"]).occurred_at,
        action="case.view",
        decision="allowed",
        object_type="case",
        object_id="C1",
    )
    previous = link(9).entry_hash
    forged_hash = canonical.entry_hash(**entry_fields(forged, 10, previous))
    ChainLink.objects.create(
        sequence=10, entry=forged, previous_hash=previous, entry_hash=forged_hash
    )
    for row in rows:
        ChainLink.objects.create(**{**row, "sequence": row["sequence"] + 1})
    report = verify_log()
    # The forged entry hashes correctly; the one after it no longer follows it.
    assert report.first_bad_sequence == 11
    assert report.problems[0] == (
        11,
        "Entry 11 does not follow entry 10: its previous hash does not match "
        "(entries removed, inserted or reordered).",
    )


def test_an_entry_slipped_into_the_table_without_the_chain_is_caught() -> None:
    write_entries(5)
    forged = AuditEntry.objects.create(
        occurred_at=AuditEntry.objects.earliest("id").occurred_at,
        action="case.view",
        decision="allowed",
    )
    report = verify_log()
    assert report.problems == [
        (
            0,
            f"1 entries are in the entries table but not in the chain (inserted outside "
            f"Safekeep?), e.g. id {forged.pk}.",
        )
    ]


def test_reordered_entries_are_caught() -> None:
    write_entries(20)
    drop_triggers()
    a, b = link(5), link(6)
    execute("DELETE FROM audit_chainlink WHERE sequence IN (5, 6)")
    ChainLink.objects.create(
        sequence=5, entry_id=b.entry_id, previous_hash=a.previous_hash, entry_hash=a.entry_hash
    )
    ChainLink.objects.create(
        sequence=6, entry_id=a.entry_id, previous_hash=b.previous_hash, entry_hash=b.entry_hash
    )
    report = verify_log()
    assert report.first_bad_sequence == 5
    assert report.problems[0] == (
        5,
        "Entry 5 has been changed: its contents do not match its hash.",
    )


def test_a_fully_rehashed_chain_is_caught_by_the_signed_checkpoint() -> None:
    write_entries(300)
    checkpoint = checkpoint_create(origin=Origin.command("test"))
    drop_triggers()
    execute("UPDATE audit_auditentry SET decision = 'refused' WHERE id = %s", [link(3).entry_id])
    # Recompute every hash and tile after the edit, as a careful attacker would.
    previous = canonical.GENESIS_HASH
    for row in ChainLink.objects.select_related("entry").order_by("sequence"):
        digest = canonical.entry_hash(**entry_fields(row.entry, row.sequence, previous))
        ChainLink.objects.filter(sequence=row.sequence).update(
            previous_hash=previous, entry_hash=digest
        )
        previous = digest
    from safekeep.audit import merkle
    from safekeep.audit.models import MerkleTile

    leaves = [
        merkle.leaf_hash(bytes.fromhex(h))
        for h in ChainLink.objects.order_by("sequence").values_list("entry_hash", flat=True)[:256]
    ]
    MerkleTile.objects.filter(index=0).update(root_hash=merkle.root_of(leaves).hex())
    report = verify_log()
    assert report.problems == [
        (
            0,
            f"Stored checkpoint {checkpoint.pk} (size 300) does not match the log: "
            "entries up to 300 have been changed.",
        )
    ]


def test_removing_the_newest_entries_is_caught_by_the_checkpoint() -> None:
    write_entries(30)
    checkpoint = checkpoint_create(origin=Origin.command("test"))
    chain_pending()
    drop_triggers()
    for sequence in (31, 30, 29):
        gone = link(sequence)
        execute("DELETE FROM audit_chainlink WHERE sequence = %s", [sequence])
        execute("DELETE FROM audit_auditentry WHERE id = %s", [gone.entry_id])
    report = verify_log()
    assert report.problems == [
        (
            29,
            f"Stored checkpoint {checkpoint.pk} was signed when the log had 30 entries; "
            "it now has 28: entries have been removed.",
        )
    ]


def test_a_forged_checkpoint_signature_is_caught() -> None:
    write_entries(10)
    checkpoint = checkpoint_create(origin=Origin.command("test"))
    drop_triggers()
    execute("UPDATE audit_checkpoint SET tree_size = 9 WHERE id = %s", [checkpoint.pk])
    report = verify_log()
    assert report.problems == [
        (
            0,
            f"Stored checkpoint {checkpoint.pk} does not check: its signature does not match "
            "its text.",
        )
    ]
