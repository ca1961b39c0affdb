"""Changing case records. Every function asks `access` first (outside the write transaction,
so that a refusal's audit entry is kept), then makes its change in one transaction with an
audit entry beside it. Nothing here deletes record content: an edit adds
a version, an allocation or grant is ended rather than removed.

One request, one audit entry: a refusal is recorded when it is decided (`_decide`); an
allowed decision is not recorded on its own but in the change's entry, which carries the
decision's reasons and obligations (docs/audit.md, "What is recorded").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator

from django.db import transaction

from safekeep.access import policy
from safekeep.access.facts import actor_facts, case_facts
from safekeep.access.policy import ACTIONS, ADD_ENTRY, DOWNLOAD, EDIT, Context, Decision
from safekeep.access.services import (
    AccessRefused,
    authorise,
    authorise_break_glass,
    evaluate,
    require,
)
from safekeep.audit.writing import Origin, audit_event
from safekeep.organisation.models import StaffMember, Team
from safekeep.records import files, sealing
from safekeep.records.models import (
    AccessGrant,
    Allocation,
    BreakGlass,
    Case,
    Document,
    Entry,
    EntryVersion,
    Referral,
    Subject,
)

BREAK_GLASS_HOURS = 4
BREAK_GLASS_MIN_REASON = 20
GRANT_MAX_DAYS = 90
REFERRAL_GRANT_ACTIONS = ("view", "add_entry")
# A referral grant lasts while the referral is open; this is only its outer limit.
REFERRAL_GRANT_DAYS = 365


class RecordsError(Exception):
    """A request the records rules do not allow, in words to show the person.

    `field` names the form field at fault, when there is one.
    """

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class EntryNotFound(RecordsError):
    """The entry does not exist, or is sensitive and this person may not see it."""


def _audit(
    origin: Origin,
    action: str,
    obj: object,
    case: Case,
    reasons: Iterable[str] = (),
    *,
    decision: Decision | None = None,
) -> None:
    """The change's one entry; with the access `decision` that allowed it, its reasons first."""
    audit_event(
        origin=origin,
        action=action,
        decision="done",
        object_type=type(obj).__name__.lower(),
        object_id=obj.case_id if isinstance(obj, Case) else str(getattr(obj, "pk", "")),
        subject_id=case.subject.subject_id,
        reasons=[*(decision.reasons if decision else ()), *reasons],
        obligations=decision.obligations if decision else (),
    )


def _decide(
    *, staff: StaffMember, case: Case, action: str, context: Context, origin: Origin
) -> Decision:
    """The access decision for a change. A refusal is recorded (with any incident it raises)
    and raised here; an allowed decision is recorded by the change's own entry, so that the
    request writes one entry, not a decision and then a change."""
    decision = evaluate(staff=staff, case=case, action=action, context=context)
    if not decision.allowed:
        raise AccessRefused(
            authorise(staff=staff, case=case, action=action, context=context, origin=origin)
        )
    return decision


def _is_active(staff: StaffMember, today: dt.date) -> bool:
    return staff.start_date <= today and (staff.end_date is None or staff.end_date >= today)


def manages_team(staff: StaffMember, team_id: int, *, today: dt.date) -> bool:
    """A team manager manages the team on their own staff row (DESIGN.md, staff import)."""
    return (
        _is_active(staff, today)
        and staff.team_id == team_id
        and staff.roles.filter(role="team_manager").exists()
    )


def is_ig_officer(staff: StaffMember, *, today: dt.date) -> bool:
    return _is_active(staff, today) and staff.roles.filter(role="ig_officer").exists()


def team_managers(team: Team, *, today: dt.date) -> list[StaffMember]:
    return list(
        StaffMember.objects.active_on(today)
        .filter(team=team, roles__role="team_manager")
        .order_by("staff_id")
    )


# --- subjects ---------------------------------------------------------------------------


@transaction.atomic
def subject_create(
    *,
    subject_id: str,
    kind: str,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date | None = None,
    restricted: bool = False,
    staff: StaffMember | None = None,
) -> Subject:
    """A subject with sealed names and date of birth. The row comes first (its data key is
    named after its pk); the sealed values follow in the same transaction."""
    subject = Subject.objects.create(
        subject_id=subject_id, kind=kind, restricted=restricted, staff=staff
    )
    subject_details_set(
        subject=subject, given_name=given_name, family_name=family_name, date_of_birth=date_of_birth
    )
    return subject


def subject_details_set(
    *, subject: Subject, given_name: str, family_name: str, date_of_birth: dt.date | None
) -> Subject:
    """Reseal a subject's names and date of birth, with fresh blind indexes."""
    sealing.seal_subject(
        subject, given_name=given_name, family_name=family_name, date_of_birth=date_of_birth
    )
    subject.save(update_fields=sealing.SUBJECT_SEALED_FIELDS)
    return subject


# --- entries ----------------------------------------------------------------------------


def _version_create(
    *, entry: Entry, number: int, title: str, body: str, staff: StaffMember, now: dt.datetime
) -> EntryVersion:
    version = EntryVersion(entry=entry, number=number, edited_by=staff, edited_at=now)
    sealing.seal_version(version, case_pk=entry.case_id, title=title, body=body)
    version.save(force_insert=True)
    return version


def _check_text(title: str, body: str) -> tuple[str, str]:
    title = title.strip()
    if not title:
        raise RecordsError("Enter a title", field="title")
    if len(title) > 200:
        raise RecordsError("Title must be 200 characters or fewer", field="title")
    return title, body.strip()


def _check_sensitive(sensitive: bool, decision: Decision) -> None:
    if sensitive and not decision.sees_sensitive_entries:
        raise RecordsError(
            "Only the allocated worker and managers can mark an entry as sensitive",
            field="sensitive",
        )


def entry_add(
    *,
    staff: StaffMember,
    case: Case,
    kind: str,
    title: str,
    body: str,
    sensitive: bool = False,
    context: Context,
    origin: Origin,
) -> Entry:
    """A new case note or assessment, as its first version."""
    if kind not in {Entry.Kind.NOTE, Entry.Kind.ASSESSMENT}:
        raise RecordsError("Choose a case note or an assessment", field="kind")
    title, body = _check_text(title, body)
    decision = _decide(staff=staff, case=case, action=ADD_ENTRY, context=context, origin=origin)
    _check_sensitive(sensitive, decision)
    with transaction.atomic():
        entry = Entry.objects.create(
            case=case, kind=kind, sensitive=sensitive, author=staff, created_at=context.now
        )
        _version_create(entry=entry, number=1, title=title, body=body, staff=staff, now=context.now)
        _audit(origin, "entry.add", entry, case, decision=decision)
    return entry


def entry_edit(
    *,
    staff: StaffMember,
    entry: Entry,
    title: str,
    body: str,
    context: Context,
    origin: Origin,
) -> EntryVersion:
    """A new version of the entry; the previous versions stay as they were."""
    title, body = _check_text(title, body)
    case = entry.case
    decision = _decide(staff=staff, case=case, action=EDIT, context=context, origin=origin)
    if entry.sensitive and not decision.sees_sensitive_entries:
        raise EntryNotFound("There is no such entry on this case")
    with transaction.atomic():
        # Lock the entry row so two edits cannot both claim the next version number.
        Entry.objects.select_for_update().filter(pk=entry.pk).first()
        last = entry.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = _version_create(
            entry=entry, number=last + 1, title=title, body=body, staff=staff, now=context.now
        )
        _audit(origin, "entry.edit", entry, case, [f"version {version.number}"], decision=decision)
    return version


def check_upload(filename: str, size: int, head: bytes) -> str:
    """The document's content type, or a RecordsError saying what is wrong with it."""
    if size == 0:
        raise RecordsError("The selected file is empty", field="file")
    if size > files.MAX_DOCUMENT_BYTES:
        raise RecordsError("The selected file must be smaller than 10MB", field="file")
    content_type = files.sniff_type(filename, head)
    if content_type is None:
        raise RecordsError("The selected file must be a PDF, PNG, JPEG, DOCX or TXT", field="file")
    return content_type


def document_upload(
    *,
    staff: StaffMember,
    case: Case,
    title: str,
    filename: str,
    content: bytes,
    sensitive: bool = False,
    context: Context,
    origin: Origin,
) -> Entry:
    """A document entry with its file; the file's type and size are checked before storing."""
    title, _ = _check_text(title, "")
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1][:200]
    content_type = check_upload(filename, len(content), content[:512])
    decision = _decide(staff=staff, case=case, action=ADD_ENTRY, context=context, origin=origin)
    _check_sensitive(sensitive, decision)
    # Encrypted to disk before the rows exist; a failed transaction leaves only ciphertext.
    stored = files.store(case_id=case.pk, chunks=[content])
    with transaction.atomic():
        entry = Entry.objects.create(
            case=case,
            kind=Entry.Kind.DOCUMENT,
            sensitive=sensitive,
            author=staff,
            created_at=context.now,
        )
        _version_create(entry=entry, number=1, title=title, body="", staff=staff, now=context.now)
        Document.objects.create(
            entry=entry,
            filename=sealing.seal_filename(case_pk=case.pk, entry_id=entry.pk, filename=filename),
            content_type=content_type,
            size=stored.size,
            storage_name=stored.storage_name,
            sha256=stored.sha256,
            uploaded_by=staff,
            uploaded_at=context.now,
        )
        _audit(origin, "document.upload", entry, case, decision=decision)
    return entry


def document_download(
    *, staff: StaffMember, document: Document, context: Context, origin: Origin
) -> Iterator[bytes]:
    """The document's plaintext, streamed, once the policy allows `download` (and the entry
    is visible). Iterating raises DecryptionFailed if the stored file was tampered with."""
    case = document.entry.case
    decision = require(staff=staff, case=case, action=DOWNLOAD, context=context, origin=origin)
    if document.entry.sensitive and not decision.sees_sensitive_entries:
        raise EntryNotFound("There is no such document on this case")
    return files.read(case_id=case.pk, storage_name=document.storage_name)


# --- allocations ------------------------------------------------------------------------


def may_manage_case(staff: StaffMember, case: Case, *, today: dt.date) -> bool:
    """The owning team's manager, or the receiving manager of an open referral."""
    if manages_team(staff, case.owning_team_id, today=today):
        return True
    return manages_team(staff, staff.team_id, today=today) and (
        Referral.objects.filter(
            case=case,
            status__in=[Referral.Status.OPEN, Referral.Status.ACCEPTED],
            kind=Referral.Kind.REFERRAL,
            grants__grantee=staff,
            grants__status=AccessGrant.Status.APPROVED,
        ).exists()
    )


def allocation_create(
    *,
    staff: StaffMember,
    case: Case,
    worker: StaffMember,
    role: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    context: Context,
    origin: Origin,
) -> Allocation:
    """Allocate a worker, co-worker or supervising manager, by the owning team's manager."""
    if role not in Allocation.Role.values:
        raise RecordsError("Choose a role", field="role")
    if ends_on is not None and ends_on < starts_on:
        raise RecordsError("The end date must be on or after the start date", field="ends_on")
    decision = _decide(staff=staff, case=case, action=EDIT, context=context, origin=origin)
    if not may_manage_case(staff, case, today=context.today):
        raise RecordsError("Only the manager of the team that owns this case can allocate it")
    if worker.end_date is not None and worker.end_date < max(starts_on, context.today):
        raise RecordsError("That person no longer works for the council", field="worker")
    if worker.pk == case.subject.staff_id:
        raise RecordsError("A person cannot be allocated to their own record", field="worker")
    if case.subject.conflicts.filter(staff=worker).exists():
        raise RecordsError("That person has a conflict with this case's subject", field="worker")
    with transaction.atomic():
        allocation = Allocation.objects.create(
            case=case,
            staff=worker,
            role=role,
            starts_on=starts_on,
            ends_on=ends_on,
            created_by=staff,
        )
        _audit(
            origin,
            "allocation.create",
            allocation,
            case,
            [f"{worker.staff_id} as {role}"],
            decision=decision,
        )
    return allocation


def allocation_end(
    *,
    staff: StaffMember,
    allocation: Allocation,
    ends_on: dt.date,
    context: Context,
    origin: Origin,
) -> Allocation:
    """End an allocation (kept in the history, never removed)."""
    case = allocation.case
    if ends_on < allocation.starts_on:
        raise RecordsError("The end date must be on or after the start date", field="ends_on")
    decision = _decide(staff=staff, case=case, action=EDIT, context=context, origin=origin)
    if not may_manage_case(staff, case, today=context.today):
        raise RecordsError("Only the manager of the team that owns this case can allocate it")
    with transaction.atomic():
        allocation.ends_on = ends_on
        allocation.save(update_fields=["ends_on"])
        _audit(origin, "allocation.end", allocation, case, decision=decision)
    return allocation


# --- grants -----------------------------------------------------------------------------


@transaction.atomic
def grant_request(
    *,
    staff: StaffMember,
    case: Case,
    actions: Iterable[str],
    reason: str,
    days: int,
    context: Context,
    origin: Origin,
) -> AccessGrant:
    """A practitioner asks for time-limited access; nothing opens until it is approved."""
    chosen = sorted(set(actions))
    if not chosen:
        raise RecordsError("Choose what you need to do", field="actions")
    if any(action not in ACTIONS for action in chosen):
        raise RecordsError("Choose what you need to do", field="actions")
    reason = reason.strip()
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise RecordsError("Explain why you need access in at least 20 characters", field="reason")
    if not 1 <= days <= GRANT_MAX_DAYS:
        raise RecordsError("Access can last between 1 and 90 days", field="days")
    if AccessGrant.objects.filter(
        case=case, grantee=staff, status=AccessGrant.Status.REQUESTED
    ).exists():
        raise RecordsError("You have already asked for access to this case")
    grant = AccessGrant.objects.create(
        case=case,
        grantee=staff,
        actions=" ".join(chosen),
        reason=reason,
        status=AccessGrant.Status.REQUESTED,
        starts_at=context.now,
        expires_at=context.now + dt.timedelta(days=days),
        requested_by=staff,
    )
    _audit(origin, "grant.request", grant, case, [" ".join(chosen)])
    return grant


def check_grant_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise RecordsError("Explain why you need access in at least 20 characters", field="reason")
    return reason


def may_decide_grant(staff: StaffMember, grant: AccessGrant, *, today: dt.date) -> bool:
    """The owning team's manager decides; for a restricted subject, only an IG officer."""
    if grant.grantee_id == staff.pk:
        return False
    if grant.case.subject.restricted:
        return is_ig_officer(staff, today=today)
    return manages_team(staff, grant.case.owning_team_id, today=today)


@transaction.atomic
def grant_decide(
    *,
    staff: StaffMember,
    grant: AccessGrant,
    approve: bool,
    context: Context,
    origin: Origin,
) -> AccessGrant:
    """Approve or refuse a requested grant. Approval starts the clock from now."""
    grant = AccessGrant.objects.select_for_update().select_related("case__subject").get(pk=grant.pk)
    case = grant.case
    if grant.status != AccessGrant.Status.REQUESTED:
        raise RecordsError("This request has already been decided")
    if not may_decide_grant(staff, grant, today=context.today):
        if case.subject.restricted:
            raise RecordsError(
                "Access to a restricted person's records can only be approved by "
                "information governance"
            )
        raise RecordsError("Only the manager of the team that owns this case can decide this")
    if approve:
        length = grant.expires_at - grant.starts_at
        grant.status = AccessGrant.Status.APPROVED
        grant.starts_at = context.now
        grant.expires_at = context.now + length
        grant.ig_approved = case.subject.restricted or is_ig_officer(staff, today=context.today)
    else:
        grant.status = AccessGrant.Status.REFUSED
    grant.decided_by = staff
    grant.decided_at = context.now
    grant.save()
    _audit(origin, "grant.approve" if approve else "grant.refuse", grant, case)
    return grant


@transaction.atomic
def grant_revoke(
    *, staff: StaffMember, grant: AccessGrant, context: Context, origin: Origin
) -> AccessGrant:
    if not may_decide_grant(staff, grant, today=context.today):
        raise RecordsError("Only the person who can approve this access can revoke it")
    if grant.status != AccessGrant.Status.APPROVED:
        raise RecordsError("Only approved access can be revoked")
    grant.status = AccessGrant.Status.REVOKED
    grant.save(update_fields=["status"])
    _audit(origin, "grant.revoke", grant, grant.case)
    return grant


# --- break-glass ------------------------------------------------------------------------


def break_glass_start(
    *,
    staff: StaffMember,
    case: Case,
    reason: str,
    context: Context,
    origin: Origin,
    hours: int = BREAK_GLASS_HOURS,
) -> BreakGlass:
    """Emergency view-only access with a reason; IG is alerted and must review it."""
    reason = reason.strip()
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise RecordsError(
            "Give the reason for emergency access in at least 20 characters", field="reason"
        )
    # Decided here, recorded in the one break_glass.start entry; a refusal is recorded by access.
    actor = actor_facts(staff, account_active=True, today=context.today)
    decision = policy.may_break_glass(actor, case_facts(case, staff), context, reason=reason)
    if not decision.allowed:
        raise AccessRefused(
            authorise_break_glass(
                staff=staff, case=case, reason=reason, context=context, origin=origin
            )
        )
    with transaction.atomic():
        glass = BreakGlass.objects.create(
            case=case,
            staff=staff,
            reason=reason,
            started_at=context.now,
            expires_at=context.now + dt.timedelta(hours=hours),
        )
        _audit(
            origin,
            "break_glass.start",
            glass,
            case,
            ["information governance alerted"],
            decision=decision,
        )
    return glass


@transaction.atomic
def break_glass_review(
    *,
    staff: StaffMember,
    glass: BreakGlass,
    justified: bool,
    note: str,
    context: Context,
    origin: Origin,
) -> BreakGlass:
    """IG's verdict on one use of break-glass; it leaves the review queue."""
    if not is_ig_officer(staff, today=context.today):
        raise RecordsError("Only information governance can review break-glass use")
    glass = BreakGlass.objects.select_for_update().get(pk=glass.pk)
    if glass.outcome != BreakGlass.Outcome.PENDING:
        raise RecordsError("This use of break-glass has already been reviewed")
    if glass.staff_id == staff.pk:
        raise RecordsError("You cannot review your own use of break-glass")
    glass.outcome = BreakGlass.Outcome.JUSTIFIED if justified else BreakGlass.Outcome.NOT_JUSTIFIED
    glass.reviewed_by = staff
    glass.reviewed_at = context.now
    glass.review_note = note.strip()
    glass.save()
    _audit(origin, f"break_glass.{glass.outcome}", glass, glass.case)
    return glass


# --- referrals and transfers ------------------------------------------------------------


def referral_create(
    *,
    staff: StaffMember,
    case: Case,
    to_team: Team,
    kind: str,
    reason: str,
    context: Context,
    origin: Origin,
) -> Referral:
    """Refer or transfer a case to another team; its manager gets access while it is open."""
    decision = _decide(staff=staff, case=case, action=EDIT, context=context, origin=origin)
    if not manages_team(staff, case.owning_team_id, today=context.today):
        raise RecordsError("Only the manager of the team that owns this case can refer it")
    with transaction.atomic():
        return _referral_write(
            staff=staff,
            case=case,
            to_team=to_team,
            kind=kind,
            reason=reason,
            context=context,
            origin=origin,
            decision=decision,
        )


def _referral_write(
    *,
    staff: StaffMember,
    case: Case,
    to_team: Team,
    kind: str,
    reason: str,
    context: Context,
    origin: Origin,
    decision: Decision | None = None,
) -> Referral:
    if kind not in Referral.Kind.values:
        raise RecordsError("Choose referral or transfer", field="kind")
    if to_team.pk == case.owning_team_id:
        raise RecordsError(
            "Choose a different team from the one that owns the case", field="to_team"
        )
    reason = reason.strip()
    if len(reason) < BREAK_GLASS_MIN_REASON:
        raise RecordsError("Explain the referral in at least 20 characters", field="reason")
    if Referral.objects.filter(case=case, status=Referral.Status.OPEN).exists():
        raise RecordsError("This case already has an open referral or transfer")
    managers = team_managers(to_team, today=context.today)
    if not managers:
        raise RecordsError("That team has no manager to receive the case", field="to_team")
    referral = Referral.objects.create(
        case=case,
        kind=kind,
        from_team_id=case.owning_team_id,
        to_team=to_team,
        reason=reason,
        created_by=staff,
    )
    for manager in managers:
        AccessGrant.objects.create(
            case=case,
            grantee=manager,
            actions=" ".join(REFERRAL_GRANT_ACTIONS),
            reason=f"{referral.get_kind_display()} to {to_team.name}: {reason}",
            status=AccessGrant.Status.APPROVED,
            starts_at=context.now,
            expires_at=context.now + dt.timedelta(days=REFERRAL_GRANT_DAYS),
            requested_by=staff,
            decided_by=staff,
            decided_at=context.now,
            referral=referral,
        )
    _audit(origin, f"{kind}.create", referral, case, [f"to {to_team.name}"], decision=decision)
    return referral


def _end_referral_grants(referral: Referral) -> None:
    referral.grants.filter(status=AccessGrant.Status.APPROVED).update(
        status=AccessGrant.Status.REVOKED
    )


@transaction.atomic
def referral_decide(
    *,
    staff: StaffMember,
    referral: Referral,
    accept: bool,
    context: Context,
    origin: Origin,
) -> Referral:
    """The receiving manager accepts or declines. An accepted transfer moves ownership."""
    referral = (
        Referral.objects.select_for_update().select_related("case__subject").get(pk=referral.pk)
    )
    case = referral.case
    if referral.status != Referral.Status.OPEN:
        raise RecordsError("This referral has already been decided")
    if not manages_team(staff, referral.to_team_id, today=context.today):
        raise RecordsError("Only the manager of the receiving team can decide this")
    referral.status = Referral.Status.ACCEPTED if accept else Referral.Status.DECLINED
    referral.decided_by = staff
    referral.decided_at = context.now
    referral.save()
    if not accept or referral.kind == Referral.Kind.TRANSFER:
        _end_referral_grants(referral)
    if accept and referral.kind == Referral.Kind.TRANSFER:
        from_team = case.owning_team.name
        case.owning_team_id = referral.to_team_id
        case.save(update_fields=["owning_team"])
        # One entry for the accepted transfer: the case moving is what IG looks for.
        reasons = [f"from {from_team}", f"transfer {referral.pk} accepted"]
        _audit(origin, "case.transfer", case, case, reasons)
        return referral
    verb = "accept" if accept else "decline"
    _audit(origin, f"{referral.kind}.{verb}", referral, case)
    return referral


@transaction.atomic
def referral_close(
    *, staff: StaffMember, referral: Referral, context: Context, origin: Origin
) -> Referral:
    """Closing a referral ends the receiving manager's access."""
    case = referral.case
    if not (
        manages_team(staff, referral.to_team_id, today=context.today)
        or manages_team(staff, case.owning_team_id, today=context.today)
    ):
        raise RecordsError("Only the managers of the two teams can close this referral")
    if referral.status not in {Referral.Status.OPEN, Referral.Status.ACCEPTED}:
        raise RecordsError("This referral is already closed")
    referral.status = Referral.Status.CLOSED
    referral.save(update_fields=["status"])
    _end_referral_grants(referral)
    _audit(origin, f"{referral.kind}.close", referral, case)
    return referral
