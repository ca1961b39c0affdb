"""`verify` reports gaps in the checkpoint sequence, a witness behind, an overdue checkpoint."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from safekeep.audit.checks import check_audit_settings
from safekeep.audit.models import ChainLink
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


def test_a_checkpoint_deleted_from_the_middle_is_a_gap_even_without_a_witness(
    django_capture_on_commit_callbacks: Capture, settings: Any
) -> None:
    settings.SAFEKEEP_AUDIT_WITNESS = "none"
    write_entries(3)
    checkpoints = [sign(django_capture_on_commit_callbacks) for _ in range(3)]
    recorded = ChainLink.objects.get(
        entry__action="audit.checkpoint", entry__object_id=str(checkpoints[1].pk)
    ).sequence
    drop_triggers()
    execute("DELETE FROM audit_checkpoint WHERE id = %s", [checkpoints[1].pk])
    assert verify_log().problems == [
        (
            0,
            f"Checkpoint {checkpoints[1].pk}, recorded in the log at entry {recorded}, is "
            "missing from the checkpoints table: it has been deleted.",
        )
    ]


def test_a_checkpoint_missing_from_the_witness_is_a_gap_there(
    django_capture_on_commit_callbacks: Capture, tmp_path: Path
) -> None:
    write_entries(3)
    checkpoints = [sign(django_capture_on_commit_callbacks) for _ in range(4)]
    for lost in checkpoints[1:3]:
        (tmp_path / "witness" / f"{lost.pk:010d}.checkpoint").unlink()
    failure, _, err = verify_command()
    assert failure == (
        "The audit log's entries check, but its checkpoints are not safe: 1 problem."
    )
    assert (
        f"The witness {tmp_path / 'witness'} is behind: it lacks checkpoint "
        f"{checkpoints[1].pk}, {checkpoints[2].pk}, which the database has."
    ) in err


def test_an_empty_witness_beside_a_database_with_checkpoints_is_behind(
    django_capture_on_commit_callbacks: Capture, tmp_path: Path, settings: Any
) -> None:
    write_entries(3)
    sign(django_capture_on_commit_callbacks)
    settings.SAFEKEEP_AUDIT_WITNESS = f"dir:{tmp_path / 'new-share'}"
    failure, _, err = verify_command()
    assert failure.endswith("its checkpoints are not safe: 1 problem.")
    assert (
        f"The witness {tmp_path / 'new-share'} holds no checkpoint, but the database has 1: "
        "the witness is behind. If it is new, `safekeep audit checkpoint` starts it"
    ) in err
    sign(django_capture_on_commit_callbacks)
    assert verify_command()[0] == ""


def test_a_checkpoint_is_overdue_only_when_entries_wait_past_the_interval_and_grace(
    django_capture_on_commit_callbacks: Capture, settings: Any
) -> None:
    settings.SAFEKEEP_AUDIT_CHECKPOINT_MINUTES = 60
    settings.SAFEKEEP_AUDIT_CHECKPOINT_GRACE_MINUTES = 15
    write_entries(5)
    checkpoint = sign(django_capture_on_commit_callbacks)  # size 5; its own entry is 6
    later = timezone.now() + dt.timedelta(hours=3)
    assert verify_log(overdue=True, now=later).custody == []  # nothing new to vouch for

    write_entries(3)  # entries 7 to 9
    waiting = ChainLink.objects.select_related("entry").get(sequence=7).entry.occurred_at
    assert verify_log(overdue=True, now=waiting + dt.timedelta(minutes=75)).custody == []
    report = verify_log(overdue=True, now=waiting + dt.timedelta(minutes=76))
    since = timezone.localtime(waiting).strftime("%d %B %Y %H:%M")
    assert report.custody == [
        f"A checkpoint is overdue: entry 7 (recorded {since}) has waited 76 minutes for one; "
        f"the newest good checkpoint covers {checkpoint.tree_size} entries, and one is due "
        "every 60 minutes with 15 minutes' grace. Is the sequencer running? `safekeep audit "
        "checkpoint` signs one now."
    ]
    assert not report.ok and report.problems == []


def test_overdue_is_not_checked_when_scheduled_checkpoints_are_off(
    django_capture_on_commit_callbacks: Capture,
) -> None:
    write_entries(2)
    failure, out, _ = verify_command()
    assert failure == ""
    assert (
        "Scheduled checkpoints are off (SAFEKEEP_AUDIT_CHECKPOINT_MINUTES=0): whether one is "
        "overdue was not checked."
    ) in out


def test_verify_says_plainly_when_no_witness_is_configured(settings: Any) -> None:
    settings.SAFEKEEP_AUDIT_WITNESS = "none"
    write_entries(2)
    failure, _, err = verify_command()
    assert failure == ""
    assert (
        "Warning: No witness is configured (SAFEKEEP_AUDIT_WITNESS=none): someone with the "
        "database could cut the log's tail, or rewrite it and delete its checkpoints, and "
        "verify would not see it."
    ) in err


def test_no_witness_skips_the_witness_and_says_so(
    django_capture_on_commit_callbacks: Capture, tmp_path: Path, settings: Any
) -> None:
    write_entries(2)
    sign(django_capture_on_commit_callbacks)
    settings.SAFEKEEP_AUDIT_WITNESS = f"dir:{tmp_path / 'elsewhere'}"
    failure, _, err = verify_command("--no-witness")
    assert failure == ""
    assert "Warning: Not compared with the witness nor the schedule (--no-witness)." in err


def test_a_witness_or_origin_setting_that_cannot_work_stops_start_up(settings: Any) -> None:
    settings.SAFEKEEP_AUDIT_WITNESS = "dir:relative/path"
    settings.SAFEKEEP_AUDIT_ORIGIN = "two words"
    errors = check_audit_settings()
    assert [(e.id, e.msg) for e in errors] == [
        (
            "safekeep.audit.E001",
            "SAFEKEEP_AUDIT_ORIGIN must be a name without spaces or '+', e.g. "
            "safekeep.invalid/audit, not 'two words'.",
        ),
        (
            "safekeep.audit.E001",
            "SAFEKEEP_AUDIT_WITNESS item 1 ('dir:relative/path') must be dir:/ABSOLUTE/PATH, "
            "syslog:/dev/log, syslog:HOST:PORT, email:ADDRESS, or the single word none.",
        ),
    ]
    settings.SAFEKEEP_AUDIT_WITNESS = "syslog:siem.council.example"
    del settings.SAFEKEEP_AUDIT_ORIGIN
    assert check_audit_settings() == []
