"""The one door: the only ways anything in Safekeep reaches a protected case or request.

In the manner of zulip's `access_*` functions, each door function gathers the facts once
(`facts.py`: two queries), decides once (the pure `policy` and `duties`), records the
decision once in the audit log, carries out what a refusal obliges (an incident for an
unencrypted device off site), and raises one `AccessRefused` -- the same way for a case
that does not exist as for one the person may not open. What it returns (`CaseAccess`,
`EntryAccess`, `DutyAccess`) is what services take: they never decide again.

One request, one audit entry: a page that only shows something has its allowed decision
recorded here; a request that makes a change (`change=True`) has it recorded by the
change's own entry, which carries the decision's reasons (`records.services`); and if the
change does not happen after all (a form error), the page calls `record_unchanged`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, NoReturn

from django.db import connection
from django.db.models import Model, QuerySet
from django.utils import timezone

from safekeep.access import conf, duties, queries, wording
from safekeep.access.device_rules import device_decision
from safekeep.access.facts import actor_facts, case_facts
from safekeep.access.policy import (
    BREAK_GLASS_NOT_HERE,
    UNRELATED_CASE,
    ActorFacts,
    CaseFacts,
    Context,
    Decision,
    EntryFacts,
    decide,
    may_break_glass,
    refuse,
    relationship_decision,
)
from safekeep.access.vocabulary import ACTIONS, Action, Duty, Obligation
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin, audit_event
from safekeep.core.rows import Columns, table
from safekeep.devices.models import Device
from safekeep.devices.services import unencrypted_off_site_report
from safekeep.organisation.models import Directorate, StaffChange, StaffMember, Team
from safekeep.organisation.roles import Standing
from safekeep.organisation.services import standing_of
from safekeep.records.models import AccessGrant, BreakGlass, Case, Entry, Referral, Subject


class AccessRefused(Exception):
    """The door refused (and recorded it): the decision, and what was asked for."""

    def __init__(self, decision: Decision, *, action: str, case_id: str = "") -> None:
        super().__init__("; ".join(decision.words))
        self.decision = decision
        self.action = action
        self.case_id = case_id

    status = 403

    @property
    def title(self) -> str:
        return wording.refusal_title(self.action, by_device=self.decision.refused_by_device)


class TooManyRefusals(AccessRefused):
    """Refused so often in a short while that the door now answers only "wait" (429)."""

    status = 429
    retry_after_seconds = int(conf.REFUSAL_WINDOW.total_seconds())

    @property
    def title(self) -> str:
        return wording.SLOWED_DOWN_TITLE


SLOWED_DOWN = refuse(wording.TOO_MANY_REFUSALS, wording.WAIT_AND_ASK)


class EntryMissing(Exception):
    """The entry does not exist on this case, or is sensitive and hidden from this person."""


@dataclass(frozen=True, slots=True)
class CaseAccess:
    """One person's allowed access to one case for one action, and the facts behind it."""

    staff: StaffMember
    case: Case
    action: str
    decision: Decision
    actor: ActorFacts
    facts: CaseFacts
    context: Context
    origin: Origin

    def allows(self, action: Action) -> bool:
        """Whether `action` would be allowed too, from the same facts (no query)."""
        return decide(self.actor, action, self.facts, self.context).allowed

    def may_change(self, *, entry_pk: int, author_pk: int, sensitive: bool) -> bool:
        """Whether this person could change that entry of this case (no query)."""
        entry = EntryFacts(entry_pk=entry_pk, author_pk=author_pk, sensitive=sensitive)
        return decide(self.actor, Action.EDIT, self.facts, self.context, entry=entry).allowed

    def may(self, duty: Duty) -> bool:
        """Whether this person may do a manager's or IG's duty on this case (no query)."""
        return _duty_decision(self.actor, self.facts, self.context, duty).allowed

    def offers(self) -> frozenset[str]:
        """What the case page may offer this person, on this device: every name is an action
        or duty the door would allow."""
        offered = {str(a) for a in (Action.ADD_ENTRY, Action.DOWNLOAD) if self.allows(a)}
        offered |= {
            str(d)
            for d in (Duty.ALLOCATE, Duty.REFER, Duty.CLOSE_CASE, Duty.SEE_WHO_CAN_SEE)
            if self.may(d)
        }
        return frozenset(offered)


@dataclass(frozen=True, slots=True)
class EntryAccess:
    """Allowed access to change one existing entry of a case."""

    case_access: CaseAccess
    entry: Entry

    @property
    def decision(self) -> Decision:
        return self.case_access.decision


@dataclass(frozen=True, slots=True)
class DutyAccess:
    """Allowed access to decide something that is not case content (a request, a review)."""

    staff: StaffMember
    decision: Decision
    actor: ActorFacts
    context: Context
    origin: Origin

    @property
    def by_information_governance(self) -> bool:
        return duties.is_ig_officer(self.actor, self.context.today)


@dataclass(frozen=True, slots=True)
class CaseList:
    """The cases a person may see on this device, as one query (never a per-row check)."""

    staff: StaffMember
    cases: QuerySet[Case]
    origin: Origin


# --- cases ------------------------------------------------------------------------------


def case_access(
    *,
    staff: StaffMember,
    case_id: str,
    action: Action,
    context: Context,
    origin: Origin,
    change: bool = False,
) -> CaseAccess:
    """May `staff` do `action` on case `case_id` now, on this device? Raises `AccessRefused`."""
    access = _decided(staff, case_id, action, context, origin)
    _settle(access, change=change)
    return access


def entry_access(
    *,
    staff: StaffMember,
    case_id: str,
    entry_id: int,
    context: Context,
    origin: Origin,
    change: bool = False,
) -> EntryAccess:
    """May `staff` change entry `entry_id` of case `case_id`? Its author may; the owning
    team's manager may correct it with a reason; nobody else (DESIGN.md rule 6).

    Raises `AccessRefused`, or `EntryMissing` for an entry that is not there (or is
    sensitive and hidden from this person, or is a document, which is never edited).
    """
    case, actor, facts, origin = _gather(staff, case_id, context, origin, Action.EDIT)
    entry = Entry.objects.filter(case=case, pk=entry_id).exclude(kind=Entry.Kind.DOCUMENT).first()
    # First the case: a hidden (sensitive) entry is missing, whoever wrote it.
    decision = decide(actor, Action.EDIT, facts, context)
    access = CaseAccess(staff, case, str(Action.EDIT), decision, actor, facts, context, origin)
    if not decision.allowed:
        _refused(access)
    if entry is None or (entry.sensitive and not decision.sees_sensitive_entries):
        _record(origin, case, Action.EDIT, decision)
        raise EntryMissing("There is no such entry on this case")
    about = EntryFacts(entry_pk=entry.pk, author_pk=entry.author_id, sensitive=entry.sensitive)
    access = dataclasses.replace(
        access, decision=decide(actor, Action.EDIT, facts, context, entry=about)
    )
    if not access.decision.allowed:
        _refused(access)
    _settle(access, change=change)
    return EntryAccess(case_access=access, entry=entry)


def case_duty_access(
    *,
    staff: StaffMember,
    case_id: str,
    duty: Duty,
    context: Context,
    origin: Origin,
    change: bool = False,
) -> CaseAccess:
    """May `staff` allocate, refer, or see who can see case `case_id`? Raises `AccessRefused`.

    Each needs the right to see the case on this device and a manager's duty; seeing who has
    access is information governance's, or the owning manager's who can view it.
    """
    case, actor, facts, origin = _gather(staff, case_id, context, origin, duty)
    decision = _duty_decision(actor, facts, context, duty)
    access = CaseAccess(staff, case, str(duty), decision, actor, facts, context, origin)
    if not decision.allowed:
        _refused(access)
    _settle(access, change=change)
    return access


def break_glass_access(
    *, staff: StaffMember, case_id: str, reason: str, context: Context, origin: Origin
) -> CaseAccess:
    """May `staff` open emergency, view-only access to the case now, for `reason`?

    Always for a change: an allowed decision is recorded by the break-glass entry itself.
    """
    case, actor, facts, origin = _gather(staff, case_id, context, origin, Duty.BREAK_GLASS)
    decision = may_break_glass(actor, facts, context, reason=reason)
    access = CaseAccess(staff, case, str(Duty.BREAK_GLASS), decision, actor, facts, context, origin)
    if not decision.allowed:
        _refused(access)
    return access


def case_list(*, staff: StaffMember, context: Context, origin: Origin) -> CaseList:
    """The cases `staff` may view here. Raises `AccessRefused` when this device hides them all
    (so a page or the API says so, instead of showing an empty list)."""
    actor = _actor(staff, context)
    origin = _named(origin, staff)
    condition = queries.visible_condition(actor, context, Action.VIEW)
    if condition is None:
        device = _device_refusal(context)
        if device is not None:
            _record_list(origin, allowed=False, reasons=device.reasons)
            raise AccessRefused(device, action="list")
        return CaseList(staff, Case.objects.none(), origin)
    return CaseList(staff, Case.objects.filter(condition), origin)


def viewable(*, staff: StaffMember, context: Context, cases: QuerySet[Case]) -> QuerySet[Case]:
    """Of `cases`, those `staff` may view on this device now (one query). For naming and
    linking cases on a page that records its own entry: this records nothing."""
    condition = queries.visible_condition(_actor(staff, context), context, Action.VIEW)
    return cases.none() if condition is None else cases.filter(condition)


def record_list(listing: CaseList, *, page: int, searched: bool) -> None:
    """Record that a page of the list was shown (never the search words)."""
    reasons = [f"page {page}", *(["search"] if searched else [])]
    _record_list(listing.origin, allowed=True, reasons=reasons)


def record_unchanged(access: CaseAccess | EntryAccess) -> None:
    """A request that was to change the case did not (a form error): record its decision."""
    case_access = access.case_access if isinstance(access, EntryAccess) else access
    _record(case_access.origin, case_access.case, case_access.action, case_access.decision)


def explain(
    *, staff: StaffMember, case: Case, action: Action, context: Context, origin: Origin
) -> Decision:
    """The decision the door would take, recorded as an explanation (IG's "why?")."""
    decision = decide(_actor(staff, context), action, case_facts(case, staff), context)
    audit_event(
        origin=origin,
        action="access.explain",
        decision="allowed" if decision.allowed else "refused",
        object_type="case",
        object_id=case.case_id,
        subject_id=case.subject.subject_id,
        reasons=[f"explained for staff {staff.staff_id}, action {action}", *decision.reasons],
    )
    return decision


# --- requests and reviews -------------------------------------------------------------------


def grant_access(
    *, staff: StaffMember, grant: AccessGrant, context: Context, origin: Origin
) -> DutyAccess:
    """May `staff` approve, refuse or revoke this request for access? Raises `AccessRefused`."""
    case = grant.case
    facts = duties.GrantRequestFacts(
        grantee_pk=grant.grantee_id,
        owning_team_id=case.owning_team_id,
        subject_restricted=case.subject.restricted,
    )
    actor = _actor(staff, context)
    decision = duties.may_decide_grant(actor, facts, context.today)
    return _duty(staff, actor, context, origin, Duty.DECIDE_GRANT, decision, grant, case)


def referral_access(
    *, staff: StaffMember, referral: Referral, duty: Duty, context: Context, origin: Origin
) -> DutyAccess:
    """May `staff` decide (or close) this referral or transfer? Raises `AccessRefused`."""
    case = referral.case
    facts = duties.ReferralFacts(owning_team_id=case.owning_team_id, to_team_id=referral.to_team_id)
    rule = duties.may_close_referral if duty is Duty.CLOSE_REFERRAL else duties.may_decide_referral
    actor = _actor(staff, context)
    return _duty(
        staff, actor, context, origin, duty, rule(actor, facts, context.today), referral, case
    )


def break_glass_review_access(
    *, staff: StaffMember, glass: BreakGlass, context: Context, origin: Origin
) -> DutyAccess:
    """May `staff` review this use of break-glass? Raises `AccessRefused`."""
    facts = duties.BreakGlassUseFacts(user_pk=glass.staff_id)
    actor = _actor(staff, context)
    decision = duties.may_review_break_glass(actor, facts, context.today)
    return _duty(
        staff, actor, context, origin, Duty.REVIEW_BREAK_GLASS, decision, glass, glass.case
    )


def staff_change_access(
    *,
    staff: StaffMember,
    target: StaffMember | None,
    wanted: Standing,
    context: Context,
    origin: Origin,
) -> DutyAccess:
    """May `staff` change `target`'s directory entry to `wanted` (None: add someone)?

    What the change gives that needs a second person waits for one (organisation.services);
    this decides whether `staff` may ask at all. Raises `AccessRefused`.
    """
    facts = duties.StaffChangeFacts(
        staff_pk=target.pk if target else None,
        touches_standing=target is None or standing_of(target) != wanted,
    )
    actor = _actor(staff, context)
    decision = duties.may_change_staff(actor, facts, context.today)
    about = target or staff
    return _duty(staff, actor, context, origin, Duty.CHANGE_STAFF, decision, about, None)


def staff_change_decision_access(
    *, staff: StaffMember, change: StaffChange, context: Context, origin: Origin
) -> DutyAccess:
    """May `staff` approve or refuse this change waiting for a second person?"""
    facts = duties.StaffChangeFacts(
        staff_pk=change.staff_id, requested_by_pk=change.requested_by_id
    )
    actor = _actor(staff, context)
    decision = duties.may_decide_staff_change(actor, facts, context.today)
    return _duty(staff, actor, context, origin, Duty.DECIDE_STAFF_CHANGE, decision, change, None)


def alert_triage_access(
    *,
    staff: StaffMember,
    alert: Model,
    about: StaffMember | None,
    context: Context,
    origin: Origin,
) -> DutyAccess:
    """May `staff` acknowledge or dismiss this anomaly alert (`about`: whom it concerns)?

    `alert` names it in a refusal's entry (governance's triage record, `audit_key`)."""
    facts = duties.AlertFacts(about_staff_pk=about.pk if about else None)
    actor = _actor(staff, context)
    decision = duties.may_triage_alert(actor, facts, context.today)
    return _duty(staff, actor, context, origin, Duty.TRIAGE_ALERT, decision, alert, None)


def incidents_access(
    *, staff: StaffMember, incident: Model | None, context: Context, origin: Origin
) -> DutyAccess:
    """May `staff` see and work on incidents (`incident`: the one asked about; None: the list,
    or a new one)? A refusal is recorded against the incident, or the person asking."""
    actor = _actor(staff, context)
    decision = duties.may_run_incidents(actor, context.today)
    about = incident or staff
    return _duty(staff, actor, context, origin, Duty.RUN_INCIDENTS, decision, about, None)


def incident_report_access(
    *, staff: StaffMember, involved: StaffMember | None, context: Context, origin: Origin
) -> DutyAccess:
    """May `staff` report an incident about `involved` (None: may they report any at all)?"""
    facts = duties.IncidentReportFacts(involved_team_id=involved.team_id if involved else None)
    actor = _actor(staff, context)
    decision = duties.may_report_incident(actor, facts, context.today)
    about = involved or staff
    return _duty(staff, actor, context, origin, Duty.REPORT_INCIDENT, decision, about, None)


def leavers_access(
    *, staff: StaffMember, leaver: StaffMember | None, context: Context, origin: Origin
) -> DutyAccess:
    """May `staff` see `leaver`'s checklist (None: the list of every leaver)?"""
    facts = duties.LeaverFacts(team_id=leaver.team_id if leaver else None)
    actor = _actor(staff, context)
    decision = duties.may_see_leavers(actor, facts, context.today)
    return _duty(staff, actor, context, origin, Duty.SEE_LEAVERS, decision, leaver, None)


def device_returned_access(
    *, staff: StaffMember, device: Model, context: Context, origin: Origin
) -> DutyAccess:
    """May `staff` record that `device` (a leaver's, in their hands) was handed back?"""
    actor = _actor(staff, context)
    decision = duties.may_record_device_returned(actor, context.today)
    return _duty(staff, actor, context, origin, Duty.RECORD_DEVICE_RETURNED, decision, device, None)


def queue(*, staff: StaffMember, duty: Duty, context: Context) -> QuerySet[Any]:
    """What waits for this person's decision: requests for access, referrals to their team,
    or uses of break-glass to review. Only what the door would let them decide."""
    actor = _actor(staff, context)
    if duty is Duty.DECIDE_GRANT:
        return queries.grant_requests_to_decide(actor, context.today)
    if duty is Duty.DECIDE_REFERRAL:
        return queries.referrals_to_decide(actor, context.today)
    if duty is Duty.REVIEW_BREAK_GLASS:
        return queries.break_glass_to_review(actor, context.today)
    if duty is Duty.DECIDE_STAFF_CHANGE:
        return queries.staff_changes_to_decide(actor, context.today)
    raise ValueError(f"{duty} has no queue")


def retention_access(*, staff: StaffMember, context: Context, origin: Origin) -> DutyAccess:
    """May `staff` see what is due for disposal, approve it, and place or release legal
    holds? Raises `AccessRefused` (recorded against the duty)."""
    actor = _actor(staff, context)
    decision = duties.may_manage_retention(actor, context.today)
    return _duty(staff, actor, context, origin, Duty.MANAGE_RETENTION, decision, None, None)


# --- reports ---------------------------------------------------------------------------------


def foi_report_access(*, staff: StaffMember, context: Context, origin: Origin) -> DutyAccess:
    """May `staff` run the FOI report and download it? Raises `AccessRefused`."""
    actor = _actor(staff, context)
    decision = duties.may_answer_foi(actor, context.today)
    return _duty(staff, actor, context, origin, Duty.ANSWER_FOI, decision, None, None)


def subject_access(
    *, staff: StaffMember, about: Model | None, context: Context, origin: Origin
) -> DutyAccess:
    """May `staff` work on subject access requests (`about`: the request, or None for the
    list)? Allowed access opens every record of the request's subject. Raises `AccessRefused`."""
    actor = _actor(staff, context)
    decision = duties.may_answer_sar(actor, context.today)
    return _duty(staff, actor, context, origin, Duty.ANSWER_SAR, decision, about, None)


# --- the inside of the door -------------------------------------------------------------------


def _device_refusal(context: Context) -> Decision | None:
    """The device's refusal to show any case here, or None when it would show some."""
    verdict = device_decision(Action.VIEW, context.device, context.task_policy)
    if verdict.allowed:
        return None
    return Decision(
        allowed=False,
        reasons=verdict.reasons,
        obligations=verdict.obligations,
        advice=(wording.USE_ENROLLED_DEVICE,),
        refused_by_device=True,
    )


_CASE = Columns(Case, "c")
_SUBJECT = Columns(Subject, "s")
_TEAM = Columns(Team, "t")
_DIRECTORATE = Columns(Directorate, "d")
# The case with its subject and owning team: hand-written, as it is read on every request.
_CASE_SQL = f"""
SELECT {_CASE.sql}, {_SUBJECT.sql}, {_TEAM.sql}, {_DIRECTORATE.sql}
FROM {table(Case)} c
JOIN {table(Subject)} s ON s.id = c.subject_id
JOIN {table(Team)} t ON t.id = c.owning_team_id
JOIN {table(Directorate)} d ON d.id = t.directorate_id
WHERE c.case_id = %s
"""  # noqa: S608  # nosec B608 # only model table and column names are formatted in


def _case(case_id: str) -> Case | None:
    """The case, its subject and its owning team (with directorate), in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_CASE_SQL, [case_id])
        row = cursor.fetchone()
    if row is None:
        return None
    case = _CASE.build(row)
    case.subject = _SUBJECT.build(row, _CASE.width)
    team = _TEAM.build(row, _CASE.width + _SUBJECT.width)
    team.directorate = _DIRECTORATE.build(row, _CASE.width + _SUBJECT.width + _TEAM.width)
    case.owning_team = team
    return case


def _actor(staff: StaffMember, context: Context) -> ActorFacts:
    user = getattr(staff, "user", None)
    active = user.is_active if user is not None else True
    return actor_facts(staff, account_active=active, today=context.today)


def _named(origin: Origin, staff: StaffMember) -> Origin:
    if origin.actor_staff_id:
        return origin
    return dataclasses.replace(origin, actor_staff_id=staff.staff_id)


def _gather(
    staff: StaffMember,
    case_id: str,
    context: Context,
    origin: Origin,
    action: str,
) -> tuple[Case, ActorFacts, CaseFacts, Origin]:
    """The case and the facts of one request, in three queries; a missing case is refused."""
    case = _case(case_id)
    if case is None:
        _missing(origin, staff, case_id, action, context)
    return case, _actor(staff, context), case_facts(case, staff), _named(origin, staff)


def _decided(
    staff: StaffMember, case_id: str, action: Action, context: Context, origin: Origin
) -> CaseAccess:
    """Facts once, decision once; a refusal is recorded and raised."""
    case, actor, facts, origin = _gather(staff, case_id, context, origin, action)
    decision = decide(actor, action, facts, context)
    access = CaseAccess(staff, case, str(action), decision, actor, facts, context, origin)
    if not decision.allowed:
        _refused(access)
    return access


def _duty_decision(actor: ActorFacts, facts: CaseFacts, context: Context, duty: Duty) -> Decision:
    """Allocating, referring and closing: the right to see the case here, then the manager's duty
    (the owning team's manager, or for allocating the manager it is referred to). Seeing who
    has access: information governance, or the owning manager who can view it."""
    today = context.today
    if duty is Duty.SEE_WHO_CAN_SEE:
        view = decide(actor, Action.VIEW, facts, context)
        return duties.may_see_who_can_see(actor, facts, today, view=view)
    if duty is Duty.ALLOCATE:
        rule = duties.may_allocate(actor, facts, today)
    elif duty is Duty.REFER:
        rule = duties.may_refer(actor, facts, today)
    elif duty is Duty.CLOSE_CASE:
        rule = duties.may_close_case(actor, facts, today)
    else:
        raise ValueError(f"{duty} is not a duty on a case")
    base = decide(actor, Action.VIEW, facts, context)
    if not base.allowed:
        return base
    if not rule.allowed:
        return rule
    return dataclasses.replace(base, reasons=base.reasons + rule.reasons)


def _duty(
    staff: StaffMember,
    actor: ActorFacts,
    context: Context,
    origin: Origin,
    duty: Duty,
    decision: Decision,
    about: Model | None,
    case: Case | None,
) -> DutyAccess:
    """A duty decided: a refusal is recorded against what it was about (None: the duty
    itself, such as running a report) and raised."""
    origin = _named(origin, staff)
    if not decision.allowed:
        kind = getattr(about, "audit_type", type(about).__name__.lower()) if about else str(duty)
        audit_event(
            origin=origin,
            action=f"{kind}.{duty}" if about else kind,
            decision="refused",
            object_type=kind,
            object_id=str(getattr(about, getattr(about, "audit_key", "pk"))) if about else "",
            subject_id=case.subject.subject_id if case else "",
            reasons=decision.reasons,
        )
        raise AccessRefused(decision, action=str(duty), case_id=case.case_id if case else "")
    return DutyAccess(staff, decision, actor, context, origin)


def _settle(access: CaseAccess, *, change: bool) -> None:
    """Record an allowed decision now, unless a change is to record it."""
    if not change:
        _record(access.origin, access.case, access.action, access.decision)


def _refused(access: CaseAccess) -> NoReturn:
    _record(access.origin, access.case, access.action, access.decision)
    device_facts = access.context.device
    if Obligation.RAISE_INCIDENT in access.decision.obligations and device_facts is not None:
        # The facts name a registered device (a request's credential, `explain --device`).
        device = Device.objects.filter(asset_tag=device_facts.asset_tag).first()
        if device is not None:
            unencrypted_off_site_report(origin=access.origin, device=device)
    _slow_down_if_refused_often(access.origin, access.action)
    raise AccessRefused(access.decision, action=access.action, case_id=access.case.case_id)


def _slow_down_if_refused_often(origin: Origin, action: str) -> None:
    """After too many refused case requests in a short while, answer only "wait": a person
    scanning case ids learns nothing more. The first time, IG is told (`access.slowed`)."""
    limit = conf.refusals_before_slowing()
    since = timezone.now() - conf.REFUSAL_WINDOW
    refused = AuditEntry.objects.filter(
        actor_staff_id=origin.actor_staff_id,
        decision=AuditEntry.Decision.REFUSED,
        object_type="case",
        occurred_at__gte=since,
    ).count()
    if refused <= limit:
        return
    if refused == limit + 1:
        audit_event(
            origin=origin,
            action="access.slowed",
            decision=AuditEntry.Decision.DONE,
            object_type="staff",
            object_id=origin.actor_staff_id,
            reasons=[f"{refused} refused case requests in {conf.REFUSAL_WINDOW}"],
        )
    raise TooManyRefusals(SLOWED_DOWN, action=action)


def _missing(
    origin: Origin, staff: StaffMember, case_id: str, action: str, context: Context
) -> NoReturn:
    """A case id that does not exist: recorded as such for IG, and answered exactly as a
    case the person has nothing to do with (`policy.UNRELATED_CASE`)."""
    audit_event(
        origin=_named(origin, staff),
        action=f"case.{action}",
        decision="refused",
        object_type="case",
        object_id=case_id[:80],
        reasons=["no such case"],
    )
    if action == Duty.BREAK_GLASS:
        told = BREAK_GLASS_NOT_HERE
    else:
        asked = action if action in ACTIONS else Action.VIEW
        told = relationship_decision(_actor(staff, context), asked, UNRELATED_CASE, context)
    decision = replace(told, reasons=("no such case",), told=told.reasons)
    _slow_down_if_refused_often(_named(origin, staff), action)
    raise AccessRefused(decision, action=action, case_id=case_id)


def _record(origin: Origin, case: Case, action: str, decision: Decision) -> None:
    """One decision in the audit log: ids, the decision and its reasons, never content."""
    audit_event(
        origin=origin,
        action=f"case.{action}",
        decision="allowed" if decision.allowed else "refused",
        object_type="case",
        object_id=case.case_id,
        subject_id=case.subject.subject_id,
        reasons=decision.reasons,
        obligations=decision.obligations,
    )


def _record_list(origin: Origin, *, allowed: bool, reasons: Sequence[str]) -> None:
    audit_event(
        origin=origin,
        action="case.list",
        decision="allowed" if allowed else "refused",
        object_type="case",
        reasons=reasons,
    )
