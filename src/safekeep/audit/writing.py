"""Writing to the audit log: every decision and change in Safekeep goes through here.

`audit_event` inserts the entry (and a queue row) in the caller's transaction, so the entry
and the change it describes commit together, and concurrent writers never wait for each
other. An entry written outside any transaction joins this process's group commit: the
entries of every writer waiting at that moment are inserted in one statement and made
durable by one commit, and each writer returns only once its entry has committed. After the
commit it announces `entries_committed`; the sequencer (`sequencer.py`,
connected in `AuditConfig.ready`) then chains the waiting entries in batches, as Trillian's
log signer does. This module imports nothing else of the audit app but its models, so
every other app (and the chain itself) can write here without a cycle.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Model
from django.dispatch import Signal
from django.http import HttpRequest
from django.utils import timezone

from safekeep.audit.models import AuditEntry, PendingEntry

logger = logging.getLogger(__name__)

# Sent once per committed transaction that wrote entries (and after each entry written
# outside a transaction): the sequencer listens.
entries_committed = Signal()


def _announce_commit() -> None:
    entries_committed.send(sender=AuditEntry)


@dataclass(frozen=True, slots=True)
class Origin:
    """Who acted and from where; built once per request (or per command) by the caller."""

    actor_staff_id: str = ""
    actor_username: str = ""
    device: str = ""
    request_id: str = ""
    source_address: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest, *, device: str = "") -> Origin:
        user = getattr(request, "user", None)
        staff = getattr(user, "staff", None) if user is not None else None
        return cls(
            actor_staff_id=staff.staff_id if staff is not None else "",
            actor_username=user.get_username()
            if user is not None and user.is_authenticated
            else "",
            device=device,
            request_id=getattr(request, "request_id", ""),
            source_address=request.META.get("REMOTE_ADDR", ""),
        )

    @classmethod
    def command(cls, name: str, *, staff_id: str = "") -> Origin:
        return cls(actor_staff_id=staff_id, actor_username=f"command:{name}")


def audit_event(
    *,
    origin: Origin,
    action: str,
    decision: str,
    object_type: str = "",
    object_id: str = "",
    subject_id: str = "",
    reasons: Sequence[str] = (),
    obligations: Sequence[str] = (),
) -> AuditEntry:
    """Append one entry in the caller's transaction, so the entry and the change commit together."""
    entry = AuditEntry(
        occurred_at=timezone.now(),
        actor_staff_id=origin.actor_staff_id,
        actor_username=origin.actor_username,
        device=origin.device,
        request_id=origin.request_id,
        source_address=origin.source_address,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        subject_id=subject_id,
        decision=decision,
        reasons=[str(reason) for reason in reasons],
        obligations=[str(obligation) for obligation in obligations],
    )
    if connection.in_atomic_block:
        _insert(entry)
        if not any(
            item[1] is _announce_commit
            for item in connection.run_on_commit  # (savepoint ids, func, robust)
        ):
            transaction.on_commit(_announce_commit, robust=True)
        return entry
    group.append(entry)
    return entry


def audit_change(
    origin: Origin,
    action: str,
    obj: Model,
    *,
    subject_id: str = "",
    reasons: Sequence[str] = (),
    obligations: Sequence[str] = (),
) -> AuditEntry:
    """The one entry of a change that was made: `obj` is what changed, named by its key.

    The object type is the model's `audit_type`, or its name ("entry", "device"); the
    object id the field its class names as `audit_key` (e.g. "case_id", "asset_tag"), or
    its pk.
    """
    key = getattr(obj, "audit_key", "pk")
    return audit_event(
        origin=origin,
        action=action,
        decision=AuditEntry.Decision.DONE,
        object_type=getattr(obj, "audit_type", type(obj).__name__.lower()),
        object_id=str(getattr(obj, key)),
        subject_id=subject_id,
        reasons=reasons,
        obligations=obligations,
    )


def _insert(*entries: AuditEntry) -> None:
    """The entries and their queue rows, in the order given (so their ids ascend)."""
    if connection.vendor == "postgresql":
        # One round trip for every entry and its queue row; outside a transaction this one
        # statement is also the commit, with no BEGIN/COMMIT round trips.
        row = "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s::jsonb, %s::jsonb)"
        values = ", ".join([row] * len(entries))
        params: list[Any] = []
        for entry in entries:
            params += [
                entry.occurred_at,
                entry.actor_staff_id,
                entry.actor_username,
                entry.device,
                entry.request_id,
                entry.source_address,
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.subject_id,
                entry.decision,
                json.dumps(entry.reasons),
                json.dumps(entry.obligations),
            ]
        with connection.cursor() as cursor:
            cursor.execute(
                "WITH e AS (INSERT INTO audit_auditentry (occurred_at, actor_staff_id,"  # noqa: S608  # nosec B608 # placeholders only
                " actor_username, device, request_id, source_address, action, object_type,"
                f" object_id, subject_id, decision, reasons, obligations) VALUES {values}"
                " RETURNING id)"
                " INSERT INTO audit_pendingentry (entry_id) SELECT id FROM e RETURNING entry_id",
                params,
            )
            # The ids are drawn in VALUES order; RETURNING's order is not promised.
            ids = sorted(row[0] for row in cursor.fetchall())
        for entry, pk in zip(entries, ids, strict=True):
            entry.pk = pk
            entry._state.adding = False
            entry._state.db = connection.alias
        return
    AuditEntry.objects.bulk_create(entries)
    PendingEntry.objects.bulk_create([PendingEntry(entry=entry) for entry in entries])


# Batches committing at once on PostgreSQL. Measured with 8 writers (bench/audit.py, load
# 6.4 on 2 cores): 1, 2 and 4 lanes gave 644, 683 and 1,034 appends/s.
POSTGRESQL_LANES = 4


@dataclass(eq=False)
class _Writer:
    """One `audit_event` outside a transaction, waiting for the commit that includes it."""

    entry: AuditEntry
    woken: threading.Event = field(default_factory=threading.Event)
    batch: list[_Writer] | None = None  # the batch this writer's thread is to commit
    done: bool = False
    error: BaseException | None = None


class GroupCommit:
    """Entries written outside a transaction, committed together (group commit).

    A writer that finds fewer than `lanes` batches being committed takes every entry
    waiting at that moment (its own among them) and inserts them in one transaction on its
    own connection; then it wakes the writers of that batch and hands what gathered
    meanwhile to the first of them, who commits it in turn. Every writer returns only after
    the commit that holds its entry; an error in that commit is raised to each of them.
    PostgreSQL flushes concurrent commits' WAL together, so several batches in flight keep
    its disk busy while the writers of another make their next entries; SQLite has one
    writer at a time, so one lane.
    """

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a batch mid-commit is not the child's

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._waiting: list[_Writer] = []
        self._leading = 0  # batches being committed
        self.batches = 0  # committed (for tests and the benchmark)

    def append(self, entry: AuditEntry) -> None:
        writer = _Writer(entry)
        lanes = POSTGRESQL_LANES if connection.vendor == "postgresql" else 1
        with self._lock:
            self._waiting.append(writer)
            if self._leading < lanes:
                self._leading += 1
                writer.batch, self._waiting = self._waiting, []
        if writer.batch is None:
            writer.woken.wait()  # until its batch has committed, or it is handed one
        if not writer.done:
            assert writer.batch is not None  # nosec B101 # woken undone only when handed one
            self._commit(writer.batch)
        if writer.error is not None:
            raise writer.error

    def _commit(self, batch: list[_Writer]) -> None:
        error: BaseException | None = None
        try:
            entries = [writer.entry for writer in batch]
            if connection.vendor == "postgresql":
                _insert(*entries)  # one statement, its own transaction
            else:
                with transaction.atomic():
                    _insert(*entries)
        except BaseException as exc:  # every writer of the batch is told, not only this one
            error = exc
        else:
            self.batches += 1
            try:
                _announce_commit()
            except Exception:  # the entries are safely committed; the next round chains them
                logger.exception("audit: chaining after commit failed")
        with self._lock:
            for writer in batch:
                writer.done, writer.error = True, error
            following = self._waiting[0] if self._waiting else None
            if following is None:
                self._leading -= 1
            else:
                following.batch, self._waiting = self._waiting, []
        for writer in batch:
            writer.woken.set()
        if following is not None:
            following.woken.set()


group = GroupCommit()
