"""Reading retention: each case's disposal date, what is due, holds, lists and tombstones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings
from django.db.models import QuerySet

from safekeep.records.models import Case
from safekeep.records.sealing import open_subject
from safekeep.retention.models import DisposalBatch, LegalHold, Tombstone
from safekeep.retention.schedules import CaseDates, Retention, retention_of, shipped_rules


def care_experienced_longer() -> bool:
    return bool(getattr(settings, "SAFEKEEP_RETENTION_CARE_EXPERIENCED_LONGER", False))


def case_retention(case: Case) -> Retention:
    """When this case is due for disposal, from its type and dates (and its subject's date of
    birth, opened from its seal: only the schedule reads it, nobody sees it)."""
    born = open_subject(case.subject)[2] if case.subject.date_of_birth_sealed else None
    dates = CaseDates(
        case_type=case.case_type,
        born=born,
        opened_on=case.opened_on,
        closed_on=case.closed_on,
        key_date=case.key_date,
    )
    return retention_of(dates, shipped_rules(), care_experienced_longer=care_experienced_longer())


def held_case_ids() -> set[str]:
    return set(LegalHold.objects.filter(released_at__isnull=True).values_list("case_id", flat=True))


def active_hold(case_id: str) -> LegalHold | None:
    return (
        LegalHold.objects.filter(case_id=case_id, released_at__isnull=True)
        .select_related("placed_by")
        .first()
    )


def cases_due(today: dt.date) -> Iterator[tuple[Case, Retention]]:
    """Closed cases whose retention has ended by `today`, held or not, by case id."""
    closed = Case.objects.filter(closed_on__isnull=False).select_related("subject", "owning_team")
    for case in closed.iterator(chunk_size=500):
        retention = case_retention(case)
        if retention.due_on is not None and retention.due_on <= today:
            yield case, retention


def holds() -> QuerySet[LegalHold]:
    return LegalHold.objects.select_related("placed_by", "released_by")


def batches_waiting() -> QuerySet[DisposalBatch]:
    """Lists IG has not approved yet, newest first, with their entries."""
    return DisposalBatch.objects.filter(approved_at__isnull=True).prefetch_related("items")


def batch_get(pk: int) -> DisposalBatch | None:
    return DisposalBatch.objects.filter(pk=pk).first()


def tombstones() -> QuerySet[Tombstone]:
    return Tombstone.objects.all()


def tombstone_get(case_id: str) -> Tombstone | None:
    return Tombstone.objects.filter(case_id=case_id).first()
