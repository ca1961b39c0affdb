"""The access policy: one pure decision, in the order of DESIGN.md's rules.

Nothing here imports Django. The door (`access.door`) gathers the facts of one request and
asks `decide(actor, action, resource, context)`; the answer carries human-readable reasons
(shown on refusals and stored in the audit log) and obligations (what must happen if the
action goes ahead).

The decision has two stages, as DESIGN.md orders them: the relationship rules (may this
person act on this case at all? `relationship_decision`), then the device rules (may it be
done on this device? `device_rules.device_decision`). `queries.py` expresses the same rules
as a database query; a property test keeps the two in agreement. The words are in
`wording.py`, the vocabulary in `vocabulary.py`, the "who may" duties in `duties.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from safekeep.access import wording
from safekeep.access.device_rules import device_decision
from safekeep.access.vocabulary import (
    ACTIONS,
    ALLOCATION_ROLE_LABELS,
    BREAK_GLASS_HOURS,
    BREAK_GLASS_ROLES,
    CLASSIFICATION_RANK,
    COPYING_ACTIONS,
    MIN_REASON_LENGTH,
    OFFICIAL_SENSITIVE,
    SEES_SENSITIVE_ROLES,
    VOLUNTEER,
    Action,
    Basis,
    Obligation,
)
from safekeep.devices.vocabulary import DeviceFacts, TaskPolicySnapshot, default_task_policy
from safekeep.organisation.roles import NO_CASE_CONTENT_ROLES, RoleName

# --- facts ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RiskAssessmentFacts:
    outcome: str
    scope_team_id: int
    max_classification: str
    review_due: dt.date


@dataclass(frozen=True, slots=True)
class ActorFacts:
    staff_pk: int
    roles: frozenset[str]
    employment_type: str
    managed_team_ids: frozenset[int] = frozenset()
    end_date: dt.date | None = None
    disabled: bool = False
    latest_risk_assessment: RiskAssessmentFacts | None = None
    start_date: dt.date | None = None

    @property
    def is_volunteer(self) -> bool:
        return self.employment_type == VOLUNTEER


@dataclass(frozen=True, slots=True)
class AllocationFacts:
    role: str
    starts_on: dt.date
    ends_on: dt.date | None

    def active_on(self, day: dt.date) -> bool:
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)


@dataclass(frozen=True, slots=True)
class GrantFacts:
    actions: frozenset[str]
    starts_at: dt.datetime
    expires_at: dt.datetime
    ig_approved: bool

    def active_at(self, now: dt.datetime) -> bool:
        return self.starts_at <= now < self.expires_at


@dataclass(frozen=True, slots=True)
class BreakGlassFacts:
    started_at: dt.datetime
    expires_at: dt.datetime

    def active_at(self, now: dt.datetime) -> bool:
        return self.started_at <= now < self.expires_at


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """One case, and this actor's relationships to it (approved grants only).

    `receiving_referral`: the actor holds the access of an open referral of this case to
    the team they manage (so they may allocate it while it is open).
    """

    case_pk: int
    owning_team_id: int
    classification: str
    subject_restricted: bool
    subject_staff_pk: int | None = None
    conflict_staff_pks: frozenset[int] = frozenset()
    allocations: tuple[AllocationFacts, ...] = ()
    grants: tuple[GrantFacts, ...] = ()
    break_glass: tuple[BreakGlassFacts, ...] = ()
    receiving_referral: bool = False


@dataclass(frozen=True, slots=True)
class EntryFacts:
    """The entry a change is about: who wrote it, and whether it is sensitive."""

    entry_pk: int
    author_pk: int
    sensitive: bool = False


@dataclass(frozen=True, slots=True)
class Context:
    """Where and when the request happens, and on which device.

    `now` should be an aware datetime in the council's local time zone, so that `today`
    is the council's calendar day (end dates and allocations are calendar days).
    `device` None means a device Safekeep does not know: a personal, unmanaged device.
    `printer_secure` says whether the chosen printer has coded release or sits in a secure
    place (None: no printer chosen).
    """

    now: dt.datetime
    device: DeviceFacts | None = None
    task_policy: TaskPolicySnapshot = field(default_factory=default_task_policy)
    printer_secure: bool | None = None

    @property
    def today(self) -> dt.date:
        return self.now.date()


@dataclass(frozen=True, slots=True, kw_only=True)
class Decision:
    """The answer: allowed or not, why in words, and what must happen if it goes ahead.

    `sees_sensitive_entries`: the basis gives sight of sensitive entries (the allocated
    worker, the supervising manager, the owning team's manager). `refused_by_device`: the
    relationship allowed it and the device rules refused, so the page says "on this device".
    `told`: what the person is told when it must be less than the reasons: someone with no
    relationship to a case hears nothing about it (whether it exists, is restricted or not);
    the audit log and `access explain` keep the precise `reasons`.
    """

    allowed: bool
    reasons: tuple[str, ...]
    obligations: tuple[Obligation, ...] = ()
    basis: Basis = Basis.NONE
    sees_sensitive_entries: bool = False
    advice: tuple[str, ...] = ()
    refused_by_device: bool = False
    told: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[str, ...]:
        """The reasons as the person is told them."""
        return self.told or self.reasons

    def as_dict(self) -> dict[str, object]:
        return {
            "allowed": self.allowed,
            "reasons": list(self.reasons),
            "obligations": [str(obligation) for obligation in self.obligations],
        }


def refuse(reason: str, *advice: str) -> Decision:
    return Decision(
        allowed=False, reasons=(reason,), obligations=(Obligation.AUDIT,), advice=advice
    )


def allow(reason: str, *obligations: Obligation) -> Decision:
    return Decision(allowed=True, reasons=(reason,), obligations=(Obligation.AUDIT, *obligations))


# A case this person has no relationship with: what anyone with none is told, whatever the
# real case is (missing, restricted or ordinary).
UNRELATED_CASE = CaseFacts(
    case_pk=0, owning_team_id=0, classification="OFFICIAL", subject_restricted=False
)


# --- the rules --------------------------------------------------------------------------


def decide(
    actor: ActorFacts,
    action: str,
    resource: CaseFacts,
    context: Context,
    *,
    entry: EntryFacts | None = None,
) -> Decision:
    """The one access decision: the relationship rules, then the device rules. Default deny.

    `entry` names the existing entry an `edit` changes (None: the case as a whole).
    """
    decision = relationship_decision(actor, action, resource, context, entry)
    if not decision.allowed:
        if has_relationship(actor, resource, context):
            return decision
        return as_told_to_a_stranger(
            decision, relationship_decision(actor, action, UNRELATED_CASE, context)
        )
    verdict = device_decision(
        action,
        context.device,
        context.task_policy,
        context.printer_secure,
        resource.classification,
    )
    obligations = tuple(dict.fromkeys(decision.obligations + verdict.obligations))
    if verdict.allowed:
        return replace(
            decision, reasons=decision.reasons + verdict.reasons, obligations=obligations
        )
    return Decision(
        allowed=False,
        reasons=verdict.reasons,
        obligations=obligations,
        advice=(wording.USE_ENROLLED_DEVICE,),
        refused_by_device=True,
    )


def relationship_decision(
    actor: ActorFacts,
    action: str,
    resource: CaseFacts,
    context: Context,
    changing: EntryFacts | None = None,
) -> Decision:
    """Rules 1-10: may this person act on this case at all? The first rule that decides, decides.

    This alone answers "who can see this case, and why?" (which is about people, whatever
    device they later use); `decide` adds the device rules for an actual request.
    `changing` is the existing entry an `edit` would change (None: the case as a whole).
    """
    if action not in ACTIONS:
        return refuse(wording.unknown_action(action))
    refusal = _person_refusal(actor, resource, context)
    if refusal is not None:
        return refusal
    today = context.today
    now = context.now
    allocations = [a for a in resource.allocations if a.active_on(today)]
    grants = [g for g in resource.grants if g.active_at(now)]
    restricted = resource.subject_restricted
    if restricted:
        # Only information governance can open a restricted subject to someone unallocated.
        grants = [g for g in grants if g.ig_approved]

    # 4. Restricted subjects: allocation or an IG-approved grant only.
    if restricted and not allocations and not grants:
        return refuse(wording.RESTRICTED_REFUSAL, wording.ASK_IG)

    # 5. Volunteers: an active allocation and an approved, in-date, in-scope risk assessment.
    if actor.is_volunteer:
        refusal = _volunteer_refusal(actor, resource, allocations, today)
        if refusal is not None:
            return refusal

    oversees = not restricted and is_overseeing_manager(actor, resource)

    # 6. Allocation.
    if allocations:
        best = _strongest_allocation(allocations)
        label = ALLOCATION_ROLE_LABELS.get(best.role, best.role)
        return _allow(
            wording.allocated_since(label, best.starts_on),
            Basis.ALLOCATION,
            action,
            resource,
            actor,
            changing,
            sees_sensitive=oversees or any(a.role in SEES_SENSITIVE_ROLES for a in allocations),
        )

    # 7. Team-manager oversight of the owning team (never enough for a restricted subject).
    if oversees:
        return _allow(
            wording.OVERSIGHT,
            Basis.OVERSIGHT,
            action,
            resource,
            actor,
            changing,
            sees_sensitive=True,
        )

    # 8. A time-limited grant for this action (IG-approved only, for a restricted subject).
    for grant in sorted(grants, key=lambda g: g.expires_at, reverse=True):
        if action in grant.actions:
            approver = "information governance" if grant.ig_approved else "a manager"
            return _allow(
                wording.granted_until(approver, grant.expires_at),
                Basis.GRANT,
                action,
                resource,
                actor,
                changing,
            )

    # 9. Break-glass: view only, IG alerted and asked to review (never for restricted subjects).
    glass = [] if restricted else [b for b in resource.break_glass if b.active_at(now)]
    if glass:
        if action != Action.VIEW:
            return refuse(wording.BREAK_GLASS_VIEW_ONLY, wording.ASK_MANAGER, wording.CONTACT_IG)
        return Decision(
            allowed=True,
            reasons=(wording.break_glass_until(max(b.expires_at for b in glass)),),
            obligations=(Obligation.AUDIT, Obligation.ALERT_IG, Obligation.IG_REVIEW),
            basis=Basis.BREAK_GLASS,
        )

    # 10. Default deny.
    if grants:
        return refuse(wording.grant_lacks(action), wording.ASK_MANAGER)
    return refuse(wording.NOT_ALLOCATED_REFUSAL, wording.ASK_MANAGER, wording.USE_BREAK_GLASS)


def has_relationship(actor: ActorFacts, resource: CaseFacts, context: Context) -> bool:
    """Whether the person has anything to do with the case now: an allocation, a grant,
    break-glass, oversight, or it is about them or someone they are in conflict with."""
    return (
        any(a.active_on(context.today) for a in resource.allocations)
        or any(g.active_at(context.now) for g in resource.grants)
        or any(b.active_at(context.now) for b in resource.break_glass)
        or is_overseeing_manager(actor, resource)
        or resource.subject_staff_pk == actor.staff_pk
        or actor.staff_pk in resource.conflict_staff_pks
    )


def as_told_to_a_stranger(refusal: Decision, stranger: Decision) -> Decision:
    """The refusal, worded as `stranger` is: what the person would be told about any case
    they have nothing to do with, so the answer says nothing about this one."""
    if stranger.reasons == refusal.reasons:
        return refusal
    return replace(refusal, told=stranger.reasons, advice=stranger.advice)


def is_overseeing_manager(actor: ActorFacts, resource: CaseFacts) -> bool:
    """Rule 7's relationship: a team manager of the team that owns the case."""
    return (
        RoleName.TEAM_MANAGER in actor.roles and resource.owning_team_id in actor.managed_team_ids
    )


def _person_refusal(actor: ActorFacts, resource: CaseFacts, context: Context) -> Decision | None:
    """Rules 1-3: who the person is, before any relationship to the case counts."""
    # 1. Leavers and disabled accounts.
    if actor.end_date is not None and actor.end_date < context.today:
        return refuse(wording.left_on(actor.end_date))
    if actor.disabled:
        return refuse(wording.ACCOUNT_DISABLED)

    # 2. Roles that never see case content.
    barred = sorted(actor.roles & NO_CASE_CONTENT_ROLES)
    if barred:
        return refuse(wording.role_never_sees_content(barred[0]), wording.CONTACT_IG)

    # 3. One's own record, or a named conflict.
    if resource.subject_staff_pk == actor.staff_pk:
        return refuse(wording.OWN_RECORD, wording.USE_SAR)
    if actor.staff_pk in resource.conflict_staff_pks:
        return refuse(wording.CONFLICT, wording.CONTACT_IG)
    return None


def _volunteer_refusal(
    actor: ActorFacts,
    resource: CaseFacts,
    allocations: list[AllocationFacts],
    today: dt.date,
) -> Decision | None:
    if not allocations:
        return refuse(wording.VOLUNTEER_NOT_ALLOCATED, wording.ASK_MANAGER)
    assessment = actor.latest_risk_assessment
    if assessment is None:
        return refuse(wording.VOLUNTEER_NO_ASSESSMENT)
    if assessment.outcome != "approved":
        return refuse(wording.VOLUNTEER_NOT_APPROVED)
    if assessment.review_due < today:
        return refuse(wording.assessment_review_due(assessment.review_due))
    if assessment.scope_team_id != resource.owning_team_id:
        return refuse(wording.VOLUNTEER_OTHER_TEAM)
    if not classification_covers(assessment.max_classification, resource.classification):
        return refuse(
            wording.assessment_below(assessment.max_classification, resource.classification)
        )
    return None


def classification_covers(maximum: str, classification: str) -> bool:
    """Whether a clearance of `maximum` covers a record of `classification` (unknown: no)."""
    return CLASSIFICATION_RANK.get(maximum, -1) >= CLASSIFICATION_RANK.get(classification, 99)


_ALLOCATION_STRENGTH = {"allocated_worker": 0, "supervising_manager": 1, "co_worker": 2}


def _strongest_allocation(allocations: list[AllocationFacts]) -> AllocationFacts:
    return min(allocations, key=lambda a: (_ALLOCATION_STRENGTH.get(a.role, 9), a.starts_on))


def _allow(
    reason: str,
    basis: Basis,
    action: str,
    resource: CaseFacts,
    actor: ActorFacts,
    entry: EntryFacts | None,
    *,
    sees_sensitive: bool = False,
) -> Decision:
    """Rules 6-8 allow: with the obligations of the record, and rule 6's word on changing an
    existing entry (its author, or the owning team's manager correcting it with a reason)."""
    obligations = [Obligation.AUDIT]
    if resource.subject_restricted and basis is not Basis.ALLOCATION:
        obligations.append(Obligation.ALERT_IG)
    if action in COPYING_ACTIONS and resource.classification == OFFICIAL_SENSITIVE:
        obligations.append(Obligation.WATERMARK)
    reasons = [reason]
    if action == Action.EDIT and entry is not None:
        if entry.author_pk == actor.staff_pk:
            reasons.append(wording.AUTHOR)
        elif is_overseeing_manager(actor, resource):
            reasons.append(wording.MANAGER_CORRECTS)
            obligations.append(Obligation.RECORD_REASON)
        else:
            return refuse(wording.ONLY_AUTHOR_CHANGES, wording.ADD_AN_ENTRY)
    return Decision(
        allowed=True,
        reasons=tuple(reasons),
        obligations=tuple(obligations),
        basis=basis,
        sees_sensitive_entries=sees_sensitive,
    )


# --- break-glass --------------------------------------------------------------------------

# What a stranger to a restricted case, or someone naming a case that does not exist, is told.
BREAK_GLASS_NOT_HERE = refuse(wording.BREAK_GLASS_NOT_HERE, wording.CONTACT_IG)


def may_break_glass(
    actor: ActorFacts, resource: CaseFacts, context: Context, *, reason: str | None
) -> Decision:
    """May this person open emergency, view-only access to this case now, for this reason?

    The person rules (1-3) apply first; then restricted subjects are refused outright
    (rule 4), volunteers and non-practitioner roles cannot use it, a reason of at least
    `MIN_REASON_LENGTH` characters is required (`None`: the caller has checked it), and
    someone who can already view the case does not need it.
    Allowed: IG is alerted and must review the use.
    """
    refusal = _person_refusal(actor, resource, context)
    if refusal is not None:
        return refusal
    if resource.subject_restricted:
        restricted = refuse(wording.BREAK_GLASS_RESTRICTED, wording.ASK_IG)
        if has_relationship(actor, resource, context):
            return restricted
        return as_told_to_a_stranger(restricted, BREAK_GLASS_NOT_HERE)
    if actor.is_volunteer or not actor.roles & BREAK_GLASS_ROLES:
        return refuse(wording.BREAK_GLASS_ROLES_ONLY, wording.ASK_MANAGER)
    if reason is not None and len(reason.strip()) < MIN_REASON_LENGTH:
        return refuse(wording.BREAK_GLASS_SHORT_REASON)
    if relationship_decision(actor, Action.VIEW, resource, context).allowed:
        return refuse(wording.BREAK_GLASS_NOT_NEEDED)
    return Decision(
        allowed=True,
        reasons=(wording.break_glass_opened(BREAK_GLASS_HOURS),),
        obligations=(Obligation.AUDIT, Obligation.ALERT_IG, Obligation.IG_REVIEW),
        basis=Basis.BREAK_GLASS,
    )
