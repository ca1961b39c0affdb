"""The sequencer: chaining happens after the commit, off the request path, in batches."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from safekeep.audit import conf
from safekeep.audit.checkpoints import checkpoint_if_due
from safekeep.audit.models import AuditEntry, ChainLink, PendingEntry
from safekeep.audit.sequencer import sequencer
from safekeep.audit.writing import Origin, audit_event
from tests.factories import make_staff, make_user, sign_in

ORIGIN = Origin(actor_staff_id="S00001")


def append(count: int = 1, **extra: Any) -> None:
    for number in range(count):
        audit_event(
            origin=ORIGIN, action="case.view", decision="allowed", object_id=str(number), **extra
        )


@pytest.fixture
def background(settings: Any) -> Iterator[None]:
    settings.SAFEKEEP_AUDIT_SEQUENCER = "background"
    settings.SAFEKEEP_AUDIT_SEQUENCER_DELAY_MS = 50
    yield
    sequencer.stop()
    assert not sequencer.running()


def wait_until_chained(count: int, *, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while _chained() < count:
        assert time.monotonic() < deadline, "the sequencer did not chain in time"
        time.sleep(0.02)


def _chained() -> int:
    """How many entries are chained, read while the sequencer's thread may be writing.

    The SQLite test database is in memory with a shared cache, where a read that meets
    another connection's write fails at once ("table is locked") instead of waiting: that
    read is simply tried again.
    """
    try:
        return ChainLink.objects.count()
    except OperationalError as error:
        if "locked" not in str(error):
            raise
        return -1


def test_on_a_test_database_the_default_is_to_chain_in_the_callers_thread() -> None:
    assert conf.sequencer_mode() == "sync"


def test_the_mode_can_be_set_and_a_wrong_one_is_refused(settings: Any) -> None:
    settings.SAFEKEEP_AUDIT_SEQUENCER = "external"
    assert conf.sequencer_mode() == "external"
    settings.SAFEKEEP_AUDIT_SEQUENCER = "later"
    with pytest.raises(ImproperlyConfigured) as caught:
        conf.sequencer_mode()
    assert str(caught.value) == (
        "SAFEKEEP_AUDIT_SEQUENCER must be one of background, sync, external, not 'later'."
    )
    settings.SAFEKEEP_AUDIT_SEQUENCER = None
    settings.SAFEKEEP_AUDIT_CHAIN_ON_COMMIT = False
    assert conf.sequencer_mode() == "external"


def test_the_delay_is_capped_at_100_ms(settings: Any) -> None:
    settings.SAFEKEEP_AUDIT_SEQUENCER_DELAY_MS = 5000
    assert conf.sequencer_delay() == 0.1


@pytest.mark.django_db
def test_sync_mode_chains_at_commit(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        append(3)
    assert len(callbacks) == 1  # one chaining per transaction, however many entries
    assert ChainLink.objects.count() == 3


@pytest.mark.django_db
def test_external_mode_leaves_entries_waiting_for_audit_sequence(
    settings: Any, django_capture_on_commit_callbacks: Any, capsys: Any
) -> None:
    settings.SAFEKEEP_AUDIT_SEQUENCER = "external"
    with django_capture_on_commit_callbacks(execute=True):
        append(4)
    assert PendingEntry.objects.count() == 4
    assert not ChainLink.objects.exists()
    call_command("audit", "sequence")
    assert capsys.readouterr().out == "Chained 4 waiting entries.\n"
    assert ChainLink.objects.count() == 4


@pytest.mark.django_db
def test_audit_sequence_follow_keeps_chaining(settings: Any, capsys: Any) -> None:
    settings.SAFEKEEP_AUDIT_SEQUENCER = "external"
    append(2)
    call_command("audit", "sequence", "--follow", "--interval", "0", _rounds=2)
    assert capsys.readouterr().out == (
        "Chaining audit entries as they commit; Ctrl-C to stop.\n"
        "Stopped after chaining 2 entries.\n"
    )
    assert ChainLink.objects.count() == 2


@pytest.mark.django_db
def test_a_report_chains_waiting_entries_before_showing_sequence_numbers(
    settings: Any, client: Client
) -> None:
    settings.SAFEKEEP_AUDIT_SEQUENCER = "external"
    sign_in(client, make_user(make_staff(roles=("ig_officer",))))
    append(subject_id="P77")
    waiting = AuditEntry.objects.get(subject_id="P77")
    assert PendingEntry.objects.filter(entry=waiting).exists()
    response = client.get(reverse("audit:subject-report"), {"subject_id": "P77", "format": "csv"})
    assert response.status_code == 200
    assert not PendingEntry.objects.filter(entry=waiting).exists()
    row = response.content.decode().splitlines()[1]
    assert row.split(",")[0] == str(ChainLink.objects.get(entry=waiting).sequence)


@pytest.mark.django_db(transaction=True)
def test_an_append_outside_a_transaction_is_one_statement_on_postgresql(settings: Any) -> None:
    settings.SAFEKEEP_AUDIT_SEQUENCER = "external"
    with CaptureQueriesContext(connection) as queries:
        append()
    if connection.vendor == "postgresql":
        assert len(queries) == 1  # entry and queue row in one statement, no BEGIN/COMMIT
    else:
        assert [q["sql"].split()[0] for q in queries] == ["BEGIN", "INSERT", "INSERT", "COMMIT"]
    assert PendingEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_background_sequencer_chains_a_burst_in_few_batches(background: None) -> None:
    append(30)
    # The writers returned before anything was chained: chaining is off their path.
    wait_until_chained(30)
    assert sequencer.running()
    assert list(ChainLink.objects.order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, 31)
    )
    assert not PendingEntry.objects.exists()
    assert 1 <= sequencer.batches <= 10  # batched, not one round per entry
    if connection.vendor == "postgresql":
        time.sleep(0.2)  # let the thread finish its round and close its connection
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchone()[0] == 0  # the thread holds no connection between batches


@pytest.mark.django_db(transaction=True)
def test_the_background_sequencer_survives_an_error_and_retries(
    background: None, monkeypatch: Any
) -> None:
    from safekeep.audit import sequencer

    real = sequencer.chain_pending
    calls = {"n": 0}

    def flaky(**kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(sequencer, "chain_pending", flaky)
    monkeypatch.setattr("safekeep.audit.sequencer.RETRY_SECONDS", 0.01)
    monkeypatch.setattr("safekeep.audit.sequencer.IDLE_POLL_SECONDS", 0.05)
    append(2)
    wait_until_chained(2)
    assert calls["n"] >= 2


@pytest.mark.django_db
def test_scheduled_checkpoints_are_signed_when_due_and_the_log_grew(settings: Any) -> None:
    settings.SAFEKEEP_AUDIT_CHECKPOINT_MINUTES = 60
    audit_event(origin=Origin(actor_username="t"), action="test.one", decision="done")
    first = checkpoint_if_due()
    assert first is not None
    assert first.tree_size >= 1
    assert checkpoint_if_due() is None  # signed moments ago
    later = first.created_at + dt.timedelta(minutes=61)
    assert checkpoint_if_due(now=later) is None  # only its own entry since
    audit_event(origin=Origin(actor_username="t"), action="test.two", decision="done")
    second = checkpoint_if_due(now=later)
    assert second is not None and second.tree_size > first.tree_size
    entry = AuditEntry.objects.filter(action="audit.checkpoint").last()
    assert entry is not None and entry.actor_username == "system:audit-schedule"


@pytest.mark.django_db
def test_scheduled_checkpoints_can_be_switched_off(settings: Any) -> None:
    settings.SAFEKEEP_AUDIT_CHECKPOINT_MINUTES = 0
    audit_event(origin=Origin(actor_username="t"), action="test.one", decision="done")
    assert checkpoint_if_due() is None
