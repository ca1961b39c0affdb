"""Access reviews: each quarter's reviews open once, a reviewer never confirms their own, a
change really takes the access away (through the services that do so elsewhere), restricted
people are reviewed by IG every 90 days, overdue reviews are flagged, and every outcome is
audited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from safekeep.access.door import AccessRefused
from safekeep.access.vocabulary import Action
from safekeep.audit.models import AuditEntry
from safekeep.core.jobs import scheduled_jobs
from safekeep.organisation.models import StaffMember, Team
from safekeep.records.models import AccessGrant, Case
from safekeep.reviews import schedule
from safekeep.reviews.errors import ReviewError
from safekeep.reviews.models import AccessReview
from safekeep.reviews.services import (
    OWN_REVIEW,
    Decision,
    overdue_mark,
    quarter_open,
    restricted_open,
    review_decide,
)
from tests.factories import (
    TEST_ORIGIN,
    case_access,
    laptop_context,
    make_case,
    make_grant,
    make_staff,
    make_team,
    make_user,
    sign_in,
)

pytestmark = pytest.mark.django_db
Outcome = AccessReview.Outcome


@dataclass
class Team_:
    team: Team
    other: Team
    manager: StaffMember
    worker: StaffMember
    outsider_manager: StaffMember
    ig: StaffMember
    case: Case
    second_case: Case
    grant: AccessGrant


@pytest.fixture
def world() -> Team_:
    team, other = make_team("Review North"), make_team("Review South")
    manager = make_staff(team=team, roles=("team_manager",), given_name="Mia")
    worker = make_staff(team=team, given_name="Wes")
    outsider = make_staff(team=other, roles=("team_manager",), given_name="Oli")
    ig = make_staff(team=other, roles=("ig_officer",), given_name="Ida")
    make_staff(team=team, end_date=dt.date(2021, 1, 1))  # a leaver: never reviewed
    case = make_case(team=team, allocated=(worker,))
    second = make_case(team=team)
    now = timezone.now()
    grant = make_grant(
        second,
        worker,
        starts_at=now - dt.timedelta(days=1),
        expires_at=now + dt.timedelta(days=30),
        status="approved",
    )
    return Team_(team, other, manager, worker, outsider, ig, case, second, grant)


def _review(staff: StaffMember) -> AccessReview:
    return AccessReview.objects.get(kind="member", staff=staff)


def _decide(review: AccessReview, by: StaffMember, decision: Decision) -> AccessReview:
    return review_decide(
        review=review, reviewer=by, decision=decision, context=laptop_context(), origin=TEST_ORIGIN
    )


def _may(staff: StaffMember, case: Case) -> bool:
    try:
        case_access(staff, case, Action.VIEW, change=False)
    except AccessRefused:
        return False
    return True


def test_the_quarter_opens_once_for_everyone_in_post(world: Team_) -> None:
    now = timezone.now()
    in_post = StaffMember.objects.active_on(timezone.localdate(now)).count()
    assert quarter_open(now=now, origin=TEST_ORIGIN) == in_post == 4
    assert quarter_open(now=now, origin=TEST_ORIGIN) == 0  # running twice opens nothing new
    review = _review(world.worker)
    quarter = schedule.quarter_of(timezone.localdate(now))
    assert review.period == quarter.key and review.due_on == quarter.last_day
    assert review.team == world.team
    opened = AuditEntry.objects.filter(action="access_review.open", object_id="Review North")
    assert opened.count() == 1 and "2 access reviews opened" in opened.get().reasons[0]
    # The next quarter opens its own.
    later = now + dt.timedelta(days=100)
    assert quarter_open(now=later, origin=TEST_ORIGIN) == in_post


def test_the_run_jobs_job_is_idempotent(world: Team_) -> None:
    job = next(job for job in scheduled_jobs() if job.name == "access-reviews")
    now = timezone.now()
    assert "4 quarterly access reviews opened" in job.run(now, TEST_ORIGIN)
    assert job.run(now, TEST_ORIGIN) == ""
    assert AccessReview.objects.count() == 4


def test_a_reviewer_cannot_confirm_their_own(world: Team_) -> None:
    quarter_open(now=timezone.now(), origin=TEST_ORIGIN)
    own = _review(world.manager)
    with pytest.raises(ReviewError) as raised:
        _decide(own, world.manager, Decision(Outcome.CONFIRMED))
    assert raised.value.message == OWN_REVIEW
    own.refresh_from_db()
    assert own.is_open
    refused = AuditEntry.objects.get(action="access_review.decide", decision="refused")
    assert refused.reasons == [OWN_REVIEW] and refused.object_id == str(own.pk)
    # Another team's manager may not either; information governance may.
    with pytest.raises(ReviewError, match="Only the manager of this person's team"):
        _decide(_review(world.worker), world.outsider_manager, Decision(Outcome.CONFIRMED))
    _decide(own, world.ig, Decision(Outcome.CONFIRMED))
    assert AccessReview.objects.get(pk=own.pk).outcome == Outcome.CONFIRMED


def test_confirming_is_audited_and_happens_once(world: Team_) -> None:
    quarter_open(now=timezone.now(), origin=TEST_ORIGIN)
    review = _decide(_review(world.worker), world.manager, Decision(Outcome.CONFIRMED, note="ok"))
    assert review.outcome == Outcome.CONFIRMED and review.decided_by == world.manager
    entry = AuditEntry.objects.get(action="access_review.confirmed")
    assert entry.object_type == "access_review" and entry.object_id == str(review.pk)
    assert "access confirmed as it stands" in entry.reasons and "note: ok" in entry.reasons
    with pytest.raises(ReviewError, match="already been decided"):
        _decide(review, world.manager, Decision(Outcome.CONFIRMED))
    assert _may(world.worker, world.case)  # confirming changes nothing


def test_a_change_really_removes_the_access(world: Team_) -> None:
    quarter_open(now=timezone.now(), origin=TEST_ORIGIN)
    allocation = world.case.allocations.get(staff=world.worker)
    assert _may(world.worker, world.case) and _may(world.worker, world.second_case)
    review = _decide(
        _review(world.worker),
        world.manager,
        Decision(
            Outcome.CHANGED,
            end_grants=frozenset({world.grant.pk}),
            end_allocations=frozenset({allocation.pk}),
        ),
    )
    assert not _may(world.worker, world.case)  # refused afterwards, by the real decision
    assert not _may(world.worker, world.second_case)
    world.grant.refresh_from_db()
    assert world.grant.status == AccessGrant.Status.REVOKED
    # The same audit as elsewhere: the services' own entries, then the review's outcome.
    assert AuditEntry.objects.filter(action="grant.revoke").count() == 1
    assert AuditEntry.objects.filter(action="allocation.end").count() == 1
    entry = AuditEntry.objects.get(action="access_review.changed")
    assert any(f"access to case {world.second_case.case_id}" in r for r in entry.reasons)
    assert any(f"allocation to case {world.case.case_id}" in r for r in entry.reasons)
    assert review.changes == entry.reasons[1:]


def test_removing_a_role_goes_through_the_staff_service(world: Team_) -> None:
    deputy = make_staff(team=world.team, roles=("practitioner", "team_manager"), given_name="Dee")
    quarter_open(now=timezone.now(), origin=TEST_ORIGIN)
    _decide(
        _review(deputy),
        world.manager,
        Decision(Outcome.CHANGED, remove_roles=frozenset({"team_manager"})),
    )
    assert deputy.role_names() == {"practitioner"}
    update = AuditEntry.objects.get(action="staff.update", object_id=deputy.staff_id)
    assert update.actor_username == TEST_ORIGIN.actor_username
    assert (
        "removed the role Team manager"
        in AuditEntry.objects.get(action="access_review.changed").reasons
    )
    # Taking every role away is refused with a reason, and nothing changes.
    with pytest.raises(ReviewError, match="at least one role"):
        _decide(
            _review(world.worker),
            world.manager,
            Decision(Outcome.CHANGED, remove_roles=frozenset({"practitioner"})),
        )
    assert world.worker.role_names() == {"practitioner"}


def test_removing_access_ends_every_grant_and_allocation(world: Team_) -> None:
    quarter_open(now=timezone.now(), origin=TEST_ORIGIN)
    _decide(_review(world.worker), world.manager, Decision(Outcome.ACCESS_REMOVED))
    assert not _may(world.worker, world.case) and not _may(world.worker, world.second_case)
    entry = AuditEntry.objects.get(action="access_review.access_removed")
    assert len(entry.reasons) == 3  # whom and when, the grant, the allocation


@pytest.mark.parametrize(
    ("decision", "words"),
    [
        (Decision(Outcome.CHANGED), "Choose what to end"),
        (Decision(Outcome.CONFIRMED, end_grants=frozenset({1})), "also chose things to end"),
        (Decision(Outcome.CHANGED, end_grants=frozenset({999_999})), "this person holds now"),
        (Decision("maybe"), "Choose whether"),
    ],
)
def test_a_muddled_decision_is_refused_with_words(
    world: Team_, decision: Decision, words: str
) -> None:
    quarter_open(now=timezone.now(), origin=TEST_ORIGIN)
    with pytest.raises(ReviewError, match=words):
        _decide(_review(world.worker), world.manager, decision)
    assert _review(world.worker).is_open
    assert not AuditEntry.objects.filter(action__startswith="access_review.c").exists()


def test_restricted_people_are_reviewed_by_ig_every_90_days(world: Team_) -> None:
    restricted = make_case(team=world.team, restricted=True, allocated=(world.worker,))
    now = timezone.now()
    assert restricted_open(now=now, origin=TEST_ORIGIN) == 1
    assert restricted_open(now=now, origin=TEST_ORIGIN) == 0
    review = AccessReview.objects.get(kind="restricted")
    assert review.subject == restricted.subject
    assert review.due_on == timezone.localdate(now) + dt.timedelta(days=14)
    with pytest.raises(ReviewError, match="Only information governance"):
        _decide(review, world.manager, Decision(Outcome.CONFIRMED))
    _decide(review, world.ig, Decision(Outcome.CONFIRMED))
    entry = AuditEntry.objects.get(action="access_review.confirmed")
    assert entry.subject_id == restricted.subject.subject_id
    # The next one opens 14 days before 90 days have passed, and not a day sooner.
    assert restricted_open(now=now + dt.timedelta(days=75), origin=TEST_ORIGIN) == 0
    assert restricted_open(now=now + dt.timedelta(days=76), origin=TEST_ORIGIN) == 1
    second = AccessReview.objects.get(kind="restricted", outcome=Outcome.OPEN)
    assert second.due_on == timezone.localdate(now) + dt.timedelta(days=90)


def test_overdue_reviews_are_marked_once_and_flagged_on_both_pages(
    client: Client, world: Team_
) -> None:
    now = timezone.now()
    quarter_open(now=now, origin=TEST_ORIGIN)
    make_case(team=world.team, restricted=True)
    restricted_open(now=now, origin=TEST_ORIGIN)
    assert overdue_mark(now=now, origin=TEST_ORIGIN) == 0
    after = now + dt.timedelta(days=100)  # past the quarter's last day and the 14 days
    assert overdue_mark(now=after, origin=TEST_ORIGIN) == 5
    assert overdue_mark(now=after, origin=TEST_ORIGIN) == 0
    assert AuditEntry.objects.filter(action="access_review.overdue").count() == 5
    # Flagged on the pages (their due days have passed by today's date too).
    AccessReview.objects.update(due_on=timezone.localdate() - dt.timedelta(days=1))
    sign_in(client, make_user(world.manager))
    page = client.get("/reviews/")
    assert page.status_code == 200 and "2 reviews overdue" in page.text
    ig = sign_in(Client(), make_user(world.ig))
    page = ig.get("/reviews/")
    assert "1 restriction review overdue" in page.text
    assert "Overdue team reviews" in page.text and "Wes" in page.text


def test_a_manager_reviews_on_the_page(client: Client, world: Team_) -> None:
    quarter_open(now=timezone.now(), origin=TEST_ORIGIN)
    review = _review(world.worker)
    sign_in(client, make_user(world.manager))
    listing = client.get("/reviews/")
    assert f"/reviews/{review.pk}/" in listing.text
    assert f"/reviews/{_review(world.manager).pk}/" not in listing.text  # not their own
    assert client.get(f"/reviews/{_review(world.manager).pk}/").status_code == 403
    page = client.get(f"/reviews/{review.pk}/")
    assert page.status_code == 200 and world.case.case_id in page.text
    bad = client.post(f"/reviews/{review.pk}/", {"outcome": "changed"})
    assert bad.status_code == 400 and "Choose what to end" in bad.text
    allocation = world.case.allocations.get(staff=world.worker)
    done = client.post(
        f"/reviews/{review.pk}/", {"outcome": "changed", "end_allocations": [allocation.pk]}
    )
    assert done.status_code == 302
    assert not _may(world.worker, world.case)


# --- the dates ----------------------------------------------------------------------------

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


@given(day=days)
def test_each_day_is_in_exactly_one_quarter_which_ends_where_the_next_begins(day: dt.date) -> None:
    quarter = schedule.quarter_of(day)
    assert quarter.first_day <= day <= quarter.last_day
    following = schedule.quarter_of(quarter.last_day + dt.timedelta(days=1))
    assert following.first_day == quarter.last_day + dt.timedelta(days=1)
    assert following > quarter
    assert schedule.quarter_of(quarter.first_day) == quarter


@given(last=st.none() | days, today=days)
def test_a_restriction_is_reviewed_every_90_days_with_14_days_notice(
    last: dt.date | None, today: dt.date
) -> None:
    due = schedule.restricted_due_on(last, today)
    opens = schedule.restricted_review_opens(due, today)
    if last is None:
        assert opens and due == today + dt.timedelta(days=14)
    else:
        assert due == last + dt.timedelta(days=90)
        assert opens == ((today - last).days >= 76)
    assert schedule.is_overdue(due, today) == (today > due)


def test_ig_ends_a_grant_on_a_restricted_persons_record(world: Team_) -> None:
    restricted = make_case(team=world.team, restricted=True)
    now = timezone.now()
    grant = make_grant(
        restricted,
        world.worker,
        starts_at=now - dt.timedelta(days=1),
        expires_at=now + dt.timedelta(days=10),
        status="approved",
        ig_approved=True,
    )
    assert _may(world.worker, restricted)
    restricted_open(now=now, origin=TEST_ORIGIN)
    review = AccessReview.objects.get(kind="restricted")
    _decide(review, world.ig, Decision(Outcome.CHANGED, end_grants=frozenset({grant.pk})))
    assert not _may(world.worker, restricted)
    entry = AuditEntry.objects.get(action="access_review.changed")
    assert entry.subject_id == restricted.subject.subject_id
    assert AuditEntry.objects.filter(action="grant.revoke").count() == 1


def test_a_change_the_door_refuses_changes_nothing(world: Team_) -> None:
    """A grant on another team's case is the owning team's manager's (or IG's) to end: the
    reviewer is told why, the door's refusal is recorded, and nothing else changes."""
    elsewhere = make_case(team=world.other)
    now = timezone.now()
    grant = make_grant(
        elsewhere,
        world.worker,
        starts_at=now - dt.timedelta(days=1),
        expires_at=now + dt.timedelta(days=10),
        status="approved",
    )
    allocation = world.case.allocations.get(staff=world.worker)
    quarter_open(now=now, origin=TEST_ORIGIN)
    with pytest.raises(ReviewError, match="You cannot make that change"):
        _decide(
            _review(world.worker),
            world.manager,
            Decision(
                Outcome.CHANGED,
                end_grants=frozenset({grant.pk}),
                end_allocations=frozenset({allocation.pk}),
            ),
        )
    grant.refresh_from_db()
    assert grant.status == AccessGrant.Status.APPROVED
    assert _may(world.worker, world.case)  # the allocation was not ended either
    assert _review(world.worker).is_open
    refused = AuditEntry.objects.get(decision="refused", action="accessgrant.decide_grant")
    assert "only the manager of the team that owns this case" in refused.reasons[0]
    assert not AuditEntry.objects.filter(action="allocation.end").exists()
