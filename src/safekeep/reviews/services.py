"""Opening and deciding access reviews.

A quarter's reviews are opened by `safekeep run-jobs` (once: a review is kept per person
and quarter). A team manager confirms or changes each member of their team's access; never
their own (another manager of the team, or information governance, reviews a manager).
Information governance reviews each restricted person's restriction every 90 days.

A change goes through the services that already make it, so it is audited and takes effect
exactly as it does elsewhere: a role is removed by `organisation.services.staff_update`, a
grant ended by `records.services.grant_revoke` and an allocation by `allocation_end`, each
after the door has allowed the reviewer to do it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from safekeep.access import door
from safekeep.access.door import AccessRefused, CaseAccess, DutyAccess
from safekeep.access.policy import Context
from safekeep.access.vocabulary import Duty
from safekeep.audit.writing import Origin, audit_change, audit_event
from safekeep.core import bulk
from safekeep.organisation.assessments import (
    AssessmentState,
    assessment_words,
    volunteer_assessments,
)
from safekeep.organisation.models import Role, StaffMember, Team
from safekeep.organisation.roles import RoleName
from safekeep.organisation.services import StaffDetails, StaffInvalid, staff_update
from safekeep.records.models import AccessGrant, Allocation, Subject
from safekeep.records.services import RecordsError, allocation_end, grant_revoke
from safekeep.reviews import schedule
from safekeep.reviews.errors import ReviewError
from safekeep.reviews.models import AccessReview, AssessmentNotice
from safekeep.reviews.selectors import Holdings, holdings

Outcome = AccessReview.Outcome
OWN_REVIEW = (
    "You cannot confirm or change your own access: another manager of your team, or "
    "information governance, reviews it"
)
ONLY_TEAM_MANAGER = "Only the manager of this person's team, or information governance, reviews it"
ONLY_IG = "Only information governance reviews a restricted person's records"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- opening ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QuarterPlan:
    """This quarter's member reviews to open, worked out before the write (`quarter_plan`)."""

    quarter: schedule.Quarter
    today: dt.date
    already: frozenset[int]  # staff with this quarter's review when the plan was made
    new: tuple[AccessReview, ...]
    statement: bulk.Statement
    team_names: dict[int, str]

    def write(self, origin: Origin) -> int:
        """Open the reviews (one statement) and audit them per team. Someone given a review
        since the plan was made (a second run-jobs) is left out: the plan is made again."""
        if _reviewed_this_quarter(self.quarter) != self.already:
            return quarter_plan_for(self.quarter, self.today).write(origin)
        self.statement.run()
        for team_id in sorted({review.team_id for review in self.new if review.team_id}):
            count = sum(1 for review in self.new if review.team_id == team_id)
            audit_event(
                origin=origin,
                action="access_review.open",
                decision="done",
                object_type="team",
                object_id=self.team_names[team_id],
                reasons=[
                    f"{count} access reviews opened for {self.quarter.words}",
                    f"due {_day(self.quarter.last_day)}",
                ],
            )
        return len(self.new)


def _reviewed_this_quarter(quarter: schedule.Quarter) -> frozenset[int]:
    return frozenset(
        AccessReview.objects.filter(kind=AccessReview.Kind.MEMBER, period=quarter.key)
        .values_list("staff_id", flat=True)
        .iterator()
    )


def quarter_plan(*, now: dt.datetime) -> QuarterPlan:
    """The plan of this quarter's review of every member of staff in post, due by its last
    day; nothing for a person already reviewed (or open) this quarter."""
    today = timezone.localdate(now)
    return quarter_plan_for(schedule.quarter_of(today), today)


def quarter_plan_for(quarter: schedule.Quarter, today: dt.date) -> QuarterPlan:
    already = _reviewed_this_quarter(quarter)
    new = tuple(
        AccessReview(
            kind=AccessReview.Kind.MEMBER,
            period=quarter.key,
            staff_id=staff_pk,
            team_id=team_pk,
            opened_on=today,
            due_on=quarter.last_day,
        )
        for staff_pk, team_pk in StaffMember.objects.active_on(today)
        .order_by("pk")
        .values_list("pk", "team_id")
        .iterator()
        if staff_pk not in already
    )
    teams = {review.team_id for review in new if review.team_id}
    return QuarterPlan(
        quarter=quarter,
        today=today,
        already=already,
        new=new,
        statement=bulk.insert(AccessReview, new),
        team_names=dict(Team.objects.filter(pk__in=teams).values_list("pk", "name")),
    )


def quarter_open(*, now: dt.datetime, origin: Origin) -> int:
    """Open this quarter's review of every member of staff in post (plan and write at once;
    run-jobs plans before its transaction). Idempotent."""
    return quarter_plan(now=now).write(origin)


def restricted_open(*, now: dt.datetime, origin: Origin) -> int:
    """Open the review of each restricted person whose restriction is due within 14 days
    (90 days after its last review; at once if never reviewed). Idempotent."""
    today = timezone.localdate(now)
    opened = 0
    for subject in Subject.objects.filter(restricted=True).order_by("pk"):
        reviews = AccessReview.objects.filter(kind=AccessReview.Kind.RESTRICTED, subject=subject)
        if reviews.filter(outcome=Outcome.OPEN).exists():
            continue
        last = reviews.exclude(decided_at=None).order_by("-decided_at").first()
        last_day = timezone.localdate(last.decided_at) if last and last.decided_at else None
        due_on = schedule.restricted_due_on(last_day, today)
        if not schedule.restricted_review_opens(due_on, today):
            continue
        review, created = AccessReview.objects.get_or_create(
            kind=AccessReview.Kind.RESTRICTED,
            period=due_on.isoformat(),
            subject=subject,
            defaults={"opened_on": today, "due_on": due_on},
        )
        if created:
            opened += 1
            audit_change(
                origin,
                "access_review.open",
                review,
                subject_id=subject.subject_id,
                reasons=[f"restriction review due {_day(due_on)}"],
            )
    return opened


def overdue_mark(*, now: dt.datetime, origin: Origin) -> int:
    """Mark each open review past its due day overdue, once (audited), so it is flagged
    on the reviewer's and information governance's pages."""
    today = timezone.localdate(now)
    due = AccessReview.objects.filter(
        outcome=Outcome.OPEN, due_on__lt=today, overdue_marked_on=None
    ).select_related("staff", "subject", "team")
    marked = 0
    for review in due.order_by("pk"):
        review.overdue_marked_on = today
        review.save(update_fields=["overdue_marked_on"])
        audit_change(
            origin,
            "access_review.overdue",
            review,
            subject_id=review.subject.subject_id if review.subject else "",
            reasons=[f"review of {review.about} was due {_day(review.due_on)}"],
        )
        marked += 1
    return marked


# --- deciding -----------------------------------------------------------------------------


def reviewer_refusal(reviewer: StaffMember, review: AccessReview, today: dt.date) -> str:
    """Why `reviewer` may not decide `review` ("" when they may)."""
    roles = reviewer.role_names() if not reviewer.is_leaver(today) else set()
    if review.kind == AccessReview.Kind.RESTRICTED:
        return "" if RoleName.IG_OFFICER in roles else ONLY_IG
    if review.staff_id == reviewer.pk:
        return OWN_REVIEW
    if RoleName.IG_OFFICER in roles:
        return ""
    if RoleName.TEAM_MANAGER in roles and reviewer.team_id == review.team_id:
        return ""
    return ONLY_TEAM_MANAGER


@dataclass(frozen=True, slots=True)
class Decision:
    """What the reviewer chose: the outcome and, for "changed", what to take away."""

    outcome: str
    remove_roles: frozenset[str] = frozenset()
    end_grants: frozenset[int] = frozenset()
    end_allocations: frozenset[int] = frozenset()
    note: str = ""


def review_decide(
    *,
    review: AccessReview,
    reviewer: StaffMember,
    decision: Decision,
    context: Context,
    origin: Origin,
) -> AccessReview:
    """Confirm the access, change it (the roles, grants and allocations chosen), or remove
    it (every grant and allocation). Raises `ReviewError` with words to show; a refusal, by
    the review rules or by the door for one of the changes, is audited and nothing changes.
    """
    now = context.now
    today = context.today
    refusal = reviewer_refusal(reviewer, review, today)
    if refusal:
        audit_event(
            origin=origin,
            action="access_review.decide",
            decision="refused",
            object_type=AccessReview.audit_type,
            object_id=str(review.pk),
            subject_id=review.subject.subject_id if review.subject else "",
            reasons=[refusal],
        )
        raise ReviewError(refusal)
    if not review.is_open:
        raise ReviewError("This review has already been decided")
    held = holdings(review, now)
    grants, allocations, roles = _chosen(review, decision, held)
    # The door first, outside the change: a refusal is recorded whatever happens next.
    try:
        grant_accesses = [
            (grant, door.grant_access(staff=reviewer, grant=grant, context=context, origin=origin))
            for grant in grants
        ]
        allocation_accesses = [
            (allocation, _allocate_access(reviewer, allocation, context, origin))
            for allocation in allocations
        ]
    except AccessRefused as refused:
        words = "; ".join(refused.decision.words) or "the access rules do not allow it"
        raise ReviewError(f"You cannot make that change: {words}") from refused
    with transaction.atomic():
        review = AccessReview.objects.select_for_update().get(pk=review.pk)
        if not review.is_open:
            raise ReviewError("This review has already been decided")
        try:
            changes = [_end_grant(grant, access) for grant, access in grant_accesses]
            changes += [
                _end_allocation(allocation, access, today)
                for allocation, access in allocation_accesses
            ]
        except RecordsError as error:  # e.g. the grant was revoked meanwhile, elsewhere
            raise ReviewError(error.message, field="outcome") from error
        if roles:
            changes += _remove_roles(review, roles, origin, today)
        review.outcome = decision.outcome
        review.changes = changes
        review.note = decision.note.strip()
        review.decided_by = reviewer
        review.decided_at = now
        review.save()
        reasons = [f"review of {review.about} for {_period_words(review)}"]
        reasons += changes or ["access confirmed as it stands"]
        if review.note:
            reasons.append(f"note: {review.note}")
        audit_change(
            origin,
            f"access_review.{decision.outcome}",
            review,
            subject_id=review.subject.subject_id if review.subject else "",
            reasons=reasons,
        )
    return review


def _period_words(review: AccessReview) -> str:
    if review.kind == AccessReview.Kind.MEMBER:
        year, number = review.period.split("-Q")
        return schedule.Quarter(int(year), int(number)).words
    return f"the restriction due {_day(review.due_on)}"


def _chosen(
    review: AccessReview, decision: Decision, held: Holdings
) -> tuple[list[AccessGrant], list[Allocation], frozenset[str]]:
    """Check the choice against what is held; what to end and the roles to remove."""
    grants = {grant.pk: grant for grant in held.grants}
    allocations = {allocation.pk: allocation for allocation in held.allocations}
    roles = {role for role, _ in held.roles}
    chose_any = decision.remove_roles or decision.end_grants or decision.end_allocations
    if decision.outcome == Outcome.CONFIRMED:
        if chose_any:
            raise ReviewError(
                "You chose to confirm the access but also chose things to end: choose "
                "\u201cChange it\u201d to end them, or untick them",
                field="outcome",
            )
        return [], [], frozenset()
    if decision.outcome == Outcome.ACCESS_REMOVED:
        if review.kind != AccessReview.Kind.MEMBER:
            raise ReviewError("Choose whether to confirm or change the access", field="outcome")
        return list(grants.values()), list(allocations.values()), frozenset()
    if decision.outcome != Outcome.CHANGED:
        raise ReviewError("Choose whether to confirm, change or remove the access", field="outcome")
    if not chose_any:
        raise ReviewError(
            "Choose what to end: a role, an access grant or an allocation", field="outcome"
        )
    unknown_roles = decision.remove_roles - roles
    if unknown_roles or not decision.end_grants <= grants.keys():
        raise ReviewError("Choose only roles and access this person holds now", field="outcome")
    if not decision.end_allocations <= allocations.keys():
        raise ReviewError("Choose only allocations in force now", field="outcome")
    if decision.remove_roles and decision.remove_roles >= roles:
        raise ReviewError(
            "Someone must keep at least one role: to take away all their case access choose "
            "\u201cRemove their access\u201d",
            field="remove_roles",
        )
    return (
        [grants[pk] for pk in sorted(decision.end_grants)],
        [allocations[pk] for pk in sorted(decision.end_allocations)],
        frozenset(decision.remove_roles),
    )


def _allocate_access(
    reviewer: StaffMember, allocation: Allocation, context: Context, origin: Origin
) -> CaseAccess:
    return door.case_duty_access(
        staff=reviewer,
        case_id=allocation.case.case_id,
        duty=Duty.ALLOCATE,
        context=context,
        origin=origin,
        change=True,
    )


def _end_grant(grant: AccessGrant, access: DutyAccess) -> str:
    grant_revoke(access=access, grant=grant)
    until = timezone.localdate(grant.expires_at)
    return (
        f"ended {grant.grantee.full_name}'s access to case {grant.case.case_id} "
        f"({', '.join(grant.action_list())}), granted until {_day(until)}"
    )


def _end_allocation(allocation: Allocation, access: CaseAccess, today: dt.date) -> str:
    ends_on = max(allocation.starts_on, today - dt.timedelta(days=1))
    allocation_end(access=access, allocation=allocation, ends_on=ends_on)
    return (
        f"ended {allocation.staff.full_name}'s allocation to case {allocation.case.case_id} "
        f"as {allocation.get_role_display().lower()}"
    )


def _remove_roles(
    review: AccessReview, roles: Collection[str], origin: Origin, today: dt.date
) -> list[str]:
    staff = review.staff
    assert staff is not None  # nosec B101 # a member review is about a person
    keep = frozenset(staff.role_names()) - set(roles)
    details = StaffDetails(
        given_name=staff.given_name,
        family_name=staff.family_name,
        email=staff.email,
        team=staff.team,
        roles=keep,
        employment_type=staff.employment_type,
        works_with_vulnerable_people=staff.works_with_vulnerable_people,
        work_pattern=staff.work_pattern,
        start_date=staff.start_date,
        end_date=staff.end_date,
    )
    try:
        staff_update(origin=origin, staff=staff, details=details, today=today)
    except StaffInvalid as invalid:
        raise ReviewError(invalid.message, field="remove_roles") from invalid
    labels = dict(Role.choices)
    return [f"removed the role {labels.get(role, role)}" for role in sorted(roles)]


# --- volunteers' assessments --------------------------------------------------------------


def assessment_notices(*, now: dt.datetime, origin: Origin) -> int:
    """Note, once each, every volunteer whose latest assessment is due for review within 14
    days or has lapsed (a lapsed one grants nothing: access.policy rule 5), in the audit log
    in words; the managers' page flags them whenever it is opened."""
    today = timezone.localdate(now)
    noted = 0
    for row in volunteer_assessments(today):
        if not row.flagged or row.latest is None or row.state is None:
            continue
        _, created = AssessmentNotice.objects.get_or_create(
            assessment=row.latest, state=str(row.state), defaults={"noted_on": today}
        )
        if not created:
            continue
        noted += 1
        lapsed = row.state == AssessmentState.LAPSED
        audit_change(
            origin,
            "risk_assessment.lapsed" if lapsed else "risk_assessment.review_due",
            row.volunteer,
            reasons=[
                f"{row.volunteer.full_name}'s risk assessment "
                + ("lapsed" if lapsed else "is due for review")
                + f" on {_day(row.latest.review_due)}",
                *assessment_words(row.latest),
            ],
        )
    return noted
