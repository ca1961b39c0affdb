"""The audit log's actions in plain words, for every page that shows the log.

The log stores a short code (`case.view`); IG and the people they answer read "opened the
case". One table, so the audit search, the subject report and the dashboard say the same
thing. Each code has what was done ("opened the case") and what was tried, for a refusal
or a failure ("open the case"). Exports and the API keep the codes: other tools read them.
"""

from __future__ import annotations

from typing import Final

# code: (done, tried)
ACTION_WORDS: Final[dict[str, tuple[str, str]]] = {
    # case content, decided by the door (case.<action>)
    "case.view": ("opened the case", "open the case"),
    "case.edit": ("changed the case", "change the case"),
    "case.add_entry": ("opened the form to add an entry", "add an entry"),
    "case.download": ("downloaded a document", "download a document"),
    "case.print": ("printed from the case", "print from the case"),
    "case.share_external": ("shared the case outside the council", "share the case outside"),
    "case.export": ("exported the case", "export the case"),
    "case.list": ("looked at their caseload", "look at their caseload"),
    "case.allocate": ("opened the allocation form", "allocate the case"),
    "case.refer": ("opened the referral form", "refer the case"),
    "case.close_case": ("opened the form to close or reopen the case", "close or reopen the case"),
    "case.who_can_see": ("looked at who can see the case", "see who can see the case"),
    "case.break_glass": ("used break-glass", "use break-glass"),
    "case.transfer": ("received the case by transfer", "transfer the case"),
    # changes to a case
    "entry.add": ("added an entry", "add an entry"),
    "entry.edit": ("changed an entry", "change an entry"),
    "entry.draft": ("saved a draft entry", "save a draft entry"),
    "entry.draft_discard": ("discarded a draft entry", "discard a draft entry"),
    "document.upload": ("uploaded a document", "upload a document"),
    "case.close": ("closed the case", "close the case"),
    "case.reopen": ("reopened the case", "reopen the case"),
    "allocation.create": ("allocated someone to the case", "allocate someone"),
    "allocation.end": ("ended an allocation", "end an allocation"),
    "referral.create": ("referred the case to another team", "refer the case"),
    "referral.accept": ("accepted a referral", "accept a referral"),
    "referral.decline": ("declined a referral", "decline a referral"),
    "referral.close": ("closed a referral", "close a referral"),
    "referral.decide_referral": ("decided a referral", "decide a referral"),
    "referral.close_referral": ("closed a referral", "close a referral"),
    "transfer.create": ("asked to transfer the case", "transfer the case"),
    "transfer.accept": ("accepted a transfer", "accept a transfer"),
    "transfer.decline": ("declined a transfer", "decline a transfer"),
    "transfer.close": ("closed a transfer", "close a transfer"),
    "transfer.decide_referral": ("decided a transfer", "decide a transfer"),
    "transfer.close_referral": ("closed a transfer", "close a transfer"),
    "grant.request": ("asked for access to the case", "ask for access"),
    "grant.approve": ("approved a request for access", "approve a request for access"),
    "grant.refuse": ("refused a request for access", "refuse a request for access"),
    "grant.revoke": ("revoked someone's access", "revoke someone's access"),
    "grant.decide_grant": ("decided a request for access", "decide a request for access"),
    "break_glass.start": ("used break-glass to open the case", "use break-glass"),
    "break_glass.justified": ("judged a break-glass use justified", "review a break-glass use"),
    "break_glass.not_justified": (
        "judged a break-glass use not justified",
        "review a break-glass use",
    ),
    "breakglass.review_break_glass": ("reviewed a break-glass use", "review a break-glass use"),
    # email notifications (docs/notifications.md) and the person's own requests
    "notification.sent": ("emailed someone", "email someone"),
    "notification.failed": ("emailed someone", "email someone"),
    "notification.skipped": (
        "could not email someone, who has no email address",
        "email someone",
    ),
    "request.list": ("looked at their requests", "look at their requests"),
    # signing in and accounts
    "auth.sign_in": ("signed in", "sign in"),
    "auth.oidc_sign_in": (
        "was signed in by the council's identity provider",
        "sign in with the council's identity provider",
    ),
    "auth.sign_out": ("signed out", "sign out"),
    "auth.sign_out_everywhere": ("signed out everywhere", "sign out everywhere"),
    "auth.session_end": ("was signed out by the session policy", "keep a session"),
    "auth.throttle": ("was slowed down after failed sign-ins", "sign in"),
    "auth.api_token": ("used an API token", "use an API token"),
    "auth.demo_code": ("was shown the demo sign-in code", "see the demo sign-in code"),
    "account.create": ("created a sign-in account", "create a sign-in account"),
    "account.enable": ("enabled a sign-in account", "enable a sign-in account"),
    "account.disable": ("disabled a sign-in account", "disable a sign-in account"),
    "account.password_set": ("set a password", "set a password"),
    "account.two_factor_reset": ("reset two-factor sign-in", "reset two-factor sign-in"),
    "account.invite": (
        "created a sign-in and its one-time set-up link",
        "create a sign-in with a set-up link",
    ),
    "account.password_reset": (
        "reset a password, ending every session and API token, and issued a set-up link",
        "reset a password",
    ),
    "account.unlock": ("unlocked a sign-in slowed by failed attempts", "unlock a sign-in"),
    "account.set_up": ("chose a password with a set-up link", "use a set-up link"),
    "api_token.create": ("created an API token", "create an API token"),
    "api_token.revoke": ("revoked an API token", "revoke an API token"),
    "auth.scim_token": ("provisioned staff with a SCIM token", "provision staff with a SCIM token"),
    "case.dispose": ("disposed of the case", "dispose of the case"),
    "case.disposal_reapplied": (
        "disposed again of a case a restored backup held",
        "dispose again of a case a restored backup held",
    ),
    "device.returned": ("recorded a device returned", "record a device returned"),
    "staff.leaver_processed": ("closed a leaver's access", "close a leaver's access"),
    "page.open": ("opened a page", "open a page"),
    "access.slowed": ("was slowed down after repeated refusals", "open cases"),
    "access.explain": ("asked why someone can or cannot see a case", "explain access"),
    # staff directory
    "staff.create": ("added a member of staff", "add a member of staff"),
    "staff.update": ("changed a staff record", "change a staff record"),
    "staff.end": ("recorded someone leaving", "record someone leaving"),
    "staff.change_staff": ("changed a staff record", "change a staff record"),
    "staff.change_approve": ("approved new access rights", "approve new access rights"),
    "staff.change_refuse": ("refused new access rights", "refuse new access rights"),
    "staff_change.decide_staff_change": (
        "decided a change to access rights",
        "decide a change to access rights",
    ),
    # devices
    "device.create": ("added a device to the register", "add a device"),
    "device.register_export": (
        "downloaded the device register as a spreadsheet",
        "download the device register",
    ),
    "device.update": ("changed a device's details", "change a device"),
    "device.retire": ("retired a device", "retire a device"),
    "device.revoke": ("revoked a device's sign-in", "revoke a device"),
    "device.enrol": ("enrolled a device", "enrol a device"),
    "device.enrolment_code": ("issued a device enrolment code", "issue an enrolment code"),
    "device.credential_refused": ("used a device issued to someone else", "use a device"),
    "device.incident": ("raised a device incident", "raise a device incident"),
    "device.it_task_done": ("completed an IT task", "complete an IT task"),
    "device.report_lost": ("reported a device lost", "report a device lost"),
    "device.report_stolen": ("reported a device stolen", "report a device stolen"),
    "device.complaint": ("made a device complaint", "make a device complaint"),
    "device.complaint_update": ("updated a device complaint", "update a device complaint"),
    "task_policy.change": ("changed the task policy", "change the task policy"),
    # information governance
    "audit.dashboard": ("opened the IG dashboard", "open the IG dashboard"),
    "audit.report_subject": ("ran the subject access report", "run the subject report"),
    "audit.report_subject_csv": ("downloaded the subject access report", "download it"),
    "audit.report_staff": ("ran the staff activity report", "run the staff report"),
    "audit.report_staff_csv": ("downloaded the staff activity report", "download it"),
    "audit.report_refusals": ("ran the refusals report", "run the refusals report"),
    "audit.report_refusals_csv": ("downloaded the refusals report", "download it"),
    "audit.subject_search": ("looked a person up", "look a person up"),
    "audit.checkpoint": ("signed an audit checkpoint", "sign an audit checkpoint"),
    "audit.witness": ("could not hand a checkpoint to a witness", "hand a checkpoint to a witness"),
    "alert.acknowledge": ("acknowledged an alert", "acknowledge an alert"),
    "alert.dismiss": ("dismissed an alert", "dismiss an alert"),
    "alert.triage_alert": ("triaged an alert", "triage an alert"),
    # volunteers' risk assessments and access reviews
    "risk_assessment.record": (
        "recorded a volunteer's risk assessment",
        "record a risk assessment",
    ),
    "risk_assessment.view": ("looked at a volunteer's risk assessments", "see risk assessments"),
    "risk_assessment.list": ("looked at volunteers' risk assessments", "see risk assessments"),
    "risk_assessment.review_due": (
        "noted a volunteer's risk assessment due for review",
        "note a risk assessment due",
    ),
    "risk_assessment.lapsed": ("noted a volunteer's risk assessment lapsed", "note it lapsed"),
    "access_review.list": ("looked at the access reviews", "see the access reviews"),
    "access_review.view": ("opened an access review", "open an access review"),
    "access_review.open": ("opened access reviews", "open access reviews"),
    "access_review.overdue": ("marked an access review overdue", "mark a review overdue"),
    "access_review.decide": ("decided an access review", "decide an access review"),
    "access_review.confirmed": ("confirmed someone's access in a review", "confirm access"),
    "access_review.changed": ("changed someone's access in a review", "change access"),
    "access_review.access_removed": (
        "removed someone's access in a review",
        "remove someone's access",
    ),
    # operations
    "crypto.integrity_failure": ("met data that failed its integrity check", "read data"),
    "keys.status": ("checked the encryption keys", "check the encryption keys"),
    "keys.rotation_started": ("started rotating the encryption key", "rotate the key"),
    "keys.rotation_resumed": ("resumed rotating the encryption key", "rotate the key"),
    "keys.rotation_finished": ("finished rotating the encryption key", "rotate the key"),
    "keys.retire": ("retired an old encryption key", "retire an encryption key"),
    "backup.create": ("made a backup", "make a backup"),
    "backup.restored": ("restored a backup", "restore a backup"),
    "demo.load": ("loaded the demo council", "load the demo council"),
    # sites: door codes, visitors, end-of-day checks, paper files, secure printing
    "sites.view": ("looked at the sites", "look at the sites"),
    "site.view": ("looked at a site", "look at a site"),
    "door_code.view": ("looked at a door code", "look at a door code"),
    "door_code.change": ("recorded a new door code", "record a new door code"),
    "door_code.rotation_due": ("set a door code due for change", "set a door code due"),
    "end_of_day.record": ("recorded the end-of-day check", "record the end-of-day check"),
    "visit.sign_in": ("signed a visitor in", "sign a visitor in"),
    "visit.sign_out": ("signed a visitor out", "sign a visitor out"),
    "visits.search": ("searched the visitor log", "search the visitor log"),
    "paper_file.check_out": ("checked a paper file out", "check a paper file out"),
    "print.release": ("released a print job at the printer", "release a print job"),
    # leavers, incidents, FOI and retention
    "leaver.checklist": ("looked at a leaver's checklist", "look at a leaver's checklist"),
    "leavers.list": ("looked at the leavers", "look at the leavers"),
    "see_leavers": ("looked at the leavers", "look at the leavers"),
    "staff.see_leavers": ("looked at a leaver's checklist", "look at a leaver's checklist"),
    "device.record_device_returned": (
        "recorded a device returned",
        "record a device returned",
    ),
    "incident.raise": ("raised an incident", "raise an incident"),
    "incident.record": ("recorded an incident", "record an incident"),
    "incident.action": ("recorded an action on an incident", "act on an incident"),
    "incident.run_incidents": ("worked on an incident", "work on an incident"),
    "staff.run_incidents": ("worked on incidents", "work on incidents"),
    "staff.report_incident": ("reported an incident", "report an incident"),
    "answer_foi": ("opened the FOI requests", "work on FOI requests"),
    "foi.report": ("ran the FOI report", "run the FOI report"),
    "foi.request.log": ("logged an FOI request", "log an FOI request"),
    "foi.request.view": ("looked at an FOI request", "look at an FOI request"),
    "foi.question.answer": ("answered an FOI question", "answer an FOI question"),
    "manage_retention": ("opened the retention page", "manage retention and disposal"),
    "retention.hold": ("placed a legal hold", "place a legal hold"),
    "retention.hold_refused": ("was told the hold could not be placed", "place a legal hold"),
    "retention.release": ("released a legal hold", "release a legal hold"),
    "disposal_batch.view": ("looked at the records due for disposal", "see records due"),
    "disposal_batch.list": ("listed the records due for disposal", "list records due"),
    "disposal_batch.approve": ("approved a disposal", "approve a disposal"),
    "tombstone.view": ("looked at a disposed record's tombstone", "see a tombstone"),
    # provisioning, jobs and the person's details
    "scim.read": ("read provisioning data", "read provisioning data"),
    "scim.user_remove": ("removed a person by provisioning", "remove a person"),
    "jobs.run": ("ran the scheduled jobs", "run the scheduled jobs"),
    "subject.details": ("changed a person's details", "change a person's details"),
    # subject access requests (IG): each step, and each page shown, against the subject
    "answer_sar": ("opened the subject access requests", "work on subject access requests"),
    "sar.answer_sar": ("opened a subject access request", "open a subject access request"),
    "sar.list": ("looked at the subject access requests", "look at the requests"),
    "sar.search": ("searched for a person to answer", "search for a person to answer"),
    "sar.open_form": ("began a subject access request", "begin a subject access request"),
    "sar.open_refused": ("was told the request could not be opened", "open a request"),
    "sar.open": ("opened a subject access request", "open a subject access request"),
    "sar.view": ("looked at a subject access request", "look at a subject access request"),
    "sar.identity": ("recorded the person's identity confirmed", "record identity confirmed"),
    "sar.identity_refused": ("was told identity could not be recorded", "record identity"),
    "sar.extend": ("extended a subject access request", "extend a subject access request"),
    "sar.extend_refused": ("was told the request could not be extended", "extend the request"),
    "sar.withhold": ("withheld an entry from a disclosure", "withhold an entry"),
    "sar.withhold_refused": ("was told the entry could not be withheld", "withhold an entry"),
    "sar.release": ("included a withheld entry again", "include a withheld entry again"),
    "sar.release_refused": ("was told the entry could not be included", "include an entry"),
    "sar.preview": ("previewed a subject access disclosure", "preview a disclosure"),
    "sar.export_form": ("began a subject access export", "begin a subject access export"),
    "sar.export_refused": ("was told the export could not be made", "make the export"),
    "sar.export": ("made a subject access export", "make a subject access export"),
    "sar.download": ("downloaded a subject access export", "download a subject access export"),
    "sar.download_refused": ("was told the export had been deleted", "download an export"),
    "sar.export_purged": ("deleted a subject access export after 30 days", "delete an export"),
}
IMPORT_PREFIX: Final = "import."


def action_words(action: str, decision: str) -> str:
    """What the entry says happened, in words: "opened the case", "tried to open the case".

    An import names its file kind ("imported a staff file"); a code with no words yet is
    shown as it is rather than hidden.
    """
    if action.startswith(IMPORT_PREFIX):
        kind = action.removeprefix(IMPORT_PREFIX).replace("-", " ").replace("_", " ")
        done, tried = f"imported a {kind} file", f"import a {kind} file"
    elif action in ACTION_WORDS:
        done, tried = ACTION_WORDS[action]
    else:
        return action
    return f"tried to {tried}" if decision in {"refused", "failed"} else done


def counted(number: int, thing: str, things: str | None = None) -> str:
    """ "1 entry", "2 entries": the commands' summaries in plain English."""
    return f"{number:,} {thing if number == 1 else (things or thing + 's')}"
