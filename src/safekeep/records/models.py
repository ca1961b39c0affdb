"""Subjects and their case records: entries and versions, allocations, grants, break-glass."""

from __future__ import annotations

from django.db import models

from safekeep.access.wording import actions_in_words
from safekeep.organisation.models import Classification, StaffMember, Team


class Subject(models.Model):
    """A person records are about: a child, a vulnerable adult, or a member of staff.

    Names and date of birth are stored sealed (`records.sealing`, key `subject:<pk>`), so a
    stolen database file reveals none of them; exact-match search uses the blind indexes.
    Read them through `records.selectors.subject_person`, write them through
    `records.sealing.seal_subject`.
    """

    class Kind(models.TextChoices):
        CHILD = "child", "Child"
        ADULT = "adult", "Adult"
        STAFF = "staff", "Staff member"

    audit_key = "subject_id"  # the audit log names a subject by its subject id
    subject_id = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # Sealed text ("sk1:..."): see records.sealing. Never compare or order by these.
    given_name = models.TextField(blank=True)
    family_name = models.TextField(blank=True)
    date_of_birth_sealed = models.TextField(blank=True)
    # Blind indexes (HMAC of the normalised value) for exact-match search.
    name_index = models.CharField(max_length=64, db_index=True, blank=True)
    family_name_index = models.CharField(max_length=64, db_index=True, blank=True)
    date_of_birth_index = models.CharField(max_length=64, db_index=True, blank=True)
    restricted = models.BooleanField(default=False)
    # For a staff subject: the staff member the records are about (they never see them as a case).
    staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return self.subject_id


class SubjectDetails(models.Model):
    """A subject's address, contacts, NHS number, legal status, key dates, communication
    needs and alerts (`records.details.PersonDetails`), sealed as one value under the
    subject's key (`records.sealing.seal_details`). Only the NHS number's blind index is
    beside it, for exact search."""

    subject = models.OneToOneField(Subject, on_delete=models.PROTECT, related_name="details")
    sealed = models.TextField()
    nhs_number_index = models.CharField(max_length=64, db_index=True, blank=True)
    updated_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField()


class SubjectConflict(models.Model):
    """A staff member who must never see this subject's records (e.g. a relative)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="conflicts")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=250, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "staff"], name="conflict_unique"),
        ]


class Case(models.Model):
    """A subject's file. Its type and dates decide how long it is kept (safekeep.retention)."""

    class CaseType(models.TextChoices):
        LOOKED_AFTER_CHILD = "looked_after_child", "Looked-after child"
        ADOPTION = "adoption", "Adoption"
        FOSTER_CARER = "foster_carer", "Foster carer"
        ALLEGATION_AGAINST_STAFF = "allegation_against_staff", "Allegation against staff"
        CHILD_IN_NEED = "child_in_need", "Child in need or child protection"
        ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
        OTHER = "other", "Other"

    audit_key = "case_id"  # the audit log names a case by its case id
    case_type = models.CharField(max_length=40, choices=CaseType.choices, default=CaseType.OTHER)
    # The date a schedule counts from when it is neither the birthday nor the closing day: the
    # adoption order's date, or the day a foster carer's approval ended.
    key_date = models.DateField(null=True, blank=True)
    case_id = models.CharField(max_length=40, unique=True)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="cases")
    owning_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="cases")
    classification = models.CharField(max_length=20, choices=Classification.choices)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["case_id"]
        indexes = [models.Index(fields=["owning_team", "case_id"])]

    def __str__(self) -> str:
        return self.case_id


class Allocation(models.Model):
    class Role(models.TextChoices):
        ALLOCATED_WORKER = "allocated_worker", "Allocated worker"
        CO_WORKER = "co_worker", "Co-worker"
        SUPERVISING_MANAGER = "supervising_manager", "Supervising manager"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="allocations")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="allocations")
    role = models.CharField(max_length=30, choices=Role.choices)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Ended because its worker left or moved team: the case waits for someone else
    # (the leaver's `reallocate` item, records/leaving.py).
    needs_reallocation = models.BooleanField(default=False)
    # Why a manager ended it (the workload page); blank when it ended on its own date.
    end_reason = models.TextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["staff", "case"])]


class AccessGrant(models.Model):
    """Explicit, time-limited access to one case for one person, for named actions."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        REVOKED = "revoked", "Revoked"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="grants")
    grantee = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="grants")
    # Space-separated action names, e.g. "view add_entry".
    actions = models.CharField(max_length=200)
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    # True when the information governance officer approved it (needed for restricted subjects).
    ig_approved = models.BooleanField(default=False)
    # Set when the grant stands for an open referral to another team (records issue).
    referral = models.ForeignKey(
        "Referral", on_delete=models.PROTECT, null=True, blank=True, related_name="grants"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Why it was revoked before it expired (blank unless revoked).
    revoke_reason = models.TextField(blank=True, default="")
    # Why the request was refused, for the person who asked (blank unless refused).
    refuse_reason = models.TextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["grantee", "case"])]

    def action_list(self) -> list[str]:
        return self.actions.split()

    def actions_in_words(self) -> str:
        return actions_in_words(self.action_list())


class BreakGlass(models.Model):
    """Emergency self-access: view only, short-lived, and always reviewed by IG."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        JUSTIFIED = "justified", "Justified"
        NOT_JUSTIFIED = "not_justified", "Not justified"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="break_glass")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="break_glass")
    reason = models.TextField()
    started_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    reviewed_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["staff", "case"])]


class Referral(models.Model):
    """A case referred to another team; accepted transfers move ownership."""

    class Kind(models.TextChoices):
        REFERRAL = "referral", "Referral"
        TRANSFER = "transfer", "Transfer"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        CLOSED = "closed", "Closed"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    to_team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)


class Entry(models.Model):
    """A case note, assessment or document. Its content lives in versions, never deleted.

    `created_at` is when it was recorded; `contact_at` when the contact it describes
    happened (a visit written up the next morning), which the chronology orders by.
    """

    class Kind(models.TextChoices):
        NOTE = "note", "Case note"
        ASSESSMENT = "assessment", "Assessment"
        DOCUMENT = "document", "Document"

    class EntryType(models.TextChoices):
        """What the contact was, as social workers name it."""

        HOME_VISIT = "home_visit", "Home visit"
        PHONE_CALL = "phone_call", "Phone call"
        OFFICE_VISIT = "office_visit", "Office visit"
        STRATEGY_DISCUSSION = "strategy_discussion", "Strategy discussion"
        SUPERVISION = "supervision", "Supervision"
        ASSESSMENT = "assessment", "Assessment"
        CASE_NOTE = "case_note", "Case note"
        EMAIL = "email", "Email"
        MEETING = "meeting", "Meeting"
        OTHER = "other", "Other"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # A sensitive entry is seen only by the allocated worker and the managers.
    sensitive = models.BooleanField(default=False)
    author = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    entry_type = models.CharField(
        max_length=30, choices=EntryType.choices, default=EntryType.CASE_NOTE
    )
    contact_at = models.DateTimeField()
    # A significant event: shown in the chronology by default.
    significant = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["case", "created_at"]),
            models.Index(fields=["case", "contact_at"]),
        ]

    def save(self, *args: object, **kwargs: object) -> None:
        """A contact time not given is the time it was recorded."""
        if self.contact_at is None:
            self.contact_at = self.created_at
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class EntryVersion(models.Model):
    """One version of an entry's content. Edits add a version; nothing is overwritten.

    `title` and `body` are sealed under the case's data key with the row
    `entryversion:<entry id>:<number>` (records.sealing), so a version copied onto another
    entry, version or case does not open.
    """

    entry = models.ForeignKey(Entry, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.TextField()
    body = models.TextField(blank=True)
    # Why someone other than the author changed it (a manager's correction), sealed likewise.
    change_reason = models.TextField(blank=True, default="")
    # Who was seen (free text), sealed likewise.
    seen = models.TextField(blank=True, default="")
    # What the entry said of the contact at this version (the entry row holds the newest, for
    # the chronology's order): its type, when it happened and whether it was significant.
    entry_type = models.CharField(
        max_length=30, choices=Entry.EntryType.choices, blank=True, default=""
    )
    contact_at = models.DateTimeField(null=True, blank=True)
    significant = models.BooleanField(null=True, blank=True)
    edited_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField()

    class Meta:
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "number"], name="entry_version_unique"),
        ]


class Document(models.Model):
    """An uploaded file attached to a document entry; stored encrypted outside the database
    (records.files) under the case's data key. Size and SHA-256 are of the plaintext."""

    entry = models.OneToOneField(Entry, on_delete=models.PROTECT, related_name="document")
    # Sealed like an entry version's text (a file name often holds a person's name).
    filename = models.TextField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=200, unique=True)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField()


class CaseClosure(models.Model):
    """A case closed (with a reason from the list and the words of whoever closed it) or
    reopened (with the reason). `Case.closed_on` says whether it is closed now; these rows
    are its history, never removed. `details` is sealed under the case's key with the row
    `caseclosure:<case pk>:<number>` (records.sealing), like an entry's text."""

    class Kind(models.TextChoices):
        CLOSE = "close", "Closed"
        REOPEN = "reopen", "Reopened"

    class Reason(models.TextChoices):
        """Why a case closed, in the words a manager would use."""

        NEEDS_MET = "needs_met", "Needs met, plan completed"
        NO_FURTHER_ACTION = "no_further_action", "No further action after assessment"
        MOVED_AWAY = "moved_away", "Moved out of the area"
        TRANSFERRED = "transferred", "Transferred to another service or council"
        ADULT_SERVICES = "adult_services", "Moved to adult services"
        DECLINED = "declined", "The person declined support"
        DIED = "died", "The person died"
        OTHER = "other", "Another reason"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="closures")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    reason = models.CharField(max_length=30, choices=Reason.choices, blank=True)
    details = models.TextField(blank=True)
    on = models.DateField()
    by = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["case", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["case", "number"], name="case_closure_unique"),
        ]


class EntryDraft(models.Model):
    """An entry being written, saved as its author types so a time-out or a lost connection
    loses nothing. One per author and case; only its author ever sees it; removed when the
    entry is saved or the draft discarded. `content` is the form's fields as JSON, sealed
    under the case's key with the row `entrydraft:<case pk>:<author pk>` (records.sealing)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="+")
    content = models.TextField()
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "author"], name="entry_draft_unique"),
        ]
