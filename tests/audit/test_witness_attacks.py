"""The red team's two attacks with raw database access, caught by the witness with no file given.

Each attack first shows that the database alone no longer tells (`verify_log()` without the
witness passes), then that `safekeep audit verify`, with no arguments, fails and says what.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from safekeep.audit import canonical, merkle
from safekeep.audit.chain import entry_fields
from safekeep.audit.models import AuditEntry, ChainLink, MerkleTile
from safekeep.audit.tree import TILE_SIZE
from safekeep.audit.verify import verify_log
from tests.audit.conftest import (
    Capture,
    drop_triggers,
    execute,
    sign,
    verify_command,
    write_entries,
)

pytestmark = pytest.mark.django_db


def cut_tail(*, keep: int) -> None:
    """Delete every entry after `keep`, its chain links and the tiles that covered them."""
    gone = list(ChainLink.objects.filter(sequence__gt=keep).values_list("entry_id", flat=True))
    execute("DELETE FROM audit_chainlink WHERE sequence > %s", [keep])
    for entry_id in gone:
        execute("DELETE FROM audit_auditentry WHERE id = %s", [entry_id])
    execute('DELETE FROM audit_merkletile WHERE "index" >= %s', [keep // TILE_SIZE])


def rehash_from(first: int) -> None:
    """Recompute every link from entry `first` on and every tile, as the app itself does."""
    previous = ChainLink.objects.get(sequence=first - 1).entry_hash
    links = ChainLink.objects.select_related("entry").filter(sequence__gte=first)
    for link in links.order_by("sequence"):
        digest = canonical.entry_hash(**entry_fields(link.entry, link.sequence, previous))
        execute(
            "UPDATE audit_chainlink SET previous_hash = %s, entry_hash = %s WHERE sequence = %s",
            [previous, digest, link.sequence],
        )
        previous = digest
    hashes = list(ChainLink.objects.order_by("sequence").values_list("entry_hash", flat=True))
    for tile in MerkleTile.objects.all():
        block = hashes[tile.index * TILE_SIZE : (tile.index + 1) * TILE_SIZE]
        root = merkle.root_of([merkle.leaf_hash(bytes.fromhex(h)) for h in block])
        execute(
            'UPDATE audit_merkletile SET root_hash = %s WHERE "index" = %s',
            [root.hex(), tile.index],
        )


def test_an_untouched_log_verifies_against_its_witness(
    django_capture_on_commit_callbacks: Capture, tmp_path: Path
) -> None:
    write_entries(300)
    first = sign(django_capture_on_commit_callbacks)
    write_entries(20)
    second = sign(django_capture_on_commit_callbacks)
    failure, out, err = verify_command()
    assert failure == ""
    assert f"Witness {tmp_path / 'witness'}: 2 checkpoints, {first.pk} to {second.pk}." in out
    assert "Audit log intact: 322 entries, 2 checkpoints checked, root " in out
    assert f"Warning: The witness is the default directory {tmp_path / 'witness'}" in err


def test_a_cut_tail_with_its_checkpoint_deleted_is_caught_by_the_witness(
    django_capture_on_commit_callbacks: Capture, tmp_path: Path
) -> None:
    write_entries(300)
    sign(django_capture_on_commit_callbacks)  # size 300; its own entry is 301
    write_entries(100)
    newest = sign(django_capture_on_commit_callbacks)  # size 401
    drop_triggers()
    cut_tail(keep=301)
    execute("DELETE FROM audit_checkpoint WHERE id = %s", [newest.pk])
    assert verify_log().ok  # the database alone shows nothing wrong

    summary, _, err = verify_command()
    witnessed = tmp_path / "witness" / f"{newest.pk:010d}.checkpoint"
    assert summary == "The audit log has been tampered with: 2 problems. First bad entry: 302."
    assert (
        f"The witness's checkpoint {newest.pk} ({witnessed}) was signed when the log had 401 "
        "entries; it now has 301: entries have been removed."
    ) in err
    assert (
        f"Checkpoint {newest.pk} is in the witness ({tmp_path / 'witness'}) but not in the "
        "database: it has been deleted."
    ) in err


def test_a_rewritten_entry_with_its_checkpoint_deleted_is_caught_by_the_witness(
    django_capture_on_commit_callbacks: Capture, tmp_path: Path, settings: Any
) -> None:
    share = tmp_path / "share"
    settings.SAFEKEEP_AUDIT_WITNESS = f"dir:{share}"
    write_entries(300)
    covering = sign(django_capture_on_commit_callbacks)  # size 300, entry 301 records it
    drop_triggers()
    cut_tail(keep=300)  # the record of the checkpoint goes too
    execute("DELETE FROM audit_checkpoint WHERE id = %s", [covering.pk])
    target = ChainLink.objects.get(sequence=100).entry_id
    execute(
        "UPDATE audit_auditentry SET decision = 'refused', reasons = %s WHERE id = %s",
        ['["no relationship with this case"]', target],
    )
    rehash_from(100)
    assert AuditEntry.objects.get(pk=target).decision == "refused"
    assert verify_log().ok  # links, tiles and hashes all agree again

    summary, _, err = verify_command()
    assert summary == "The audit log has been tampered with: 2 problems."
    assert (
        f"The witness's checkpoint {covering.pk} ({share / f'{covering.pk:010d}.checkpoint'}) "
        "(size 300) does not match the log: entries up to 300 have been changed."
    ) in err
    assert (
        f"Checkpoint {covering.pk} is in the witness ({share}) but not in the database: it has "
        "been deleted."
    ) in err
