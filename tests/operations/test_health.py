"""/healthz and /readyz: unauthenticated, one word, not audited; /readyz says "not ready"
when the keys cannot serve the database or the audit sequencer has fallen behind."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from safekeep.audit.models import AuditEntry, PendingEntry
from safekeep.crypto import envelope
from safekeep.crypto.envelope import KeyRef
from safekeep.operations.health import forget_key_check

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_key_check() -> Iterator[None]:
    forget_key_check()
    yield
    forget_key_check()


def test_both_answer_one_word_to_anyone_and_are_not_audited(client: Client) -> None:
    envelope.encrypt_text(KeyRef.of("case", 1), field="body", value="a key")  # keys now
    before = AuditEntry.objects.count()
    health = client.get("/healthz")
    ready = client.get("/readyz")
    assert (health.status_code, health.content) == (200, b"ok\n")
    assert (ready.status_code, ready.content) == (200, b"ready\n")
    assert health["Content-Type"] == "text/plain; charset=utf-8"
    assert "no-store" in ready["Cache-Control"]
    assert client.post("/readyz").status_code == 405
    assert AuditEntry.objects.count() == before


def test_not_ready_when_the_keys_are_gone_and_the_reason_stays_in_the_log(
    client: Client, data_dir: Path, forget: Any, caplog: pytest.LogCaptureFixture
) -> None:
    envelope.encrypt_text(KeyRef.of("case", 1), field="body", value="a key")
    for path in data_dir.iterdir():
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    forget()
    response = client.get("/readyz")
    assert (response.status_code, response.content) == (503, b"not ready\n")
    assert "not ready:" in caplog.text


def test_not_ready_when_an_entry_has_waited_too_long_to_be_chained(
    client: Client, settings: Any
) -> None:
    settings.SAFEKEEP_READY_AUDIT_LAG_SECONDS = 60
    waiting = AuditEntry.objects.create(
        occurred_at=timezone.now() - dt.timedelta(seconds=30),
        action="case.view",
        decision=AuditEntry.Decision.ALLOWED,
    )
    PendingEntry.objects.create(entry=waiting)
    assert client.get("/readyz").status_code == 200  # 30 s behind: within the limit
    settings.SAFEKEEP_READY_AUDIT_LAG_SECONDS = 10
    assert client.get("/readyz").status_code == 503
