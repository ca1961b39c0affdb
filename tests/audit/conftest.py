"""Audit tests: keys in a per-test data directory; helpers to write and tamper with the log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from safekeep.audit.chain import chain_pending
from safekeep.audit.writing import Origin, audit_event

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


def execute(sql: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
