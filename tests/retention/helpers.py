"""A closed looked-after child's case with a note and a document, long past retention."""

from __future__ import annotations

import datetime as dt

from safekeep.access.vocabulary import Action
from safekeep.audit.writing import Origin
from safekeep.organisation.models import StaffMember
from safekeep.records import services as record_services
from safekeep.records.models import Case, Entry
from safekeep.records.sealing import seal_subject
from safekeep.retention import services
from safekeep.retention.models import DisposalBatch
from tests.factories import case_access, laptop_context, make_case, make_staff, make_team

ORIGIN = Origin.command("test-retention")
NOTE = "Disclosed at the home visit on Tuesday"


def old_case(*, case_type: str = "looked_after_child", born: dt.date | None = None) -> Case:
    """Closed in 2000, its subject born in 1920: due for disposal long ago."""
    team = make_team()
    worker = make_staff(team=team)
    case = make_case(team=team, allocated=(worker,))
    record_services.entry_add(
        access=case_access(worker, case, Action.ADD_ENTRY), kind="note", title="Visit", body=NOTE
    )
    record_services.document_upload(
        access=case_access(worker, case, Action.ADD_ENTRY),
        title="Letter",
        filename="letter.txt",
        content=NOTE.encode(),
    )
    subject = case.subject
    seal_subject(
        subject, given_name="Ada", family_name="Oldcase", date_of_birth=born or dt.date(1920, 2, 29)
    )
    subject.save()
    case.case_type, case.closed_on = case_type, dt.date(2000, 6, 30)
    case.save()
    return case


def ig_officer() -> StaffMember:
    return make_staff(team=make_team(), roles=("ig_officer",))


def ig_access(staff: StaffMember):
    from safekeep.access import door

    return door.retention_access(staff=staff, context=laptop_context(), origin=ORIGIN)


def list_and_approve(ig: StaffMember, reason: str = "Retention period ended") -> DisposalBatch:
    from django.utils import timezone

    services.disposal_list(now=timezone.now(), origin=ORIGIN)
    batch = DisposalBatch.objects.get()
    services.batch_approve(access=ig_access(ig), batch=batch, reason=reason)
    return batch


def entry_count(case: Case) -> int:
    return Entry.objects.filter(case=case).count()


def past_retention(ig: StaffMember) -> tuple[Case, str]:
    """One case disposed of (its tombstone's case id) and another listed as due this month."""
    from django.utils import timezone

    gone = old_case()
    services.case_dispose(
        case=gone,
        approved_by=ig,
        reason="Retention period ended",
        batch=None,
        origin=ORIGIN,
        now=timezone.now(),
    )
    due = old_case()
    services.disposal_list(now=timezone.now(), origin=ORIGIN)
    return due, gone.case_id
