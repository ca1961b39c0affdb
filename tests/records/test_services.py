"""Records services: each asks access first, writes one change with its audit entry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from safekeep.access.door import AccessRefused, EntryMissing
from safekeep.access.vocabulary import Action, Duty
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.records import files, selectors, services
from safekeep.records.models import AccessGrant, BreakGlass, Entry, EntryVersion, Referral
from tests.factories import (
    break_glass_access,
    case_access,
    duty_access,
    entry_access,
    laptop_context,
    make_case,
    make_staff,
    make_team,
)
from tests.records.opened import text

pytestmark = pytest.mark.django_db
ORIGIN = Origin(actor_username="test")


def ctx():
    return laptop_context()


def actions() -> list[tuple[str, str]]:
    return list(AuditEntry.objects.values_list("action", "decision"))


@pytest.fixture
def world():
    team = make_team("Children East")
    other = make_team("Adults West", directorate="Adults and Health")
    worker = make_staff(team=team)
    colleague = make_staff(team=team)
    manager = make_staff(team=team, roles=("team_manager",))
    other_manager = make_staff(team=other, roles=("team_manager",))
    ig = make_staff(team=team, roles=("ig_officer",))
    case = make_case(team=team, allocated=(worker,))
    return {
        "team": team,
        "other": other,
        "worker": worker,
        "colleague": colleague,
        "manager": manager,
        "other_manager": other_manager,
        "ig": ig,
        "case": case,
    }


def test_entry_add_creates_first_version_and_audits(world):
    entry = services.entry_add(
        access=case_access(world["worker"], world["case"], Action.ADD_ENTRY),
        kind="note",
        title=" Visit ",
        body="Saw the family.",
    )
    version = entry.versions.get()
    assert (version.number, *text(version)) == (1, "Visit", "Saw the family.")
    # One entry: the change, carrying the decision that allowed it.
    assert actions() == [("entry.add", "done")]
    entry_audit = AuditEntry.objects.get(action="entry.add")
    assert entry_audit.reasons[0].startswith("allocated worker since")


def test_entry_add_refused_is_audited_and_writes_nothing(world):
    with pytest.raises(AccessRefused) as refused:
        services.entry_add(
            access=case_access(world["colleague"], world["case"], Action.ADD_ENTRY),
            kind="note",
            title="Visit",
            body="",
        )
    assert refused.value.decision.reasons == (
        "you are not allocated to this case and have no approved access to it",
    )
    assert Entry.objects.count() == 0
    assert actions() == [("case.add_entry", "refused")]


def test_entry_add_needs_a_title(world):
    with pytest.raises(services.RecordsError) as error:
        services.entry_add(
            access=case_access(world["worker"], world["case"], Action.ADD_ENTRY),
            kind="note",
            title="  ",
            body="x",
        )
    assert (error.value.message, error.value.field) == ("Enter a title", "title")


def test_co_worker_cannot_mark_an_entry_sensitive(world):
    co = make_staff(team=world["team"])
    world["case"].allocations.create(staff=co, role="co_worker", starts_on=dt.date(2025, 1, 1))
    with pytest.raises(services.RecordsError) as error:
        services.entry_add(
            access=case_access(co, world["case"], Action.ADD_ENTRY),
            kind="note",
            title="x",
            body="",
            sensitive=True,
        )
    assert error.value.message == (
        "Only the allocated worker and managers can mark an entry as sensitive"
    )


def test_entry_edit_adds_a_version_and_keeps_the_old_one(world):
    entry = services.entry_add(
        access=case_access(world["worker"], world["case"], Action.ADD_ENTRY),
        kind="assessment",
        title="First",
        body="one",
    )
    services.entry_edit(access=entry_access(world["worker"], entry), title="Second", body="two")
    assert [(v.number, *text(v)) for v in entry.versions.order_by("number")] == [
        (1, "First", "one"),
        (2, "Second", "two"),
    ]
    assert ("entry.edit", "done") in actions()


def test_a_manager_corrects_someone_elses_entry_only_with_a_reason(world):
    entry = services.entry_add(
        access=case_access(world["worker"], world["case"], Action.ADD_ENTRY),
        kind="note",
        title="Visit",
        body="Seen on 3 May",
    )
    with pytest.raises(services.RecordsError) as error:
        services.entry_edit(access=entry_access(world["manager"], entry), title="Visit", body="x")
    assert (error.value.message, error.value.field) == (
        "Give the reason for correcting an entry someone else wrote",
        "reason",
    )
    version = services.entry_edit(
        access=entry_access(world["manager"], entry),
        title="Visit",
        body="Seen on 4 May",
        reason="The visit was on the 4th",
    )
    viewed = selectors.entry_view(Entry.objects.get(pk=entry.pk)).latest
    assert (viewed.number, viewed.change_reason) == (version.number, "The visit was on the 4th")
    assert "The visit was on the 4th" not in version.change_reason  # sealed at rest


def test_sensitive_entry_is_hidden_from_a_co_worker_edit(world):
    entry = services.entry_add(
        access=case_access(world["worker"], world["case"], Action.ADD_ENTRY),
        kind="note",
        title="Private",
        body="",
        sensitive=True,
    )
    co = make_staff(team=world["team"])
    world["case"].allocations.create(staff=co, role="co_worker", starts_on=dt.date(2025, 1, 1))
    with pytest.raises(EntryMissing) as error:
        services.entry_edit(access=entry_access(co, entry), title="x", body="")
    assert str(error.value) == "There is no such entry on this case"
    assert EntryVersion.objects.filter(entry=entry).count() == 1


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("a.pdf", b"", "The selected file is empty"),
        ("a.exe", b"MZ\x90", "The selected file must be a PDF, PNG, JPEG, DOCX or TXT"),
        ("a.pdf", b"not a pdf", "The selected file must be a PDF, PNG, JPEG, DOCX or TXT"),
        ("a.txt", b"\x00\x01binary", "The selected file must be a PDF, PNG, JPEG, DOCX or TXT"),
        (
            "a.pdf",
            b"%PDF-" + b"0" * (10 * 1024 * 1024),
            "The selected file must be smaller than 10MB",
        ),
    ],
)
def test_document_upload_checks_type_and_size(world, filename, content, message):
    with pytest.raises(services.RecordsError) as error:
        services.document_upload(
            access=case_access(world["worker"], world["case"], Action.ADD_ENTRY),
            title="Letter",
            filename=filename,
            content=content,
        )
    assert (error.value.message, error.value.field) == (message, "file")
    assert Entry.objects.count() == 0


def test_document_upload_and_download(world, settings):
    entry = services.document_upload(
        access=case_access(world["worker"], world["case"], Action.ADD_ENTRY),
        title="Letter",
        filename="C:\\x\\letter.pdf",
        content=b"%PDF-1.7 hello",
    )
    document = entry.document
    assert (selectors.document_filename(document), document.content_type, document.size) == (
        "letter.pdf",
        "application/pdf",
        14,
    )
    # Stored encrypted: nothing of the content or its name on disk or in the row.
    stored = (settings.DATA_DIR / "files" / document.storage_name).read_bytes()
    assert b"hello" not in stored and stored.startswith(b"SKF\x01")
    assert "letter" not in document.filename
    download = case_access(world["manager"], world["case"], Action.DOWNLOAD)
    found = selectors.document_for_case(access=download, entry_id=entry.pk)
    assert found is not None
    plain = files.read(case_id=world["case"].pk, storage_name=found.storage_name)
    assert b"".join(plain) == b"%PDF-1.7 hello"
    with pytest.raises(AccessRefused):
        case_access(world["colleague"], world["case"], Action.DOWNLOAD)


def test_allocation_by_owning_manager_only(world):
    allocation = services.allocation_create(
        access=case_access(world["manager"], world["case"], Duty.ALLOCATE),
        worker=world["colleague"],
        role="co_worker",
        starts_on=dt.date(2026, 1, 1),
    )
    assert allocation.created_by == world["manager"]
    assert ("allocation.create", "done") in actions()
    with pytest.raises(AccessRefused) as refused:
        case_access(world["worker"], world["case"], Duty.ALLOCATE)
    assert refused.value.decision.reasons == (
        "only the manager of the team that owns this case can allocate it",
    )


def test_allocation_refuses_leaver_and_bad_dates(world):
    leaver = make_staff(team=world["team"], end_date=dt.date(2024, 1, 1))
    with pytest.raises(services.RecordsError) as error:
        services.allocation_create(
            access=case_access(world["manager"], world["case"], Duty.ALLOCATE),
            worker=leaver,
            role="co_worker",
            starts_on=dt.date(2026, 1, 1),
        )
    assert error.value.message == "That person no longer works for the council"
    with pytest.raises(services.RecordsError) as error:
        services.allocation_create(
            access=case_access(world["manager"], world["case"], Duty.ALLOCATE),
            worker=world["colleague"],
            role="co_worker",
            starts_on=dt.date(2026, 1, 2),
            ends_on=dt.date(2026, 1, 1),
        )
    assert error.value.message == "The end date must be on or after the start date"


def request_grant(world, staff=None, case=None):
    return services.grant_request(
        staff=staff or world["colleague"],
        case=case or world["case"],
        actions=["view"],
        reason="Covering the allocated worker's leave",
        days=7,
        context=ctx(),
        origin=ORIGIN,
    )


def test_grant_request_and_approval_by_owning_manager(world):
    grant = request_grant(world)
    assert grant.status == "requested"
    with pytest.raises(AccessRefused) as refused:
        duty_access(world["other_manager"], grant)
    assert refused.value.decision.reasons == (
        "only the manager of the team that owns this case can decide this",
    )
    grant = services.grant_decide(
        access=duty_access(world["manager"], grant), grant=grant, approve=True
    )
    assert (grant.status, grant.decided_by, grant.ig_approved) == (
        "approved",
        world["manager"],
        False,
    )
    assert grant.expires_at - grant.starts_at == dt.timedelta(days=7)
    assert ("grant.approve", "done") in actions()


def test_grant_reason_must_be_20_characters(world):
    with pytest.raises(services.RecordsError) as error:
        services.grant_request(
            staff=world["colleague"],
            case=world["case"],
            actions=["view"],
            reason="short",
            days=7,
            context=ctx(),
            origin=ORIGIN,
        )
    assert error.value.message == "Explain why you need access in at least 20 characters"


def test_restricted_grant_needs_ig(world):
    case = make_case(team=world["team"], restricted=True)
    grant = request_grant(world, case=case)
    with pytest.raises(AccessRefused) as refused:
        duty_access(world["manager"], grant)
    assert refused.value.decision.reasons == (
        "access to a restricted person's records can only be approved by information governance",
    )
    grant = services.grant_decide(access=duty_access(world["ig"], grant), grant=grant, approve=True)
    assert (grant.status, grant.ig_approved) == ("approved", True)


def test_break_glass_view_only_and_reviewed(world):
    with pytest.raises(services.RecordsError) as error:
        services.check_break_glass_reason("urgent")
    assert error.value.message == "Give the reason for emergency access in at least 20 characters"
    with pytest.raises(AccessRefused) as refused:  # the door checks it too
        break_glass_access(world["colleague"], world["case"], "urgent")
    assert refused.value.decision.reasons == (
        "give a reason of at least 20 characters for break-glass access",
    )
    glass = services.break_glass_start(
        access=break_glass_access(
            world["colleague"], world["case"], "Child reported missing tonight"
        ),
        reason="Child reported missing tonight",
    )
    assert glass.expires_at - glass.started_at == dt.timedelta(hours=4)
    assert ("break_glass.start", "done") in actions()
    with pytest.raises(AccessRefused) as refused:
        duty_access(world["manager"], glass)
    assert refused.value.decision.reasons == (
        "only information governance can review break-glass use",
    )
    glass = services.break_glass_review(
        access=duty_access(world["ig"], glass),
        glass=glass,
        justified=False,
        note="Not an emergency",
    )
    assert glass.outcome == BreakGlass.Outcome.NOT_JUSTIFIED


def test_break_glass_refused_for_restricted_subject(world):
    case = make_case(team=world["team"], restricted=True)
    with pytest.raises(AccessRefused) as refused:
        services.break_glass_start(
            access=break_glass_access(world["colleague"], case, "Child reported missing tonight"),
            reason="Child reported missing tonight",
        )
    assert "break-glass cannot be used" in refused.value.decision.reasons[0]
    assert BreakGlass.objects.count() == 0


def test_referral_grants_receiving_manager_until_closed(world):
    referral = services.referral_create(
        access=case_access(world["manager"], world["case"], Duty.REFER),
        to_team=world["other"],
        kind="referral",
        reason="Turning 18 next month, moving to adults",
    )
    grant = referral.grants.get()
    assert (grant.grantee, grant.status) == (world["other_manager"], "approved")
    services.referral_decide(
        access=duty_access(world["other_manager"], referral), referral=referral, accept=True
    )
    grant.refresh_from_db()
    assert grant.status == "approved"
    services.referral_close(
        access=duty_access(world["manager"], referral, Duty.CLOSE_REFERRAL), referral=referral
    )
    grant.refresh_from_db()
    assert grant.status == AccessGrant.Status.REVOKED


def test_transfer_moves_ownership_once_accepted(world):
    referral = services.referral_create(
        access=case_access(world["manager"], world["case"], Duty.REFER),
        to_team=world["other"],
        kind="transfer",
        reason="Turning 18 next month, moving to adults",
    )
    world["case"].refresh_from_db()
    assert world["case"].owning_team == world["team"]
    with pytest.raises(AccessRefused) as refused:
        duty_access(world["manager"], referral)
    assert refused.value.decision.reasons == (
        "only the manager of the receiving team can decide this",
    )
    services.referral_decide(
        access=duty_access(world["other_manager"], referral), referral=referral, accept=True
    )
    world["case"].refresh_from_db()
    assert world["case"].owning_team == world["other"]
    assert Referral.objects.get().status == "accepted"
    assert ("case.transfer", "done") in actions()


def test_no_service_deletes_record_content():
    names = [n for n in dir(services) if "delete" in n.lower() or "remove" in n.lower()]
    assert names == []


def test_grant_expiry_uses_now(world):
    before = timezone.now()
    grant = request_grant(world)
    assert grant.starts_at >= before - dt.timedelta(seconds=5)
