"""Disposal: nobody can read a disposed record, its data key is gone, the tombstone and the
audit entry remain and the audit log verifies; a legal hold blocks it; the job is idempotent."""

from __future__ import annotations

import pytest
from django.utils import timezone

from safekeep.access.door import AccessRefused
from safekeep.access.vocabulary import Action
from safekeep.audit import chain
from safekeep.audit.models import AuditEntry
from safekeep.audit.verify import verify_log
from safekeep.crypto.models import DataKey
from safekeep.records.models import Case, Document, EntryVersion, Subject
from safekeep.retention import services
from safekeep.retention.ledger import ledger_read
from safekeep.retention.models import DisposalBatch, DisposalItem, Tombstone
from tests.factories import case_access, make_case
from tests.retention.helpers import ORIGIN, ig_access, ig_officer, list_and_approve, old_case

pytestmark = pytest.mark.django_db


def test_a_disposed_record_is_gone_with_its_key_and_leaves_a_tombstone(
    data_dir, django_capture_on_commit_callbacks
) -> None:
    case = old_case()
    worker = case.allocations.get().staff
    files = list((data_dir / "files").iterdir())
    assert files and DataKey.objects.filter(scope="case", object_id=str(case.pk)).exists()
    ig = ig_officer()

    with pytest.raises(AccessRefused):  # even IG never reads case content
        case_access(ig, case, Action.VIEW)
    with django_capture_on_commit_callbacks(execute=True):
        list_and_approve(ig, reason="Retention period ended; no hold")

    assert not Case.objects.filter(case_id=case.case_id).exists()
    assert not EntryVersion.objects.exists() and not Document.objects.exists()
    assert not Subject.objects.filter(pk=case.subject_id).exists()
    for scope, pk in (("case", case.pk), ("subject", case.subject_id)):
        assert not DataKey.objects.filter(scope=scope, object_id=str(pk)).exists()
    assert not any(path.exists() for path in files)
    with pytest.raises(AccessRefused) as refused:  # the allocated worker: no such case
        case_access(worker, case, Action.VIEW)
    assert refused.value.decision.reasons == ("no such case",)

    tomb = Tombstone.objects.get(case_id=case.case_id)
    assert (tomb.case_type, tomb.opened_on, tomb.closed_on) == (
        "looked_after_child",
        case.opened_on,
        case.closed_on,
    )
    assert tomb.approved_by_staff_id == ig.staff_id
    assert tomb.reason == "Retention period ended; no hold"
    assert "regulation 50" in tomb.citation
    entry = AuditEntry.objects.get(action="case.dispose")
    assert (entry.object_id, entry.subject_id) == (case.case_id, case.subject.subject_id)
    assert [line["case_id"] for line in ledger_read()] == [case.case_id]
    chain.chain_pending()
    assert verify_log().problems == []


def test_a_subject_with_another_case_keeps_their_details(data_dir) -> None:
    case = old_case()
    other = make_case()
    other.subject = case.subject
    other.save()
    list_and_approve(ig_officer())
    assert Subject.objects.filter(pk=case.subject_id).exists()
    assert DataKey.objects.filter(scope="subject", object_id=str(case.subject_id)).exists()


def test_a_legal_hold_blocks_disposal(data_dir) -> None:
    case = old_case()
    ig = ig_officer()
    hold = services.hold_place(
        access=ig_access(ig), case_id=case.case_id, reason="Litigation: claim against the council"
    )
    batch = list_and_approve(ig)
    assert Case.objects.filter(pk=case.pk).exists()
    assert batch.items.get().status == DisposalItem.Status.HELD
    with pytest.raises(services.RetentionError, match="is under a legal hold"):
        services.case_dispose(
            case=case,
            approved_by=ig,
            reason="Trying anyway",
            batch=None,
            origin=ORIGIN,
            now=timezone.now(),
        )
    services.hold_release(access=ig_access(ig), hold=hold, reason="The claim was settled")
    assert [a.action for a in AuditEntry.objects.filter(action__startswith="retention.")] == [
        "retention.hold",
        "retention.release",
    ]


def test_the_job_lists_once_a_month(data_dir) -> None:
    case = old_case()
    open_case = make_case()  # open: never due
    now = timezone.now()
    said = services.disposal_list(now=now, origin=ORIGIN)
    assert said.startswith("listed 1 case(s) due for disposal")
    assert services.disposal_list(now=now, origin=ORIGIN) == ""
    batch = DisposalBatch.objects.get()
    assert [i.case_id for i in batch.items.all()] == [case.case_id]
    assert open_case.case_id not in {i.case_id for i in batch.items.all()}
    assert AuditEntry.objects.filter(action="disposal_batch.list").count() == 1


def test_only_information_governance_manages_retention(data_dir) -> None:
    from safekeep.access import door
    from tests.factories import laptop_context, make_staff

    with pytest.raises(AccessRefused):
        door.retention_access(staff=make_staff(), context=laptop_context(), origin=ORIGIN)
    assert AuditEntry.objects.filter(action="manage_retention", decision="refused").exists()


def test_an_approved_list_is_not_approved_twice(data_dir) -> None:
    old_case()
    ig = ig_officer()
    batch = list_and_approve(ig)
    with pytest.raises(services.RetentionError, match="already been approved"):
        services.batch_approve(access=ig_access(ig), batch=batch, reason="Once more please")
