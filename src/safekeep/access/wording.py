"""Every reason and piece of advice the access decision gives, in the words people read.

Reasons start lower-case (pages capitalise them); advice is a whole sentence. Pure Python:
the policy, the duties, the door and the pages all take their words from here.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

from safekeep.access.vocabulary import MIN_REASON_LENGTH, Action, Duty

# --- advice -----------------------------------------------------------------------------

ASK_MANAGER: Final = "Ask your team manager for time-limited access."
USE_BREAK_GLASS: Final = "In an emergency, use break-glass access and give your reason."
CONTACT_IG: Final = "Contact information governance if you need to see this record."
# For a restricted person's record only: a request for access goes to IG's queue.
ASK_IG: Final = (
    "Ask information governance for access: they decide who may see a restricted person's records."
)
USE_SAR: Final = "To see records about yourself, make a subject access request."
USE_ENROLLED_DEVICE: Final = (
    "Open Safekeep on an enrolled council device that meets the council's security rules, "
    "or ask IT support about this device."
)
ADD_AN_ENTRY: Final = "Add a new entry to the record instead."
WAIT_AND_ASK: Final = (
    "Wait ten minutes before trying again. If you need a record you cannot open, ask your "
    "team manager; information governance has been told."
)

# --- relationship refusals (rules 1-10) ---------------------------------------------------

ACCOUNT_DISABLED: Final = "your account is disabled"
OWN_RECORD: Final = "this is a record about you"
CONFLICT: Final = "you are named as having a conflict with this person"
RESTRICTED_REFUSAL: Final = (
    "this person's records are restricted to their allocated workers and people "
    "with access approved by information governance; break-glass cannot be used"
)
VOLUNTEER_NOT_ALLOCATED: Final = "volunteers see only the cases they are allocated to"
VOLUNTEER_NO_ASSESSMENT: Final = "volunteers need an approved risk assessment before seeing records"
VOLUNTEER_NOT_APPROVED: Final = "your latest risk assessment did not approve access to records"
VOLUNTEER_OTHER_TEAM: Final = "your risk assessment does not cover this team's records"
BREAK_GLASS_VIEW_ONLY: Final = "break-glass access allows viewing only"
NOT_ALLOCATED_REFUSAL: Final = (
    "you are not allocated to this case and have no approved access to it"
)
TOO_MANY_REFUSALS: Final = "you have been refused many times in a short while"
ONLY_AUTHOR_CHANGES: Final = (
    "only the person who wrote an entry, or a manager of the team that owns the case "
    "correcting it, can change it"
)


def left_on(end_date: dt.date) -> str:
    return f"your work with the council ended on {end_date.isoformat()}"


def role_never_sees_content(role: str) -> str:
    return f"the {role.replace('_', ' ')} role never sees case content"


def assessment_review_due(review_due: dt.date) -> str:
    return f"your risk assessment was due for review on {review_due.isoformat()}"


def assessment_below(maximum: str, classification: str) -> str:
    return f"your risk assessment covers {maximum} records only; this record is {classification}"


def grant_lacks(action: str) -> str:
    return f"your time-limited access does not include '{action}'"


def unknown_action(action: str) -> str:
    return f"'{action}' is not an action Safekeep knows"


# --- reasons for an allowed decision ---------------------------------------------------------


def allocated_since(label: str, since: dt.date) -> str:
    return f"{label} since {since.isoformat()}"


OVERSIGHT: Final = "team manager of the team that owns this case"
AUTHOR: Final = "you wrote this entry"
MANAGER_CORRECTS: Final = (
    "manager of the team that owns this case, correcting an entry someone else wrote "
    "(the reason is recorded)"
)


def granted_until(approver: str, until: dt.datetime) -> str:
    return f"access approved by {approver} until {minutes(until)}"


def break_glass_until(until: dt.datetime) -> str:
    return f"break-glass access until {minutes(until)}"


def minutes(moment: dt.datetime) -> str:
    """ "23 November 2026 at 1pm", "2 July 2026 at 12:30am": GOV.UK's style for the moment
    as given (the facts and the pages give it in the council's time zone), never "13:00" or
    a bare "+00:00"."""
    return f"{moment:%-d %B %Y} at {clock_time(moment.time())}"


def clock_time(moment: dt.time) -> str:
    """GOV.UK's style: "9am", "4:37pm", "midday", "midnight"."""
    if moment.minute == 0 and moment.hour in (0, 12):
        return "midnight" if moment.hour == 0 else "midday"
    hour = moment.hour % 12 or 12
    half = "am" if moment.hour < 12 else "pm"
    return f"{hour}{half}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{half}"


# --- break-glass ----------------------------------------------------------------------------

BREAK_GLASS_RESTRICTED: Final = (
    "break-glass cannot be used for a restricted person's records; contact information governance"
)
BREAK_GLASS_ROLES_ONLY: Final = "only practitioners and managers can use break-glass access"
BREAK_GLASS_SHORT_REASON: Final = (
    f"give a reason of at least {MIN_REASON_LENGTH} characters for break-glass access"
)
BREAK_GLASS_NOT_NEEDED: Final = "you can already view this case; break-glass is not needed"
BREAK_GLASS_NOT_HERE: Final = "break-glass access cannot be opened for this record"


def break_glass_opened(hours: int) -> str:
    return f"break-glass access for {hours} hours, view only; information governance will review it"


# --- duties ("who may") ---------------------------------------------------------------------

ONLY_MANAGER_ALLOCATES: Final = "only the manager of the team that owns this case can allocate it"
ONLY_MANAGER_REFERS: Final = (
    "only the manager of the team that owns this case can refer or transfer it"
)
ONLY_MANAGER_CLOSES_CASE: Final = (
    "only the manager of the team that owns this case can close or reopen it"
)
ONLY_IG_OR_MANAGER_SEES_WHO: Final = (
    "only information governance and the manager of the team that owns "
    "this case can see who has access to it"
)
INFORMATION_GOVERNANCE: Final = "information governance"
ONLY_MANAGER_DECIDES_GRANT: Final = (
    "only the manager of the team that owns this case can decide this"
)
ONLY_IG_DECIDES_RESTRICTED_GRANT: Final = (
    "access to a restricted person's records can only be approved by information governance"
)
OWN_REQUEST: Final = "you cannot decide your own request for access"
ONLY_RECEIVING_MANAGER: Final = "only the manager of the receiving team can decide this"
ONLY_MANAGERS_CLOSE: Final = "only the managers of the two teams can close this referral"
ONLY_IG_REVIEWS: Final = "only information governance can review break-glass use"
OWN_BREAK_GLASS: Final = "you cannot review your own use of break-glass"
ONLY_IG_TRIAGES: Final = "only information governance can acknowledge or dismiss an alert"
OWN_ALERT: Final = "an alert about what you did is for another information governance officer"
NOT_ACTIVE: Final = "you are not working for the council today"
SYSTEM_ADMINISTRATOR: Final = "system administrator"
ONLY_ADMIN_CHANGES_STAFF: Final = "only a system administrator can change the staff directory"
OWN_STANDING: Final = "nobody can change their own roles, team or dates"
OWN_CHANGE_REQUEST: Final = "you asked for this change; someone else must decide it"
ONLY_SECOND_PERSON_DECIDES: Final = (
    "only another system administrator or information governance can approve this change"
)
FOI_OFFICER: Final = "FOI officer"
ONLY_FOI_OR_IG_ANSWERS: Final = (
    "only an FOI officer or information governance can run the FOI report"
)
ONLY_IG_MANAGES_RETENTION: Final = (
    "only information governance can approve disposals and place legal holds"
)
ONLY_IG_RUNS_INCIDENTS: Final = "only information governance can see and work on incidents"
ONLY_IG_ANSWERS_SAR: Final = "only information governance can answer a subject access request"
ONLY_MANAGER_REPORTS: Final = (
    "only the manager of a person's team, or information governance, can report an incident "
    "about them here"
)
TELL_MANAGER_OR_IG: Final = "Tell their team manager or information governance what happened."
TEAM_MANAGER: Final = "team manager"
MANAGER_OF_THEIR_TEAM: Final = "manager of their team"
IT_SUPPORT: Final = "IT support"
ONLY_LEAVER_TEAM: Final = (
    "only information governance, IT support, a system administrator or the manager of "
    "their team can see what is still open for a leaver"
)
ONLY_IT_RECORDS_RETURN: Final = "only IT support can record a council device returned"

# --- devices --------------------------------------------------------------------------------

UNKNOWN_DEVICE_REFUSAL: Final = (
    "this device is not enrolled with Safekeep, so it is treated as a personal, unmanaged "
    "device and case content cannot be opened on it"
)


def sensitive_on_personal(label: str) -> str:
    return (
        f"OFFICIAL-SENSITIVE records are never opened on a personal device ({label}); "
        "use a council device"
    )


# --- refusal page titles ----------------------------------------------------------------------

_TITLES: Final[dict[str, str]] = {
    Action.VIEW: "You cannot see this record",
    Action.EDIT: "You cannot change this entry",
    Action.ADD_ENTRY: "You cannot add to this record",
    Action.DOWNLOAD: "You cannot download this document",
    Action.PRINT: "You cannot print this record",
    Action.SHARE_EXTERNAL: "You cannot share this record",
    Action.EXPORT: "You cannot export this record",
    Duty.ANSWER_FOI: "You cannot run the FOI report",
    Duty.BREAK_GLASS: "You cannot use emergency access to this record",
    Duty.ALLOCATE: "You cannot allocate this case",
    Duty.REFER: "You cannot refer or transfer this case",
    Duty.CLOSE_CASE: "You cannot close or reopen this case",
    Duty.SEE_WHO_CAN_SEE: "You cannot see who has access to this record",
    Duty.DECIDE_GRANT: "You cannot decide this request",
    Duty.DECIDE_REFERRAL: "You cannot decide this referral",
    Duty.CLOSE_REFERRAL: "You cannot close this referral",
    Duty.REVIEW_BREAK_GLASS: "You cannot review this use of break-glass",
    Duty.CHANGE_STAFF: "You cannot make this change",
    Duty.DECIDE_STAFF_CHANGE: "You cannot decide this change",
    Duty.TRIAGE_ALERT: "You cannot acknowledge or dismiss this alert",
    Duty.RUN_INCIDENTS: "You cannot see or work on incidents",
    Duty.REPORT_INCIDENT: "You cannot report this incident",
    Duty.SEE_LEAVERS: "You cannot see this leaver's checklist",
    Duty.RECORD_DEVICE_RETURNED: "You cannot record this device returned",
}
_ON_THIS_DEVICE: Final[dict[str, str]] = {
    Action.VIEW: "You cannot open this record on this device",
    Action.DOWNLOAD: "You cannot download on this device",
    "list": "Your cases cannot be shown on this device",
}


SLOWED_DOWN_TITLE: Final = "Wait before trying again"


def refusal_title(action: str, *, by_device: bool) -> str:
    """The refusal page's heading: it names what was refused, and the device when it was that."""
    if by_device:
        return _ON_THIS_DEVICE.get(action) or _TITLES.get(action, "You cannot do this") + (
            " on this device"
        )
    return _TITLES.get(action, "You cannot do this")


def device_reported(label: str, status: str) -> str:
    return f"{label} is reported {status}; nothing can be done on it"


def device_not_compliant(label: str, problems: tuple[str, ...]) -> str:
    return f"case content cannot be opened on {label} because it is not compliant: " + "; ".join(
        problems
    )


def device_off_site_unencrypted(label: str) -> str:
    return (
        f"{label} is unencrypted and must not leave site, but is reported off site; "
        "an incident has been raised"
    )


# What a grant lets its holder do, as a request or a case page says it.
ACTION_INFINITIVES: Final[dict[str, str]] = {
    Action.VIEW: "see the record",
    Action.EDIT: "change entries",
    Action.ADD_ENTRY: "add entries",
    Action.DOWNLOAD: "download documents",
    Action.PRINT: "print",
    Action.SHARE_EXTERNAL: "share with external partners",
    Action.EXPORT: "export the record",
}


def actions_in_words(actions: list[str]) -> str:
    """ "see the record and add entries", in the order DESIGN.md lists the actions."""
    named = [ACTION_INFINITIVES[a] for a in ACTION_INFINITIVES if a in actions]
    named += [a for a in actions if a not in ACTION_INFINITIVES]  # never hidden
    if not named:
        return "nothing"
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]


# (phrase, plural?) so that reasons read "downloads need ..." and "viewing records needs ...".
ACTION_PHRASES: Final[dict[str, tuple[str, bool]]] = {
    Action.VIEW: ("viewing records", False),
    Action.EDIT: ("editing records", False),
    Action.ADD_ENTRY: ("adding entries", False),
    Action.DOWNLOAD: ("downloads", True),
    Action.EXPORT: ("exports", True),
    Action.SHARE_EXTERNAL: ("sharing with external partners", False),
    Action.PRINT: ("printing", False),
}


def task_allowed(action: str, kind: str, version: int, condition: str = "") -> str:
    phrase, plural = ACTION_PHRASES[action]
    with_condition = f" with {condition}" if condition else ""
    return (
        f"{phrase} {'are' if plural else 'is'} allowed on a {kind}{with_condition} "
        f"(task policy version {version})"
    )


def task_condition_unmet(action: str, condition: str, label: str, unmet: str) -> str:
    phrase, plural = ACTION_PHRASES[action]
    return f"{phrase} {'need' if plural else 'needs'} {condition}; {label} {unmet}"


def task_needs_council_device(action: str, kind: str, version: int, *, encrypted: bool) -> str:
    phrase, plural = ACTION_PHRASES[action]
    extra = " that is encrypted" if encrypted else ""
    return (
        f"{phrase} {'need' if plural else 'needs'} a council device{extra}; this is a {kind} "
        f"(task policy version {version})"
    )


def task_prevented(action: str, kind: str, version: int) -> str:
    phrase, plural = ACTION_PHRASES[action]
    return (
        f"{phrase} {'are' if plural else 'is'} not allowed on a {kind} "
        f"(task policy version {version})"
    )


def print_needs_council_device(label: str) -> str:
    article = "an" if label[:1].lower() in "aeiou" else "a"
    return f"printing needs a council device; this is {article} {label}"


PRINTER_NOT_CHOSEN: Final = (
    "printing needs a printer with coded release or in a secure location, and no printer was chosen"
)
PRINTER_NOT_SECURE: Final = (
    "printing needs a printer with coded release or in a secure location; this printer has neither"
)


def printing_to_secure_printer(label: str) -> str:
    return f"printing from {label} to a secure printer"
