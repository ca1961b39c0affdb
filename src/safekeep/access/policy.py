"""The access policy: one pure decision, in the order of DESIGN.md's rules.

Nothing here imports Django. Callers gather the facts of one request (see `facts.py`)
and ask `decide(actor, action, resource, context)`; the answer carries human-readable
reasons (shown on refusals and stored in the audit log) and obligations (what must happen
if the action goes ahead).

The decision has two stages, as DESIGN.md orders them: the relationship rules (may this
person act on this case at all? `relationship_decision`), then the device rules (may it be
done on this device? `device_policy.device_decision`). `queries.py` expresses the same
rules as a database query; a property test keeps the two in agreement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Final

from safekeep.access.device_policy import (
    DeviceFacts,
    TaskPolicySnapshot,
    default_task_policy,
    device_decision,
)

# --- vocabulary -------------------------------------------------------------------------

VIEW: Final = "view"
EDIT: Final = "edit"
ADD_ENTRY: Final = "add_entry"
DOWNLOAD: Final = "download"
PRINT: Final = "print"
SHARE_EXTERNAL: Final = "share_external"
EXPORT: Final = "export"
ACTIONS: Final[tuple[str, ...]] = (VIEW, EDIT, ADD_ENTRY, DOWNLOAD, PRINT, SHARE_EXTERNAL, EXPORT)

NO_CASE_CONTENT_ROLES: Final = frozenset({"it_support", "sysadmin", "foi_officer"})
CLASSIFICATION_RANK: Final = {"OFFICIAL": 0, "OFFICIAL-SENSITIVE": 1}

ALLOCATION_ROLE_LABELS: Final = {
    "allocated_worker": "allocated worker",
    "co_worker": "co-worker",
    "supervising_manager": "supervising manager",
}


class Basis(StrEnum):
    """Which rule let the person in: the answer to "why can they see this?"."""

    ALLOCATION = "allocation"
    OVERSIGHT = "oversight"
    GRANT = "grant"
    BREAK_GLASS = "break_glass"
    NONE = "none"


class Obligation(StrEnum):
    AUDIT = "audit"
    ALERT_IG = "alert_ig"
    IG_REVIEW = "ig_review"
    WATERMARK = "watermark"


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

    @property
    def is_volunteer(self) -> bool:
        return self.employment_type == "volunteer"


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
    """One case, and this actor's relationships to it (approved grants only)."""

    case_pk: int
    owning_team_id: int
    classification: str
    subject_restricted: bool
    subject_staff_pk: int | None = None
    conflict_staff_pks: frozenset[int] = frozenset()
    allocations: tuple[AllocationFacts, ...] = ()
    grants: tuple[GrantFacts, ...] = ()
    break_glass: tuple[BreakGlassFacts, ...] = ()


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


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    reasons: tuple[str, ...]
    obligations: tuple[str, ...] = ()
    basis: Basis = Basis.NONE
    # Allocation role or "team_manager" when the basis gives sight of sensitive entries.
    sees_sensitive_entries: bool = False
    advice: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, object]:
        return {
            "allowed": self.allowed,
            "reasons": list(self.reasons),
            "obligations": list(self.obligations),
        }


def _refuse(reason: str, *advice: str) -> Decision:
    return Decision(False, (reason,), (Obligation.AUDIT.value,), Basis.NONE, False, advice)


ASK_MANAGER = "Ask your team manager for time-limited access."
USE_BREAK_GLASS = "In an emergency, use break-glass access and give your reason."
CONTACT_IG = "Contact information governance if you need to see this record."
USE_SAR = "To see records about yourself, make a subject access request."


# --- the rules --------------------------------------------------------------------------

RESTRICTED_REFUSAL: Final = (
    "this person's records are restricted to their allocated workers and people "
    "with access approved by information governance; break-glass cannot be used"
)
NOT_ALLOCATED_REFUSAL: Final = (
    "you are not allocated to this case and have no approved access to it"
)
SEES_SENSITIVE_ROLES: Final = frozenset({"allocated_worker", "supervising_manager"})


USE_ENROLLED_DEVICE = (
    "Open Safekeep on an enrolled council device that meets the council's security rules, "
    "or ask IT support about this device."
)


def decide(actor: ActorFacts, action: str, resource: CaseFacts, context: Context) -> Decision:
    """The one access decision: the relationship rules, then the device rules. Default deny."""
    decision = relationship_decision(actor, action, resource, context)
    if not decision.allowed:
        return decision
    verdict = device_decision(action, context.device, context.task_policy, context.printer_secure)
    obligations = tuple(dict.fromkeys(decision.obligations + verdict.obligations))
    if verdict.allowed:
        reasons = decision.reasons + verdict.reasons
        return replace(decision, reasons=reasons, obligations=obligations)
    return Decision(
        False,
        verdict.reasons,
        obligations,
        Basis.NONE,
        False,
        (USE_ENROLLED_DEVICE,),
    )


def relationship_decision(
    actor: ActorFacts, action: str, resource: CaseFacts, context: Context
) -> Decision:
    """Rules 1-10: may this person act on this case at all? The first rule that decides, decides.

    This alone answers "who can see this case, and why?" (which is about people, whatever
    device they later use); `decide` adds the device rules for an actual request.
    """
    if action not in ACTIONS:
        return _refuse(f"'{action}' is not an action Safekeep knows")
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
        return _refuse(RESTRICTED_REFUSAL, CONTACT_IG)

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
            f"{label} since {best.starts_on.isoformat()}",
            Basis.ALLOCATION,
            action,
            resource,
            sees_sensitive=oversees or any(a.role in SEES_SENSITIVE_ROLES for a in allocations),
        )

    # 7. Team-manager oversight of the owning team (never enough for a restricted subject).
    if oversees:
        return _allow(
            "team manager of the team that owns this case",
            Basis.OVERSIGHT,
            action,
            resource,
            sees_sensitive=True,
        )

    # 8. A time-limited grant for this action (IG-approved only, for a restricted subject).
    for grant in sorted(grants, key=lambda g: g.expires_at, reverse=True):
        if action in grant.actions:
            approver = "information governance" if grant.ig_approved else "a manager"
            return _allow(
                f"access approved by {approver} until {_minutes(grant.expires_at)}",
                Basis.GRANT,
                action,
                resource,
            )

    # 9. Break-glass: view only, IG alerted and asked to review (never for restricted subjects).
    glass = [] if restricted else [b for b in resource.break_glass if b.active_at(now)]
    if glass:
        if action != VIEW:
            return _refuse("break-glass access allows viewing only", ASK_MANAGER, CONTACT_IG)
        until = max(b.expires_at for b in glass)
        return Decision(
            True,
            (f"break-glass access until {_minutes(until)}",),
            (Obligation.AUDIT.value, Obligation.ALERT_IG.value, Obligation.IG_REVIEW.value),
            Basis.BREAK_GLASS,
            False,
        )

    # 10. Default deny.
    if grants:
        return _refuse(f"your time-limited access does not include '{action}'", ASK_MANAGER)
    return _refuse(NOT_ALLOCATED_REFUSAL, ASK_MANAGER, USE_BREAK_GLASS)


def is_overseeing_manager(actor: ActorFacts, resource: CaseFacts) -> bool:
    """Rule 7's relationship: a team manager of the team that owns the case."""
    return "team_manager" in actor.roles and resource.owning_team_id in actor.managed_team_ids


def _person_refusal(actor: ActorFacts, resource: CaseFacts, context: Context) -> Decision | None:
    """Rules 1-3: who the person is, before any relationship to the case counts."""
    # 1. Leavers and disabled accounts.
    if actor.end_date is not None and actor.end_date < context.today:
        return _refuse(f"your work with the council ended on {actor.end_date.isoformat()}")
    if actor.disabled:
        return _refuse("your account is disabled")

    # 2. Roles that never see case content.
    barred = sorted(actor.roles & NO_CASE_CONTENT_ROLES)
    if barred:
        label = barred[0].replace("_", " ")
        return _refuse(f"the {label} role never sees case content", CONTACT_IG)

    # 3. One's own record, or a named conflict.
    if resource.subject_staff_pk == actor.staff_pk:
        return _refuse("this is a record about you", USE_SAR)
    if actor.staff_pk in resource.conflict_staff_pks:
        return _refuse("you are named as having a conflict with this person", CONTACT_IG)
    return None


def _volunteer_refusal(
    actor: ActorFacts,
    resource: CaseFacts,
    allocations: list[AllocationFacts],
    today: dt.date,
) -> Decision | None:
    if not allocations:
        return _refuse("volunteers see only the cases they are allocated to", ASK_MANAGER)
    assessment = actor.latest_risk_assessment
    if assessment is None:
        return _refuse("volunteers need an approved risk assessment before seeing records")
    if assessment.outcome != "approved":
        return _refuse("your latest risk assessment did not approve access to records")
    if assessment.review_due < today:
        return _refuse(
            f"your risk assessment was due for review on {assessment.review_due.isoformat()}"
        )
    if assessment.scope_team_id != resource.owning_team_id:
        return _refuse("your risk assessment does not cover this team's records")
    if not classification_covers(assessment.max_classification, resource.classification):
        return _refuse(
            f"your risk assessment covers {assessment.max_classification} records only; "
            f"this record is {resource.classification}"
        )
    return None


def classification_covers(maximum: str, classification: str) -> bool:
    """Whether a clearance of `maximum` covers a record of `classification` (unknown: no)."""
    return CLASSIFICATION_RANK.get(maximum, -1) >= CLASSIFICATION_RANK.get(classification, 99)


_ALLOCATION_STRENGTH: Final = {"allocated_worker": 0, "supervising_manager": 1, "co_worker": 2}


def _strongest_allocation(allocations: list[AllocationFacts]) -> AllocationFacts:
    return min(allocations, key=lambda a: (_ALLOCATION_STRENGTH.get(a.role, 9), a.starts_on))


def _minutes(moment: dt.datetime) -> str:
    return moment.isoformat(" ", "minutes")


def _allow(
    reason: str, basis: Basis, action: str, resource: CaseFacts, *, sees_sensitive: bool = False
) -> Decision:
    obligations = [Obligation.AUDIT.value]
    if resource.subject_restricted and basis is not Basis.ALLOCATION:
        obligations.append(Obligation.ALERT_IG.value)
    if action in {DOWNLOAD, PRINT, EXPORT} and resource.classification == "OFFICIAL-SENSITIVE":
        obligations.append(Obligation.WATERMARK.value)
    return Decision(True, (reason,), tuple(obligations), basis, sees_sensitive)


# --- break-glass --------------------------------------------------------------------------

BREAK_GLASS_HOURS: Final = 4
BREAK_GLASS_MIN_REASON: Final = 20
BREAK_GLASS_ROLES: Final = frozenset({"practitioner", "team_manager", "centre_manager"})


def may_break_glass(
    actor: ActorFacts, resource: CaseFacts, context: Context, *, reason: str | None
) -> Decision:
    """May this person open emergency, view-only access to this case now, for this reason?

    The person rules (1-3) apply first; then restricted subjects are refused outright
    (rule 4), volunteers and non-practitioner roles cannot use it, a reason of at least
    20 characters is required (`None`: the caller has checked it), and someone who can
    already view the case does not need it.
    Allowed: IG is alerted and must review the use.
    """
    refusal = _person_refusal(actor, resource, context)
    if refusal is not None:
        return refusal
    if resource.subject_restricted:
        return _refuse(
            "break-glass cannot be used for a restricted person's records; "
            "contact information governance",
            CONTACT_IG,
        )
    if actor.is_volunteer or not actor.roles & BREAK_GLASS_ROLES:
        return _refuse("only practitioners and managers can use break-glass access", ASK_MANAGER)
    if reason is not None and len(reason.strip()) < BREAK_GLASS_MIN_REASON:
        return _refuse(
            f"give a reason of at least {BREAK_GLASS_MIN_REASON} characters for break-glass access"
        )
    current = relationship_decision(actor, VIEW, resource, context)
    if current.allowed:
        return _refuse("you can already view this case; break-glass is not needed")
    return Decision(
        True,
        (
            f"break-glass access for {BREAK_GLASS_HOURS} hours, view only; information governance "
            "will review it",
        ),
        (Obligation.AUDIT.value, Obligation.ALERT_IG.value, Obligation.IG_REVIEW.value),
        Basis.BREAK_GLASS,
        False,
    )
