"""The demo council reproduces the FOI response's figures, has one sign-in per role, and
shows each part of the sites and the reviews. `safekeep demo` runs once for the module."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from safekeep.accounts.models import AuthenticatorApp, User
from safekeep.audit.models import AuditEntry
from safekeep.audit.writing import Origin
from safekeep.operations.demo import resolve_steps
from safekeep.operations.demo.council import DEMO_ACCOUNTS, DEMO_PASSWORD
from safekeep.organisation.assessments import AssessmentState, volunteer_assessments
from safekeep.organisation.models import RiskAssessment, Site, StaffMember
from safekeep.reviews import schedule
from safekeep.reviews.models import AccessReview
from safekeep.reviews.services import quarter_open
from safekeep.sites import selectors
from safekeep.sites.models import Door, MissedCheck, Printer
from tests.routes import module_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo_output(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`safekeep demo` once (the slow part) for every test here: what it printed."""
    out = StringIO()
    with module_rows(django_db_blocker, tmp_path_factory.mktemp("demo-data")):
        call_command("demo", stdout=out)
        yield out.getvalue()


@pytest.fixture(autouse=True)
def data_dir(demo_output: str) -> None:
    """Overrides tests/operations/conftest.py: the keys stay in the module's data directory."""


def test_counts_reproduce_the_foi_response(demo_output: str) -> None:
    today = timezone.localdate()
    counted = StaffMember.objects.active_on(today).filter(
        employment_type="employee", works_with_vulnerable_people=True
    )
    assert counted.count() == 591
    by_directorate = dict(
        counted.values_list("directorate__name")
        .annotate(n=Count("id"))
        .values_list("directorate__name", "n")
    )
    assert by_directorate == {"Family Services": 373, "Adults and Health": 218}
    assert counted.filter(work_pattern__in=["remote", "flexible"]).count() == 591
    # Around them, the people the FOI count must leave out.
    everyone = StaffMember.objects.all()
    assert everyone.filter(employment_type="agency").exists()
    assert everyone.filter(employment_type="contractor").exists()
    assert everyone.filter(employment_type="volunteer").count() >= 10
    assert everyone.filter(works_with_vulnerable_people=False, employment_type="employee").exists()
    assert everyone.filter(end_date__lt=today).count() >= 3
    assert everyone.filter(roles__role="volunteer_manager").count() == 1
    assert Site.objects.filter(kind="children_centre").count() == 3
    assert RiskAssessment.objects.filter(outcome="approved").exists()


def test_the_foi_register_has_the_seed_s_request_pre_filled(demo_output: str) -> None:
    from safekeep.governance.models import FoiRequest

    assert FoiRequest.objects.count() == 4
    seed = FoiRequest.objects.filter(questions__matches="1a").get()
    first = seed.questions.get(position=1)
    assert first.prefilled
    assert (
        first.answer == "Total = 591, 373 are in Family Services and 218 are in Adults and Health"
    )
    assert FoiRequest.objects.filter(published=True).count() == 2
    assert FoiRequest.objects.filter(status="on_hold").count() == 1


def test_the_foi_report_gives_the_seed_s_figures(demo_output: str) -> None:
    """`safekeep foi-report` answers as the council did wherever its response gives a figure
    (1e it could not answer: the demo's complaints are counted), today and a month ago (the
    devices' made-up past and the leavers of the last month)."""
    out = StringIO()
    call_command("foi_report", "--format", "json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["q1a"] == {
        "total": 591,
        "by_directorate": {"Adults and Health": 218, "Family Services": 373},
    }
    assert report["q1b"] == {"remote_or_flexible": 591}
    assert report["q1c"] == {
        "provided_device_types": ["basic_phone", "desktop", "laptop", "smartphone", "tablet"]
    }
    assert all(report["q1d"].values()) and len(report["q1d"]) == 8
    assert report["q1f"]["answer"] == "prevent_some"
    assert report["q1g"] == {"incidents_recorded": 0, "last_12_months": 0}
    assert isinstance(report["q1e"]["complaints_last_12_months"], int)
    month_ago = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    out = StringIO()
    call_command("foi_report", "--format", "json", "--as-of", month_ago, stdout=out)
    then = json.loads(out.getvalue())
    assert then["q1a"]["total"] >= 591  # leavers of the last month were still there
    assert then["q1c"] == report["q1c"]


def test_every_team_has_a_manager(demo_output: str) -> None:
    team_ids = set(StaffMember.objects.values_list("team_id", flat=True))
    managed = set(
        StaffMember.objects.filter(roles__role="team_manager").values_list("team_id", flat=True)
    )
    assert team_ids - managed == set(
        StaffMember.objects.filter(team__name__contains="Business Support")
        .values_list("team_id", flat=True)
        .distinct()
    ) | set(
        StaffMember.objects.filter(
            team__name__in=["Information Governance", "Digital Infrastructure"]
        )
        .values_list("team_id", flat=True)
        .distinct()
    )


def _staff_of(user: User) -> StaffMember:
    """The staff member a demo account belongs to (every account belongs to one)."""
    assert user.staff is not None, user.username
    return user.staff


def test_one_demo_sign_in_per_role_and_the_table(demo_output: str) -> None:
    users = User.objects.filter(is_demo_account=True).select_related("staff")
    assert sorted(u.username for u in users) == sorted(DEMO_ACCOUNTS.values())
    roles = {u.username: _staff_of(u).role_names() for u in users}
    assert "practitioner" in roles[DEMO_ACCOUNTS["practitioner"]]
    assert "team_manager" in roles[DEMO_ACCOUNTS["team manager"]]
    assert "it_support" in roles[DEMO_ACCOUNTS["IT support"]]
    assert "ig_officer" in roles[DEMO_ACCOUNTS["IG officer"]]
    assert "foi_officer" in roles[DEMO_ACCOUNTS["FOI officer"]]
    assert "sysadmin" in roles[DEMO_ACCOUNTS["system administrator"]]
    volunteer = _staff_of(users.get(username=DEMO_ACCOUNTS["volunteer"]))
    assert volunteer.employment_type == "volunteer"
    assert volunteer.risk_assessments.get().outcome == "approved"
    assert all(u.check_password(DEMO_PASSWORD) for u in users)
    assert all(AuthenticatorApp.objects.filter(user=u, confirmed=True).exists() for u in users)
    for email in DEMO_ACCOUNTS.values():
        assert email in demo_output
    assert "safekeep demo-code EMAIL" in demo_output
    assert "┃ laptop enrolment code" in demo_output
    assert AuditEntry.objects.filter(action="demo.load", decision="done").count() == 1


def test_missing_step_modules_are_skipped_but_broken_ones_are_not() -> None:
    steps = resolve_steps(
        ["safekeep.nothing_here.demo.load", "safekeep.operations.demo.council.load_organisation"]
    )
    assert steps[0] == ("safekeep.nothing_here.demo.load", None)
    assert steps[1][1] is not None
    with pytest.raises(ImportError):
        resolve_steps(["safekeep.operations.demo.council.no_such_step"])


def test_the_demo_shows_each_part_of_the_sites(demo_output: str) -> None:
    today = timezone.localdate()
    assert not Site.objects.filter(site_id=None).exists()
    assert set(Printer.objects.values_list("release", flat=True)) == {
        "coded",
        "secure_location",
        "none",
    }
    assert all(door.code_sealed for door in Door.objects.all())
    assert selectors.open_rotations().count() == 1
    flagged = [
        visit
        for site in Site.objects.all()
        for visit in selectors.visits_still_in(site=site)
        if selectors.not_signed_out_by_end_of_day(visit, timezone.now())
    ]
    assert flagged
    assert MissedCheck.objects.exists()
    assert selectors.overdue_checkouts(today + dt.timedelta(days=1)).exists()


def test_the_demo_shows_reviews_and_assessments(demo_output: str) -> None:
    today = timezone.localdate()
    states = [row.state for row in volunteer_assessments(today)]
    assert AssessmentState.DUE_SOON in states and AssessmentState.LAPSED in states
    quarter = schedule.quarter_of(today)
    members = AccessReview.objects.filter(kind="member", period=quarter.key)
    assert members.count() > 100
    assert members.filter(outcome="confirmed").count() == 3
    restricted = AccessReview.objects.filter(kind="restricted")
    assert restricted.exists()
    assert restricted.filter(overdue_marked_on=today).count() == 1
    assert quarter_open(now=timezone.now(), origin=Origin.command("test")) == 0


def test_demo_refuses_a_database_with_staff_and_if_empty_skips_quietly(demo_output: str) -> None:
    """Last here: it runs the command again on the loaded council."""
    count = StaffMember.objects.count()
    with pytest.raises(CommandError, match=r"^The database already holds staff\."):
        call_command("demo", stdout=StringIO())
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    skipped = out.getvalue()
    assert skipped.startswith("The database already holds staff, so the demo was not loaded.\n")
    assert DEMO_ACCOUNTS["practitioner"] in skipped  # the sign-ins are shown again
    assert "┃ laptop enrolment code" not in skipped  # but no new codes are issued
    assert StaffMember.objects.count() == count
