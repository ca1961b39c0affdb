"""Retention's changes: the monthly list, IG's approval, disposal itself, legal holds, and
disposing again, after a restore, of what the ledger says was disposed of.

Disposal is crypto-shredding: the case's rows and files are deleted and its data key (and
its subject's, when this was the subject's last case) destroyed, so nothing sealed under it
opens again anywhere. A tombstone and one audit entry remain; the audit log names cases by
id only, so its chain is untouched and `safekeep audit verify` still passes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from safekeep.access.door import DutyAccess
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin, audit_event
from safekeep.crypto.envelope import data_key_destroy
from safekeep.organisation.models import StaffMember
from safekeep.records import files
from safekeep.records.models import (
    AccessGrant,
    Allocation,
    BreakGlass,
    Case,
    Document,
    Entry,
    EntryVersion,
    Referral,
)
from safekeep.records.sealing import case_key, subject_key
from safekeep.retention import selectors
from safekeep.retention.ledger import ledger_append, ledger_read
from safekeep.retention.models import DisposalBatch, DisposalItem, LegalHold, Tombstone

MIN_REASON_LENGTH = 10


class RetentionError(Exception):
    """A retention change that cannot be made; the message says why in plain words."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _reason(reason: str, what: str) -> str:
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise RetentionError(
            f"Give the reason for {what} in at least {MIN_REASON_LENGTH} characters",
            field="reason",
        )
    return reason


def _require_ig(access: DutyAccess) -> None:
    if not (access.decision.allowed and access.by_information_governance):
        raise ValueError("retention changes need information governance's allowed access")


# --- the monthly list ------------------------------------------------------------------------


def disposal_list(*, now: dt.datetime, origin: Origin) -> str:
    """List this month's records due for disposal, once a month (run-jobs: idempotent).

    Held cases are listed as held, so IG sees them; they are never disposed of while held.
    """
    reapplied = disposals_reapply(origin=origin)
    today = timezone.localdate(now)
    month = today.replace(day=1)
    said = f"disposed again of {len(reapplied)} case(s) from the ledger; " if reapplied else ""
    if DisposalBatch.objects.filter(month=month).exists():
        return said.rstrip("; ")
    held = selectors.held_case_ids()
    waiting = set(
        DisposalItem.objects.filter(
            batch__approved_at__isnull=True, status=DisposalItem.Status.DUE
        ).values_list("case_id", flat=True)
    )
    due = [(c, r) for c, r in selectors.cases_due(today) if c.case_id not in waiting]
    if not due:
        return said + "nothing due for disposal this month"
    batch = DisposalBatch.objects.create(month=month, listed_at=now)
    DisposalItem.objects.bulk_create(
        DisposalItem(
            batch=batch,
            case_id=case.case_id,
            case_type=case.case_type,
            due_on=retention.due_on or today,
            status=DisposalItem.Status.HELD if case.case_id in held else DisposalItem.Status.DUE,
        )
        for case, retention in due
    )
    on_hold = sum(1 for case, _ in due if case.case_id in held)
    audit_event(
        origin=origin,
        action="disposal_batch.list",
        decision=AuditEntry.Decision.DONE,
        object_type="disposal_batch",
        object_id=str(batch.pk),
        reasons=[f"{len(due)} case(s) due in {month:%B %Y}", f"{on_hold} under a legal hold"],
    )
    return said + f"listed {len(due)} case(s) due for disposal in {month:%B %Y} for IG to approve"


# --- approval and disposal -----------------------------------------------------------------


@dataclass
class Disposed:
    """What one approval did: cases disposed of and kept, and the files to remove."""

    disposed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    storage_names: list[str] = field(default_factory=list)


@transaction.atomic
def batch_approve(*, access: DutyAccess, batch: DisposalBatch, reason: str) -> Disposed:
    """IG approves a month's list: every case still due and not held is disposed of."""
    _require_ig(access)
    reason = _reason(reason, "approving the disposal")
    batch = DisposalBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.approved_at is not None:
        raise RetentionError("This list has already been approved")
    now = access.context.now
    result = Disposed()
    for item in batch.items.filter(status=DisposalItem.Status.DUE):
        case = Case.objects.select_related("subject", "owning_team").filter(case_id=item.case_id)
        found = case.first()
        if found is None or selectors.active_hold(item.case_id) is not None:
            item.status = DisposalItem.Status.HELD if found else DisposalItem.Status.DISPOSED
        else:
            retention = selectors.case_retention(found)
            if retention.due_on is None or retention.due_on > access.context.today:
                item.status = DisposalItem.Status.KEPT
            else:
                names = case_dispose(
                    case=found,
                    approved_by=access.staff,
                    reason=reason,
                    batch=batch,
                    origin=access.origin,
                    now=now,
                )
                result.storage_names += names
                item.status = DisposalItem.Status.DISPOSED
        item.save(update_fields=["status"])
        (result.disposed if item.status == DisposalItem.Status.DISPOSED else result.kept).append(
            item.case_id
        )
    batch.approved_by, batch.approved_at, batch.reason = access.staff, now, reason
    batch.save(update_fields=["approved_by", "approved_at", "reason"])
    audit_event(
        origin=access.origin,
        action="disposal_batch.approve",
        decision=AuditEntry.Decision.DONE,
        object_type="disposal_batch",
        object_id=str(batch.pk),
        reasons=[
            *access.decision.reasons,
            f"{len(result.disposed)} disposed of, {len(result.kept)} kept",
        ],
    )
    return result


def case_dispose(
    *,
    case: Case,
    approved_by: StaffMember | None,
    reason: str,
    batch: DisposalBatch | None,
    origin: Origin,
    now: dt.datetime,
    approver: tuple[str, str] | None = None,
    reapplied: bool = False,
) -> list[str]:
    """Destroy one case: its rows, files and data key (and its subject's, when it was the
    subject's last case); leave a tombstone, an audit entry and a ledger line. Returns the
    stored files' names (removed once the transaction commits). In the caller's transaction.
    """
    hold = selectors.active_hold(case.case_id)
    if hold is not None and not reapplied:
        raise RetentionError(
            f"Case {case.case_id} is under a legal hold (placed {hold.placed_at:%d %B %Y}: "
            f"{hold.reason}); release it before disposal"
        )
    retention = selectors.case_retention(case)
    staff_id, name = approver or (
        (approved_by.staff_id, approved_by.full_name) if approved_by else ("", "")
    )
    subject = case.subject
    storage = list(Document.objects.filter(entry__case=case).values_list("storage_name", flat=True))
    Document.objects.filter(entry__case=case).delete()
    EntryVersion.objects.filter(entry__case=case).delete()
    Entry.objects.filter(case=case).delete()
    AccessGrant.objects.filter(case=case).delete()
    Referral.objects.filter(case=case).delete()
    BreakGlass.objects.filter(case=case).delete()
    Allocation.objects.filter(case=case).delete()
    case_pk = case.pk
    case.delete()
    data_key_destroy(case_key(case_pk))
    subject_gone = not subject.cases.exists()
    if subject_gone:
        subject_pk = subject.pk
        subject.delete()  # its conflicts go with it
        data_key_destroy(subject_key(subject_pk))
    tombstone = Tombstone.objects.create(
        case_id=case.case_id,
        subject_ref=subject.subject_id,
        case_type=case.case_type,
        classification=case.classification,
        owning_team=case.owning_team.name,
        opened_on=case.opened_on,
        closed_on=case.closed_on,
        due_on=retention.due_on or now.date(),
        citation=retention.citation,
        approved_by_staff_id=staff_id,
        approved_by_name=name,
        reason=reason,
        disposed_at=now,
        batch_month=batch.month if batch else None,
        reapplied_at=now if reapplied else None,
    )
    audit_event(
        origin=origin,
        action="case.disposal_reapplied" if reapplied else "case.dispose",
        decision=AuditEntry.Decision.DONE,
        object_type="case",
        object_id=case.case_id,
        subject_id=subject.subject_id,
        reasons=[
            f"{case.get_case_type_display()} case, retention ended {tombstone.due_on.isoformat()}",
            f"approved by {staff_id or 'unknown'}",
            "content, files and data key destroyed"
            + ("; the subject's details and key too" if subject_gone else ""),
        ],
    )
    if not reapplied:
        ledger_append(
            {
                "case_id": case.case_id,
                "subject_ref": subject.subject_id,
                "case_type": case.case_type,
                "classification": case.classification,
                "owning_team": case.owning_team.name,
                "opened_on": case.opened_on.isoformat(),
                "closed_on": case.closed_on.isoformat() if case.closed_on else None,
                "due_on": tombstone.due_on.isoformat(),
                "citation": retention.citation,
                "approved_by_staff_id": staff_id,
                "approved_by_name": name,
                "reason": reason,
                "disposed_at": now.isoformat(),
                "batch_month": batch.month.isoformat() if batch else None,
            }
        )
    transaction.on_commit(lambda: _remove_files(storage))
    return storage


def _remove_files(storage_names: list[str]) -> None:
    for name in storage_names:
        files.remove(name)


def disposals_reapply(*, origin: Origin) -> list[str]:
    """Dispose again of every case the ledger names that this database still holds (a
    restored older backup, or a disposal whose commit failed after its ledger line was
    written). Returns the stored files' names, so a restore can drop them too."""
    storage: list[str] = []
    now = timezone.now()
    for line in ledger_read():
        case = (
            Case.objects.select_related("subject", "owning_team")
            .filter(case_id=line["case_id"])
            .first()
        )
        if case is not None:
            storage += case_dispose(
                case=case,
                approved_by=None,
                approver=(line["approved_by_staff_id"], line["approved_by_name"]),
                reason=line["reason"],
                batch=None,
                origin=origin,
                now=now,
                reapplied=True,
            )
        if case is not None or not Tombstone.objects.filter(case_id=line["case_id"]).exists():
            _tombstone_from(line, now)  # as first disposed: the original day and approver
    return storage


def _tombstone_from(line: dict[str, str], now: dt.datetime) -> None:
    """The tombstone as the ledger recorded it (the restored database never had it)."""
    day = dt.date.fromisoformat
    Tombstone.objects.filter(case_id=line["case_id"]).delete()
    Tombstone.objects.create(
        case_id=line["case_id"],
        subject_ref=line["subject_ref"],
        case_type=line["case_type"],
        classification=line["classification"],
        owning_team=line["owning_team"],
        opened_on=day(line["opened_on"]),
        closed_on=day(line["closed_on"]) if line["closed_on"] else None,
        due_on=day(line["due_on"]),
        citation=line["citation"],
        approved_by_staff_id=line["approved_by_staff_id"],
        approved_by_name=line["approved_by_name"],
        reason=line["reason"],
        disposed_at=dt.datetime.fromisoformat(line["disposed_at"]),
        batch_month=day(line["batch_month"]) if line["batch_month"] else None,
        reapplied_at=now,
    )


# --- legal holds -------------------------------------------------------------------------------


@transaction.atomic
def hold_place(*, access: DutyAccess, case_id: str, reason: str) -> LegalHold:
    """Stop disposal of a case (litigation, an inquiry, a police investigation)."""
    _require_ig(access)
    reason = _reason(reason, "the legal hold")
    if not Case.objects.filter(case_id=case_id).exists():
        raise RetentionError(f"There is no case {case_id}", field="case_id")
    if selectors.active_hold(case_id) is not None:
        raise RetentionError(f"Case {case_id} is already under a legal hold", field="case_id")
    hold = LegalHold.objects.create(
        case_id=case_id, reason=reason, placed_by=access.staff, placed_at=access.context.now
    )
    DisposalItem.objects.filter(
        case_id=case_id, status=DisposalItem.Status.DUE, batch__approved_at__isnull=True
    ).update(status=DisposalItem.Status.HELD)
    audit_event(
        origin=access.origin,
        action="retention.hold",
        decision=AuditEntry.Decision.DONE,
        object_type="case",
        object_id=case_id,
        reasons=[*access.decision.reasons, "legal hold placed"],
    )
    return hold


@transaction.atomic
def hold_release(*, access: DutyAccess, hold: LegalHold, reason: str) -> LegalHold:
    """End a legal hold: the case is disposed of at the next approval, if still due."""
    _require_ig(access)
    reason = _reason(reason, "releasing the hold")
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if hold.released_at is not None:
        raise RetentionError("This legal hold has already been released")
    hold.released_by, hold.released_at, hold.release_reason = (
        access.staff,
        access.context.now,
        reason,
    )
    hold.save(update_fields=["released_by", "released_at", "release_reason"])
    DisposalItem.objects.filter(
        case_id=hold.case_id, status=DisposalItem.Status.HELD, batch__approved_at__isnull=True
    ).update(status=DisposalItem.Status.DUE)
    audit_event(
        origin=access.origin,
        action="retention.release",
        decision=AuditEntry.Decision.DONE,
        object_type="case",
        object_id=hold.case_id,
        reasons=[*access.decision.reasons, "legal hold released"],
    )
    return hold
