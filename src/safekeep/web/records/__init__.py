"""The case-record pages, one module per subject; every one opens through `access.door`."""

from safekeep.web.records.allocations import allocate
from safekeep.web.records.break_glass import break_glass, break_glass_queue
from safekeep.web.records.caseload import case_detail, caseload
from safekeep.web.records.chronology import chronology
from safekeep.web.records.closure import case_closure
from safekeep.web.records.details import person_details_edit
from safekeep.web.records.documents import document_download, document_upload
from safekeep.web.records.drafts import entry_draft
from safekeep.web.records.entries import entry_add, entry_edit
from safekeep.web.records.grants import grant_request, grant_requests
from safekeep.web.records.my_requests import my_requests
from safekeep.web.records.referrals import referral_create, referrals
from safekeep.web.records.who_can_see import who_can_see_case
from safekeep.web.records.workload import allocation_end, grant_revoke, team_workload

__all__ = [
    "allocate",
    "allocation_end",
    "break_glass",
    "break_glass_queue",
    "case_closure",
    "case_detail",
    "caseload",
    "chronology",
    "document_download",
    "document_upload",
    "entry_add",
    "entry_draft",
    "entry_edit",
    "grant_request",
    "grant_requests",
    "grant_revoke",
    "my_requests",
    "person_details_edit",
    "referral_create",
    "referrals",
    "team_workload",
    "who_can_see_case",
]
