"""Audit tests: keys in a per-test data directory; helpers to write and tamper with the log."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from safekeep.audit import canonical
from safekeep.audit.chain import chain_pending, entry_fields
from safekeep.audit.models import AuditEntry, Checkpoint
from safekeep.audit.writing import Origin, audit_event

Capture = Callable[..., AbstractContextManager[Any]]  # django_capture_on_commit_callbacks

TABLES = ("audit_auditentry", "audit_chainlink", "audit_merkletile", "audit_checkpoint")


@pytest.fixture(autouse=True)
def _audit_keys(tmp_path: Path, settings: Any) -> None:
    settings.DATA_DIR = tmp_path


def write_entries(count: int, *, action: str = "case.view") -> None:
    origin = Origin(actor_staff_id="S00001", actor_username="a@council.example", device="LAP-1")
    for number in range(count):
        audit_event(
            origin=origin,
            action=action,
            decision="allowed",
            object_type="case",
            object_id=f"C{number:06d}",
            subject_id=f"P{number:06d}",
            reasons=[f"allocated worker since 2026-0{1 + number % 9}-01"],
            obligations=["audit"],
        )
    chain_pending()


def drop_triggers() -> None:
    """What someone with database rights does first."""
    with connection.cursor() as cursor:
        for table in TABLES:
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER {table}_append_only ON {table}")
                cursor.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER {table}_no_update")
                cursor.execute(f"DROP TRIGGER {table}_no_delete")


def stored_entry_bytes(entry: AuditEntry, sequence: int, previous_hash: str) -> bytes:
    """`canonical.entry_bytes` of a stored entry at its place in the chain."""
    fields = entry_fields(entry, sequence, previous_hash)
    # entry_fields types its values as object; they are the model's str, datetime and lists
    return canonical.entry_bytes(**fields)  # type: ignore[arg-type]


def execute(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def sign(capture: Capture) -> Checkpoint:
    """`safekeep audit checkpoint`, committed, so the witnesses receive it."""
    with capture(execute=True):
        call_command("audit", "checkpoint", stdout=io.StringIO())
    chain_pending()  # its own entry, as the sequencer chains it after the commit
    return Checkpoint.objects.latest("id")


def verify_command(*args: str) -> tuple[str, str, str]:
    """`safekeep audit verify`: (the failure, or "" when it passes; stdout; stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", "--no-progress", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return str(exc), out.getvalue(), err.getvalue()
    return "", out.getvalue(), err.getvalue()


def in_threads(count: int, work: Callable[[int], None]) -> list[BaseException]:
    """`work(n)` for n in 0..count-1, each in its own thread and connection; what they raised."""
    errors: list[BaseException] = []

    def run(number: int) -> None:
        try:
            work(number)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
