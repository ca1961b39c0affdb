"""The relationship rules as a table: role x relationship x action -> allowed, and the reason.

(`decide` adds the device rules to these; tests/access/test_decision_with_devices.py.)

No database: facts are built by hand, so every rule and every edge of DESIGN.md's ten
rules is visible here in one place.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from safekeep.access.policy import (
    ActorFacts,
    AllocationFacts,
    BreakGlassFacts,
    CaseFacts,
    Context,
    EntryFacts,
    GrantFacts,
    RiskAssessmentFacts,
    may_break_glass,
    relationship_decision,
)
from safekeep.access.vocabulary import ACTIONS, Basis, Obligation

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()
CTX = Context(now=NOW)
ME = 1
TEAM = 10
OTHER_TEAM = 20
HOUR = dt.timedelta(hours=1)

NOT_ALLOCATED = "you are not allocated to this case and have no approved access to it"
RESTRICTED = (
    "this person's records are restricted to their allocated workers and people "
    "with access approved by information governance; break-glass cannot be used"
)
ASK_MANAGER = "Ask your team manager for time-limited access."
USE_BREAK_GLASS = "In an emergency, use break-glass access and give your reason."
ASK_IG = (
    "Ask information governance for access: they decide who may see a restricted person's records."
)


def person(*roles: str, **fields: Any) -> ActorFacts:
    managed = frozenset({TEAM}) if "team_manager" in roles else frozenset()
    base = ActorFacts(
        staff_pk=ME,
        roles=frozenset(roles or ("practitioner",)),
        employment_type="employee",
        managed_team_ids=managed,
    )
    return replace(base, **fields)


def allocation(role: str = "allocated_worker", **fields: Any) -> AllocationFacts:
    return replace(AllocationFacts(role, dt.date(2026, 3, 1), None), **fields)


def grant(actions: str = "view", *, ig: bool = False, **fields: Any) -> GrantFacts:
    base = GrantFacts(frozenset(actions.split()), NOW - HOUR, NOW + HOUR, ig)
    return replace(base, **fields)


GLASS = BreakGlassFacts(NOW - HOUR, NOW + 3 * HOUR)
ASSESSMENT = RiskAssessmentFacts("approved", TEAM, "OFFICIAL", dt.date(2027, 1, 1))


def case(**fields: Any) -> CaseFacts:
    return replace(CaseFacts(100, TEAM, "OFFICIAL", False), **fields)


ALLOCATED = case(allocations=(allocation(),))
VOLUNTEER = person(employment_type="volunteer", latest_risk_assessment=ASSESSMENT)

# (name, actor, case, action, allowed, reason, basis)
TABLE: list[tuple[str, ActorFacts, CaseFacts, str, bool, str, Basis]] = [
    # Rule 1: leavers and disabled accounts.
    (
        "leaver on end date",
        person(end_date=TODAY),
        ALLOCATED,
        "view",
        True,
        "allocated worker since 2026-03-01",
        Basis.ALLOCATION,
    ),
    (
        "leaver day after",
        person(end_date=TODAY - dt.timedelta(days=1)),
        ALLOCATED,
        "view",
        False,
        "your work with the council ended on 2026-11-22",
        Basis.NONE,
    ),
    (
        "disabled account",
        person(disabled=True),
        ALLOCATED,
        "view",
        False,
        "your account is disabled",
        Basis.NONE,
    ),
    # Rule 2: roles that never see content, even when allocated.
    (
        "IT support",
        person("it_support"),
        ALLOCATED,
        "view",
        False,
        "the it support role never sees case content",
        Basis.NONE,
    ),
    (
        "sysadmin",
        person("sysadmin", "team_manager"),
        ALLOCATED,
        "view",
        False,
        "the sysadmin role never sees case content",
        Basis.NONE,
    ),
    (
        "FOI officer",
        person("foi_officer"),
        ALLOCATED,
        "view",
        False,
        "the foi officer role never sees case content",
        Basis.NONE,
    ),
    # Rule 3: one's own record, a named conflict.
    (
        "own record",
        person(),
        case(subject_staff_pk=ME, allocations=(allocation(),)),
        "view",
        False,
        "this is a record about you",
        Basis.NONE,
    ),
    (
        "own record as manager",
        person("team_manager"),
        case(subject_staff_pk=ME),
        "view",
        False,
        "this is a record about you",
        Basis.NONE,
    ),
    (
        "conflict",
        person(),
        case(conflict_staff_pks=frozenset({ME}), allocations=(allocation(),)),
        "view",
        False,
        "you are named as having a conflict with this person",
        Basis.NONE,
    ),
    (
        "someone else's conflict",
        person(),
        case(conflict_staff_pks=frozenset({2}), allocations=(allocation(),)),
        "view",
        True,
        "allocated worker since 2026-03-01",
        Basis.ALLOCATION,
    ),
    # Rule 4: restricted subjects.
    (
        "restricted, allocated",
        person(),
        case(subject_restricted=True, allocations=(allocation(),)),
        "edit",
        True,
        "allocated worker since 2026-03-01",
        Basis.ALLOCATION,
    ),
    (
        "restricted, oversight only",
        person("team_manager"),
        case(subject_restricted=True),
        "view",
        False,
        RESTRICTED,
        Basis.NONE,
    ),
    (
        "restricted, manager grant",
        person(),
        case(subject_restricted=True, grants=(grant(),)),
        "view",
        False,
        RESTRICTED,
        Basis.NONE,
    ),
    (
        "restricted, IG grant",
        person(),
        case(subject_restricted=True, grants=(grant(ig=True),)),
        "view",
        True,
        "access approved by information governance until 23 November 2026 at 1pm",
        Basis.GRANT,
    ),
    (
        "restricted, IG grant, other action",
        person("team_manager"),
        case(subject_restricted=True, grants=(grant(ig=True),)),
        "edit",
        False,
        "your time-limited access does not include 'edit'",
        Basis.NONE,
    ),
    (
        "restricted, IG view grant + manager edit grant",
        person(),
        case(subject_restricted=True, grants=(grant(ig=True), grant("edit"))),
        "edit",
        False,
        "your time-limited access does not include 'edit'",
        Basis.NONE,
    ),
    (
        "restricted, expired IG grant",
        person(),
        case(subject_restricted=True, grants=(grant(ig=True, expires_at=NOW),)),
        "view",
        False,
        RESTRICTED,
        Basis.NONE,
    ),
    (
        "restricted, break-glass",
        person(),
        case(subject_restricted=True, break_glass=(GLASS,)),
        "view",
        False,
        RESTRICTED,
        Basis.NONE,
    ),
    (
        "restricted, IG grant + break-glass",
        person(),
        case(subject_restricted=True, grants=(grant("add_entry", ig=True),), break_glass=(GLASS,)),
        "view",
        False,
        "your time-limited access does not include 'view'",
        Basis.NONE,
    ),
    # Rule 5: volunteers.
    (
        "volunteer, valid",
        VOLUNTEER,
        ALLOCATED,
        "view",
        True,
        "allocated worker since 2026-03-01",
        Basis.ALLOCATION,
    ),
    (
        "volunteer, not allocated",
        VOLUNTEER,
        case(grants=(grant(),)),
        "view",
        False,
        "volunteers see only the cases they are allocated to",
        Basis.NONE,
    ),
    (
        "volunteer, allocation ended",
        VOLUNTEER,
        case(allocations=(allocation(ends_on=TODAY - dt.timedelta(days=1)),)),
        "view",
        False,
        "volunteers see only the cases they are allocated to",
        Basis.NONE,
    ),
    (
        "volunteer, no assessment",
        replace(VOLUNTEER, latest_risk_assessment=None),
        ALLOCATED,
        "view",
        False,
        "volunteers need an approved risk assessment before seeing records",
        Basis.NONE,
    ),
    (
        "volunteer, refused",
        replace(VOLUNTEER, latest_risk_assessment=replace(ASSESSMENT, outcome="refused")),
        ALLOCATED,
        "view",
        False,
        "your latest risk assessment did not approve access to records",
        Basis.NONE,
    ),
    (
        "volunteer, review due today",
        replace(VOLUNTEER, latest_risk_assessment=replace(ASSESSMENT, review_due=TODAY)),
        ALLOCATED,
        "view",
        True,
        "allocated worker since 2026-03-01",
        Basis.ALLOCATION,
    ),
    (
        "volunteer, review overdue",
        replace(
            VOLUNTEER,
            latest_risk_assessment=replace(ASSESSMENT, review_due=TODAY - dt.timedelta(days=1)),
        ),
        ALLOCATED,
        "view",
        False,
        "your risk assessment was due for review on 2026-11-22",
        Basis.NONE,
    ),
    (
        "volunteer, other team",
        VOLUNTEER,
        case(owning_team_id=OTHER_TEAM, allocations=(allocation(),)),
        "view",
        False,
        "your risk assessment does not cover this team's records",
        Basis.NONE,
    ),
    (
        "volunteer, classification too high",
        VOLUNTEER,
        case(classification="OFFICIAL-SENSITIVE", allocations=(allocation(),)),
        "view",
        False,
        "your risk assessment covers OFFICIAL records only; this record is OFFICIAL-SENSITIVE",
        Basis.NONE,
    ),
    (
        "volunteer, sensitive clearance",
        replace(
            VOLUNTEER,
            latest_risk_assessment=replace(ASSESSMENT, max_classification="OFFICIAL-SENSITIVE"),
        ),
        case(classification="OFFICIAL-SENSITIVE", allocations=(allocation("co_worker"),)),
        "edit",
        True,
        "co-worker since 2026-03-01",
        Basis.ALLOCATION,
    ),
    # Rule 6: allocations, their roles and dates.
    (
        "co-worker",
        person(),
        case(allocations=(allocation("co_worker"),)),
        "export",
        True,
        "co-worker since 2026-03-01",
        Basis.ALLOCATION,
    ),
    (
        "supervising manager",
        person(),
        case(allocations=(allocation("supervising_manager"),)),
        "share_external",
        True,
        "supervising manager since 2026-03-01",
        Basis.ALLOCATION,
    ),
    (
        "allocation starts today",
        person(),
        case(allocations=(allocation(starts_on=TODAY),)),
        "view",
        True,
        "allocated worker since 2026-11-23",
        Basis.ALLOCATION,
    ),
    (
        "allocation starts tomorrow",
        person(),
        case(allocations=(allocation(starts_on=TODAY + dt.timedelta(days=1)),)),
        "view",
        False,
        NOT_ALLOCATED,
        Basis.NONE,
    ),
    (
        "allocation ends today",
        person(),
        case(allocations=(allocation(ends_on=TODAY),)),
        "view",
        True,
        "allocated worker since 2026-03-01",
        Basis.ALLOCATION,
    ),
    (
        "allocation ended yesterday",
        person(),
        case(allocations=(allocation(ends_on=TODAY - dt.timedelta(days=1)),)),
        "view",
        False,
        NOT_ALLOCATED,
        Basis.NONE,
    ),
    # Rule 7: team-manager oversight.
    (
        "manager of owning team",
        person("team_manager"),
        case(),
        "edit",
        True,
        "team manager of the team that owns this case",
        Basis.OVERSIGHT,
    ),
    (
        "manager of another team",
        person("team_manager"),
        case(owning_team_id=OTHER_TEAM),
        "view",
        False,
        NOT_ALLOCATED,
        Basis.NONE,
    ),
    ("practitioner of owning team", person(), case(), "view", False, NOT_ALLOCATED, Basis.NONE),
    # Rule 8: grants.
    (
        "manager grant, named action",
        person(),
        case(grants=(grant("view add_entry"),)),
        "add_entry",
        True,
        "access approved by a manager until 23 November 2026 at 1pm",
        Basis.GRANT,
    ),
    (
        "manager grant, other action",
        person(),
        case(grants=(grant(),)),
        "download",
        False,
        "your time-limited access does not include 'download'",
        Basis.NONE,
    ),
    (
        "grant starts later",
        person(),
        case(grants=(grant(starts_at=NOW + HOUR),)),
        "view",
        False,
        NOT_ALLOCATED,
        Basis.NONE,
    ),
    (
        "grant expires now",
        person(),
        case(grants=(grant(expires_at=NOW),)),
        "view",
        False,
        NOT_ALLOCATED,
        Basis.NONE,
    ),
    # Rule 9: break-glass.
    (
        "break-glass view",
        person(),
        case(break_glass=(GLASS,)),
        "view",
        True,
        "break-glass access until 23 November 2026 at 3pm",
        Basis.BREAK_GLASS,
    ),
    (
        "break-glass edit",
        person(),
        case(break_glass=(GLASS,)),
        "edit",
        False,
        "break-glass access allows viewing only",
        Basis.NONE,
    ),
    (
        "break-glass expired",
        person(),
        case(break_glass=(BreakGlassFacts(NOW - 4 * HOUR, NOW),)),
        "view",
        False,
        NOT_ALLOCATED,
        Basis.NONE,
    ),
    (
        "break-glass + grant for another action",
        person(),
        case(grants=(grant("add_entry"),), break_glass=(GLASS,)),
        "view",
        True,
        "break-glass access until 23 November 2026 at 3pm",
        Basis.BREAK_GLASS,
    ),
    # Rule 10 and unknown actions.
    (
        "IG officer with no relationship",
        person("ig_officer"),
        case(),
        "view",
        False,
        NOT_ALLOCATED,
        Basis.NONE,
    ),
    (
        "unknown action",
        person(),
        ALLOCATED,
        "delete",
        False,
        "'delete' is not an action Safekeep knows",
        Basis.NONE,
    ),
]


@pytest.mark.parametrize(
    ("actor", "resource", "action", "allowed", "reason", "basis"),
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_policy_table(
    actor: ActorFacts, resource: CaseFacts, action: str, allowed: bool, reason: str, basis: Basis
) -> None:
    decision = relationship_decision(actor, action, resource, CTX)
    assert (decision.allowed, decision.reasons, decision.basis) == (allowed, (reason,), basis)
    assert "audit" in decision.obligations


def test_refusal_advice_says_what_to_do() -> None:
    assert relationship_decision(person(), "view", case(), CTX).advice == (
        ASK_MANAGER,
        USE_BREAK_GLASS,
    )
    restricted = relationship_decision(person(), "view", case(subject_restricted=True), CTX)
    assert restricted.advice == (ASK_IG,)
    own = relationship_decision(person(), "view", case(subject_staff_pk=ME), CTX)
    assert own.advice == ("To see records about yourself, make a subject access request.",)


@pytest.mark.parametrize(
    ("actor", "resource", "sees"),
    [
        (person(), ALLOCATED, True),
        (person(), case(allocations=(allocation("supervising_manager"),)), True),
        (person(), case(allocations=(allocation("co_worker"),)), False),
        (person("team_manager"), case(allocations=(allocation("co_worker"),)), True),
        (person("team_manager"), case(), True),
        (person(), case(grants=(grant(),)), False),
        (person(), case(break_glass=(GLASS,)), False),
    ],
)
def test_sensitive_entries_are_for_allocated_worker_and_managers(
    actor: ActorFacts, resource: CaseFacts, sees: bool
) -> None:
    assert relationship_decision(actor, "view", resource, CTX).sees_sensitive_entries is sees


def test_obligations() -> None:
    glass = relationship_decision(person(), "view", case(break_glass=(GLASS,)), CTX)
    assert glass.obligations == ("audit", "alert_ig", "ig_review")
    ig = relationship_decision(
        person(), "view", case(subject_restricted=True, grants=(grant(ig=True),)), CTX
    )
    assert ig.obligations == ("audit", "alert_ig")
    sensitive = case(classification="OFFICIAL-SENSITIVE", allocations=(allocation(),))
    assert relationship_decision(person(), "print", sensitive, CTX).obligations == (
        "audit",
        "watermark",
    )
    assert relationship_decision(person(), "view", sensitive, CTX).obligations == ("audit",)
    assert relationship_decision(person(), "view", case(), CTX).as_dict() == {
        "allowed": False,
        "reasons": [NOT_ALLOCATED],
        "obligations": ["audit"],
    }


REASON = "Police called: child missing tonight"


@pytest.mark.parametrize(
    ("actor", "resource", "reason", "allowed", "message"),
    [
        (
            person(),
            case(),
            REASON,
            True,
            "break-glass access for 4 hours, view only; information governance will review it",
        ),
        (
            person(),
            case(subject_restricted=True),
            REASON,
            False,
            "break-glass cannot be used for a restricted person's records; "
            "contact information governance",
        ),
        (
            person(),
            case(),
            "x" * 19,
            False,
            "give a reason of at least 20 characters for break-glass access",
        ),
        (
            person(),
            case(),
            "  " + "x" * 19 + "  ",
            False,
            "give a reason of at least 20 characters for break-glass access",
        ),
        (
            person(),
            case(),
            "x" * 20,
            True,
            "break-glass access for 4 hours, view only; information governance will review it",
        ),
        (
            person(),
            case(),
            None,
            True,
            "break-glass access for 4 hours, view only; information governance will review it",
        ),
        (
            VOLUNTEER,
            case(),
            REASON,
            False,
            "only practitioners and managers can use break-glass access",
        ),
        (
            person("ig_officer"),
            case(),
            REASON,
            False,
            "only practitioners and managers can use break-glass access",
        ),
        (
            person("it_support"),
            case(),
            REASON,
            False,
            "the it support role never sees case content",
        ),
        (
            person(end_date=TODAY - dt.timedelta(days=1)),
            case(),
            REASON,
            False,
            "your work with the council ended on 2026-11-22",
        ),
        (
            person(),
            case(conflict_staff_pks=frozenset({ME})),
            REASON,
            False,
            "you are named as having a conflict with this person",
        ),
        (person(), case(subject_staff_pk=ME), REASON, False, "this is a record about you"),
        (
            person(),
            ALLOCATED,
            REASON,
            False,
            "you can already view this case; break-glass is not needed",
        ),
    ],
)
def test_may_break_glass(
    actor: ActorFacts, resource: CaseFacts, reason: str | None, allowed: bool, message: str
) -> None:
    decision = may_break_glass(actor, resource, CTX, reason=reason)
    assert (decision.allowed, decision.reasons) == (allowed, (message,))


# --- hypothesis: invariants over arbitrary facts -------------------------------------------

days = st.integers(min_value=-3, max_value=3).map(lambda n: TODAY + dt.timedelta(days=n))
moments = st.integers(min_value=-3, max_value=3).map(lambda n: NOW + n * HOUR)
actors = st.builds(
    ActorFacts,
    staff_pk=st.sampled_from([ME, 2]),
    roles=st.frozensets(
        st.sampled_from(["practitioner", "team_manager", "it_support", "ig_officer"]), max_size=2
    ),
    employment_type=st.sampled_from(["employee", "volunteer"]),
    managed_team_ids=st.frozensets(st.sampled_from([TEAM, OTHER_TEAM]), max_size=1),
    end_date=st.none() | days,
    disabled=st.booleans(),
    latest_risk_assessment=st.none()
    | st.builds(
        RiskAssessmentFacts,
        outcome=st.sampled_from(["approved", "refused"]),
        scope_team_id=st.sampled_from([TEAM, OTHER_TEAM]),
        max_classification=st.sampled_from(["OFFICIAL", "OFFICIAL-SENSITIVE"]),
        review_due=days,
    ),
)
cases = st.builds(
    CaseFacts,
    case_pk=st.just(100),
    owning_team_id=st.sampled_from([TEAM, OTHER_TEAM]),
    classification=st.sampled_from(["OFFICIAL", "OFFICIAL-SENSITIVE"]),
    subject_restricted=st.booleans(),
    subject_staff_pk=st.sampled_from([None, ME, 3]),
    conflict_staff_pks=st.frozensets(st.sampled_from([ME, 3]), max_size=1),
    allocations=st.lists(
        st.builds(
            AllocationFacts,
            role=st.sampled_from(["allocated_worker", "co_worker", "supervising_manager"]),
            starts_on=days,
            ends_on=st.none() | days,
        ),
        max_size=2,
    ).map(tuple),
    grants=st.lists(
        st.builds(
            GrantFacts,
            actions=st.frozensets(st.sampled_from(ACTIONS), min_size=1, max_size=3),
            starts_at=moments,
            expires_at=moments,
            ig_approved=st.booleans(),
        ),
        max_size=2,
    ).map(tuple),
    break_glass=st.lists(
        st.builds(BreakGlassFacts, started_at=moments, expires_at=moments), max_size=1
    ).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(actor=actors, resource=cases, action=st.sampled_from(ACTIONS))
def test_invariants(actor: ActorFacts, resource: CaseFacts, action: str) -> None:
    decision = relationship_decision(actor, action, resource, CTX)
    assert len(decision.reasons) == 1 and decision.reasons[0]
    if not decision.allowed:
        assert decision.basis is Basis.NONE and not decision.sees_sensitive_entries
        return
    # Nobody barred by rules 1-3 ever gets in.
    assert not actor.disabled and not (actor.end_date and actor.end_date < TODAY)
    assert not actor.roles & {"it_support"}
    assert resource.subject_staff_pk != actor.staff_pk
    assert actor.staff_pk not in resource.conflict_staff_pks
    # Restricted subjects: only allocation or an IG-approved grant.
    if resource.subject_restricted:
        assert decision.basis in {Basis.ALLOCATION, Basis.GRANT}
    if decision.basis is Basis.BREAK_GLASS:
        assert action == "view"
    if actor.is_volunteer:
        assert decision.basis is Basis.ALLOCATION


def test_policy_imports_nothing_of_django() -> None:
    code = (
        "import sys; sys.modules['django'] = None\n"
        "import safekeep.access.policy as p\n"
        "assert not [m for m in sys.modules if m.startswith('django') and sys.modules[m]]\n"
    )
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


# --- changing an existing entry (rule 6): its author, or the owning manager correcting it ---

MINE = EntryFacts(entry_pk=1, author_pk=ME)
THEIRS = EntryFacts(entry_pk=2, author_pk=3)
CORRECTS = "manager of the team that owns this case, correcting an entry someone else wrote"
ONLY_AUTHOR = (
    "only the person who wrote an entry, or a manager of the team that owns the case "
    "correcting it, can change it"
)
# (name, actor, case, entry, allowed, last reason)
EDITS: list[tuple[str, ActorFacts, CaseFacts, EntryFacts, bool, str]] = [
    ("author, allocated", person(), ALLOCATED, MINE, True, "you wrote this entry"),
    ("co-worker, not the author", person(), case(allocations=(allocation("co_worker"),)),
     THEIRS, False, ONLY_AUTHOR),
    ("allocated worker, not the author", person(), ALLOCATED, THEIRS, False, ONLY_AUTHOR),
    ("owning manager corrects", person("team_manager"), case(), THEIRS, True,
     CORRECTS + " (the reason is recorded)"),
    ("manager of another team", person("team_manager", managed_team_ids=frozenset({OTHER_TEAM})),
     ALLOCATED, THEIRS, False, ONLY_AUTHOR),
    ("volunteer, someone else's", VOLUNTEER, ALLOCATED, THEIRS, False, ONLY_AUTHOR),
    ("volunteer, own", VOLUNTEER, ALLOCATED, MINE, True, "you wrote this entry"),
    ("grant naming edit, not the author", person(), case(grants=(grant("view edit"),)),
     THEIRS, False, ONLY_AUTHOR),
    ("grant naming edit, the author", person(), case(grants=(grant("view edit"),)), MINE,
     True, "you wrote this entry"),
    ("break-glass, the author", person(), case(break_glass=(GLASS,)), MINE, False,
     "break-glass access allows viewing only"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "actor", "resource", "entry", "allowed", "reason"),
    EDITS,
    ids=[row[0] for row in EDITS],
)
def test_changing_an_entry(
    name: str,
    actor: ActorFacts,
    resource: CaseFacts,
    entry: EntryFacts,
    allowed: bool,
    reason: str,
) -> None:
    decision = relationship_decision(actor, "edit", resource, CTX, entry)
    assert (decision.allowed, decision.reasons[-1]) == (allowed, reason), name
    corrects = reason.startswith(CORRECTS)
    assert (Obligation.RECORD_REASON in decision.obligations) is corrects, name


@settings(max_examples=300, deadline=None)
@given(actor=actors, resource=cases, author=st.sampled_from([ME, 3]))
def test_only_the_author_or_the_owning_manager_changes_an_entry(
    actor: ActorFacts, resource: CaseFacts, author: int
) -> None:
    entry = EntryFacts(entry_pk=1, author_pk=author)
    decision = relationship_decision(actor, "edit", resource, CTX, entry)
    if not decision.allowed:
        return
    # Never more than editing the case at all allows...
    assert relationship_decision(actor, "edit", resource, CTX).allowed
    # ...and only the author, or a manager of the owning team (who must give a reason).
    manager = "team_manager" in actor.roles and resource.owning_team_id in actor.managed_team_ids
    assert author == actor.staff_pk or manager
    assert (Obligation.RECORD_REASON in decision.obligations) is (author != actor.staff_pk)
    assert not (actor.is_volunteer and author != actor.staff_pk) or manager
