"""Changing case records, one module per subject. Nothing here deletes record content: an
edit adds a version, an allocation or grant is ended rather than removed.

Every change takes the door's answer (`access.door`: a `CaseAccess`, `EntryAccess` or
`DutyAccess`) and never decides again; it makes its change in one transaction with one
audit entry beside it, which carries the decision's reasons (docs/audit.md).
"""

from safekeep.records.services.allocations import allocation_create, allocation_end
from safekeep.records.services.break_glass import (
    break_glass_review,
    break_glass_start,
    check_break_glass_reason,
)
from safekeep.records.services.closure import case_close, case_reopen, check_open, offered
from safekeep.records.services.documents import check_upload, document_upload
from safekeep.records.services.drafts import draft_discard, draft_save
from safekeep.records.services.entries import entry_add, entry_edit
from safekeep.records.services.errors import RecordsError
from safekeep.records.services.grants import (
    GRANT_MAX_DAYS,
    AlreadyAsked,
    check_grant_reason,
    grant_decide,
    grant_request,
    grant_revoke,
)
from safekeep.records.services.referrals import (
    referral_close,
    referral_create,
    referral_decide,
    team_managers,
)
from safekeep.records.services.subjects import (
    person_details_set,
    subject_create,
    subject_details_set,
)

__all__ = [
    "GRANT_MAX_DAYS",
    "AlreadyAsked",
    "RecordsError",
    "allocation_create",
    "allocation_end",
    "break_glass_review",
    "break_glass_start",
    "case_close",
    "case_reopen",
    "check_break_glass_reason",
    "check_grant_reason",
    "check_open",
    "check_upload",
    "document_upload",
    "draft_discard",
    "draft_save",
    "entry_add",
    "entry_edit",
    "grant_decide",
    "grant_request",
    "grant_revoke",
    "offered",
    "person_details_set",
    "referral_close",
    "referral_create",
    "referral_decide",
    "subject_create",
    "subject_details_set",
    "team_managers",
]
