"""Who may act as manager or information governance: the "who may" rules beside the policy.

Pure functions over the same facts the policy reads (`ActorFacts`, `CaseFacts`) and a few
small facts about the request being decided. Each answers with a `Decision`, so a refusal
carries its reason and advice exactly as a refused case action does, and the door records
both alike.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from safekeep.access import wording
from safekeep.access.policy import ActorFacts, CaseFacts, Decision, allow, refuse
from safekeep.organisation.roles import RoleName


@dataclass(frozen=True, slots=True)
class GrantRequestFacts:
    """A request for time-limited access, as the person deciding it needs to know it."""

    grantee_pk: int
    owning_team_id: int
    subject_restricted: bool


@dataclass(frozen=True, slots=True)
class ReferralFacts:
    """A referral or transfer: the team that owns the case now, and the receiving team."""

    owning_team_id: int
    to_team_id: int


@dataclass(frozen=True, slots=True)
class StaffChangeFacts:
    """A change to someone's directory entry: whose, and whether it touches their standing
    (roles, team or dates) or, waiting for approval, who asked for it."""

    staff_pk: int | None  # None: a new member of staff
    touches_standing: bool = True
    requested_by_pk: int | None = None


@dataclass(frozen=True, slots=True)
class BreakGlassUseFacts:
    """One use of break-glass waiting for review: who used it."""

    user_pk: int


@dataclass(frozen=True, slots=True)
class AlertFacts:
    """An anomaly alert to acknowledge or dismiss: whom it is about, if anyone."""

    about_staff_pk: int | None


@dataclass(frozen=True, slots=True)
class IncidentReportFacts:
    """An incident a manager reports about a member of staff: that person's team (None while
    nobody is chosen yet, as when the form is first shown)."""

    involved_team_id: int | None


def is_active(actor: ActorFacts, today: dt.date) -> bool:
    """Working for the council today: started, not left, account not disabled."""
    started = actor.start_date is None or actor.start_date <= today
    ended = actor.end_date is not None and actor.end_date < today
    return started and not ended and not actor.disabled


def manages_team(actor: ActorFacts, team_id: int, today: dt.date) -> bool:
    """A team manager manages the team on their own staff row (DESIGN.md, staff import)."""
    return (
        is_active(actor, today)
        and RoleName.TEAM_MANAGER in actor.roles
        and team_id in actor.managed_team_ids
    )


def is_ig_officer(actor: ActorFacts, today: dt.date) -> bool:
    return is_active(actor, today) and RoleName.IG_OFFICER in actor.roles


def may_allocate(actor: ActorFacts, case: CaseFacts, today: dt.date) -> Decision:
    """The owning team's manager, or the manager receiving the case on an open referral."""
    if manages_team(actor, case.owning_team_id, today):
        return allow(wording.OVERSIGHT)
    if case.receiving_referral and any(
        manages_team(actor, t, today) for t in actor.managed_team_ids
    ):
        return allow("manager of the team this case is referred to")
    return refuse(wording.ONLY_MANAGER_ALLOCATES, wording.ASK_MANAGER)


def may_refer(actor: ActorFacts, case: CaseFacts, today: dt.date) -> Decision:
    if manages_team(actor, case.owning_team_id, today):
        return allow(wording.OVERSIGHT)
    return refuse(wording.ONLY_MANAGER_REFERS, wording.ASK_MANAGER)


def may_close_case(actor: ActorFacts, case: CaseFacts, today: dt.date) -> Decision:
    """Closing a case and reopening it: the manager of the team that owns it, who answers
    for its caseload (not the manager it is only referred to)."""
    if manages_team(actor, case.owning_team_id, today):
        return allow(wording.OVERSIGHT)
    return refuse(wording.ONLY_MANAGER_CLOSES_CASE, wording.ASK_MANAGER)


def may_see_who_can_see(
    actor: ActorFacts, case: CaseFacts, today: dt.date, *, view: Decision
) -> Decision:
    """Information governance always; otherwise the owning team's manager, who can view it."""
    if is_ig_officer(actor, today):
        return allow(wording.INFORMATION_GOVERNANCE)
    if not view.allowed:
        return view
    if manages_team(actor, case.owning_team_id, today):
        return view
    return refuse(wording.ONLY_IG_OR_MANAGER_SEES_WHO, wording.ASK_MANAGER)


def may_decide_grant(actor: ActorFacts, grant: GrantRequestFacts, today: dt.date) -> Decision:
    """The owning team's manager decides; for a restricted subject, only an IG officer.

    Nobody decides their own request. Revoking an approved grant follows the same rule.
    """
    if grant.grantee_pk == actor.staff_pk:
        return refuse(wording.OWN_REQUEST)
    if grant.subject_restricted:
        if is_ig_officer(actor, today):
            return allow(wording.INFORMATION_GOVERNANCE)
        return refuse(wording.ONLY_IG_DECIDES_RESTRICTED_GRANT)
    if manages_team(actor, grant.owning_team_id, today):
        return allow(wording.OVERSIGHT)
    return refuse(wording.ONLY_MANAGER_DECIDES_GRANT)


def may_decide_referral(actor: ActorFacts, referral: ReferralFacts, today: dt.date) -> Decision:
    if manages_team(actor, referral.to_team_id, today):
        return allow("manager of the receiving team")
    return refuse(wording.ONLY_RECEIVING_MANAGER)


def may_close_referral(actor: ActorFacts, referral: ReferralFacts, today: dt.date) -> Decision:
    if manages_team(actor, referral.to_team_id, today) or manages_team(
        actor, referral.owning_team_id, today
    ):
        return allow("manager of one of the two teams")
    return refuse(wording.ONLY_MANAGERS_CLOSE)


def may_review_break_glass(actor: ActorFacts, use: BreakGlassUseFacts, today: dt.date) -> Decision:
    if not is_ig_officer(actor, today):
        return refuse(wording.ONLY_IG_REVIEWS)
    if use.user_pk == actor.staff_pk:
        return refuse(wording.OWN_BREAK_GLASS)
    return allow(wording.INFORMATION_GOVERNANCE)


def may_triage_alert(actor: ActorFacts, alert: AlertFacts, today: dt.date) -> Decision:
    """Information governance, and not for an alert about themselves (someone else judges it)."""
    if not is_ig_officer(actor, today):
        return refuse(wording.ONLY_IG_TRIAGES)
    if alert.about_staff_pk == actor.staff_pk:
        return refuse(wording.OWN_ALERT)
    return allow(wording.INFORMATION_GOVERNANCE)


def may_change_staff(actor: ActorFacts, change: StaffChangeFacts, today: dt.date) -> Decision:
    """System administrators keep the directory; nobody changes their own roles, team or
    dates (what a change gives beyond that waits for a second person: organisation.roles)."""
    if not (is_active(actor, today) and RoleName.SYSADMIN in actor.roles):
        return refuse(wording.ONLY_ADMIN_CHANGES_STAFF)
    if change.staff_pk == actor.staff_pk and change.touches_standing:
        return refuse(wording.OWN_STANDING)
    return allow(wording.SYSTEM_ADMINISTRATOR)


def may_decide_staff_change(
    actor: ActorFacts, change: StaffChangeFacts, today: dt.date
) -> Decision:
    """The second person: another system administrator, or information governance; never
    the person who asked, nor the person the change is about."""
    if change.requested_by_pk == actor.staff_pk:
        return refuse(wording.OWN_CHANGE_REQUEST)
    if change.staff_pk == actor.staff_pk:
        return refuse(wording.OWN_STANDING)
    if is_ig_officer(actor, today):
        return allow(wording.INFORMATION_GOVERNANCE)
    if is_active(actor, today) and RoleName.SYSADMIN in actor.roles:
        return allow(wording.SYSTEM_ADMINISTRATOR)
    return refuse(wording.ONLY_SECOND_PERSON_DECIDES)


def may_answer_foi(actor: ActorFacts, today: dt.date) -> Decision:
    """The FOI report counts people, devices, complaints and incidents, never case content:
    the FOI officer answers requests from it, and information governance checks it."""
    if is_active(actor, today) and RoleName.FOI_OFFICER in actor.roles:
        return allow(wording.FOI_OFFICER)
    if is_ig_officer(actor, today):
        return allow(wording.INFORMATION_GOVERNANCE)
    return refuse(wording.ONLY_FOI_OR_IG_ANSWERS)


def may_run_incidents(actor: ActorFacts, today: dt.date) -> Decision:
    """Information governance runs incidents: records, works, closes them, decides on the ICO."""
    if is_ig_officer(actor, today):
        return allow(wording.INFORMATION_GOVERNANCE)
    return refuse(wording.ONLY_IG_RUNS_INCIDENTS)


def may_manage_retention(actor: ActorFacts, today: dt.date) -> Decision:
    """Information governance approves the monthly disposals and places and releases legal
    holds; the lists name case ids, types and dates, never content."""
    if is_ig_officer(actor, today):
        return allow(wording.INFORMATION_GOVERNANCE)
    return refuse(wording.ONLY_IG_MANAGES_RETENTION)


def may_answer_sar(actor: ActorFacts, today: dt.date) -> Decision:
    """A subject access request discloses every record about a person and who saw it:
    information governance gathers it, decides what is withheld and sends it."""
    if is_ig_officer(actor, today):
        return allow(wording.INFORMATION_GOVERNANCE)
    return refuse(wording.ONLY_IG_ANSWERS_SAR)


def may_report_incident(actor: ActorFacts, report: IncidentReportFacts, today: dt.date) -> Decision:
    """A team manager reports an incident about someone in their team (FOI q1g: a personal
    phone number shared); information governance about anyone."""
    if is_ig_officer(actor, today):
        return allow(wording.INFORMATION_GOVERNANCE)
    if report.involved_team_id is None:
        if any(manages_team(actor, team, today) for team in actor.managed_team_ids):
            return allow(wording.TEAM_MANAGER)
    elif manages_team(actor, report.involved_team_id, today):
        return allow(wording.MANAGER_OF_THEIR_TEAM)
    return refuse(wording.ONLY_MANAGER_REPORTS, wording.TELL_MANAGER_OR_IG)


@dataclass(frozen=True, slots=True)
class LeaverFacts:
    """A leaver whose checklist is asked for: their team (None: the list of every leaver)."""

    team_id: int | None


def may_see_leavers(actor: ActorFacts, leaver: LeaverFacts, today: dt.date) -> Decision:
    """The leaver checklist names cases and devices, never their content: information
    governance, IT support and system administrators see every leaver; a team manager
    their own team's."""
    if is_ig_officer(actor, today):
        return allow(wording.INFORMATION_GOVERNANCE)
    if is_active(actor, today) and RoleName.IT_SUPPORT in actor.roles:
        return allow(wording.IT_SUPPORT)
    if is_active(actor, today) and RoleName.SYSADMIN in actor.roles:
        return allow(wording.SYSTEM_ADMINISTRATOR)
    if leaver.team_id is not None and manages_team(actor, leaver.team_id, today):
        return allow(wording.MANAGER_OF_THEIR_TEAM)
    return refuse(wording.ONLY_LEAVER_TEAM)


def may_record_device_returned(actor: ActorFacts, today: dt.date) -> Decision:
    """IT support takes a leaver's council device back and records it."""
    if is_active(actor, today) and RoleName.IT_SUPPORT in actor.roles:
        return allow(wording.IT_SUPPORT)
    return refuse(wording.ONLY_IT_RECORDS_RETURN)
