"""The words of the access decision: actions, duties, bases, obligations and limits.

Pure Python; the roles come from the pure `organisation.roles`. The relationship rules
(`policy`), the device rules (`device_rules`), the "who may" duties (`duties`), the door and
every caller speak this one vocabulary, so a string such as "add_entry" or
"incident:unencrypted_device_removed" is written once, here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from safekeep.organisation.roles import RoleName


class Action(StrEnum):
    """What a person does to a case's content (DESIGN.md's seven actions)."""

    VIEW = "view"
    EDIT = "edit"
    ADD_ENTRY = "add_entry"
    DOWNLOAD = "download"
    PRINT = "print"
    SHARE_EXTERNAL = "share_external"
    EXPORT = "export"


ACTIONS: Final[tuple[str, ...]] = tuple(action.value for action in Action)
# Actions that put a copy of the content somewhere else: watermarked when sensitive.
COPYING_ACTIONS: Final = frozenset({Action.DOWNLOAD, Action.PRINT, Action.EXPORT})


class Duty(StrEnum):
    """What a person does *about* a case or a request, rather than to its content."""

    ANSWER_FOI = "answer_foi"  # run the FOI report and download it (no case, no request)

    BREAK_GLASS = "break_glass"
    ALLOCATE = "allocate"
    REFER = "refer"
    # Closing a case (with a reason and a date) and reopening it: the owning team's manager.
    CLOSE_CASE = "close_case"
    SEE_WHO_CAN_SEE = "who_can_see"
    DECIDE_GRANT = "decide_grant"
    DECIDE_REFERRAL = "decide_referral"
    CLOSE_REFERRAL = "close_referral"
    REVIEW_BREAK_GLASS = "review_break_glass"
    CHANGE_STAFF = "change_staff"
    DECIDE_STAFF_CHANGE = "decide_staff_change"
    TRIAGE_ALERT = "triage_alert"
    # Incidents: information governance runs them; a manager may report one about their team.
    RUN_INCIDENTS = "run_incidents"
    REPORT_INCIDENT = "report_incident"
    # The leaver workflow: seeing a leaver's checklist; IT recording a device returned.
    SEE_LEAVERS = "see_leavers"
    RECORD_DEVICE_RETURNED = "record_device_returned"
    # Retention: information governance approves disposals and places legal holds.
    MANAGE_RETENTION = "manage_retention"
    # Subject access: information governance gathers and discloses a person's records.
    ANSWER_SAR = "answer_sar"


class Basis(StrEnum):
    """Which rule let the person in: the answer to "why can they see this?"."""

    ALLOCATION = "allocation"
    OVERSIGHT = "oversight"
    GRANT = "grant"
    BREAK_GLASS = "break_glass"
    NONE = "none"


class Obligation(StrEnum):
    """What must happen when an allowed (or, for an incident, refused) action goes ahead."""

    AUDIT = "audit"
    ALERT_IG = "alert_ig"
    IG_REVIEW = "ig_review"
    WATERMARK = "watermark"
    # The change must carry its reason (a manager correcting someone else's entry).
    RECORD_REASON = "record_reason"
    # The caller records an IT task for the device, and governance opens an incident.
    RAISE_INCIDENT = "incident:unencrypted_device_removed"


BREAK_GLASS_ROLES: Final = frozenset(
    {RoleName.PRACTITIONER, RoleName.TEAM_MANAGER, RoleName.CENTRE_MANAGER}
)
VOLUNTEER: Final = "volunteer"  # the employment type rule 5 applies to

OFFICIAL: Final = "OFFICIAL"
OFFICIAL_SENSITIVE: Final = "OFFICIAL-SENSITIVE"
CLASSIFICATION_RANK: Final = {OFFICIAL: 0, OFFICIAL_SENSITIVE: 1}

ALLOCATION_ROLE_LABELS: Final = {
    "allocated_worker": "allocated worker",
    "co_worker": "co-worker",
    "supervising_manager": "supervising manager",
}
# Allocation roles that see sensitive entries (with the owning team's manager).
SEES_SENSITIVE_ROLES: Final = frozenset({"allocated_worker", "supervising_manager"})

# --- limits, defined once ---------------------------------------------------------------

BREAK_GLASS_HOURS: Final = 4
# Break-glass, access requests and referrals all need a reason at least this long.
MIN_REASON_LENGTH: Final = 20
